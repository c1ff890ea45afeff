//! Regression tests, each named after the problem it pins.

use quire::markdown::{render, KeepUrls, RenderOptions};

fn html(md: &str) -> String {
    render(md, 1, &RenderOptions::essay(), &KeepUrls)
        .expect("renders")
        .html
}

#[test]
fn unclosed_inline_tag_ends_with_its_paragraph() {
    // Without this, `<b>` written once made the rest of the essay bold.
    let out = html("Some <b>bold\n\nA later paragraph.\n");
    assert!(out.contains("<b>bold</b></p>"), "{out}");
    assert!(
        !out.contains("</b>\n<p>A later") && out.ends_with("<p>A later paragraph.</p>\n"),
        "{out}"
    );
}

#[test]
fn a_div_opened_in_one_html_block_can_wrap_markdown_until_its_close() {
    let out = html("<div class=\"aside\">\n\nWrapped *Markdown*.\n\n</div>\n\nAfter.\n");
    let open = out.find("<div class=\"aside\">").expect("div kept");
    let close = out.find("</div>").expect("closed");
    let wrapped = out.find("Wrapped").expect("text");
    assert!(
        open < wrapped && wrapped < close && close < out.find("After").expect("after"),
        "{out}"
    );
}

#[test]
fn nul_bytes_become_replacement_characters() {
    assert_eq!(html("a\0b"), "<p>a\u{fffd}b</p>\n");
}

#[test]
fn whitespace_in_a_class_attribute_still_separates_the_names() {
    let out = html("<span class=\"a\tb\nc\">x</span>\n");
    assert!(out.contains("class=\"a b c\""), "{out}");
}

#[test]
fn text_before_a_colon_that_is_not_a_scheme_stays_a_relative_link() {
    // CommonMark example 500: `foo):` is a path, not a scheme, so the link keeps its target.
    let out = html("[link](foo\\)\\:)\n");
    assert!(out.contains("href=\"foo):\""), "{out}");
}

#[test]
fn smart_quotes_do_not_split_word_counts() {
    let r = render(
        "It's the writer's \"own\" words.\n",
        1,
        &RenderOptions::essay(),
        &KeepUrls,
    )
    .expect("renders");
    assert_eq!(r.words, 5);
}

#[test]
fn footnote_definitions_never_referenced_are_left_out() {
    let out = html("Text.\n\n[^lonely]: Never cited.\n");
    assert!(!out.contains("Never cited"), "{out}");
    assert!(!out.contains("footnotes"), "{out}");
}
