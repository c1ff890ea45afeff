//! Diagrams: ```` ```mermaid ```` blocks drawn as SVG in Rust, by merman (a port of Mermaid),
//! with no script anywhere: not in the app, not on the page.
//!
//! The SVG is made from the essay's text, so it is untrusted. It goes on the page as an image
//! (`<img src="data:image/svg+xml;base64,…">`), never inline: an SVG shown as an image runs no
//! script, loads nothing and can't style the page around it, whatever a diagram's labels,
//! `click` lines, `%%{init}%%` directives or `style` lines say. merman's resvg-safe pipeline
//! adds to that: no `foreignObject`, no HTML labels. The cost is that a diagram's words can't
//! be selected on the page; its source is the image's alt text.
//!
//! Drawing is bounded: a size cap on the source, merman's interactive resource limits (nodes,
//! edges, text), a deadline, its own large stack, and a panic caught as an error. A diagram that
//! can't be drawn shows its source and the reason, and `quire check` lists it.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use merman::svg::SvgPipeline;
use merman::{OperationControl, RenderOutput, RenderRequest, Renderer, SvgEnvironment, SvgRequest};

/// Sources longer than this are not drawn (a hand-written diagram is a few hundred bytes).
pub const MAX_DIAGRAM_BYTES: usize = 50_000;

/// Longer than any diagram a writer draws takes (milliseconds); a pathological one is stopped.
const DEADLINE: Duration = Duration::from_secs(3);

/// Drawn diagrams by source, so typing elsewhere in an essay never draws its diagrams again.
const CACHED: usize = 64;

/// A drawn diagram: a standalone SVG document and its size in CSS pixels.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// The SVG, as merman's resvg-safe pipeline writes it.
    pub svg: String,
    /// Width in CSS pixels, from the SVG's `viewBox`.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
}

type Drawn = Result<Diagram, String>;

static CACHE: LazyLock<Mutex<HashMap<blake3::Hash, Drawn>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Draws one Mermaid diagram, or says in a sentence why it can't.
pub fn diagram(source: &str) -> Drawn {
    if source.len() > MAX_DIAGRAM_BYTES {
        return Err(format!(
            "the diagram is {} KB; Quire draws diagrams of up to {} KB",
            source.len().div_ceil(1000),
            MAX_DIAGRAM_BYTES / 1000
        ));
    }
    let key = blake3::hash(source.as_bytes());
    if let Some(drawn) = CACHE.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return drawn;
    }
    // A stack of its own: the parser and layout recurse with the input, and the thread that
    // renders may be a blocking pool's 2 MiB one.
    let drawn = stacker::grow(64 * 1024 * 1024, || {
        std::panic::catch_unwind(AssertUnwindSafe(|| draw(source))).unwrap_or_else(|_| {
            Err("the diagram renderer failed on this diagram (a bug in it, not your doing)".into())
        })
    });
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= CACHED {
            cache.clear();
        }
        cache.insert(key, drawn.clone());
    }
    drawn
}

fn draw(source: &str) -> Drawn {
    let control = OperationControl::new().with_deadline(DEADLINE);
    let request = SvgRequest {
        environment: SvgEnvironment::deterministic(),
        pipeline: Some(SvgPipeline::resvg_safe()),
        ..SvgRequest::default()
    };
    match Renderer::new().render(RenderRequest::svg(source, control, request)) {
        Ok(RenderOutput::Svg(Some(svg))) => {
            let svg = only_inner_references(&svg.into_parts().0);
            let (width, height) = view_box(&svg).ok_or("the drawn diagram has no size")?;
            Ok(Diagram { svg, width, height })
        }
        Ok(_) => Err(
            "this is not a kind of diagram Quire draws (flowchart, sequence, class, state, \
             er, pie, gantt, journey, mindmap, timeline)"
                .into(),
        ),
        Err(merman::RenderError::Cancelled(_)) => Err(format!(
            "drawing the diagram took longer than {} s",
            DEADLINE.as_secs()
        )),
        Err(error) => Err(first_line(&error.to_string())),
    }
}

/// The SVG with every reference outside itself taken out: `href`s that are not `#fragment`s
/// (a `click` line's link) are dropped, and `url(…)`s that are not `url(#…)` become `none`. An
/// image loads and follows nothing anyway; this keeps even the addresses out of the page.
fn only_inner_references(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    loop {
        let href = rest.find("href=\"");
        let url = rest.find("url(");
        let at = match (href, url) {
            (None, None) => break,
            (Some(h), Some(u)) => h.min(u),
            (Some(h), None) => h,
            (None, Some(u)) => u,
        };
        if Some(at) == href {
            let value_at = at + "href=\"".len();
            let end = rest[value_at..]
                .find('"')
                .map_or(rest.len(), |e| value_at + e + 1);
            if rest[value_at..].starts_with('#') {
                out.push_str(&rest[..end]);
            } else {
                // Drop the whole attribute, `xlink:` prefix and the space before it included.
                let name_start = rest[..at].rfind(|c: char| c.is_whitespace()).unwrap_or(at);
                out.push_str(&rest[..name_start]);
            }
            rest = &rest[end..];
        } else {
            let open = at + 4;
            let lead = rest[open..].len() - rest[open..].trim_start().len();
            let inner = &rest[open + lead..];
            // A quoted address may hold a `)`: the call ends after its closing quote.
            let close_from = match inner.chars().next() {
                Some(q @ ('"' | '\'')) => inner[1..]
                    .find(q)
                    .map_or(rest.len(), |e| open + lead + 1 + e + 1),
                _ => open,
            };
            let end = rest[close_from.min(rest.len())..]
                .find(')')
                .map_or(rest.len(), |e| close_from + e + 1);
            let inner = inner.trim_start_matches(['"', '\'']);
            out.push_str(&rest[..at]);
            if inner.starts_with('#') {
                out.push_str(&rest[at..end]);
            } else {
                out.push_str("none");
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    line.chars().take(300).collect()
}

/// The width and height of the root element's `viewBox`.
fn view_box(svg: &str) -> Option<(f64, f64)> {
    let root = &svg[..svg.find('>')?];
    let at = root.find("viewBox=\"")? + "viewBox=\"".len();
    let values: Vec<f64> = root[at..]
        .split('"')
        .next()?
        .split([' ', ','])
        .filter(|v| !v.is_empty())
        .filter_map(|v| v.parse().ok())
        .collect();
    match values[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

/// Pixels at most on an SVG's longer side once drawn: enough for a page at print resolution,
/// bounded against a `viewBox` of millions.
const MAX_RASTER_SIDE: f32 = 2400.0;

/// An SVG (a drawn diagram, an essay's SVG image) as PNG, for formats that can't show SVG, at
/// `scale` times its size; returns the PNG and its size in CSS pixels. Nothing outside the
/// SVG is read: no files, no network (resvg resolves no external references here).
pub fn png(svg: &[u8], scale: f32) -> Result<(Vec<u8>, u32, u32), String> {
    static FONTS: LazyLock<std::sync::Arc<resvg::usvg::fontdb::Database>> = LazyLock::new(|| {
        let mut fonts = resvg::usvg::fontdb::Database::new();
        fonts.load_system_fonts();
        std::sync::Arc::new(fonts)
    });
    let options = resvg::usvg::Options {
        resources_dir: None,
        fontdb: FONTS.clone(),
        // Only images inside the SVG itself (data URLs); never a file or an address.
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: resvg::usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_data(svg, &options)
        .map_err(|e| format!("the SVG can't be read: {e}"))?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    let scale = scale.min(MAX_RASTER_SIDE / w.max(h).max(1.0));
    let (pw, ph) = ((w * scale).ceil() as u32, (h * scale).ceil() as u32);
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(pw.max(1), ph.max(1)).ok_or("the SVG has no size to draw")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|e| format!("the drawing can't be encoded: {e}"))?;
    Ok((png, w.round() as u32, h.round() as u32))
}

/// The page's HTML for a drawn diagram: an image with the SVG inside, its source as alt text.
pub fn image_html(diagram: &Diagram, source: &str, out: &mut String) {
    use base64::Engine as _;
    let alt: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let alt: String = alt.chars().take(500).collect();
    out.push_str("<figure class=\"diagram\"><img src=\"data:image/svg+xml;base64,");
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(diagram.svg.as_bytes()));
    out.push_str("\" alt=\"Diagram: ");
    let _ = pulldown_cmark_escape::escape_html(&mut *out, &alt);
    out.push_str(&format!(
        "\" width=\"{}\" height=\"{}\"></figure>\n",
        diagram.width.round(),
        diagram.height.round()
    ));
}

#[cfg(test)]
mod tests {
    use super::only_inner_references;

    #[test]
    fn references_outside_the_drawing_are_taken_out_and_inner_ones_kept() {
        let svg =
            "<svg><a xlink:href=\"https://evil.example/x\" transform=\"t\"><use href=\"#m\"/></a>\
                   <path marker-end=\"url(#arrow)\" style=\"fill:url(https://evil.example/y)\"/>\
                   <style>.a{background:url( 'javascript:alert(1)' )}</style></svg>";
        let kept = only_inner_references(svg);
        assert_eq!(
            kept,
            "<svg><a transform=\"t\"><use href=\"#m\"/></a>\
             <path marker-end=\"url(#arrow)\" style=\"fill:none\"/>\
             <style>.a{background:none}</style></svg>"
        );
    }
}
