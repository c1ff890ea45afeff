//! ```` ```mermaid ```` diagrams: drawn in Rust as SVG images, with nothing in them that runs or
//! loads, in bounded time, and an error box with the source when they can't be drawn.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use quire::essay::Essay;
use quire::markdown::{render_essay, KeepUrls, RenderOptions, Rendered};

use crate::support::{run, stderr, stdout};

/// Renders on a 2 MiB thread, like the app's blocking pool; fails the test after a minute.
fn render_on_small_stack(body: &str) -> (Rendered, Duration) {
    let (tx, rx) = mpsc::channel();
    let text = format!("---\ntitle: Diagrams\n---\n\n{body}");
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let start = Instant::now();
            let essay = Essay::parse(Path::new("d.md"), text.into_bytes()).expect("parses");
            let rendered =
                render_essay(&essay, &RenderOptions::essay(), &KeepUrls).expect("renders");
            let _ = tx.send((rendered, start.elapsed()));
        })
        .expect("a thread");
    rx.recv_timeout(Duration::from_secs(60))
        .expect("rendering finished without hanging or crashing")
}

/// The SVG documents of the page's diagram images, decoded.
fn drawn(html: &str) -> Vec<String> {
    html.split("<img src=\"data:image/svg+xml;base64,")
        .skip(1)
        .map(|rest| {
            let data = rest.split('"').next().expect("the data");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .expect("base64");
            String::from_utf8(bytes).expect("SVG is text")
        })
        .collect()
}

fn fence(source: &str) -> String {
    format!("```mermaid\n{source}\n```\n")
}

#[test]
fn flowcharts_sequences_and_classes_are_drawn_as_images_with_their_source_as_alt_text() {
    let body = [
        fence("flowchart LR\n  Draft[Write the draft] --> Check{Reads well?}\n  Check -- yes --> Publish"),
        fence("sequenceDiagram\n  Writer->>Quire: save\n  Quire-->>Writer: saved"),
        fence("classDiagram\n  Essay <|-- Draft\n  Essay : +title"),
    ]
    .join("\n");
    let (rendered, _) = render_on_small_stack(&body);
    assert!(
        rendered.diagram_errors.is_empty(),
        "{:?}",
        rendered.diagram_errors
    );
    let svgs = drawn(&rendered.html);
    assert_eq!(svgs.len(), 3, "{}", rendered.html);
    assert!(svgs
        .iter()
        .all(|s| s.starts_with("<svg") && s.trim_end().ends_with("</svg>")));
    // Each kind as Mermaid draws it, with the writer's words in it.
    assert!(svgs[0].contains("flowchart") && svgs[0].contains("Write the draft"));
    assert!(svgs[1].contains("sequence") && svgs[1].contains("saved"));
    assert!(svgs[2].contains("classDiagram") && svgs[2].contains("Essay"));
    assert!(
        rendered.html.contains(
            "alt=\"Diagram: flowchart LR Draft[Write the draft] --&gt; Check{Reads well?}"
        ),
        "{}",
        &rendered.html[..300.min(rendered.html.len())]
    );
    // A size, so the page keeps the diagram's room while it loads.
    assert!(rendered
        .html
        .contains("<figure class=\"diagram\"><img src="));
    assert!(rendered.html.contains("\" width=\"") && rendered.html.contains("\" height=\""));
    // The code highlighter never saw them.
    assert!(!rendered.html.contains("language-mermaid"));
}

#[test]
fn a_diagram_that_cant_be_drawn_shows_its_source_and_why_and_check_names_its_line() {
    let (rendered, _) =
        render_on_small_stack("Before.\n\n```mermaid\nflowchart LR\n  A -->\n```\n");
    assert!(drawn(&rendered.html).is_empty());
    assert!(
        rendered.html.contains(
            "<div class=\"diagram-error\"><pre><code>flowchart LR\n  A --&gt;\n</code></pre>\
             <p class=\"diagram-error-why\">This diagram can't be drawn: "
        ),
        "{}",
        rendered.html
    );
    assert_eq!(rendered.diagram_errors.len(), 1);
    // The fence is on line 7 of the file: four lines of front matter, a blank, "Before.", a blank.
    assert_eq!(rendered.diagram_errors[0].line, 7);

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("broken.md"),
        "---\ntitle: Broken\n---\n\nText.\n\n```mermaid\nflowchart LR\n  A -->\n```\n",
    )
    .expect("write");
    let output = run(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        said.contains("broken.md:7: error: the diagram can't be drawn (")
            && said.contains("the page shows its source instead"),
        "{said}"
    );
}

const HOSTILE: &[(&str, &str)] = &[
    ("click javascript", "flowchart LR\n  A --> B\n  click A \"javascript:alert(1)\" \"x\""),
    ("click callback", "flowchart LR\n  A --> B\n  click A callback \"tip\""),
    ("click href to a server", "flowchart LR\n  A --> B\n  click B href \"https://evil.example/x\" _blank"),
    ("script in a label", "flowchart LR\n  A[\"<script>alert(1)</script>\"] --> B"),
    ("img onerror in a label", "flowchart LR\n  A[\"<img src=x onerror=alert(1)>\"] --> B"),
    ("html labels on, security loose", "%%{init: {\"securityLevel\": \"loose\", \"htmlLabels\": true, \"flowchart\": {\"htmlLabels\": true}}}%%\nflowchart LR\n  A[\"<b onmouseover=alert(1)>x</b>\"] --> B"),
    ("theme css injection", "%%{init: {\"themeCSS\": \"svg{background:url(https://evil.example/x)}\", \"fontFamily\": \"x;background:url(https://evil.example/y)\"}}%%\nflowchart LR\n  A --> B"),
    ("style with url", "flowchart LR\n  A --> B\n  style A fill:url(https://evil.example/x)\n  classDef c fill:url(javascript:alert(1))\n  class B c"),
    ("sequence link", "sequenceDiagram\n  participant A\n  link A: Evil @ javascript:alert(1)\n  A->>A: hi"),
    ("class link", "classDiagram\n  class A\n  link A \"javascript:alert(1)\" \"x\"\n  click A call alert(1)"),
];

/// Nothing in a drawn SVG may run, load from elsewhere or escape its image.
fn assert_inert_svg(svg: &str, case: &str) {
    let lower = svg.to_ascii_lowercase();
    for banned in [
        "<script",
        "<foreignobject",
        "javascript:",
        "evil.example",
        "<iframe",
        "<animate",
        "<set ",
    ] {
        assert!(
            !lower.contains(banned),
            "{case}: `{banned}` in the drawn SVG"
        );
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..end];
        let handler = tag
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .any(|w| w.starts_with("on") && w.contains('='));
        assert!(!handler, "{case}: event handler in `{tag}`");
        rest = &rest[end..];
    }
}

#[test]
fn hostile_diagrams_draw_nothing_that_runs_or_loads() {
    for (case, source) in HOSTILE {
        let (rendered, took) = render_on_small_stack(&fence(source));
        for svg in drawn(&rendered.html) {
            assert_inert_svg(&svg, case);
        }
        // The page around it: only the image, whose SVG can't run even if it tried, and its
        // alt text, escaped (its words are the writer's, `onerror=` included, as text).
        let outside: String = rendered
            .html
            .split("data:image/svg+xml;base64,")
            .map(|part| part.split_once('"').map_or(part, |(_, after)| after))
            .collect::<String>()
            .split(" alt=\"")
            .map(|part| {
                part.split_once('"').map_or(part, |(alt, after)| {
                    assert!(
                        !alt.contains('<') && !alt.contains('>'),
                        "{case}: alt not escaped: {alt}"
                    );
                    after
                })
            })
            .collect();
        let lower = outside.to_ascii_lowercase();
        assert!(
            !lower.contains("<script") && !lower.contains("onerror=") && !lower.contains("<svg"),
            "{case}: {outside}"
        );
        assert!(took < Duration::from_secs(10), "{case} took {took:?}");
    }
}

#[test]
fn huge_and_deep_diagrams_are_bounded_in_time_and_never_crash() {
    let mut many = String::from("flowchart TD\n");
    for i in 0..10_000 {
        many.push_str(&format!("  n{i} --> n{}\n", i + 1));
    }
    let mut deep = String::from("flowchart TD\n");
    for i in 0..1_000 {
        deep.push_str(&format!("subgraph s{i}\n"));
    }
    deep.push_str("  a --> b\n");
    deep.push_str(&"end\n".repeat(1_000));
    let oversized = format!("flowchart LR\n{}", "  a --> b\n".repeat(6_000));
    for (case, source) in [
        ("10k nodes", many),
        ("1k nested subgraphs", deep),
        ("over 50 KB", oversized),
    ] {
        let (rendered, took) = render_on_small_stack(&fence(&source));
        assert!(took < Duration::from_secs(15), "{case} took {took:?}");
        for svg in drawn(&rendered.html) {
            assert_inert_svg(&svg, case);
        }
        if case == "over 50 KB" {
            assert_eq!(rendered.diagram_errors.len(), 1, "{case}");
            assert!(
                rendered.diagram_errors[0].message.contains("up to 50 KB"),
                "{:?}",
                rendered.diagram_errors
            );
        }
    }
}
