//! Three-way merge of a dirty draft with the file that changed under it on disk.
//!
//! When an essay changes on disk while the writer has unsaved changes, Quire merges the two
//! versions against their common ancestor, the *base* (the file text the draft started from):
//! whatever only one side changed is taken from that side, a change both sides made
//! identically is taken once, and where the sides changed the same place differently the
//! merge keeps a conflict for the writer to resolve. The merge runs diff3 over *lines* first
//! (each line keeps its line ending, so joining the pieces reproduces the texts byte for byte,
//! CRLF and a missing final newline included). Essays are prose, where a paragraph is often a
//! single long line, so a line region that both sides changed is merged once more over
//! *words* (runs of non-whitespace and runs of whitespace, which again join back exactly): two
//! writers editing different sentences of one paragraph merge cleanly. At word level, a change
//! from one side and a change from the other must be separated by at least one unchanged
//! word, so edits to neighbouring words conflict instead of being spliced into a sentence that
//! neither writer wrote. If the word-level merge of a region is not clean, the whole line
//! region becomes one conflict, because whole lines read better in the resolution UI.
//! Guarantees: [`merge`] never panics; if `base == mine` the result is exactly `theirs`, if
//! `base == theirs` or `mine == theirs` it is exactly `mine`; nothing that either side added
//! is dropped silently (it is either merged in or sits in a conflict); swapping `mine` and
//! `theirs` only swaps the sides of each conflict; and each diff runs under a shared time
//! budget, after which it degrades to coarser (still correct, just more conflicting) hunks,
//! so even megabyte-sized, completely rewritten texts merge in bounded time.

use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

/// How long all the diffs of one [`merge`] may take before they fall back to coarser hunks.
const TIME_BUDGET: Duration = Duration::from_secs(1);

/// One piece of a merge: text both sides agree on, or a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hunk {
    /// Text that goes into the result as it is.
    Clean(String),
    /// A region that both sides changed differently, as whole lines.
    Conflict {
        /// The region in the base text.
        base: String,
        /// The region in the writer's draft.
        mine: String,
        /// The region in the file on disk.
        theirs: String,
    },
}

/// How the writer resolves one conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Keep the draft's version.
    Mine,
    /// Keep the version on disk.
    Theirs,
    /// Keep both: mine, then theirs (with a line break between them if mine lacks one).
    Both,
    /// Use this text instead.
    Edited(String),
}

/// The outcome of merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The pieces of the result, in order; adjacent clean text is always one [`Hunk::Clean`].
    pub hunks: Vec<Hunk>,
}

impl Merge {
    /// True when there is nothing to resolve.
    pub fn is_clean(&self) -> bool {
        self.conflicts() == 0
    }

    /// The merged text when clean.
    pub fn text(&self) -> Option<String> {
        if !self.is_clean() {
            return None;
        }
        Some(
            self.hunks
                .iter()
                .filter_map(|hunk| match hunk {
                    Hunk::Clean(text) => Some(text.as_str()),
                    Hunk::Conflict { .. } => None,
                })
                .collect(),
        )
    }

    /// How many conflicts are left to resolve.
    pub fn conflicts(&self) -> usize {
        self.hunks
            .iter()
            .filter(|hunk| matches!(hunk, Hunk::Conflict { .. }))
            .count()
    }

    /// Joins the hunks, resolving the i-th conflict with `choices[i]`. Errors if the count differs.
    pub fn resolve(&self, choices: &[Choice]) -> Result<String, MergeError> {
        let conflicts = self.conflicts();
        if choices.len() != conflicts {
            return Err(MergeError::ChoiceCount {
                conflicts,
                choices: choices.len(),
            });
        }
        let mut out = String::new();
        let mut choices = choices.iter();
        for (at, hunk) in self.hunks.iter().enumerate() {
            match hunk {
                Hunk::Clean(text) => out.push_str(text),
                Hunk::Conflict { mine, theirs, .. } => match choices.next() {
                    Some(Choice::Mine) => out.push_str(mine),
                    Some(Choice::Theirs) => out.push_str(theirs),
                    Some(Choice::Both) => out.push_str(&self.both_at(at)),
                    Some(Choice::Edited(text)) => out.push_str(text),
                    None => {
                        return Err(MergeError::ChoiceCount {
                            conflicts,
                            choices: choices.len(),
                        });
                    }
                },
            }
        }
        Ok(out)
    }

    /// What [`Choice::Both`] puts in place of each conflict, in order, so that a view of the
    /// result shows exactly what resolving will write.
    pub fn both_texts(&self) -> Vec<String> {
        (0..self.hunks.len())
            .filter(|&at| matches!(self.hunks[at], Hunk::Conflict { .. }))
            .map(|at| self.both_at(at))
            .collect()
    }

    /// Mine then theirs for the conflict at `self.hunks[at]`. A conflict at the end of a file
    /// may lack its final line break, so one is put between them rather than gluing two lines
    /// together; and when the conflict is a paragraph of its own (blank lines around it), a
    /// blank line keeps the two versions two paragraphs, which Markdown would otherwise join.
    /// List items, table rows and the like stay adjacent.
    fn both_at(&self, at: usize) -> String {
        let Some(Hunk::Conflict { mine, theirs, .. }) = self.hunks.get(at) else {
            return String::new();
        };
        let eol = self.line_ending();
        let blank_before = match at.checked_sub(1).map(|i| &self.hunks[i]) {
            None => true,
            Some(Hunk::Clean(text)) => text.ends_with("\n\n") || text.ends_with("\n\r\n"),
            Some(Hunk::Conflict { .. }) => false,
        };
        let blank_after = match self.hunks.get(at + 1) {
            None => true,
            Some(Hunk::Clean(text)) => text.starts_with('\n') || text.starts_with("\r\n"),
            Some(Hunk::Conflict { .. }) => false,
        };
        let mut out = mine.clone();
        if mine.is_empty() || theirs.is_empty() {
            out.push_str(theirs);
            return out;
        }
        if !mine.ends_with('\n') {
            out.push_str(eol);
        }
        let last = mine
            .trim_end_matches(['\r', '\n'])
            .rsplit('\n')
            .next()
            .unwrap_or("");
        let first = theirs.split('\n').next().unwrap_or("");
        if blank_before && blank_after && is_prose_line(last) && is_prose_line(first) {
            out.push_str(eol);
        }
        out.push_str(theirs);
        out
    }

    /// `"\r\n"` if the texts use CRLF line endings, else `"\n"`.
    fn line_ending(&self) -> &'static str {
        let crlf = self.hunks.iter().any(|hunk| match hunk {
            Hunk::Clean(text) => text.contains("\r\n"),
            Hunk::Conflict { base, mine, theirs } => {
                base.contains("\r\n") || mine.contains("\r\n") || theirs.contains("\r\n")
            }
        });
        if crlf {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn clean(text: &str) -> Merge {
        let mut hunks = Vec::new();
        push_clean(&mut hunks, text);
        Merge { hunks }
    }
}

/// Why a merge could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// The choices were made for another merge: one is needed per conflicting hunk.
    #[error("the merge has {conflicts} conflict(s) but {choices} choice(s) were given")]
    ChoiceCount {
        /// Conflicting hunks in the merge.
        conflicts: usize,
        /// Choices given.
        choices: usize,
    },
}

/// Three-way merge of `mine` (the writer's draft) and `theirs` (the file on disk) against `base`.
pub fn merge(base: &str, mine: &str, theirs: &str) -> Merge {
    if mine == theirs || base == theirs {
        return Merge::clean(mine);
    }
    if base == mine {
        return Merge::clean(theirs);
    }
    merge_with(base, mine, theirs, true)
}

/// The merge itself, without the shortcuts; `refine_words` turns the word-level pass on.
fn merge_with(base: &str, mine: &str, theirs: &str, refine_words: bool) -> Merge {
    let deadline = Instant::now().checked_add(TIME_BUDGET);
    let (base, mine, theirs) = (
        Tokens::lines(base),
        Tokens::lines(mine),
        Tokens::lines(theirs),
    );
    let mut hunks = Vec::new();
    for chunk in diff3(&base, &mine, &theirs, deadline) {
        let b = base.slice(chunk.base);
        let m = mine.slice(chunk.mine);
        let t = theirs.slice(chunk.theirs);
        match chunk.kind {
            Kind::Stable => push_clean(&mut hunks, b),
            Kind::Mine | Kind::Same => push_clean(&mut hunks, m),
            Kind::Theirs => push_clean(&mut hunks, t),
            Kind::Conflict => match refine_words
                .then(|| merge_words(b, m, t, deadline))
                .flatten()
            {
                Some(text) => push_clean(&mut hunks, &text),
                None => hunks.push(Hunk::Conflict {
                    base: b.to_owned(),
                    mine: m.to_owned(),
                    theirs: t.to_owned(),
                }),
            },
        }
    }
    Merge { hunks }
}

/// Merges one region at word level; `None` unless every change merges cleanly.
fn merge_words(base: &str, mine: &str, theirs: &str, deadline: Option<Instant>) -> Option<String> {
    let (base, mine, theirs) = (
        Tokens::words(base),
        Tokens::words(mine),
        Tokens::words(theirs),
    );
    let mut out = String::new();
    // The side that changed something since the last unchanged word.
    let mut last_side = None;
    for chunk in diff3(&base, &mine, &theirs, deadline) {
        match chunk.kind {
            Kind::Stable => {
                let text = base.slice(chunk.base);
                if text.chars().any(|c| !c.is_whitespace()) {
                    last_side = None;
                }
                out.push_str(text);
            }
            Kind::Same => out.push_str(mine.slice(chunk.mine)),
            Kind::Mine | Kind::Theirs => {
                let side = chunk.kind;
                if last_side.is_some_and(|last| last != side) {
                    return None;
                }
                last_side = Some(side);
                out.push_str(if side == Kind::Mine {
                    mine.slice(chunk.mine)
                } else {
                    theirs.slice(chunk.theirs)
                });
            }
            Kind::Conflict => return None,
        }
    }
    Some(out)
}

/// Appends clean text, coalescing it with a clean hunk before it; empty text adds nothing.
fn push_clean(hunks: &mut Vec<Hunk>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Hunk::Clean(last)) = hunks.last_mut() {
        last.push_str(text);
    } else {
        hunks.push(Hunk::Clean(text.to_owned()));
    }
}

/// A non-blank line that is not a list item, table row, quote, heading or fence: one that
/// would run on into the next line's paragraph.
fn is_prose_line(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() {
        return false;
    }
    let ordered = line.split_once(['.', ')']).is_some_and(|(n, rest)| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (rest.is_empty() || rest.starts_with(' '))
    });
    let marker = ["- ", "* ", "+ ", "|", ">", "#", "```", "~~~"]
        .iter()
        .any(|m| line.starts_with(m));
    !(ordered || marker || line == "-" || line == "*" || line == "+")
}

/// A text cut into tokens that join back into it exactly.
struct Tokens<'a> {
    text: &'a str,
    /// Byte offsets: token `i` is `text[bounds[i]..bounds[i + 1]]`.
    bounds: Vec<usize>,
}

impl<'a> Tokens<'a> {
    /// Lines, each with its line ending (`\n` or `\r\n`); the last may have none.
    fn lines(text: &'a str) -> Tokens<'a> {
        let mut bounds = vec![0];
        bounds.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(i, _)| i + 1),
        );
        if bounds.last() != Some(&text.len()) {
            bounds.push(text.len());
        }
        Tokens { text, bounds }
    }

    /// Runs of non-whitespace and runs of whitespace.
    fn words(text: &'a str) -> Tokens<'a> {
        let mut bounds = vec![0];
        let mut previous = None;
        for (i, c) in text.char_indices() {
            let space = c.is_whitespace();
            if previous.is_some_and(|p| p != space) {
                bounds.push(i);
            }
            previous = Some(space);
        }
        if !text.is_empty() {
            bounds.push(text.len());
        }
        Tokens { text, bounds }
    }

    fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The text of a range of tokens.
    fn slice(&self, range: Range<usize>) -> &'a str {
        &self.text[self.bounds[range.start]..self.bounds[range.end]]
    }
}

/// What happened to one stretch of the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Unchanged on both sides.
    Stable,
    /// Changed in mine only.
    Mine,
    /// Changed in theirs only.
    Theirs,
    /// Changed the same way on both sides.
    Same,
    /// Changed differently on both sides.
    Conflict,
}

/// A stretch of the base and the matching stretches of mine and theirs, in token indices.
#[derive(Debug)]
struct Chunk {
    kind: Kind,
    base: Range<usize>,
    mine: Range<usize>,
    theirs: Range<usize>,
}

/// diff3 over tokens: alternating stable chunks (tokens matched on both sides, in step) and
/// unstable ones (everything up to the next base token that both sides kept).
fn diff3(base: &Tokens, mine: &Tokens, theirs: &Tokens, deadline: Option<Instant>) -> Vec<Chunk> {
    let [o, a, b] = intern([base, mine, theirs]);
    let to_mine = matching(&o, &a, deadline);
    let to_theirs = matching(&o, &b, deadline);
    let (mut lo, mut la, mut lb) = (0, 0, 0);
    let mut chunks = Vec::new();
    loop {
        let mut i = 0;
        while lo + i < o.len()
            && to_mine[lo + i] == Some(la + i)
            && to_theirs[lo + i] == Some(lb + i)
        {
            i += 1;
        }
        if i > 0 {
            chunks.push(Chunk {
                kind: Kind::Stable,
                base: lo..lo + i,
                mine: la..la + i,
                theirs: lb..lb + i,
            });
            (lo, la, lb) = (lo + i, la + i, lb + i);
        }
        if lo == o.len() && la == a.len() && lb == b.len() {
            return chunks;
        }
        let (j, k, m) = (lo..o.len())
            .find_map(|j| match (to_mine[j], to_theirs[j]) {
                (Some(k), Some(m)) => Some((j, k, m)),
                _ => None,
            })
            .unwrap_or((o.len(), a.len(), b.len()));
        let (ob, ab, bb) = (&o[lo..j], &a[la..k], &b[lb..m]);
        let kind = if ab == ob && bb == ob {
            Kind::Stable
        } else if ab == ob {
            Kind::Theirs
        } else if bb == ob {
            Kind::Mine
        } else if ab == bb {
            Kind::Same
        } else {
            Kind::Conflict
        };
        chunks.push(Chunk {
            kind,
            base: lo..j,
            mine: la..k,
            theirs: lb..m,
        });
        (lo, la, lb) = (j, k, m);
    }
}

/// Numbers the tokens of the three texts so that equal tokens get equal numbers.
fn intern(texts: [&Tokens; 3]) -> [Vec<u32>; 3] {
    let mut table: HashMap<&str, u32> = HashMap::new();
    texts.map(|tokens| {
        (0..tokens.len())
            .map(|i| {
                let next = table.len() as u32;
                *table.entry(tokens.slice(i..i + 1)).or_insert(next)
            })
            .collect()
    })
}

/// For each token of `old`, the token of `new` it is matched with by a diff, if any.
fn matching(old: &[u32], new: &[u32], deadline: Option<Instant>) -> Vec<Option<usize>> {
    let mut matched = vec![None; old.len()];
    for op in capture_diff_slices_deadline(Algorithm::Myers, old, new, deadline) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for (i, slot) in matched[old_index..old_index + len].iter_mut().enumerate() {
                *slot = Some(new_index + i);
            }
        }
    }
    matched
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use proptest::prelude::*;

    use super::*;

    fn clean(base: &str, mine: &str, theirs: &str) -> String {
        let merged = merge(base, mine, theirs);
        assert!(merged.is_clean(), "expected a clean merge, got {merged:#?}");
        merged.text().unwrap()
    }

    fn conflict(base: &str, mine: &str, theirs: &str) -> Hunk {
        Hunk::Conflict {
            base: base.to_owned(),
            mine: mine.to_owned(),
            theirs: theirs.to_owned(),
        }
    }

    /// No empty or adjacent clean hunks, and no conflict whose sides agree.
    fn assert_well_formed(merged: &Merge) {
        for pair in merged.hunks.windows(2) {
            assert!(
                !matches!(pair, [Hunk::Clean(_), Hunk::Clean(_)]),
                "adjacent clean hunks in {merged:#?}"
            );
        }
        for hunk in &merged.hunks {
            match hunk {
                Hunk::Clean(text) => assert!(!text.is_empty()),
                Hunk::Conflict { mine, theirs, .. } => assert_ne!(mine, theirs),
            }
        }
        assert_eq!(merged.text().is_some(), merged.is_clean());
    }

    // ---- the rules ----

    #[test]
    fn identical_texts_merge_to_the_same_text() {
        let text = "# Title\n\nOne paragraph.\n";
        assert_eq!(clean(text, text, text), text);
    }

    #[test]
    fn empty_texts_merge_to_an_empty_text() {
        let merged = merge("", "", "");
        assert_eq!(merged.hunks, vec![]);
        assert_eq!(merged.text().unwrap(), "");
    }

    #[test]
    fn a_change_on_mine_only_is_taken() {
        let base = "one\ntwo\nthree\n";
        assert_eq!(
            merge_with(base, "one\nTWO\nthree\n", base, true)
                .text()
                .unwrap(),
            "one\nTWO\nthree\n"
        );
    }

    #[test]
    fn a_change_on_theirs_only_is_taken() {
        let base = "one\ntwo\nthree\n";
        assert_eq!(
            merge_with(base, base, "one\ntwo\nthree\nfour\n", true)
                .text()
                .unwrap(),
            "one\ntwo\nthree\nfour\n"
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken_once() {
        let base = "one\ntwo\nthree\n";
        let both = "one\n2\nthree\n";
        assert_eq!(merge_with(base, both, both, true).text().unwrap(), both);
        assert_eq!(
            clean(base, "zero\none\n2\nthree\n", "one\n2\nthree\nfour\n"),
            "zero\none\n2\nthree\nfour\n"
        );
    }

    #[test]
    fn changes_to_different_paragraphs_merge_cleanly() {
        let base = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n";
        let mine = "First paragraph, revised.\n\nSecond paragraph.\n\nThird paragraph.\n";
        let theirs = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph, edited.\n";
        assert_eq!(
            clean(base, mine, theirs),
            "First paragraph, revised.\n\nSecond paragraph.\n\nThird paragraph, edited.\n"
        );
    }

    #[test]
    fn two_writers_editing_different_sentences_of_the_same_paragraph_merge_cleanly() {
        let base = "Intro.\n\nThe sea was calm. Birds flew low. We went home.\n\nEnd.\n";
        let mine = "Intro.\n\nThe sea was very calm. Birds flew low. We went home.\n\nEnd.\n";
        let theirs = "Intro.\n\nThe sea was calm. Birds flew low. We walked home slowly.\n\nEnd.\n";
        assert_eq!(
            clean(base, mine, theirs),
            "Intro.\n\nThe sea was very calm. Birds flew low. We walked home slowly.\n\nEnd.\n"
        );
    }

    #[test]
    fn edits_to_neighbouring_lines_merge_at_word_level() {
        let base = "alpha beta gamma\ndelta epsilon zeta\n";
        let mine = "alpha BETA gamma\ndelta epsilon zeta\n";
        let theirs = "alpha beta gamma\ndelta EPSILON zeta\n";
        assert_eq!(
            clean(base, mine, theirs),
            "alpha BETA gamma\ndelta EPSILON zeta\n"
        );
    }

    #[test]
    fn both_sides_rewriting_the_same_sentence_conflict() {
        let base = "Intro.\n\nThe sea was calm. Birds flew low.\n\nEnd.\n";
        let mine = "Intro.\n\nThe sea was glass. Birds flew low.\n\nEnd.\n";
        let theirs = "Intro.\n\nThe sea was rough. Birds flew low.\n\nEnd.\n";
        let merged = merge(base, mine, theirs);
        assert_eq!(
            merged.hunks,
            vec![
                Hunk::Clean("Intro.\n\n".to_owned()),
                conflict(
                    "The sea was calm. Birds flew low.\n",
                    "The sea was glass. Birds flew low.\n",
                    "The sea was rough. Birds flew low.\n"
                ),
                Hunk::Clean("\nEnd.\n".to_owned()),
            ]
        );
        assert_eq!(merged.conflicts(), 1);
        assert!(!merged.is_clean());
        assert_eq!(merged.text(), None);
    }

    #[test]
    fn changes_to_neighbouring_words_conflict() {
        let merged = merge("the quick fox\n", "the slow fox\n", "the quick dog\n");
        assert_eq!(
            merged.hunks,
            vec![conflict(
                "the quick fox\n",
                "the slow fox\n",
                "the quick dog\n"
            )]
        );
    }

    #[test]
    fn changes_separated_by_an_unchanged_word_merge_cleanly() {
        assert_eq!(
            clean(
                "the quick brown fox\n",
                "the slow brown fox\n",
                "the quick brown dog\n"
            ),
            "the slow brown dog\n"
        );
    }

    #[test]
    fn insertions_at_the_same_point_with_different_text_conflict() {
        let merged = merge("a\nb\n", "a\nmine\nb\n", "a\ntheirs\nb\n");
        assert_eq!(
            merged.hunks,
            vec![
                Hunk::Clean("a\n".to_owned()),
                conflict("", "mine\n", "theirs\n"),
                Hunk::Clean("b\n".to_owned()),
            ]
        );
    }

    #[test]
    fn insertions_at_the_same_point_with_the_same_text_are_taken_once() {
        assert_eq!(
            clean("a\nb\n", "a\nnew\nb\nc\n", "a\nnew\nb\n"),
            "a\nnew\nb\nc\n"
        );
    }

    #[test]
    fn word_insertions_at_the_same_point_with_different_text_conflict() {
        let merged = merge("a b\n", "a x b\n", "a y b\n");
        assert_eq!(merged.hunks, vec![conflict("a b\n", "a x b\n", "a y b\n")]);
    }

    #[test]
    fn both_sides_deleting_the_same_line_merge_cleanly() {
        assert_eq!(clean("a\nb\nc\nd\n", "a\nc\nd\n", "a\nc\nD\n"), "a\nc\nD\n");
    }

    #[test]
    fn deleting_a_line_the_other_side_edited_conflicts() {
        let merged = merge("a\nb c\nd\n", "a\nd\n", "a\nb C\nd\n");
        assert_eq!(
            merged.hunks,
            vec![
                Hunk::Clean("a\n".to_owned()),
                conflict("b c\n", "", "b C\n"),
                Hunk::Clean("d\n".to_owned()),
            ]
        );
    }

    #[test]
    fn an_empty_base_with_different_texts_on_both_sides_conflicts() {
        let merged = merge("", "mine\n", "theirs\n");
        assert_eq!(merged.hunks, vec![conflict("", "mine\n", "theirs\n")]);
    }

    #[test]
    fn an_empty_side_wins_when_the_other_side_kept_the_base() {
        assert_eq!(clean("a\n", "", "a\n"), "");
        assert_eq!(clean("a\n", "a\n", ""), "");
        assert_eq!(merge("a\n", "", "").hunks, vec![]);
    }

    #[test]
    fn all_different_texts_give_a_single_conflict() {
        let merged = merge("one\ntwo\n", "three\nfour\n", "five\nsix\n");
        assert_eq!(
            merged.hunks,
            vec![conflict("one\ntwo\n", "three\nfour\n", "five\nsix\n")]
        );
    }

    #[test]
    fn adjacent_clean_hunks_are_coalesced() {
        let merged = merge(
            "a\nb c d\ne\nf\n",
            "a\nB c d\ne\nf\nmine\n",
            "z\na\nb c D\ne\nf\n",
        );
        assert_eq!(
            merged.hunks,
            vec![Hunk::Clean("z\na\nB c D\ne\nf\nmine\n".to_owned())]
        );
        let merged = merge("a\nb\nc\n", "A\nb\nx\n", "A\nb\ny\n");
        assert_eq!(
            merged.hunks,
            vec![
                Hunk::Clean("A\nb\n".to_owned()),
                conflict("c\n", "x\n", "y\n")
            ]
        );
    }

    // ---- shortcuts and edge cases ----

    #[test]
    fn base_equal_to_mine_gives_exactly_theirs() {
        for (base, theirs) in [
            ("a\nb\n", "x\r\ny"),
            ("", "new\n"),
            ("a\n", ""),
            ("same", "same"),
        ] {
            assert_eq!(clean(base, base, theirs), theirs);
            assert_eq!(merge_with(base, base, theirs, true).text().unwrap(), theirs);
        }
    }

    #[test]
    fn base_equal_to_theirs_gives_exactly_mine() {
        for (base, mine) in [("a\nb\n", "x\r\ny"), ("", "new\n"), ("a\n", "")] {
            assert_eq!(clean(base, mine, base), mine);
            assert_eq!(merge_with(base, mine, base, true).text().unwrap(), mine);
        }
    }

    #[test]
    fn mine_equal_to_theirs_gives_mine() {
        assert_eq!(clean("old\n", "new\r\n", "new\r\n"), "new\r\n");
    }

    #[test]
    fn texts_without_a_trailing_newline_merge_cleanly() {
        assert_eq!(
            clean("a b\nc d\ne f", "A b\nc d\ne f", "a b\nc d\ne F"),
            "A b\nc d\ne F"
        );
        assert_eq!(
            clean("one two three", "One two three", "one two Three"),
            "One two Three"
        );
    }

    #[test]
    fn a_final_newline_added_on_one_side_is_kept() {
        assert_eq!(clean("a\nb", "A\nb", "a\nb\n"), "A\nb\n");
        assert_eq!(clean("a\nb\n", "a\nb", "A\nb\n"), "A\nb");
    }

    #[test]
    fn crlf_line_endings_survive_byte_for_byte() {
        let base = "one two\r\n\r\nthree four\r\n";
        let mine = "ONE two\r\n\r\nthree four\r\n";
        let theirs = "one two\r\n\r\nthree FOUR\r\nfive\r\n";
        assert_eq!(
            clean(base, mine, theirs),
            "ONE two\r\n\r\nthree FOUR\r\nfive\r\n"
        );
        let merged = merge("a\r\nb\r\n", "a\r\nx\r\n", "a\r\ny\r\n");
        assert_eq!(
            merged.hunks,
            vec![
                Hunk::Clean("a\r\n".to_owned()),
                conflict("b\r\n", "x\r\n", "y\r\n")
            ]
        );
    }

    #[test]
    fn multibyte_characters_and_emoji_merge_at_word_level() {
        let base = "Le café est très bon 🙂 et naïf.\n";
        let mine = "Le café était très bon 🙂 et naïf.\n";
        let theirs = "Le café est très bon 🎉 et naïf.\n";
        assert_eq!(
            clean(base, mine, theirs),
            "Le café était très bon 🎉 et naïf.\n"
        );
        let merged = merge("日本語\n", "日本\n", "本語\n");
        assert_eq!(merged.hunks, vec![conflict("日本語\n", "日本\n", "本語\n")]);
    }

    // ---- resolving ----

    fn two_conflicts() -> Merge {
        let merged = merge("a\nb\nc\nd\ne\n", "a\nB1\nc\nD1\ne\n", "a\nB2\nc\nD2\ne\n");
        assert_eq!(merged.conflicts(), 2);
        merged
    }

    #[test]
    fn resolving_with_mine_takes_my_text() {
        assert_eq!(
            two_conflicts()
                .resolve(&[Choice::Mine, Choice::Mine])
                .unwrap(),
            "a\nB1\nc\nD1\ne\n"
        );
    }

    #[test]
    fn resolving_with_theirs_takes_their_text() {
        assert_eq!(
            two_conflicts()
                .resolve(&[Choice::Theirs, Choice::Theirs])
                .unwrap(),
            "a\nB2\nc\nD2\ne\n"
        );
    }

    #[test]
    fn resolving_with_both_puts_mine_then_theirs() {
        assert_eq!(
            two_conflicts()
                .resolve(&[Choice::Both, Choice::Both])
                .unwrap(),
            "a\nB1\nB2\nc\nD1\nD2\ne\n"
        );
    }

    #[test]
    fn resolving_with_edited_text_uses_that_text() {
        assert_eq!(
            two_conflicts()
                .resolve(&[
                    Choice::Edited("b!\n".to_owned()),
                    Choice::Edited(String::new())
                ])
                .unwrap(),
            "a\nb!\nc\ne\n"
        );
    }

    #[test]
    fn each_choice_resolves_its_own_conflict_in_order() {
        assert_eq!(
            two_conflicts()
                .resolve(&[Choice::Theirs, Choice::Mine])
                .unwrap(),
            "a\nB2\nc\nD1\ne\n"
        );
    }

    #[test]
    fn both_puts_a_line_break_between_sides_that_end_without_one() {
        let merged = merge("a\nb", "a\nmine", "a\ntheirs");
        assert_eq!(merged.hunks[1], conflict("b", "mine", "theirs"));
        assert_eq!(merged.resolve(&[Choice::Both]).unwrap(), "a\nmine\ntheirs");
        let merged = merge("a\r\nb", "a\r\nmine", "a\r\ntheirs");
        assert_eq!(
            merged.resolve(&[Choice::Both]).unwrap(),
            "a\r\nmine\r\ntheirs"
        );
    }

    #[test]
    fn both_keeps_two_versions_of_a_paragraph_two_paragraphs_but_list_items_together() {
        // A line inside a paragraph stays a line: the paragraph is not split.
        assert_eq!(
            two_conflicts()
                .resolve(&[Choice::Both, Choice::Both])
                .unwrap(),
            "a\nB1\nB2\nc\nD1\nD2\ne\n"
        );
        let merged = merge(
            "x\n\nOld words.\n",
            "x\n\nMy words.\n",
            "x\n\nTheir words.\n",
        );
        assert_eq!(
            merged.resolve(&[Choice::Both]).unwrap(),
            "x\n\nMy words.\n\nTheir words.\n"
        );
        let merged = merge("x\n- old\n", "x\n- mine\n", "x\n- theirs\n");
        assert_eq!(
            merged.resolve(&[Choice::Both]).unwrap(),
            "x\n- mine\n- theirs\n"
        );
        let merged = merge("x\n\n- old\n", "x\n\n- mine\n", "x\n\n- theirs\n");
        assert_eq!(
            merged.resolve(&[Choice::Both]).unwrap(),
            "x\n\n- mine\n- theirs\n"
        );
        assert_eq!(merged.both_texts(), vec!["- mine\n- theirs\n".to_string()]);
        let merged = merge("x\n1. old\n", "x\n1. mine\n", "x\n2. theirs\n");
        assert_eq!(
            merged.resolve(&[Choice::Both]).unwrap(),
            "x\n1. mine\n2. theirs\n"
        );
    }

    #[test]
    fn resolving_with_the_wrong_number_of_choices_is_an_error() {
        let merged = two_conflicts();
        let error = merged.resolve(&[Choice::Mine]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the merge has 2 conflict(s) but 1 choice(s) were given"
        );
        assert!(merged
            .resolve(&[Choice::Mine, Choice::Mine, Choice::Mine])
            .is_err());
        let clean = merge("a\n", "b\n", "a\n");
        assert_eq!(clean.resolve(&[]).unwrap(), "b\n");
        assert!(clean.resolve(&[Choice::Mine]).is_err());
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert!(boxed.to_string().contains("2 conflict"));
    }

    // ---- size and time ----

    fn big_essay(paragraphs: usize) -> String {
        (0..paragraphs)
            .map(|i| {
                format!(
                    "Paragraph {i} says something about ink and paper, then goes on at some \
                     length about quires, folios and the habits of scribes number {i}.\n\n"
                )
            })
            .collect()
    }

    #[test]
    fn a_megabyte_essay_with_small_edits_merges_quickly() {
        let base = big_essay(8000);
        assert!(base.len() > 1_000_000);
        let mine = base
            .replacen("Paragraph 10 says", "Paragraph ten says", 1)
            .replacen("scribes number 5000.", "scribes, number 5000.", 1);
        let theirs = base
            .replacen(
                "Paragraph 10 says something",
                "Paragraph 10 says nothing",
                1,
            )
            .replacen("Paragraph 6000 says", "Paragraph six thousand says", 1);
        let start = Instant::now();
        let merged = merge(&base, &mine, &theirs);
        assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
        let text = merged.text().unwrap();
        assert!(text.contains("Paragraph ten says nothing"));
        assert!(text.contains("scribes, number 5000."));
        assert!(text.contains("Paragraph six thousand says"));
    }

    #[test]
    fn a_megabyte_single_line_edited_on_both_sides_merges_quickly() {
        let base = big_essay(7000).replace('\n', " ");
        let mine = base.replacen("Paragraph 10 says", "Paragraph ten says", 1);
        let theirs = base.replacen("Paragraph 6000 says", "Paragraph six thousand says", 1);
        let start = Instant::now();
        let text = clean(&base, &mine, &theirs);
        assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
        assert_eq!(
            text,
            mine.replacen("Paragraph 6000 says", "Paragraph six thousand says", 1)
        );
    }

    #[test]
    fn completely_different_large_texts_merge_in_bounded_time() {
        let lines = |seed: u64| -> String {
            let mut x = seed;
            (0..20_000)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    format!("{} {}\n", x >> 40, x >> 50)
                })
                .collect()
        };
        let (base, mine, theirs) = (lines(1), lines(2), lines(3));
        let start = Instant::now();
        let merged = merge(&base, &mine, &theirs);
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
        let mine_all = vec![Choice::Mine; merged.conflicts()];
        let theirs_all = vec![Choice::Theirs; merged.conflicts()];
        assert!(merged.conflicts() >= 1);
        assert!(merged.resolve(&mine_all).unwrap().len() <= mine.len() + theirs.len());
        let _ = merged.resolve(&theirs_all).unwrap();
    }

    // ---- properties ----

    const VOCABULARY: &[&str] = &[
        "the", "ink", "quire", "draft", "essay", "of", "and", "café", "naïve", "🙂",
    ];

    type Line = Vec<String>;

    fn render(lines: &[Line], trailing_newline: bool, crlf: bool) -> String {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = lines
            .iter()
            .map(|line| line.join(" "))
            .collect::<Vec<_>>()
            .join(eol);
        if trailing_newline && !lines.is_empty() {
            text.push_str(eol);
        }
        text
    }

    fn word() -> impl Strategy<Value = String> {
        prop::sample::select(VOCABULARY).prop_map(str::to_owned)
    }

    fn line() -> impl Strategy<Value = Line> {
        prop::collection::vec(word(), 1..7)
    }

    /// Paragraphs of one to three lines, separated by blank lines.
    fn paragraphs() -> impl Strategy<Value = Vec<Line>> {
        prop::collection::vec(prop::collection::vec(line(), 1..4), 1..6).prop_map(|paragraphs| {
            let mut lines = Vec::new();
            for paragraph in paragraphs {
                if !lines.is_empty() {
                    lines.push(Vec::new());
                }
                lines.extend(paragraph);
            }
            lines
        })
    }

    #[derive(Debug, Clone)]
    enum Edit {
        InsertWord(usize, usize, String),
        DeleteWord(usize, usize),
        ReplaceWord(usize, usize, String),
        InsertLine(usize, Line),
        DeleteLine(usize),
        ReplaceLine(usize, Line),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let at = || 0..1000usize;
        prop_oneof![
            (at(), at(), word()).prop_map(|(l, p, w)| Edit::InsertWord(l, p, w)),
            (at(), at()).prop_map(|(l, p)| Edit::DeleteWord(l, p)),
            (at(), at(), word()).prop_map(|(l, p, w)| Edit::ReplaceWord(l, p, w)),
            (at(), line()).prop_map(|(l, line)| Edit::InsertLine(l, line)),
            at().prop_map(Edit::DeleteLine),
            (at(), line()).prop_map(|(l, line)| Edit::ReplaceLine(l, line)),
        ]
    }

    fn script() -> impl Strategy<Value = Vec<Edit>> {
        prop::collection::vec(edit(), 0..6)
    }

    /// Applies a word edit to one line; `keep_one` keeps at least one word in it.
    fn edit_words(line: &mut Line, edit: &Edit, keep_one: bool) {
        match edit {
            Edit::InsertWord(_, p, w) => line.insert(p % (line.len() + 1), w.clone()),
            Edit::DeleteWord(_, p) if line.len() > usize::from(keep_one) => {
                line.remove(p % line.len());
            }
            Edit::ReplaceWord(_, p, w) if !line.is_empty() => {
                let p = p % line.len();
                line[p] = w.clone();
            }
            _ => {}
        }
    }

    /// Applies a script, edit after edit, anywhere in the text.
    fn apply(lines: &[Line], script: &[Edit]) -> Vec<Line> {
        let mut lines = lines.to_vec();
        for edit in script {
            let n = lines.len();
            match edit {
                Edit::InsertLine(at, line) => lines.insert(at % (n + 1), line.clone()),
                Edit::DeleteLine(at) if n > 0 => {
                    lines.remove(at % n);
                }
                Edit::ReplaceLine(at, line) if n > 0 => lines[at % n] = line.clone(),
                Edit::InsertWord(l, ..) | Edit::DeleteWord(l, ..) | Edit::ReplaceWord(l, ..)
                    if n > 0 =>
                {
                    edit_words(&mut lines[l % n], edit, false);
                }
                _ => {}
            }
        }
        lines
    }

    fn documents() -> impl Strategy<Value = (String, String, String)> {
        (
            paragraphs(),
            script(),
            script(),
            any::<bool>(),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(base, mine, theirs, trailing, crlf)| {
                (
                    render(&base, trailing, crlf),
                    render(&apply(&base, &mine), trailing, crlf),
                    render(&apply(&base, &theirs), trailing, crlf),
                )
            })
    }

    /// One side's edits in the disjoint case: lines inserted before base line `i` (or at the
    /// end, for `i == n`) and base lines replaced (`Some`) or deleted (`None`).
    #[derive(Debug, Default)]
    struct SideEdits {
        before: BTreeMap<usize, Vec<Line>>,
        lines: BTreeMap<usize, Option<Line>>,
    }

    impl SideEdits {
        fn build(base: &[Line], script: &[Edit], lines: &[usize], gaps: &[usize]) -> Self {
            let mut side = SideEdits::default();
            for edit in script {
                match edit {
                    Edit::InsertLine(at, line) if !gaps.is_empty() => side
                        .before
                        .entry(gaps[at % gaps.len()])
                        .or_default()
                        .push(line.clone()),
                    Edit::DeleteLine(at) if !lines.is_empty() => {
                        side.lines.insert(lines[at % lines.len()], None);
                    }
                    Edit::ReplaceLine(at, line) if !lines.is_empty() => {
                        side.lines
                            .insert(lines[at % lines.len()], Some(line.clone()));
                    }
                    Edit::InsertWord(l, ..)
                    | Edit::DeleteWord(l, ..)
                    | Edit::ReplaceWord(l, ..)
                        if !lines.is_empty() =>
                    {
                        let i = lines[l % lines.len()];
                        let current = side.lines.get(&i).cloned();
                        if let Some(mut line) = current.unwrap_or_else(|| Some(base[i].clone())) {
                            edit_words(&mut line, edit, true);
                            side.lines.insert(i, Some(line));
                        }
                    }
                    _ => {}
                }
            }
            side
        }
    }

    /// The base with the edits of the given sides applied.
    fn realize(base: &[Line], sides: &[&SideEdits]) -> Vec<Line> {
        let mut out = Vec::new();
        for i in 0..=base.len() {
            for side in sides {
                out.extend(side.before.get(&i).into_iter().flatten().cloned());
            }
            if i < base.len() {
                match sides.iter().find_map(|side| side.lines.get(&i)) {
                    Some(Some(line)) => out.push(line.clone()),
                    Some(None) => {}
                    None => out.push(base[i].clone()),
                }
            }
        }
        out
    }

    /// A base whose non-blank lines are unique (each starts with its own tag, which no edit
    /// brings back), and two scripts confined to parts of it that an untouched line separates,
    /// so that the diffs can only line up one way. Returns base, mine, theirs and the expected
    /// merge.
    fn disjoint_documents() -> impl Strategy<Value = (String, String, String, String)> {
        (
            paragraphs(),
            prop::collection::vec(0..3u8, 40),
            prop::collection::vec(0..2u8, 40),
            script(),
            script(),
            prop::bool::weighted(0.2),
        )
            .prop_map(|(mut base, owners, free_gaps, mine, theirs, crlf)| {
                for (tag, line) in base.iter_mut().filter(|line| !line.is_empty()).enumerate() {
                    line.insert(0, format!("L{tag}"));
                }
                let n = base.len();
                // Owner of each line: 0 nobody, 1 mine, 2 theirs; blank lines stay untouched,
                // and each run of touched lines belongs to the owner of its first line.
                let mut owner = vec![0u8; n];
                for i in 0..n {
                    let wanted = if base[i].is_empty() {
                        0
                    } else {
                        owners[i % 40]
                    };
                    let previous = i.checked_sub(1).map_or(0, |p| owner[p]);
                    owner[i] = if wanted != 0 && previous != 0 {
                        previous
                    } else {
                        wanted
                    };
                }
                // A gap takes the owner of a touched neighbour; between untouched lines (or
                // the ends of the text) it may go to either side.
                let gap_owner = |g: usize| {
                    let before = g.checked_sub(1).map_or(0, |p| owner[p]);
                    let after = if g < n { owner[g] } else { 0 };
                    // Touched neighbours of one gap always belong to the same side.
                    match before.max(after) {
                        0 => 1 + free_gaps[g % 40],
                        touched => touched,
                    }
                };
                let lines_of =
                    |who: u8| -> Vec<usize> { (0..n).filter(|&i| owner[i] == who).collect() };
                let gaps_of =
                    |who: u8| -> Vec<usize> { (0..=n).filter(|&g| gap_owner(g) == who).collect() };
                let mine = SideEdits::build(&base, &mine, &lines_of(1), &gaps_of(1));
                let theirs = SideEdits::build(&base, &theirs, &lines_of(2), &gaps_of(2));
                (
                    render(&base, true, crlf),
                    render(&realize(&base, &[&mine]), true, crlf),
                    render(&realize(&base, &[&theirs]), true, crlf),
                    render(&realize(&base, &[&mine, &theirs]), true, crlf),
                )
            })
    }

    fn words_added(from: &str, to: &str) -> Vec<String> {
        let mut counts: HashMap<&str, isize> = HashMap::new();
        for word in from.split_whitespace() {
            *counts.entry(word).or_default() -= 1;
        }
        for word in to.split_whitespace() {
            *counts.entry(word).or_default() += 1;
        }
        counts
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|(word, _)| word.to_owned())
            .collect()
    }

    fn lines_added(from: &str, to: &str) -> Vec<String> {
        let old: Vec<&str> = from.split_inclusive('\n').collect();
        to.split_inclusive('\n')
            .filter(|line| !old.contains(line))
            .map(str::to_owned)
            .collect()
    }

    fn swapped(merged: &Merge) -> Vec<Hunk> {
        merged
            .hunks
            .iter()
            .map(|hunk| match hunk {
                Hunk::Conflict { base, mine, theirs } => conflict(base, theirs, mine),
                clean => clean.clone(),
            })
            .collect()
    }

    fn strings() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ab \t\r\n\u{e9}🙂]{0,40}",
            "(a|b|c|\r\n|\n| ){0,30}"
        ]
    }

    proptest! {
        #[test]
        fn merging_a_side_with_itself_or_the_base_gives_that_side(
            (b, m, t) in documents()
        ) {
            prop_assert_eq!(merge(&b, &m, &m).text(), Some(m.clone()));
            prop_assert_eq!(merge(&b, &b, &t).text(), Some(t.clone()));
            prop_assert_eq!(merge(&b, &m, &b).text(), Some(m.clone()));
            // The same holds without the shortcuts.
            prop_assert_eq!(merge_with(&b, &m, &m, true).text(), Some(m.clone()));
            prop_assert_eq!(merge_with(&b, &b, &t, true).text(), Some(t.clone()));
            prop_assert_eq!(merge_with(&b, &m, &b, true).text(), Some(m));
        }

        #[test]
        fn edits_to_separate_lines_merge_into_both_edits(
            (b, m, t, expected) in disjoint_documents()
        ) {
            let merged = merge(&b, &m, &t);
            prop_assert_eq!(merged.text(), Some(expected.clone()));
            prop_assert_eq!(merge_with(&b, &m, &t, false).text(), Some(expected));
        }

        #[test]
        fn no_added_text_is_lost((b, m, t) in documents()) {
            let merged = merge(&b, &m, &t);
            assert_well_formed(&merged);
            let both = merged.resolve(&vec![Choice::Both; merged.conflicts()]).unwrap();
            let mine = merged.resolve(&vec![Choice::Mine; merged.conflicts()]).unwrap();
            let by_hand: String = merged
                .hunks
                .iter()
                .map(|hunk| match hunk {
                    Hunk::Clean(text) | Hunk::Conflict { mine: text, .. } => text.as_str(),
                })
                .collect();
            prop_assert_eq!(&by_hand, &mine);
            // Words are never lost by the word-level pass...
            for word in words_added(&b, &m) {
                prop_assert!(both.contains(&word), "{:?} lost from {:?}", word, both);
                prop_assert!(mine.contains(&word), "{:?} lost from {:?}", word, mine);
            }
            for word in words_added(&b, &t) {
                prop_assert!(both.contains(&word), "{:?} lost from {:?}", word, both);
            }
            // ...and at line level, whole added lines are never lost (the word-level pass
            // may legitimately combine two sides' edits of one line into a new line).
            let lines = merge_with(&b, &m, &t, false);
            let both = lines.resolve(&vec![Choice::Both; lines.conflicts()]).unwrap();
            let mine = lines.resolve(&vec![Choice::Mine; lines.conflicts()]).unwrap();
            for line in lines_added(&b, &m) {
                prop_assert!(both.contains(&line), "{:?} lost from {:?}", line, both);
                prop_assert!(mine.contains(&line), "{:?} lost from {:?}", line, mine);
            }
            for line in lines_added(&b, &t) {
                prop_assert!(both.contains(&line), "{:?} lost from {:?}", line, both);
            }
        }

        #[test]
        fn swapping_mine_and_theirs_swaps_the_conflicts((b, m, t) in documents()) {
            prop_assert_eq!(merge(&b, &t, &m).hunks, swapped(&merge(&b, &m, &t)));
        }

        #[test]
        fn arbitrary_strings_never_panic(b in strings(), m in strings(), t in strings()) {
            let merged = merge(&b, &m, &t);
            assert_well_formed(&merged);
            prop_assert_eq!(merge(&b, &t, &m).hunks, swapped(&merged));
            let n = merged.conflicts();
            for choice in [Choice::Mine, Choice::Theirs, Choice::Both, Choice::Edited("x".into())] {
                prop_assert!(merged.resolve(&vec![choice; n]).is_ok());
            }
            prop_assert!(merged.resolve(&vec![Choice::Mine; n + 1]).is_err());
            for word in words_added(&b, &m) {
                prop_assert!(merged.resolve(&vec![Choice::Mine; n]).unwrap().contains(&word));
            }
            let lines = merge_with(&b, &m, &t, false);
            let both = lines.resolve(&vec![Choice::Both; lines.conflicts()]).unwrap();
            for line in lines_added(&b, &m).into_iter().chain(lines_added(&b, &t)) {
                prop_assert!(both.contains(&line));
            }
        }
    }
}
