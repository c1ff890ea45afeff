//! Where the links, headings and link targets landed on the printed pages.
//!
//! WebKit's PDF has neither link annotations nor bookmarks. So the page is printed a second
//! time, laid out the same, with everything invisible but a background of its own colour on
//! each link, heading and link target ([`SCRIPT`] paints them, in a script world of its own),
//! and the rectangles filled with those colours are read back from that PDF's drawing
//! operators: the boxes WebKit laid out, on the pages it chose.

use std::collections::HashMap;
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Document, Object};
use serde::Deserialize;

/// The blue of every mark's colour; red and green hold its number.
const MARK_BLUE: u8 = 171;

/// Marks each link (web, mail and in-page), each heading and each in-page link's target with
/// a colour of its own, hides everything else, and says what each colour marks, as JSON.
pub const SCRIPT: &str = r#"(() => {
  const hide = document.createElement('style');
  hide.textContent = '*, *::before, *::after { color: transparent !important; background: transparent !important;'
    + ' border-color: transparent !important; box-shadow: none !important; text-shadow: none !important;'
    + ' text-decoration-color: transparent !important; outline: none !important; caret-color: transparent !important; }'
    + ' img, svg, math, video, input { visibility: hidden !important; }';
  document.head.append(hide);
  const marks = [];
  const mark = (el, entry) => {
    const id = marks.length + 1;
    if (id > 65000) return;
    el.style.setProperty('background', `rgb(${id >> 8}, ${id & 255}, 171)`, 'important');
    marks.push(Object.assign({ id, el }, entry));
  };
  const targets = new Set();
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href.startsWith('#') && href.length > 1) {
      let target = href.slice(1);
      try { target = decodeURIComponent(target); } catch (e) {}
      targets.add(target);
      mark(a, { link: href });
    } else if (/^(https?:|mailto:)/i.test(href)) {
      mark(a, { link: href });
    }
  }
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    mark(h, { level: Number(h.tagName[1]), text: h.textContent.trim().replace(/\s+/g, ' '), anchor: h.id || null });
  }
  for (const id of targets) {
    const el = document.getElementById(id);
    if (!el || /^H[1-6]$/.test(el.tagName)) continue;
    // A target that is itself a link (a footnote's reference, linked back to) keeps its colour.
    const marked = marks.find((m) => m.el === el);
    if (marked) marked.anchor = id;
    else mark(el, { anchor: id });
  }
  for (const m of marks) delete m.el;
  return JSON.stringify(marks);
})()"#;

/// What one colour marks.
#[derive(Debug, Clone, Deserialize)]
pub struct Mark {
    pub id: u32,
    /// A link's `href`.
    #[serde(default)]
    pub link: Option<String>,
    /// A heading's level, 1 to 6.
    #[serde(default)]
    pub level: Option<u8>,
    /// A heading's text.
    #[serde(default)]
    pub text: Option<String>,
    /// The id a heading or another link target is reached by.
    #[serde(default)]
    pub anchor: Option<String>,
}

/// A rectangle on a page (0-based), in PDF units: left, bottom, right, top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spot {
    pub page: usize,
    pub rect: [f32; 4],
}

/// The marks with every rectangle each one was painted as, in document order.
pub struct Placed {
    pub marks: Vec<(Mark, Vec<Spot>)>,
}

pub fn place(found: &str, geometry: &Path) -> Result<Placed, String> {
    let marks: Vec<Mark> = serde_json::from_str(found)
        .map_err(|e| format!("the page's links could not be read: {e}"))?;
    let doc =
        Document::load(geometry).map_err(|e| format!("the printed PDF can't be read: {e}"))?;
    let mut spots: HashMap<u32, Vec<Spot>> = HashMap::new();
    for (page, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        let content = doc.get_page_content(page_id);
        let resources = doc
            .get_page_resources(page_id)
            .ok()
            .and_then(|(own, _)| own.cloned());
        walk(
            &doc,
            &content,
            resources.as_ref(),
            IDENTITY,
            page,
            &mut spots,
            0,
        );
    }
    Ok(Placed {
        marks: marks
            .into_iter()
            .map(|m| {
                let found = spots.remove(&m.id).unwrap_or_default();
                (m, found)
            })
            .collect(),
    })
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: Matrix, n: Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn number(object: &Object) -> f32 {
    match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// The mark a fill colour stands for, if it is one.
fn mark_of(rgb: [f32; 3]) -> Option<u32> {
    let channel = |v: f32| (v * 255.0).round().clamp(0.0, 255.0) as u32;
    let (r, g, b) = (channel(rgb[0]), channel(rgb[1]), channel(rgb[2]));
    (b == u32::from(MARK_BLUE) && (r, g) != (0, 0)).then_some((r << 8) | g)
}

/// Follows one content stream's drawing, and the forms it draws, noting each filled path in a
/// mark's colour.
fn walk(
    doc: &Document,
    content: &[u8],
    resources: Option<&lopdf::Dictionary>,
    start: Matrix,
    page: usize,
    spots: &mut HashMap<u32, Vec<Spot>>,
    depth: usize,
) {
    let Ok(content) = Content::decode(content) else {
        return;
    };
    let mut stack = Vec::new();
    let mut ctm = start;
    let mut fill = [0.0f32; 3];
    let mut path: Vec<(f32, f32)> = Vec::new();
    for op in &content.operations {
        let args: Vec<f32> = op.operands.iter().map(number).collect();
        match op.operator.as_str() {
            "q" => stack.push((ctm, fill)),
            "Q" => {
                if let Some((m, f)) = stack.pop() {
                    ctm = m;
                    fill = f;
                }
            }
            "cm" if args.len() == 6 => {
                ctm = multiply([args[0], args[1], args[2], args[3], args[4], args[5]], ctm)
            }
            "rg" | "sc" | "scn" if args.len() == 3 => fill = [args[0], args[1], args[2]],
            "re" if args.len() == 4 => {
                let (x, y, w, h) = (args[0], args[1], args[2], args[3]);
                for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                    path.push(apply(ctm, px, py));
                }
            }
            "m" | "l" if args.len() == 2 => path.push(apply(ctm, args[0], args[1])),
            "c" if args.len() == 6 => path.push(apply(ctm, args[4], args[5])),
            "f" | "f*" | "F" | "B" | "B*" | "b" | "b*" => {
                if let (Some(id), false) = (mark_of(fill), path.is_empty()) {
                    let xs = path.iter().map(|p| p.0);
                    let ys = path.iter().map(|p| p.1);
                    let rect = [
                        xs.clone().fold(f32::MAX, f32::min),
                        ys.clone().fold(f32::MAX, f32::min),
                        xs.fold(f32::MIN, f32::max),
                        ys.fold(f32::MIN, f32::max),
                    ];
                    spots.entry(id).or_default().push(Spot { page, rect });
                }
                path.clear();
            }
            "n" | "S" | "s" => path.clear(),
            "Do" if depth < 8 => {
                let form = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| {
                        let xobjects = resources?.get(b"XObject").ok()?;
                        let xobjects = match xobjects {
                            Object::Reference(id) => doc.get_dictionary(*id).ok()?,
                            Object::Dictionary(d) => d,
                            _ => return None,
                        };
                        let id = xobjects.get(name).ok()?.as_reference().ok()?;
                        doc.get_object(id).ok()?.as_stream().ok().cloned()
                    });
                if let Some(form) = form {
                    let matrix = form
                        .dict
                        .get(b"Matrix")
                        .ok()
                        .and_then(|m| m.as_array().ok())
                        .map(|a| a.iter().map(number).collect::<Vec<_>>())
                        .filter(|a| a.len() == 6)
                        .map_or(IDENTITY, |a| [a[0], a[1], a[2], a[3], a[4], a[5]]);
                    let inner = form.decompressed_content().unwrap_or(form.content.clone());
                    let own = match form.dict.get(b"Resources") {
                        Ok(Object::Dictionary(d)) => Some(d.clone()),
                        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok().cloned(),
                        _ => None,
                    };
                    walk(
                        doc,
                        &inner,
                        own.as_ref().or(resources),
                        multiply(matrix, ctm),
                        page,
                        spots,
                        depth + 1,
                    );
                }
            }
            _ => {}
        }
    }
}
