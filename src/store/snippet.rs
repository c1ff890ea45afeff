//! Snippets for a page of search hits, built here rather than by FTS5's `snippet()`, which
//! tokenizes the whole body of every hit to score every possible window (about 0.17 ms per
//! hit). [`Terms`] are the words of a query, folded and stemmed the way the index's
//! tokenizer (`porter unicode61 remove_diacritics 2`) does it; [`build`] scans a body only as
//! far as it must to find a window of [`WORDS`] words around its matches.

/// Words in a snippet, as FTS5's `snippet(…, 12)` gave.
pub const WORDS: usize = 12;
/// How far past the first match the scan looks for a window holding more of the terms
/// (a query with a phrase looks on until it finds the phrase).
const LOOK_PAST: usize = 120;

/// One word of a query: its stem, and whether it is a prefix (`polic*`).
#[derive(Debug, Clone, PartialEq)]
struct Term {
    stem: Vec<u8>,
    prefix: Option<String>,
}

/// The words of a query that a snippet marks. Phrases contribute every word, so a
/// phrase is marked wherever its words stand; operators and column names are skipped.
#[derive(Debug, Default)]
pub struct Terms {
    terms: Vec<Term>,
    /// First bytes of the terms' stems: a word whose folded first byte is not among
    /// them cannot match, so most words are never stemmed.
    firsts: Vec<u8>,
    /// The query has a phrase: its words stand together somewhere, and the snippet
    /// should show that place rather than a lone first word.
    phrase: bool,
}

impl Terms {
    /// The terms of an FTS5 query (words, "phrases", prefix*, AND/OR/NOT/NEAR, col:).
    pub fn of_query(query: &str) -> Terms {
        let mut terms = Terms::default();
        let mut rest = query;
        while let Some(c) = rest.chars().next() {
            if c == '"' {
                // A phrase runs to the next lone quote; "" inside is a literal quote.
                let body = &rest[1..];
                let mut end = body.len();
                let mut i = 0;
                let bytes = body.as_bytes();
                while i < bytes.len() {
                    if bytes[i] == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        end = i;
                        break;
                    }
                    i += 1;
                }
                let after = body.get(end + 1..).unwrap_or("");
                let prefix = after.starts_with('*');
                terms.phrase |= Words::new(&body[..end]).nth(1).is_some();
                terms.add_words(&body[..end], prefix);
                rest = after;
            } else if c == '{' {
                // A column set ({title body}:) names columns, not words.
                rest = rest.find('}').map_or("", |i| &rest[i + 1..]);
            } else if c.is_alphanumeric() || c == '_' {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let (word, after) = rest.split_at(end);
                let column = after.trim_start().starts_with(':');
                let operator = matches!(word, "AND" | "OR" | "NOT" | "NEAR");
                if !column && !operator {
                    terms.add_words(word, after.starts_with('*'));
                }
                rest = after;
            } else {
                rest = &rest[c.len_utf8()..];
            }
        }
        terms
    }

    fn add_words(&mut self, text: &str, last_is_prefix: bool) {
        let words: Vec<(usize, usize)> = Words::new(text).collect();
        for (n, &(start, end)) in words.iter().enumerate() {
            let folded = fold(&text[start..end]);
            let term = Term {
                stem: stem(folded.as_bytes()),
                prefix: (last_is_prefix && n + 1 == words.len()).then_some(folded),
            };
            if !self.terms.contains(&term) {
                if let Some(&first) = term.stem.first() {
                    self.firsts.push(first);
                }
                self.terms.push(term);
            }
        }
    }

    /// How many different terms there are.
    fn len(&self) -> usize {
        self.terms.len()
    }

    /// Which term `word` (as written in the text) matches, if any.
    fn matching(&self, word: &str) -> Option<usize> {
        let first = fold_char(word.chars().next()?).next()?;
        if first.is_ascii() && !self.firsts.contains(&(first as u8)) {
            return None;
        }
        let folded = fold(word);
        let stemmed = stem(folded.as_bytes());
        self.terms.iter().position(|t| match &t.prefix {
            Some(prefix) => stemmed.starts_with(&t.stem) || folded.starts_with(prefix.as_str()),
            None => stemmed == t.stem,
        })
    }
}

/// The text around the first matches of `terms` in `text`: [`WORDS`] words, the
/// matches between `marks`, `…` where text was left out. `cut` says `text` is only the
/// start of the body. With no match, the start of the text.
pub fn build(text: &str, terms: &Terms, marks: (&str, &str), cut: bool) -> Snippet {
    let mut scan = Scan {
        text,
        words: Words::new(text),
        seen: Vec::new(),
        hits: Vec::new(),
        terms,
    };
    // Read until a window holds every term, or well past the first match.
    while terms.len() > 0 && scan.pull() {
        let Some(&(first, _)) = scan.hits.first() else {
            continue;
        };
        let last = scan.seen.len() - 1;
        if last >= first + LOOK_PAST && !terms.phrase {
            break;
        }
        let just_matched = scan.hits.last().is_some_and(|&(p, _)| p == last);
        if just_matched
            && scan.distinct_in((last + 1).saturating_sub(WORDS), last + 1) == terms.len()
        {
            break;
        }
    }
    let found = !scan.hits.is_empty();
    // The window starting at the match that gathers the most terms (then matches); earliest wins.
    let mut best: Option<(usize, usize, usize)> = None;
    for &(at, _) in &scan.hits {
        let distinct = scan.distinct_in(at, at + WORDS);
        let count = scan
            .hits
            .iter()
            .filter(|&&(p, _)| p >= at && p < at + WORDS)
            .count();
        if best.is_none_or(|(_, d, c)| (distinct, count) > (d, c)) {
            best = Some((at, distinct, count));
        }
    }
    let mut start = match best {
        Some((at, _, _)) => {
            // Centre the matches in the window, as FTS5 did.
            let last = scan
                .hits
                .iter()
                .map(|&(p, _)| p)
                .filter(|&p| p < at + WORDS)
                .max()
                .unwrap_or(at);
            at.saturating_sub((WORDS - (last - at + 1)) / 2)
        }
        None => 0,
    };
    while scan.seen.len() < start + WORDS + 1 && scan.pull() {}
    let end = scan.seen.len().min(start + WORDS);
    start = start.min(end.saturating_sub(WORDS));
    let more = scan.seen.len() > end || cut;

    let (open, close) = marks;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for k in start..end {
        let (s, e) = scan.seen[k];
        if k > start {
            out.push_str(&text[scan.seen[k - 1].1..s]);
        }
        if scan.hits.iter().any(|&(p, _)| p == k) {
            out.push_str(open);
            out.push_str(&text[s..e]);
            out.push_str(close);
        } else {
            out.push_str(&text[s..e]);
        }
    }
    if more && end > start {
        out.push('…');
    } else if let Some(&(_, e)) = scan.seen.last() {
        // The window reaches the end of the body: keep its closing punctuation.
        out.push_str(text[e..].trim_end());
    }
    Snippet { text: out, found }
}

/// A built snippet, and whether any term was found (if not, a longer text may do better).
#[derive(Debug)]
pub struct Snippet {
    pub text: String,
    pub found: bool,
}

struct Scan<'a> {
    text: &'a str,
    words: Words<'a>,
    /// Every word read so far, as byte ranges.
    seen: Vec<(usize, usize)>,
    /// (word index, term index) of every match read so far.
    hits: Vec<(usize, usize)>,
    terms: &'a Terms,
}

impl Scan<'_> {
    fn pull(&mut self) -> bool {
        let Some((s, e)) = self.words.next() else {
            return false;
        };
        if let Some(term) = self.terms.matching(&self.text[s..e]) {
            self.hits.push((self.seen.len(), term));
        }
        self.seen.push((s, e));
        true
    }

    /// How many different terms match in words `from..to`.
    fn distinct_in(&self, from: usize, to: usize) -> usize {
        let mut found = 0u64;
        for &(p, t) in &self.hits {
            if p >= from && p < to {
                found |= 1 << (t % 64);
            }
        }
        found.count_ones() as usize
    }
}

/// The words of a text as byte ranges: runs of letters and digits (with combining marks),
/// as `unicode61` splits them. Ranges always fall on character boundaries.
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Words<'a> {
        Words { text, at: 0 }
    }

    fn char_at(&self, i: usize) -> (char, usize) {
        let b = self.text.as_bytes()[i];
        if b.is_ascii() {
            return (b as char, 1);
        }
        let c = self.text[i..].chars().next().unwrap_or(' ');
        (c, c.len_utf8())
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let len = self.text.len();
        let mut i = self.at;
        let start = loop {
            if i >= len {
                self.at = len;
                return None;
            }
            let (c, n) = self.char_at(i);
            if is_word_char(c) {
                break i;
            }
            i += n;
        };
        while i < len {
            let (c, n) = self.char_at(i);
            if !is_word_char(c) {
                break;
            }
            i += n;
        }
        self.at = i;
        Some((start, i))
    }
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining(c)
    }
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Latin-1 and Latin Extended-A letters (U+00C0 to U+017F), lower-cased, without their
/// diacritics, as `remove_diacritics 2` folds them.
const LATIN: &str = "aaaaaaæceeeeiiiiðnooooo×øuuuuyþßaaaaaaæceeeeiiiiðnooooo÷øuuuuyþyaaaaaaccccccccddđđeeeeeeeeeegggggggghhħħiiiiiiiiiıĳĳjjkkĸllllllŀŀłłnnnnnnŉŋŋooooooœœrrrrrrssssssssttttŧŧuuuuuuuuuuuuwwyyyzzzzzzſ";

fn fold_char(c: char) -> impl Iterator<Item = char> {
    let lower: Vec<char> = if c.is_ascii() {
        vec![c.to_ascii_lowercase()]
    } else if is_combining(c) {
        Vec::new()
    } else {
        c.to_lowercase()
            .map(|l| match l as u32 {
                0xC0..=0x17F => LATIN.chars().nth(l as usize - 0xC0).unwrap_or(l),
                _ => l,
            })
            .collect()
    };
    lower.into_iter()
}

/// A word lower-cased and without diacritics, as the index's tokenizer folds it.
fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.chars().flat_map(fold_char).collect()
}

/// The Porter stem of a folded word, exactly as FTS5's `porter` tokenizer computes it
/// (a port of `fts5PorterCb`): words under 3 or over 64 bytes are left alone.
pub fn stem(word: &[u8]) -> Vec<u8> {
    let mut b = word.to_vec();
    if !(3..=64).contains(&b.len()) {
        return b;
    }
    // Step 1a.
    let n = b.len();
    if b[n - 1] == b's' {
        if b[n - 2] == b'e' {
            if (n > 4 && &b[n - 4..n - 2] == b"ss") || (n > 3 && b[n - 3] == b'i') {
                b.truncate(n - 2);
            } else {
                b.truncate(n - 1);
            }
        } else if b[n - 2] != b's' {
            b.truncate(n - 1);
        }
    }
    // Step 1b.
    if step(&mut b, &[("eed", "ee", 1), ("ed", "", 2), ("ing", "", 2)]) == Some(2)
        && step(
            &mut b,
            &[("at", "ate", 0), ("bl", "ble", 0), ("iz", "ize", 0)],
        )
        .is_none()
    {
        let n = b.len();
        let c = b[n - 1];
        if n >= 2 && !is_vowel(c, false) && !b"lsz".contains(&c) && c == b[n - 2] {
            b.pop();
        } else if m_eq1(&b) && ends_cvc(&b) {
            b.push(b'e');
        }
    }
    // Step 1c.
    let n = b.len();
    if b[n - 1] == b'y' && has_vowel(&b[..n - 1]) {
        b[n - 1] = b'i';
    }
    step(&mut b, STEP2);
    step(&mut b, STEP3);
    step(&mut b, STEP4);
    // Step 5a.
    let n = b.len();
    if b[n - 1] == b'e' {
        let s = &b[..n - 1];
        if m_gt1(s) || (m_eq1(s) && !ends_cvc(s)) {
            b.pop();
        }
    }
    // Step 5b.
    let n = b.len();
    if n > 1 && b[n - 1] == b'l' && b[n - 2] == b'l' && m_gt1(&b[..n - 1]) {
        b.pop();
    }
    b
}

/// Rule conditions: 0 none, 1 m > 0, 2 the stem has a vowel, 3 m > 1, 4 m > 1 and the
/// stem ends in s or t.
type Rule = (&'static str, &'static str, u8);

const STEP2: &[Rule] = &[
    ("ational", "ate", 1),
    ("tional", "tion", 1),
    ("enci", "ence", 1),
    ("anci", "ance", 1),
    ("izer", "ize", 1),
    ("logi", "log", 1),
    ("bli", "ble", 1),
    ("alli", "al", 1),
    ("entli", "ent", 1),
    ("eli", "e", 1),
    ("ousli", "ous", 1),
    ("ization", "ize", 1),
    ("ation", "ate", 1),
    ("ator", "ate", 1),
    ("alism", "al", 1),
    ("iveness", "ive", 1),
    ("fulness", "ful", 1),
    ("ousness", "ous", 1),
    ("aliti", "al", 1),
    ("iviti", "ive", 1),
    ("biliti", "ble", 1),
];
const STEP3: &[Rule] = &[
    ("ical", "ic", 1),
    ("ness", "", 1),
    ("icate", "ic", 1),
    ("iciti", "ic", 1),
    ("ful", "", 1),
    ("ative", "", 1),
    ("alize", "al", 1),
];
const STEP4: &[Rule] = &[
    ("al", "", 3),
    ("ance", "", 3),
    ("ence", "", 3),
    ("er", "", 3),
    ("ic", "", 3),
    ("able", "", 3),
    ("ible", "", 3),
    ("ant", "", 3),
    ("ement", "", 3),
    ("ment", "", 3),
    ("ent", "", 3),
    ("ion", "", 4),
    ("ou", "", 3),
    ("ism", "", 3),
    ("ate", "", 3),
    ("iti", "", 3),
    ("ous", "", 3),
    ("ive", "", 3),
    ("ize", "", 3),
];

/// Applies the first rule whose suffix the word ends with (leaving at least one byte
/// before it), if its condition holds. Returns the condition of the rule applied.
fn step(b: &mut Vec<u8>, rules: &[Rule]) -> Option<u8> {
    let (suffix, out, cond) = rules
        .iter()
        .find(|(suffix, _, _)| b.len() > suffix.len() && b.ends_with(suffix.as_bytes()))?;
    let stem = b.len() - suffix.len();
    let s = &b[..stem];
    let holds = match cond {
        0 => true,
        1 => m_gt0(s),
        2 => has_vowel(s),
        3 => m_gt1(s),
        _ => matches!(s.last(), Some(b's' | b't')) && m_gt1(s),
    };
    if !holds {
        return None;
    }
    b.truncate(stem);
    b.extend_from_slice(out.as_bytes());
    Some(*cond)
}

fn is_vowel(c: u8, y_is_vowel: bool) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u') || (y_is_vowel && c == b'y')
}

/// Skips a run of consonants, vowels and one consonant; returns where that consonant
/// ends, or 0 when there is no such consonant (one VC unit of Porter's measure).
fn gobble_vc(s: &[u8], previous_consonant: bool) -> usize {
    let mut consonant = previous_consonant;
    let mut i = 0;
    while i < s.len() {
        consonant = !is_vowel(s[i], consonant);
        if !consonant {
            break;
        }
        i += 1;
    }
    i += 1;
    while i < s.len() {
        consonant = !is_vowel(s[i], consonant);
        if consonant {
            return i + 1;
        }
        i += 1;
    }
    0
}

fn m_gt0(s: &[u8]) -> bool {
    gobble_vc(s, false) != 0
}

fn m_gt1(s: &[u8]) -> bool {
    let n = gobble_vc(s, false);
    n != 0 && gobble_vc(&s[n..], true) != 0
}

fn m_eq1(s: &[u8]) -> bool {
    let n = gobble_vc(s, false);
    n != 0 && gobble_vc(&s[n..], true) == 0
}

/// Porter's *o: the stem ends consonant-vowel-consonant, the last not w, x or y.
fn ends_cvc(s: &[u8]) -> bool {
    if matches!(s.last(), None | Some(b'w' | b'x' | b'y')) {
        return false;
    }
    let mut mask = 0u8;
    let mut consonant = false;
    for &c in s {
        consonant = !is_vowel(c, consonant);
        mask = ((mask << 1) | consonant as u8) & 7;
    }
    mask == 5
}

fn has_vowel(s: &[u8]) -> bool {
    s.iter().enumerate().any(|(i, &c)| is_vowel(c, i > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snip(text: &str, query: &str) -> String {
        build(text, &Terms::of_query(query), ("[", "]"), false).text
    }

    #[test]
    fn marks_every_match_in_the_window_whatever_its_case() {
        assert_eq!(
            snip("Training the police is not training the army.", "training"),
            "[Training] the police is not [training] the army."
        );
    }

    #[test]
    fn centres_the_window_on_the_first_match_and_marks_what_was_left_out() {
        let before = "one two three four five six seven eight nine ten ".repeat(5);
        let after = " alpha beta gamma delta epsilon zeta eta theta iota kappa".repeat(5);
        let text = format!("{before}an otter swam{after}");
        let out = snip(&text, "otter");
        assert_eq!(
            out,
            "…seven eight nine ten an [otter] swam alpha beta gamma delta epsilon…"
        );
        assert_eq!(out.split_whitespace().count(), WORDS);
    }

    #[test]
    fn prefers_the_window_holding_more_of_the_query() {
        let filler = "and so on ".repeat(10);
        let text = format!("An otter alone. {filler} Then an otter by the river bank.");
        let out = snip(&text, "otter river");
        assert!(out.contains("[otter] by the [river]"), "{out}");
    }

    #[test]
    fn a_phrase_is_shown_where_its_words_stand_together() {
        let filler = "and so on ".repeat(100);
        let text = format!("Security first. {filler} Then the security forces came.");
        let out = snip(&text, "\"security forces\"");
        assert!(out.contains("[security] [forces] came."), "{out}");
    }

    #[test]
    fn a_window_near_the_end_keeps_its_full_width() {
        let text = format!("{}the last word is otter.", "word ".repeat(30));
        let out = snip(&text, "otter");
        assert_eq!(
            out,
            "…word word word word word word word the last word is [otter]."
        );
    }

    #[test]
    fn matches_other_forms_of_a_word_as_the_index_does() {
        let out = snip(
            "He trained them; the trains ran; training continued.",
            "training",
        );
        assert_eq!(
            out,
            "He [trained] them; the [trains] ran; [training] continued."
        );
    }

    #[test]
    fn prefix_terms_match_the_start_of_words() {
        let out = snip("Corruption, the corrupt and a cormorant.", "corrup*");
        assert_eq!(out, "[Corruption], the [corrupt] and a cormorant.");
        // The index stems a prefix too (profession* looks for profess*), and so do we.
        let out = snip("Professionalism, professors and proof.", "profession*");
        assert_eq!(out, "[Professionalism], [professors] and proof.");
    }

    #[test]
    fn phrases_mark_their_words_and_operators_and_columns_are_not_terms() {
        let text = "Security forces and the AND of it, near the title.";
        let out = snip(text, "\"security forces\" AND title:near OR NOT x");
        assert_eq!(
            out,
            "[Security] [forces] and the AND of it, [near] the title."
        );
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start_of_the_body() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let built = build(text, &Terms::of_query("otter"), ("[", "]"), false);
        assert!(!built.found);
        assert_eq!(
            built.text,
            "one two three four five six seven eight nine ten eleven twelve…"
        );
        assert_eq!(snip("", "otter"), "");
    }

    #[test]
    fn a_cut_body_ends_in_an_ellipsis() {
        let built = build(
            "a short start with an otter",
            &Terms::of_query("otter"),
            ("[", "]"),
            true,
        );
        assert_eq!(built.text, "a short start with an [otter]…");
    }

    #[test]
    fn multibyte_words_fold_case_and_diacritics_and_marks_stay_whole() {
        let marks = ("\u{2}", "\u{3}");
        let text = "À ZÜRICH, l'Été: cafe\u{301} and naïveté — 東京 🦦 ÉTÉ.";
        let out = build(text, &Terms::of_query("zurich ete café"), marks, false).text;
        assert_eq!(
            out,
            "À \u{2}ZÜRICH\u{3}, l'\u{2}Été\u{3}: \u{2}cafe\u{301}\u{3} and naïveté — 東京 🦦 \u{2}ÉTÉ\u{3}."
        );
        let cjk = build("夜の東京 and 東京", &Terms::of_query("東京"), marks, false).text;
        assert_eq!(cjk, "夜の東京 and \u{2}東京\u{3}");
    }

    #[test]
    fn markers_never_split_a_character() {
        // Every word, with every kind of neighbour, marked: building must not panic on a
        // byte boundary, and removing the markers gives back the text.
        let text = "é🦦x ÿß 東京ü a\u{301}b Ǆ ﬁne ǅx İstanbul";
        for word in text.split(' ') {
            let out = build(
                text,
                &Terms::of_query(&format!("\"{word}\"")),
                ("<", ">"),
                false,
            )
            .text;
            assert_eq!(out.replace(['<', '>'], ""), text, "{word}: {out}");
            assert!(out.contains('<'), "{word} unmarked: {out}");
        }
    }

    #[test]
    fn stems_words_exactly_as_the_index_tokenizer_does() {
        let words = [
            "training",
            "professionalism",
            "radicalization",
            "corruption",
            "forces",
            "caresses",
            "ponies",
            "agreed",
            "hopping",
            "filing",
            "happy",
            "relational",
            "conditional",
            "rational",
            "valenci",
            "digitizer",
            "conformabli",
            "radicalli",
            "differentli",
            "vileli",
            "analogousli",
            "vietnamization",
            "predication",
            "operator",
            "feudalism",
            "decisiveness",
            "hopefulness",
            "callousness",
            "formaliti",
            "sensitiviti",
            "sensibiliti",
            "triplicate",
            "formative",
            "formalize",
            "electriciti",
            "electrical",
            "goodness",
            "revival",
            "allowance",
            "inference",
            "airliner",
            "gyroscopic",
            "adjustable",
            "defensible",
            "irritant",
            "replacement",
            "adjustment",
            "dependent",
            "adoption",
            "homologou",
            "communism",
            "activate",
            "angulariti",
            "homologous",
            "effective",
            "bowdlerize",
            "probate",
            "rate",
            "cease",
            "controll",
            "roll",
            "sky",
            "ays",
            "aed",
            "cats",
            "oed",
            "bed",
            "tanned",
            "failing",
            "fizzed",
            "filing",
            "massacre",
            "civilians",
            "accountability",
            "oversight",
            "smuggling",
            "narcotics",
        ];
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(w, tokenize = 'porter unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);",
        )
        .unwrap();
        for (i, w) in words.iter().enumerate() {
            conn.execute(
                "INSERT INTO t(rowid, w) VALUES (?1, ?2)",
                rusqlite::params![i as i64, w],
            )
            .unwrap();
        }
        let mut stmt = conn.prepare("SELECT term FROM v WHERE doc = ?1").unwrap();
        for (i, w) in words.iter().enumerate() {
            let theirs: String = stmt.query_row([i as i64], |r| r.get(0)).unwrap();
            let ours = String::from_utf8(stem(w.as_bytes())).unwrap();
            assert_eq!(ours, theirs, "stem of {w}");
        }
    }
}
