//! The running title and page numbers. WebKit prints nothing in a page's margins (it has no
//! `@page` margin boxes), so they are printed by WebKit too, as a second document of as many
//! pages, each carrying only its title and number, and laid over the text's pages: the same
//! engine, the same fonts, embedded the same way. The margins go under the text's page, which
//! paints only inside its margins.

use std::collections::HashMap;
use std::path::Path;

use lopdf::{dictionary, Document, Object, ObjectId, Stream};

use crate::marks::{Placed, Spot};
use crate::Job;

pub fn page_count(pdf: &Path) -> Result<usize, String> {
    let doc = Document::load(pdf).map_err(|e| format!("the printed PDF can't be read: {e}"))?;
    Ok(doc.get_pages().len())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A page of margins for each printed page: the title at the head of every page but the first
/// (which opens with it), "n / N" at the foot of every one.
pub fn margins_html(title: &str, pages: usize, setup: &gtk::PageSetup) -> String {
    let height = setup.paper_height(gtk::Unit::Mm);
    let width = setup.paper_width(gtk::Unit::Mm);
    let top = setup.top_margin(gtk::Unit::Mm);
    let bottom = setup.bottom_margin(gtk::Unit::Mm);
    let side = setup.left_margin(gtk::Unit::Mm);
    let title = escape(title);
    let mut html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>\
         html, body {{ margin: 0; padding: 0; }}\
         .sheet {{ position: relative; width: {width}mm; height: {h}mm; overflow: hidden;\
           break-after: page; font: 8.5pt system-ui, \"Noto Sans\", \"DejaVu Sans\", sans-serif;\
           color: #6b665e; }}\
         .sheet:last-child {{ break-after: auto; }}\
         .head, .foot {{ position: absolute; left: {side}mm; right: {side}mm; text-align: center;\
           white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}\
         .head {{ top: {head}mm; }}\
         .foot {{ bottom: {foot}mm; }}\
         </style></head><body>",
        // A hair under the sheet, so rounding never spills a page onto a second one.
        h = height - 0.5,
        head = top * 0.45,
        foot = bottom * 0.45 - 0.5,
    );
    for page in 1..=pages {
        html.push_str("<div class=\"sheet\">");
        if page > 1 {
            html.push_str(&format!("<div class=\"head\">{title}</div>"));
        }
        html.push_str(&format!("<div class=\"foot\">{page} / {pages}</div></div>"));
    }
    html.push_str("</body></html>");
    html
}

fn fail(e: lopdf::Error) -> String {
    format!("the printed PDF can't be finished: {e}")
}

/// Lays each page of `margins` under the same page of `text`, adds the links and bookmarks
/// found in `placed`, and writes the result to the job's file, with the title and author in the
/// document's information.
pub fn finish(text: &Path, margins: &Path, placed: &Placed, job: &Job) -> Result<(), String> {
    let mut doc = Document::load(text).map_err(fail)?;
    let mut sheet = Document::load(margins).map_err(fail)?;
    sheet.renumber_objects_with(doc.max_id + 1);
    doc.max_id = sheet.max_id;
    let sheet_pages = sheet.get_pages();
    let mut forms = Vec::new();
    for (_, page_id) in sheet_pages {
        let content = sheet.get_page_content(page_id);
        let page = sheet.get_dictionary(page_id).map_err(fail)?;
        let resources = page
            .get(b"Resources")
            .cloned()
            .unwrap_or(Object::Dictionary(dictionary! {}));
        let bbox = page.get(b"MediaBox").cloned().map_err(fail)?;
        forms.push((content, resources, bbox));
    }
    // The sheet's fonts and images come along; its page tree is dropped by the prune below.
    for (id, object) in std::mem::take(&mut sheet.objects) {
        doc.objects.insert(id, object);
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if pages.len() != forms.len() {
        return Err(format!(
            "the page numbers came out on {} pages for {} pages of text",
            forms.len(),
            pages.len()
        ));
    }
    for (page_id, (content, resources, bbox)) in pages.into_iter().zip(forms) {
        let mut form = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Form",
                "BBox" => bbox,
                "Resources" => resources,
            },
            content,
        );
        let _ = form.compress();
        let form_id = doc.add_object(form);
        // Under the text, not over it: WebKit paints each sheet's white paper, which would hide
        // the text, while the text's pages paint only inside their margins.
        let under = doc.add_object(Stream::new(
            dictionary! {},
            b"q /QuireMargins Do Q\n".to_vec(),
        ));
        add_form_to_resources(&mut doc, page_id, form_id)?;
        let page = doc.get_dictionary_mut(page_id).map_err(fail)?;
        let mut contents = vec![Object::Reference(under)];
        match page.get(b"Contents").cloned() {
            Ok(Object::Array(parts)) => contents.extend(parts),
            Ok(part) => contents.push(part),
            Err(_) => {}
        }
        page.set("Contents", Object::Array(contents));
    }
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    add_links(&mut doc, &page_ids, placed)?;
    add_bookmarks(&mut doc, &page_ids, placed)?;
    set_info(&mut doc, job);
    share_identical_streams(&mut doc);
    doc.prune_objects();
    doc.compress();
    doc.save(&job.out)
        .map_err(|e| format!("{}: {e}", job.out.display()))?;
    Ok(())
}

fn add_form_to_resources(
    doc: &mut Document,
    page_id: ObjectId,
    form: ObjectId,
) -> Result<(), String> {
    // Resources may sit in the page or be a reference to a shared dictionary; the page gets a
    // copy of its own so the form is added to this page only.
    let page = doc.get_dictionary(page_id).map_err(fail)?;
    let mut resources = match page.get(b"Resources") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(fail)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => dictionary! {},
    };
    let mut xobjects = match resources.get(b"XObject") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).map_err(fail)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => dictionary! {},
    };
    xobjects.set("QuireMargins", Object::Reference(form));
    resources.set("XObject", Object::Dictionary(xobjects));
    doc.get_dictionary_mut(page_id)
        .map_err(fail)?
        .set("Resources", Object::Dictionary(resources));
    Ok(())
}

fn set_info(doc: &mut Document, job: &Job) {
    let text = |s: &str| Object::String(utf16(s), lopdf::StringFormat::Hexadecimal);
    let mut info = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        _ => dictionary! {},
    };
    info.set("Title", text(&job.title));
    if !job.author.is_empty() {
        info.set("Author", text(&job.author));
    }
    info.set("Creator", text("Quire"));
    let id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(id));
}

/// A PDF text string that holds any character: UTF-16BE with its byte-order mark.
fn utf16(s: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    bytes
}

/// Where a link to `#anchor` goes: the top left of the first box of the heading or element
/// with that id.
fn destination(placed: &Placed, anchor: &str) -> Option<Spot> {
    placed
        .marks
        .iter()
        .filter(|(m, _)| m.anchor.as_deref() == Some(anchor))
        .find_map(|(_, spots)| spots.first().copied())
}

fn go_to(page: ObjectId, spot: Spot) -> Object {
    // A little above the box, so the reader lands with the line in view, not cut at its top.
    Object::Array(vec![
        Object::Reference(page),
        "XYZ".into(),
        Object::Real(spot.rect[0]),
        Object::Real(spot.rect[3] + 6.0),
        Object::Null,
    ])
}

fn add_links(doc: &mut Document, pages: &[ObjectId], placed: &Placed) -> Result<(), String> {
    let mut annotations: Vec<Vec<Object>> = vec![Vec::new(); pages.len()];
    for (mark, spots) in &placed.marks {
        let Some(href) = &mark.link else { continue };
        let action = if let Some(anchor) = href.strip_prefix('#') {
            let anchor = percent_decode(anchor);
            match destination(placed, &anchor) {
                Some(target) if target.page < pages.len() => {
                    ("Dest", go_to(pages[target.page], target))
                }
                _ => continue,
            }
        } else {
            (
                "A",
                Object::Dictionary(dictionary! {
                    "S" => "URI",
                    "URI" => Object::string_literal(href.as_bytes().to_vec()),
                }),
            )
        };
        for spot in spots {
            let Some(list) = annotations.get_mut(spot.page) else {
                continue;
            };
            let [left, bottom, right, top] = spot.rect;
            let mut link = dictionary! {
                "Type" => "Annot",
                "Subtype" => "Link",
                "Rect" => vec![left.into(), bottom.into(), right.into(), top.into()],
                "Border" => vec![0.into(), 0.into(), 0.into()],
            };
            link.set(action.0, action.1.clone());
            list.push(Object::Reference(doc.add_object(link)));
        }
    }
    for (page, list) in pages.iter().zip(annotations) {
        if list.is_empty() {
            continue;
        }
        doc.get_dictionary_mut(*page)
            .map_err(fail)?
            .set("Annots", Object::Array(list));
    }
    Ok(())
}

struct Entry {
    title: String,
    level: u8,
    dest: Object,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// The headings as the PDF's bookmarks, nested by level.
fn add_bookmarks(doc: &mut Document, pages: &[ObjectId], placed: &Placed) -> Result<(), String> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut roots = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (mark, spots) in &placed.marks {
        let (Some(level), Some(spot)) = (mark.level, spots.first()) else {
            continue;
        };
        let Some(page) = pages.get(spot.page) else {
            continue;
        };
        while open.last().is_some_and(|&i| entries[i].level >= level) {
            open.pop();
        }
        let index = entries.len();
        let parent = open.last().copied();
        entries.push(Entry {
            title: mark.text.clone().unwrap_or_default(),
            level,
            dest: go_to(*page, *spot),
            parent,
            children: Vec::new(),
        });
        match parent {
            Some(p) => entries[p].children.push(index),
            None => roots.push(index),
        }
        open.push(index);
    }
    if entries.is_empty() {
        return Ok(());
    }
    let outlines = doc.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    let siblings = |list: &[usize], at: usize| {
        let prev = at.checked_sub(1).map(|p| ids[list[p]]);
        let next = list.get(at + 1).map(|&n| ids[n]);
        (prev, next)
    };
    for (i, entry) in entries.iter().enumerate() {
        let list = match entry.parent {
            Some(p) => &entries[p].children,
            None => &roots,
        };
        let at = list.iter().position(|&x| x == i).unwrap_or(0);
        let (prev, next) = siblings(list, at);
        let mut item = dictionary! {
            "Title" => Object::String(utf16(&entry.title), lopdf::StringFormat::Hexadecimal),
            "Parent" => Object::Reference(entry.parent.map_or(outlines, |p| ids[p])),
            "Dest" => entry.dest.clone(),
        };
        if let Some(prev) = prev {
            item.set("Prev", Object::Reference(prev));
        }
        if let Some(next) = next {
            item.set("Next", Object::Reference(next));
        }
        if let (Some(first), Some(last)) = (entry.children.first(), entry.children.last()) {
            item.set("First", Object::Reference(ids[*first]));
            item.set("Last", Object::Reference(ids[*last]));
            // Open: a reader sees the essay's whole outline at once.
            item.set("Count", Object::Integer(entry.children.len() as i64));
        }
        doc.objects.insert(ids[i], Object::Dictionary(item));
    }
    let (Some(first), Some(last)) = (roots.first(), roots.last()) else {
        return Ok(());
    };
    doc.objects.insert(
        outlines,
        Object::Dictionary(dictionary! {
            "Type" => "Outlines",
            "First" => Object::Reference(ids[*first]),
            "Last" => Object::Reference(ids[*last]),
            "Count" => Object::Integer(entries.len() as i64),
        }),
    );
    let catalog = doc.catalog_mut().map_err(fail)?;
    catalog.set("Outlines", Object::Reference(outlines));
    catalog.set("PageMode", "UseOutlines");
    Ok(())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Skia embeds a font again for every run of text it starts anew (a short essay's PDF held six
/// copies of its monospace font, 4 MB in all): identical streams become one, and everything
/// that pointed at a copy points at it.
fn share_identical_streams(doc: &mut Document) {
    let mut first: HashMap<(Vec<u8>, Vec<u8>), ObjectId> = HashMap::new();
    let mut same: HashMap<ObjectId, ObjectId> = HashMap::new();
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        let mut dict = stream.dict.clone();
        dict.remove(b"Length");
        let key = (format!("{dict:?}").into_bytes(), stream.content.clone());
        match first.get(&key) {
            Some(kept) => {
                same.insert(*id, *kept);
            }
            None => {
                first.insert(key, *id);
            }
        }
    }
    if same.is_empty() {
        return;
    }
    fn repoint(object: &mut Object, same: &HashMap<ObjectId, ObjectId>) {
        match object {
            Object::Reference(id) => {
                if let Some(kept) = same.get(id) {
                    *id = *kept;
                }
            }
            Object::Array(items) => items.iter_mut().for_each(|o| repoint(o, same)),
            Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, o)| repoint(o, same)),
            Object::Stream(stream) => stream.dict.iter_mut().for_each(|(_, o)| repoint(o, same)),
            _ => {}
        }
    }
    for object in doc.objects.values_mut() {
        repoint(object, &same);
    }
    for (_, value) in doc.trailer.iter_mut() {
        repoint(value, &same);
    }
    for copy in same.keys() {
        doc.objects.remove(copy);
    }
}
