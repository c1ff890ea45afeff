//! Hostile input: essays that try to run script, escape the output folder, read local files, or
//! exhaust the renderer. Each must give a clear error or a safe render, in bounded time, and
//! never panic. (Bounded time is checked only against a hang: speed lives in the benchmarks.)

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use quire::essay::Essay;
use quire::markdown::{render_essay, KeepUrls, RenderOptions};

use crate::support::{files, read, read_lossy, run, stderr};

/// Parses and renders on another thread; fails the test if that takes more than a minute
/// (a hang), returns the body HTML or the error message.
fn render_guarded(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    let name = name.to_string();
    std::thread::spawn(move || {
        let result = Essay::parse(Path::new(&name), bytes)
            .and_then(|essay| render_essay(&essay, &RenderOptions::essay(), &KeepUrls))
            .map(|r| r.html)
            .map_err(|e| e.to_string());
        let _ = tx.send(result);
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("rendering finished without hanging or panicking")
}

/// What must never appear in rendered essay HTML: dangerous elements anywhere, and in any tag
/// an event handler or a URL with a scheme that runs or embeds content. (Such words in plain
/// text, escaped, are harmless and allowed: a writer may write about `javascript:`.) MathML
/// appears only as the pipeline typesets `$…$`, and only MathML Core: no `annotation-xml`
/// (which can hold HTML), `maction` or `mglyph`.
fn assert_inert(html: &str, case: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        "<style",
        "<form",
        "<base",
        "<meta",
        "<svg",
        "<annotation-xml",
        "<maction",
        "<mglyph",
    ] {
        assert!(
            !lower.contains(banned),
            "{case}: `{banned}` survived in:\n{html}"
        );
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..end];
        let handler = tag
            .split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .any(|word| word.starts_with("on") && word.contains('='));
        assert!(!handler, "{case}: event handler in tag `{tag}`");
        for scheme in ["javascript:", "vbscript:", "data:", "srcdoc", "url("] {
            assert!(!tag.contains(scheme), "{case}: `{scheme}` in tag `{tag}`");
        }
        rest = &rest[end..];
    }
}

const XSS_BODIES: &[(&str, &str)] = &[
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("img onerror no quotes", "<IMG SRC=x ONERROR=alert(document.title='pwned')>"),
    ("script block", "<script>document.title='pwned'</script>"),
    ("script inline", "text <script>alert(1)</script> text"),
    ("script split across lines", "<script\n>alert(1)</script\n>"),
    ("javascript link", "[click](javascript:alert(1))"),
    ("javascript link entity", "[click](&#x6A;avascript:alert(1))"),
    ("javascript link tab", "[click](<java\tscript:alert(1)>)"),
    ("javascript autolink", "<javascript:alert(1)>"),
    ("javascript reference", "[click][r]\n\n[r]: javascript:alert(1)"),
    ("javascript raw anchor", "<a href=\"javascript:alert(1)\">x</a>"),
    ("javascript raw anchor entities", "<a href=\"&#106;&#97;vascript&colon;alert(1)\">x</a>"),
    ("vbscript", "[x](vbscript:msgbox(1))"),
    ("data html link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>"),
    ("svg onload", "<svg onload=alert(1)><script>alert(2)</script></svg>"),
    ("svg in image", "![x](data:image/svg+xml,<svg onload=alert(1)>)"),
    ("math", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("object embed", "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">"),
    ("style tag", "<style>body{background:url(javascript:alert(1))}</style>"),
    ("style attribute", "<p style=\"background:url(javascript:alert(1))\">x</p>"),
    ("form", "<form action=\"https://evil.example\"><button formaction=javascript:alert(1)>go</button></form>"),
    ("base", "<base href=\"https://evil.example/\">"),
    ("meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">"),
    ("comment breakout", "<!--><img src=x onerror=alert(1)>-->"),
    ("unclosed tag", "<img src=x onerror=alert(1)//"),
    ("nested quotes", "<a href='x' title='\"><script>alert(1)</script>'>t</a>"),
    ("code fence info", "```js\" onmouseover=\"alert(1)\n code\n```"),
    ("code fence info script", "```<script>alert(1)</script>\nx\n```"),
    ("heading attribute", "# Title {#x onclick=alert(1) .c}"),
    ("footnote name", "x[^\"><script>alert(1)</script>]\n\n[^\"><script>alert(1)</script>]: note"),
    ("link title", "[x](https://ok.example \"\\\"><script>alert(1)</script>\")"),
    ("image alt", "![\"><script>alert(1)</script>](x.png)"),
    ("noscript", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>"),
    ("template", "<template><script>alert(1)</script></template>"),
    ("xmp", "<xmp><script>alert(1)</script></xmp>"),
    ("tex text script", "$\\text{<script>alert(1)</script>}$"),
    ("tex text attribute breakout", "$$\\text{\"><img src=x onerror=alert(1)>}$$"),
    ("tex href", "$\\href{javascript:alert(1)}{x}$"),
    ("tex url", "$\\url{javascript:alert(1)}$"),
    ("tex html class", "$\\htmlClass{x onclick=alert(1)}{y}$"),
    ("tex style", "$\\style{background:url(https://evil.example/x)}{y}$"),
    ("tex colour as css", "$\\color{red;background:url(https://evil.example/x)}{x}$"),
    ("tex raw mathml", "$x$ <math><annotation-xml encoding=\"text/html\"><img src=x onerror=alert(1)></annotation-xml></math>"),
];

#[test]
fn raw_mathml_in_an_essay_is_dropped_only_typeset_formulas_make_math() {
    let html = render_guarded("x.md", b"<math><mi>raw</mi></math> and $typeset$".to_vec())
        .expect("renders");
    assert_eq!(html.matches("<math").count(), 1, "{html}");
    assert!(!html.contains("<mi>raw"), "{html}");
}

#[test]
fn script_payloads_in_the_body_render_inert() {
    for (case, body) in XSS_BODIES {
        let html = render_guarded("x.md", body.as_bytes().to_vec())
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_inert(&html, case);
    }
}

#[test]
fn script_payloads_in_front_matter_are_escaped_on_the_page() {
    let essay = "---\ntitle: \"</title><script>alert(1)</script>\"\nsummary: \"\\\"><img src=x onerror=alert(1)>\"\ntags: [\"<svg onload=alert(1)>\"]\ndate: 2020-01-01\nstatus: published\n---\nbody\n";
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("x.md"), essay).expect("write");
    let output = run(dir.path(), &["export", ".", "--out", "out", "-q"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for file in files(&dir.path().join("out")) {
        let text = read_lossy(dir.path().join("out").join(&file));
        assert!(!text.contains("<script>"), "{file}: {text}");
        assert!(!text.contains("<img src=x"), "{file}");
        assert!(!text.contains("<svg onload"), "{file}");
    }
}

#[test]
fn pathological_nesting_gives_an_error_or_a_render_never_a_hang() {
    let cases: Vec<(&str, String)> = vec![
        ("50k open brackets", "[".repeat(50_000)),
        (
            "50k nested brackets",
            format!("{}x{}", "[".repeat(50_000), "](u)".repeat(50_000)),
        ),
        ("50k quote markers", format!("{}x", "> ".repeat(50_000))),
        (
            "50k quote lines",
            (1..50_000).map(|i| ">".repeat(i % 200) + " x\n").collect(),
        ),
        (
            "50k list levels",
            (0..50_000)
                .map(|i| " ".repeat((i % 300) * 2) + "- x\n")
                .collect(),
        ),
        ("50k emphasis", "*a ".repeat(50_000) + &"b* ".repeat(50_000)),
        ("50k backticks", "`".repeat(50_000)),
        ("50k html divs", "<div>".repeat(50_000)),
        ("50k less-than", "<".repeat(50_000)),
        (
            "reference bomb",
            format!(
                "[a]: https://example.org/{}\n\n{}",
                "x".repeat(100_000),
                "[a]".repeat(50_000)
            ),
        ),
        (
            "footnote storm",
            (0..20_000).map(|i| format!("x[^{i}] ")).collect::<String>() + "\n\n",
        ),
        ("mixed delimiters", "*_".repeat(100_000)),
        // Duplicate heading ids were once found by trying -1, -2, … from scratch: quadratic.
        ("20k identical headings", "## Notes\n\n".repeat(20_000)),
        // The formula converter recurses once per level: these nest thousands deep within the
        // size cap, rendered on a 2 MiB thread like the app's blocking pool.
        (
            "5k nested groups in a formula",
            format!("${}x{}$", "{".repeat(4_999), "}".repeat(4_999)),
        ),
        (
            "1.6k nested roots",
            format!("${}x$", "\\sqrt ".repeat(1_600)),
        ),
        (
            "1.6k nested fractions",
            format!("${}x$", "\\frac1".repeat(1_600)),
        ),
        (
            "1k nested matrices",
            format!("${}x$", "\\begin{matrix}".repeat(1_000)),
        ),
        (
            "a formula past the cap",
            format!("${}$", "x+".repeat(20_000)),
        ),
        ("10k formulas", "$x^2$ ".repeat(10_000)),
        (
            "table storm",
            format!("|{}\n|{}\n", "a|".repeat(20_000), "-|".repeat(20_000)),
        ),
    ];
    for (case, text) in cases {
        match render_guarded("deep.md", text.into_bytes()) {
            Ok(html) => assert_inert(&html, case),
            Err(message) => assert!(
                message.starts_with("deep.md:"),
                "{case}: error names the file: {message}"
            ),
        }
    }
}

#[test]
fn nesting_beyond_the_cap_is_refused_with_the_line() {
    let text = format!("fine\n\n{}deep\n", "> ".repeat(1000));
    let err = render_guarded("deep.md", text.into_bytes()).expect_err("too deep");
    assert!(err.starts_with("deep.md:3: "), "{err}");
    assert!(err.contains("nested more than"), "{err}");
}

#[test]
fn invalid_utf8_and_nul_bytes_give_clear_answers() {
    let err =
        render_guarded("bad.md", b"ok\n\xc3\x28 broken\n".to_vec()).expect_err("invalid UTF-8");
    assert!(err.starts_with("bad.md:2: not valid UTF-8"), "{err}");
    let html = render_guarded("nul.md", b"a\0b\n".to_vec()).expect("NUL renders");
    assert!(
        html.contains("a\u{fffd}b"),
        "NUL becomes the replacement character: {html}"
    );
}

#[test]
fn a_20_mb_essay_is_refused_with_its_size() {
    let dir = tempfile::tempdir().expect("temp");
    let big = dir.path().join("huge.md");
    std::fs::write(&big, "word ".repeat(4_000_000)).expect("write");
    let err = Essay::read(&big).expect_err("too large");
    assert!(err.to_string().contains("20.0 MB"), "{err}");
    assert_eq!(err.line(), Some(1));
}

#[test]
fn traversal_slugs_are_reslugified_and_reported() {
    let dir = tempfile::tempdir().expect("temp");
    let essays = dir.path().join("essays");
    std::fs::create_dir(&essays).expect("mkdir");
    for (name, slug) in [
        ("a.md", "../../escaped"),
        ("b.md", "/etc/cron.d/x"),
        ("c.md", "CON"),
        ("d.md", ".."),
    ] {
        let text = format!(
            "---\ntitle: {name}\nslug: \"{slug}\"\nstatus: published\ndate: 2020-01-01\n---\nx\n"
        );
        std::fs::write(essays.join(name), text).expect("write");
    }
    let output = run(dir.path(), &["export", "essays", "--out", "out"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("slug `../../escaped` is not usable"), "{err}");
    let written = files(&dir.path().join("out"));
    assert!(
        written.contains(&"escaped/index.html".to_string()),
        "{written:?}"
    );
    assert!(
        written.contains(&"etc-cron-d-x/index.html".to_string()),
        "{written:?}"
    );
    assert!(
        written.contains(&"con/index.html".to_string())
            || written.contains(&"con-essay/index.html".to_string()),
        "{written:?}"
    );
    let outside: Vec<_> = files(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("out/") && !f.starts_with("essays/"))
        .collect();
    assert!(
        outside.is_empty(),
        "nothing written outside out/: {outside:?}"
    );
}

#[cfg(unix)]
#[test]
fn export_copies_nothing_from_outside_the_essays_folder() {
    let dir = tempfile::tempdir().expect("temp");
    let essays = dir.path().join("essays");
    std::fs::create_dir_all(essays.join("img")).expect("mkdir");
    std::fs::write(dir.path().join("secret.png"), "SECRET").expect("secret");
    std::os::unix::fs::symlink(dir.path().join("secret.png"), essays.join("img/link.png"))
        .expect("symlink");
    let text = "---\ntitle: T\nstatus: published\ndate: 2020-01-01\n---\n![a](../secret.png) ![b](img/link.png) ![c](/etc/passwd) ![d](../../../../../../etc/passwd)\n";
    std::fs::write(essays.join("t.md"), text).expect("write");
    let output = run(dir.path(), &["export", "essays", "--out", "out"]);
    let err = stderr(&output);
    assert!(err.contains("outside the essays folder"), "{err}");
    for file in files(&dir.path().join("out")) {
        assert_ne!(
            read_lossy(dir.path().join("out").join(&file)),
            "SECRET",
            "{file} is a copy of a file outside the folder"
        );
    }
    let standalone = run(
        dir.path(),
        &["export", "essays/t.md", "--standalone", "--out", "usb"],
    );
    let page = read(dir.path().join("usb/t.html"));
    assert!(
        !page.contains("U0VDUkVU"),
        "the secret is not inlined: {}",
        stderr(&standalone)
    );
}

#[cfg(unix)]
#[test]
fn export_refuses_to_write_through_a_symlink_planted_in_the_output() {
    let dir = tempfile::tempdir().expect("temp");
    let essays = dir.path().join("essays");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&essays).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("out")).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("out/victim")).expect("symlink");
    std::os::unix::fs::symlink(
        dir.path().join("elsewhere/style.css"),
        dir.path().join("out/style.css"),
    )
    .expect("symlink");
    let text = "---\ntitle: Victim\nstatus: published\ndate: 2020-01-01\n---\nx\n";
    std::fs::write(essays.join("victim.md"), text).expect("write");
    let output = run(dir.path(), &["export", "essays", "--out", "out"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert!(
        files(&elsewhere).is_empty(),
        "nothing written through the links: {:?}",
        files(&elsewhere)
    );
}

/// Every `href`/`src` value in a page, as a browser decodes the few references we emit.
fn attribute_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            urls.push(rest[..end].replace("&amp;", "&"));
        }
    }
    urls
}

#[test]
fn network_paths_and_backslashes_are_refused_in_links_images_and_raw_html() {
    // A browser reads `\` as `/`: each of these is another host (a network share, with the
    // reader's credentials, for a page opened from disk), never a file beside the page.
    let forms = [
        r"\\host\share\x.png",
        "//host/share/x.png",
        r"/\host/share/x.png",
        r"\/host/share/x.png",
    ];
    let mut body = String::new();
    for form in forms {
        // Markdown reads `\\` as an escape: doubled, the destination is the form itself.
        let md = form.replace('\\', r"\\");
        body.push_str(&format!(
            "![alt]({md}) [link]({md})\n\n<img src=\"{form}\" alt=\"raw\"> <a href='{form}'>raw</a>\n\n"
        ));
    }
    let text = format!("---\ntitle: Hosts\nstatus: published\ndate: 2020-01-01\n---\n{body}");
    let dir = tempfile::tempdir().expect("temp");
    let essays = dir.path().join("essays");
    std::fs::create_dir_all(&essays).expect("mkdir");
    std::fs::write(essays.join("hosts.md"), &text).expect("write");

    let leaks = |html: &str, case: &str| {
        for url in attribute_urls(html) {
            let url = url.trim();
            assert!(
                !url.contains("host"),
                "{case}: `{url}` reaches the page in {html}"
            );
        }
    };
    // The preview and every export share one pipeline: the render, then each exporter.
    let essay = Essay::from_source(&essays.join("hosts.md"), text.clone()).expect("parse");
    let rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls).expect("render");
    leaks(&rendered.html, "render");
    run(dir.path(), &["export", "essays", "--out", "site"]);
    leaks(&read(dir.path().join("site/hosts/index.html")), "site");
    run(dir.path(), &["export", "essays/hosts.md", "--out", "post"]);
    leaks(&read(dir.path().join("post/hosts/index.html")), "post");
    run(
        dir.path(),
        &["export", "essays/hosts.md", "--standalone", "--out", "file"],
    );
    leaks(&read(dir.path().join("file/hosts.html")), "standalone");

    // `quire check` names each Markdown one as a network path, on its line.
    let output = run(dir.path(), &["check", "essays"]);
    let report = crate::support::stdout(&output);
    for (n, form) in forms.iter().enumerate() {
        let line = 6 + 4 * n;
        let found = format!("hosts.md:{line}: error: `{form}` is a network path");
        assert_eq!(
            report.matches(&found).count(),
            2,
            "the image and the link with {form} at line {line}:\n{report}"
        );
    }
    assert_eq!(output.status.code(), Some(1), "{report}");
}
