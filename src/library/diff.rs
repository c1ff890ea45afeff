//! Word-level differences between two texts, for the history panel: what a revision looked
//! like against the text in the editor now. [`word_diff`] gives [`Span`]s in order; joining the
//! `Same` and `Removed` ones gives the old text back, `Same` and `Added` the new one.

use std::time::{Duration, Instant};

use similar::{Algorithm, ChangeTag, TextDiff};

/// A diff that takes longer than this falls back to coarser (line) granularity.
const TIME_BUDGET: Duration = Duration::from_millis(500);

/// What a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// In both texts.
    Same,
    /// Only in the new text.
    Added,
    /// Only in the old text.
    Removed,
}

/// A run of text of one kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "DiffSpan"))]
pub struct Span {
    /// Same, added or removed.
    pub kind: SpanKind,
    /// The text, whitespace included.
    pub text: String,
}

/// The words added and removed going from `old` to `new`, as runs; adjacent runs of one kind
/// are joined. Very large or very different texts are compared by lines instead, so the panel
/// never hangs.
pub fn word_diff(old: &str, new: &str) -> Vec<Span> {
    let deadline = Instant::now() + TIME_BUDGET;
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .deadline(deadline)
        .diff_words(old, new);
    let diff = if Instant::now() > deadline {
        TextDiff::configure()
            .algorithm(Algorithm::Patience)
            .diff_lines(old, new)
    } else {
        diff
    };
    let mut spans: Vec<Span> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SpanKind::Same,
            ChangeTag::Insert => SpanKind::Added,
            ChangeTag::Delete => SpanKind::Removed,
        };
        let text = change.value();
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ => spans.push(Span {
                kind,
                text: text.to_string(),
            }),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(spans: &[Span], skip: SpanKind) -> String {
        spans
            .iter()
            .filter(|s| s.kind != skip)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn marks_the_words_that_changed_and_keeps_both_texts() {
        let old = "The quick brown fox jumps.\n\nA second paragraph.\n";
        let new = "The slow brown fox jumps.\n\nA second paragraph, longer.\n";
        let spans = word_diff(old, new);
        assert_eq!(side(&spans, SpanKind::Added), old);
        assert_eq!(side(&spans, SpanKind::Removed), new);
        let removed: Vec<_> = spans
            .iter()
            .filter(|s| s.kind == SpanKind::Removed)
            .map(|s| s.text.trim())
            .collect();
        let added: Vec<_> = spans
            .iter()
            .filter(|s| s.kind == SpanKind::Added)
            .map(|s| s.text.trim())
            .collect();
        assert!(removed.contains(&"quick"), "{spans:?}");
        assert!(added.contains(&"slow"), "{spans:?}");
        assert!(added.iter().any(|a| a.contains("longer")), "{spans:?}");
    }

    #[test]
    fn identical_texts_are_one_same_span() {
        let spans = word_diff("a b c", "a b c");
        assert_eq!(
            spans,
            vec![Span {
                kind: SpanKind::Same,
                text: "a b c".into()
            }]
        );
    }
}
