//! Formulas for Word: the pipeline's MathML as Office Math (OMML), which Word and LibreOffice
//! show as equations a reader can edit.
//!
//! The input is the sanitised MathML Core the render pipeline writes (see
//! `markdown::sanitize`'s math policy), so it is well-formed and small in vocabulary. Each
//! MathML element maps to its OMML counterpart: `mfrac` to `m:f`, scripts to `m:sSub`,
//! `m:sSup` and `m:sSubSup`, roots to `m:rad`, under and over scripts to `m:limLow` and
//! `m:limUpp` (accents to `m:acc`), tables to `m:m`; tokens become runs (`mi` of one letter
//! italic, as TeX sets it; longer names, numbers and operators upright). An element it does not
//! know keeps its content, so a formula never loses a symbol.

use std::fmt::Write as _;

/// A parsed MathML node.
enum Node {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

/// The deepest nesting converted; the pipeline's formulas are capped in size, and this keeps
/// the recursion below far from any stack's end.
const MAX_DEPTH: usize = 200;

/// OMML for one `<math>` element, as `<m:oMath>…</m:oMath>`; `None` if it can't be read.
pub fn from_mathml(mathml: &str) -> Option<String> {
    let mut parser = Parser {
        text: mathml,
        at: 0,
    };
    let nodes = parser.nodes(0)?;
    let math = nodes.into_iter().find_map(|n| match n {
        Node::Element { name, children, .. } if name == "math" => Some(children),
        _ => None,
    })?;
    let mut out = String::from("<m:oMath>");
    for node in &math {
        write_node(node, &mut out, 0);
    }
    out.push_str("</m:oMath>");
    Some(out)
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    /// Nodes until the parent's closing tag (left unread) or the end.
    fn nodes(&mut self, depth: usize) -> Option<Vec<Node>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut nodes = Vec::new();
        while self.at < self.text.len() {
            if self.rest().starts_with("</") {
                return Some(nodes);
            }
            if self.rest().starts_with('<') {
                let end = self.rest().find('>')? + self.at;
                let tag = &self.text[self.at + 1..end];
                self.at = end + 1;
                let self_closing = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let (name, attrs) = parse_tag(tag);
                let children = if self_closing {
                    Vec::new()
                } else {
                    let children = self.nodes(depth + 1)?;
                    // The closing tag.
                    let close = self.rest().find('>')? + self.at;
                    self.at = close + 1;
                    children
                };
                nodes.push(Node::Element {
                    name,
                    attrs,
                    children,
                });
            } else {
                let end = self
                    .rest()
                    .find('<')
                    .map_or(self.text.len(), |i| i + self.at);
                nodes.push(Node::Text(unescape(&self.text[self.at..end])));
                self.at = end;
            }
        }
        Some(nodes)
    }
}

fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let mut parts = tag.splitn(2, char::is_whitespace);
    let name = parts.next().unwrap_or("").to_string();
    let mut attrs = Vec::new();
    let mut rest = parts.next().unwrap_or("").trim();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().unwrap_or('"');
        let Some(close) = after[1..].find(quote) else {
            break;
        };
        attrs.push((key, unescape(&after[1..1 + close])));
        rest = after[close + 2..].trim_start();
    }
    (name, attrs)
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn text_of(nodes: &[Node]) -> String {
    let mut text = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => text.push_str(t),
            Node::Element { children, .. } => text.push_str(&text_of(children)),
        }
    }
    text
}

/// A run: `upright` for names, numbers, operators and text, which TeX sets upright.
fn run(text: &str, upright: bool, out: &mut String) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    out.push_str("<m:r>");
    if upright {
        out.push_str("<m:rPr><m:sty m:val=\"p\"/></m:rPr>");
    }
    out.push_str("<m:t>");
    escape(text, out);
    out.push_str("</m:t></m:r>");
}

/// One argument of a layout element (`m:e`, `m:num`, `m:sup` …) holding `node`.
fn arg(tag: &str, node: Option<&Node>, out: &mut String, depth: usize) {
    let _ = write!(out, "<m:{tag}>");
    if let Some(node) = node {
        write_node(node, out, depth + 1);
    }
    let _ = write!(out, "</m:{tag}>");
}

fn write_node(node: &Node, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let (name, attrs, children) = match node {
        Node::Text(t) => {
            run(t, true, out);
            return;
        }
        Node::Element {
            name,
            attrs,
            children,
        } => (name.as_str(), attrs, children),
    };
    let elements: Vec<&Node> = children
        .iter()
        .filter(|c| matches!(c, Node::Element { .. }))
        .collect();
    let nth = |i: usize| elements.get(i).copied();
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match name {
        "mi" => {
            let text = text_of(children);
            let upright = text.chars().count() > 1 || attr("mathvariant") == Some("normal");
            run(&text, upright, out);
        }
        "mn" | "mo" => run(&text_of(children), true, out),
        "mtext" | "ms" => {
            let text = text_of(children);
            if !text.trim().is_empty() {
                out.push_str("<m:r><m:rPr><m:nor/></m:rPr><m:t xml:space=\"preserve\">");
                escape(&text, out);
                out.push_str("</m:t></m:r>");
            }
        }
        "mspace" => out.push_str("<m:r><m:t xml:space=\"preserve\"> </m:t></m:r>"),
        "mfrac" => {
            out.push_str("<m:f>");
            if attr("linethickness").is_some_and(|t| t.trim_start_matches('0').is_empty()) {
                out.push_str("<m:fPr><m:type m:val=\"noBar\"/></m:fPr>");
            }
            arg("num", nth(0), out, depth);
            arg("den", nth(1), out, depth);
            out.push_str("</m:f>");
        }
        "msup" => {
            out.push_str("<m:sSup>");
            arg("e", nth(0), out, depth);
            arg("sup", nth(1), out, depth);
            out.push_str("</m:sSup>");
        }
        "msub" => {
            out.push_str("<m:sSub>");
            arg("e", nth(0), out, depth);
            arg("sub", nth(1), out, depth);
            out.push_str("</m:sSub>");
        }
        "msubsup" => {
            out.push_str("<m:sSubSup>");
            arg("e", nth(0), out, depth);
            arg("sub", nth(1), out, depth);
            arg("sup", nth(2), out, depth);
            out.push_str("</m:sSubSup>");
        }
        "msqrt" => {
            out.push_str("<m:rad><m:radPr><m:degHide m:val=\"1\"/></m:radPr><m:deg/><m:e>");
            for child in &elements {
                write_node(child, out, depth + 1);
            }
            out.push_str("</m:e></m:rad>");
        }
        "mroot" => {
            out.push_str("<m:rad>");
            arg("deg", nth(1), out, depth);
            arg("e", nth(0), out, depth);
            out.push_str("</m:rad>");
        }
        "mover" if attr("accent") == Some("true") => {
            let mark = nth(1)
                .map(|n| text_of(std::slice::from_ref(n)))
                .unwrap_or_default();
            out.push_str("<m:acc><m:accPr><m:chr m:val=\"");
            escape(mark.trim(), out);
            out.push_str("\"/></m:accPr>");
            arg("e", nth(0), out, depth);
            out.push_str("</m:acc>");
        }
        "mover" => {
            out.push_str("<m:limUpp>");
            arg("e", nth(0), out, depth);
            arg("lim", nth(1), out, depth);
            out.push_str("</m:limUpp>");
        }
        "munder" => {
            out.push_str("<m:limLow>");
            arg("e", nth(0), out, depth);
            arg("lim", nth(1), out, depth);
            out.push_str("</m:limLow>");
        }
        "munderover" => {
            out.push_str("<m:limUpp><m:e><m:limLow>");
            arg("e", nth(0), out, depth);
            arg("lim", nth(1), out, depth);
            out.push_str("</m:limLow></m:e>");
            arg("lim", nth(2), out, depth);
            out.push_str("</m:limUpp>");
        }
        "mtable" => {
            out.push_str("<m:m>");
            for row in &elements {
                out.push_str("<m:mr>");
                if let Node::Element { children, .. } = row {
                    for cell in children
                        .iter()
                        .filter(|c| matches!(c, Node::Element { .. }))
                    {
                        out.push_str("<m:e>");
                        if let Node::Element { children, .. } = cell {
                            for inner in children {
                                write_node(inner, out, depth + 2);
                            }
                        }
                        out.push_str("</m:e>");
                    }
                }
                out.push_str("</m:mr>");
            }
            out.push_str("</m:m>");
        }
        "mphantom" | "annotation" | "annotation-xml" => {}
        "semantics" => {
            if let Some(first) = nth(0) {
                write_node(first, out, depth + 1);
            }
        }
        // mrow, mstyle, mpadded, menclose, merror and anything else: their content in order.
        _ => {
            for child in children {
                write_node(child, out, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::from_mathml;

    #[test]
    fn fractions_scripts_roots_and_sums_become_their_office_math() {
        let omml = from_mathml(
            "<math display=\"block\"><munderover><mo>∑</mo><mrow><mi>n</mi><mo>=</mo><mn>1</mn></mrow>\
             <mi>∞</mi></munderover><mfrac><mn>1</mn><msup><mi>n</mi><mn>2</mn></msup></mfrac>\
             <mo>=</mo><mfrac><msup><mi>π</mi><mn>2</mn></msup><mn>6</mn></mfrac>\
             <mroot><mi>x</mi><mn>3</mn></mroot><msqrt><mi>y</mi></msqrt></math>",
        )
        .expect("converts");
        assert!(
            omml.starts_with("<m:oMath><m:limUpp><m:e><m:limLow><m:e>"),
            "{omml}"
        );
        assert!(omml.contains("<m:f><m:num><m:r><m:rPr><m:sty m:val=\"p\"/></m:rPr><m:t>1</m:t></m:r></m:num><m:den><m:sSup><m:e><m:r><m:t>n</m:t></m:r></m:e>"), "{omml}");
        assert!(omml.contains("<m:rad><m:deg><m:r><m:rPr><m:sty m:val=\"p\"/></m:rPr><m:t>3</m:t></m:r></m:deg><m:e><m:r><m:t>x</m:t></m:r></m:e></m:rad>"), "{omml}");
        assert!(omml.contains("<m:degHide m:val=\"1\"/>"), "{omml}");
        assert!(omml.ends_with("</m:oMath>"));
    }

    #[test]
    fn names_are_upright_text_is_plain_and_markup_is_escaped() {
        let omml = from_mathml(
            "<math><mi>sin</mi><mi>x</mi><mtext>if &lt;b&gt; &amp; c</mtext>\
             <mover accent=\"true\"><mi>v</mi><mo>⃗</mo></mover></math>",
        )
        .expect("converts");
        assert!(omml.contains("<m:r><m:rPr><m:sty m:val=\"p\"/></m:rPr><m:t>sin</m:t></m:r><m:r><m:t>x</m:t></m:r>"), "{omml}");
        assert!(
            omml.contains("<m:nor/></m:rPr><m:t xml:space=\"preserve\">if &lt;b&gt; &amp; c</m:t>"),
            "{omml}"
        );
        assert!(omml.contains("<m:acc><m:accPr><m:chr m:val=\"⃗\"/></m:accPr><m:e><m:r><m:t>v</m:t></m:r></m:e></m:acc>"), "{omml}");
    }

    #[test]
    fn matrices_keep_their_rows_and_cells() {
        let omml = from_mathml(
            "<math><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr>\
             <mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable></math>",
        )
        .expect("converts");
        assert_eq!(omml.matches("<m:mr>").count(), 2);
        assert_eq!(omml.matches("<m:e>").count(), 4);
    }

    #[test]
    fn what_is_not_mathml_gives_none_and_deep_nesting_stops() {
        assert!(from_mathml("<p>not math</p>").is_none());
        let deep = format!(
            "<math>{}<mi>x</mi>{}</math>",
            "<mrow>".repeat(5_000),
            "</mrow>".repeat(5_000)
        );
        assert!(from_mathml(&deep).is_none());
    }
}
