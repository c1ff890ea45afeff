//! Class-based syntax highlighting for fenced code blocks.
//!
//! Code becomes HTML in which each interesting token is wrapped in a
//! `<span class="hl-…">`; the colours live in the light and dark theme CSS, so the
//! markup never depends on the theme. It is hand-written rather than built on a
//! grammar engine or regexes because it sits in the render hot path: every lexer is
//! one linear pass over bytes that only appends to the output `String`, and it covers
//! just the small set of languages essays quote. Most languages share one
//! table-driven lexer (keywords, comment and string syntax); line-keyed configs
//! (TOML, YAML), HTML and CSS add a few dedicated rules. Malformed input never
//! panics: at worst a token runs to the end of the block, and every byte is escaped.

/// Appends `code` to `out` as HTML, with token spans if `lang` is a known language.
/// Returns false (after appending the plainly escaped code) when the language is unknown.
///
/// `lang` is matched case-insensitively on its first word, so fence info such as
/// `rust,ignore` still selects Rust.
pub fn highlight(lang: &str, code: &str, out: &mut String) -> bool {
    let Some(lexer) = lexer_for(lang) else {
        escape_into(code, out);
        return false;
    };
    out.reserve(code.len() + code.len() / 2);
    let mut e = Emitter {
        src: code,
        out,
        plain: 0,
    };
    match lexer {
        Lexer::Code(l) => lex_code(&mut e, l, 0, code.len()),
        Lexer::Html => lex_html(&mut e, 0, code.len()),
        Lexer::Css => lex_css(&mut e, 0, code.len()),
    }
    e.flush(code.len());
    true
}

/// Appends `text` HTML-escaped: `&`, `<`, `>` and `"` become entities, which makes
/// the result safe as element content and inside double-quoted attributes.
pub fn escape_into(text: &str, out: &mut String) {
    let mut last = 0;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        let entity = match c {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Output cursor: the untokenised bytes since the last span are escaped in one go.
///
/// Lexers only cut tokens next to an ASCII byte (non-ASCII bytes always continue a
/// word or a string), so every index handed to `tok` is a char boundary.
struct Emitter<'a> {
    src: &'a str,
    out: &'a mut String,
    plain: usize,
}

impl Emitter<'_> {
    fn flush(&mut self, to: usize) {
        escape_into(&self.src[self.plain..to], self.out);
        self.plain = to;
    }

    /// Wraps `src[start..end]` in a `hl-{class}` span and returns `end`.
    fn tok(&mut self, start: usize, end: usize, class: &str) -> usize {
        let start = start.max(self.plain);
        if start < end {
            self.flush(start);
            self.out.push_str("<span class=\"hl-");
            self.out.push_str(class);
            self.out.push_str("\">");
            escape_into(&self.src[start..end], self.out);
            self.out.push_str("</span>");
            self.plain = end;
        }
        end
    }
}

enum Lexer {
    Code(&'static Lang),
    Html,
    Css,
}

fn lexer_for(lang: &str) -> Option<Lexer> {
    let name = lang
        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .find(|s| !s.is_empty())?;
    let mut buf = [0u8; 12];
    let lower = buf.get_mut(..name.len())?;
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    Some(Lexer::Code(match &*lower {
        b"rust" | b"rs" => &RUST,
        b"python" | b"py" | b"python3" => &PYTHON,
        b"javascript" | b"js" | b"mjs" | b"cjs" | b"jsx" => &JS,
        b"typescript" | b"ts" | b"tsx" => &TS,
        b"json" | b"jsonc" => &JSON,
        b"toml" => &TOML,
        b"yaml" | b"yml" => &YAML,
        b"bash" | b"sh" | b"shell" | b"zsh" | b"console" => &BASH,
        b"c" | b"h" => &C,
        b"cpp" | b"c++" | b"cc" | b"hpp" | b"cxx" => &CPP,
        b"go" | b"golang" => &GO,
        b"java" => &JAVA,
        b"sql" => &SQL,
        b"ruby" | b"rb" => &RUBY,
        b"css" => return Some(Lexer::Css),
        b"html" | b"xml" | b"svg" => return Some(Lexer::Html),
        _ => return None,
    }))
}

/// Syntax table for the generic lexer.
struct Lang {
    /// Keywords, types and literals as sorted [`key`]s, for binary search.
    kw: &'static [u128],
    ty: &'static [u128],
    lit: &'static [u128],
    /// String delimiters. Those in `multiline` may span lines (the others stop at the
    /// newline, which limits the damage of a stray quote); those in `raw` have no
    /// backslash escapes.
    quotes: &'static [u8],
    multiline: &'static [u8],
    raw: &'static [u8],
    /// Extra bytes allowed inside (not at the start of) identifiers.
    word_chars: &'static [u8],
    /// Class for `@name` (decorators, annotations, Ruby instance variables), or "".
    at_class: &'static str,
    /// `=` (TOML) or `:` (YAML): a line starting with `key<sep>` gets a key span.
    line_key: u8,
    flags: u16,
}

const SLASH: u16 = 1; // `//` and `/* */` comments
const HASH: u16 = 1 << 1; // `#` comments
const DASH: u16 = 1 << 2; // `--` comments
const TRIPLE: u16 = 1 << 3; // `"""` and `'''` strings
const RUSTY: u16 = 1 << 4; // raw strings, lifetimes, `name!` macros, `#[attributes]`
const PREPROC: u16 = 1 << 5; // `#include`-style directives
const VARS: u16 = 1 << 6; // `$NAME`, `${..}`, `$1`, `$?`
const INTERP: u16 = 1 << 7; // variables inside `"…"` too
const SYMBOLS: u16 = 1 << 8; // Ruby `:symbol`
const JSON_KEYS: u16 = 1 << 9; // a string followed by `:` is a key
const CAPS: u16 = 1 << 10; // capitalised mixed-case identifiers are types
const NOCASE: u16 = 1 << 11; // case-insensitive words (lists hold lowercase)

impl Lang {
    fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

/// A word of at most 16 bytes as a big-endian, zero-padded integer. Integer order is
/// string order, so sorted word lists give sorted keys, and lookups compare integers
/// instead of calling `memcmp` (string comparison dominated profiles).
const fn key(w: &[u8], lower: bool) -> u128 {
    assert!(w.len() <= 16, "keyword too long");
    let (mut k, mut i) = (0u128, 0);
    while i < w.len() {
        let c = w[i];
        k = k << 8 | (if lower { c.to_ascii_lowercase() } else { c }) as u128;
        i += 1;
    }
    // Left-align; an empty word would shift by the full 128 bits.
    if i == 0 {
        0
    } else {
        k << (8 * (16 - i))
    }
}

/// `words!("as" "async" …)`: a sorted word list as sorted keys (see [`key`]).
macro_rules! words {
    ($($word:literal)*) => {
        &keys([$($word),*])
    };
}

const fn keys<const N: usize>(words: [&str; N]) -> [u128; N] {
    let (mut out, mut i) = ([0; N], 0);
    while i < N {
        out[i] = key(words[i].as_bytes(), false);
        i += 1;
    }
    out
}

const BASE: Lang = Lang {
    kw: &[],
    ty: &[],
    lit: &[],
    quotes: b"\"'",
    multiline: b"",
    raw: b"",
    word_chars: b"",
    at_class: "",
    line_key: 0,
    flags: 0,
};

const RUST: Lang = Lang {
    kw: words!(
        "as" "async" "await" "break" "const" "continue" "crate" "dyn" "else" "enum" "extern" "fn"
        "for" "if" "impl" "in" "let" "loop" "match" "mod" "move" "mut" "pub" "ref" "return" "self"
        "static" "struct" "super" "trait" "type" "unsafe" "use" "where" "while" "yield"
    ),
    ty: words!(
        "Box" "Err" "Ok" "Option" "Result" "Self" "Some" "String" "Vec" "bool" "char" "f32" "f64"
        "i128" "i16" "i32" "i64" "i8" "isize" "str" "u128" "u16" "u32" "u64" "u8" "usize"
    ),
    lit: words!("None" "false" "true"),
    quotes: b"\"",
    multiline: b"\"",
    flags: SLASH | RUSTY | CAPS,
    ..BASE
};

const PYTHON: Lang = Lang {
    kw: words!(
        "and" "as" "assert" "async" "await" "break" "class" "continue" "def" "del" "elif" "else"
        "except" "finally" "for" "from" "global" "if" "import" "in" "is" "lambda" "nonlocal" "not"
        "or" "pass" "raise" "return" "try" "while" "with" "yield"
    ),
    ty: words!("bool" "bytes" "dict" "float" "int" "list" "object" "set" "str" "tuple" "type"),
    lit: words!("False" "None" "True"),
    at_class: "attr",
    flags: HASH | TRIPLE | CAPS,
    ..BASE
};

const JS: Lang = Lang {
    kw: words!(
        "async" "await" "break" "case" "catch" "class" "const" "continue" "debugger" "default"
        "delete" "do" "else" "export" "extends" "finally" "for" "from" "function" "if" "import" "in"
        "instanceof" "let" "new" "of" "return" "static" "super" "switch" "this" "throw" "try"
        "typeof" "var" "void" "while" "with" "yield"
    ),
    lit: words!("NaN" "false" "null" "true" "undefined"),
    quotes: b"\"'`",
    multiline: b"`",
    word_chars: b"$",
    at_class: "attr",
    flags: SLASH | CAPS,
    ..BASE
};

const TS: Lang = Lang {
    kw: words!(
        "abstract" "as" "async" "await" "break" "case" "catch" "class" "const" "continue" "debugger"
        "declare" "default" "delete" "do" "else" "enum" "export" "extends" "finally" "for" "from"
        "function" "if" "implements" "import" "in" "instanceof" "interface" "keyof" "let"
        "namespace" "new" "of" "private" "protected" "public" "readonly" "return" "static" "super"
        "switch" "this" "throw" "try" "type" "typeof" "var" "void" "while" "with" "yield"
    ),
    ty: words!("any" "bigint" "boolean" "never" "number" "object" "string" "symbol" "unknown"),
    ..JS
};

const JSON: Lang = Lang {
    lit: words!("false" "null" "true"),
    quotes: b"\"",
    flags: SLASH | JSON_KEYS,
    ..BASE
};

const TOML: Lang = Lang {
    lit: words!("false" "inf" "nan" "true"),
    raw: b"'",
    line_key: b'=',
    flags: HASH | TRIPLE,
    ..BASE
};

const YAML: Lang = Lang {
    lit: words!("false" "no" "null" "off" "on" "true" "yes"),
    raw: b"'",
    word_chars: b"-",
    line_key: b':',
    flags: HASH | NOCASE,
    ..BASE
};

const BASH: Lang = Lang {
    kw: words!(
        "case" "do" "done" "elif" "else" "esac" "export" "fi" "for" "function" "if" "in" "local"
        "readonly" "return" "select" "then" "until" "while"
    ),
    lit: words!("false" "true"),
    quotes: b"\"'`",
    multiline: b"\"'`",
    raw: b"'",
    // So that `apt-get` or `./done.sh` do not light up `get` or `done`.
    word_chars: b"-./",
    flags: HASH | VARS | INTERP,
    ..BASE
};

const C: Lang = Lang {
    kw: words!(
        "break" "case" "const" "continue" "default" "do" "else" "enum" "extern" "for" "goto" "if"
        "inline" "register" "restrict" "return" "sizeof" "static" "struct" "switch" "typedef"
        "union" "volatile" "while"
    ),
    ty: words!(
        "bool" "char" "double" "float" "int" "int16_t" "int32_t" "int64_t" "int8_t" "long" "short"
        "signed" "size_t" "uint16_t" "uint32_t" "uint64_t" "uint8_t" "unsigned" "void"
    ),
    lit: words!("NULL" "false" "true"),
    flags: SLASH | PREPROC,
    ..BASE
};

const CPP: Lang = Lang {
    kw: words!(
        "alignas" "auto" "break" "case" "catch" "class" "const" "constexpr" "continue" "decltype"
        "default" "delete" "do" "else" "enum" "explicit" "extern" "for" "friend" "goto" "if"
        "inline" "mutable" "namespace" "new" "noexcept" "operator" "override" "private" "protected"
        "public" "return" "sizeof" "static" "static_cast" "struct" "switch" "template" "this"
        "throw" "try" "typedef" "typename" "union" "using" "virtual" "volatile" "while"
    ),
    lit: words!("NULL" "false" "nullptr" "true"),
    ..C
};

const GO: Lang = Lang {
    kw: words!(
        "break" "case" "chan" "const" "continue" "default" "defer" "else" "fallthrough" "for" "func"
        "go" "goto" "if" "import" "interface" "map" "package" "range" "return" "select" "struct"
        "switch" "type" "var"
    ),
    ty: words!(
        "any" "bool" "byte" "complex128" "complex64" "error" "float32" "float64" "int" "int16"
        "int32" "int64" "int8" "rune" "string" "uint" "uint16" "uint32" "uint64" "uint8" "uintptr"
    ),
    lit: words!("false" "iota" "nil" "true"),
    quotes: b"\"'`",
    multiline: b"`",
    raw: b"`",
    flags: SLASH | CAPS,
    ..BASE
};

const JAVA: Lang = Lang {
    kw: words!(
        "abstract" "assert" "break" "case" "catch" "class" "const" "continue" "default" "do" "else"
        "enum" "extends" "final" "finally" "for" "goto" "if" "implements" "import" "instanceof"
        "interface" "native" "new" "package" "private" "protected" "public" "record" "return"
        "static" "super" "switch" "synchronized" "this" "throw" "throws" "transient" "try" "var"
        "volatile" "while" "yield"
    ),
    ty: words!("boolean" "byte" "char" "double" "float" "int" "long" "short" "void"),
    lit: words!("false" "null" "true"),
    at_class: "attr",
    flags: SLASH | TRIPLE | CAPS,
    ..BASE
};

const SQL: Lang = Lang {
    kw: words!(
        "add" "all" "alter" "and" "as" "asc" "begin" "between" "by" "case" "commit" "create" "cross"
        "delete" "desc" "distinct" "drop" "else" "end" "exists" "foreign" "from" "full" "group"
        "having" "if" "in" "index" "inner" "insert" "into" "is" "join" "key" "left" "like" "limit"
        "not" "offset" "on" "or" "order" "outer" "primary" "references" "returning" "right"
        "rollback" "select" "set" "table" "then" "transaction" "union" "unique" "update" "values"
        "view" "when" "where" "with"
    ),
    ty: words!(
        "bigint" "blob" "boolean" "char" "date" "decimal" "double" "float" "int" "integer" "numeric"
        "real" "serial" "smallint" "text" "timestamp" "varchar"
    ),
    lit: words!("false" "null" "true"),
    multiline: b"'",
    raw: b"'\"",
    flags: SLASH | DASH | NOCASE,
    ..BASE
};

const RUBY: Lang = Lang {
    kw: words!(
        "BEGIN" "END" "alias" "and" "begin" "break" "case" "class" "def" "do" "else" "elsif" "end"
        "ensure" "for" "if" "in" "module" "next" "not" "or" "redo" "rescue" "retry" "return" "self"
        "super" "then" "undef" "unless" "until" "when" "while" "yield"
    ),
    lit: words!("false" "nil" "true"),
    quotes: b"\"'`",
    multiline: b"\"'`",
    at_class: "var",
    flags: HASH | VARS | SYMBOLS | CAPS,
    ..BASE
};

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// `b[i]`, or 0 past the end.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The first index from `j` whose byte fails `keep`, or the end.
fn scan(b: &[u8], j: usize, keep: impl Fn(u8) -> bool) -> usize {
    let rest = b.get(j..).unwrap_or_default();
    rest.iter()
        .position(|&c| !keep(c))
        .map_or(b.len(), |p| j + p)
}

fn line_end(b: &[u8], i: usize) -> usize {
    scan(b, i, |c| c != b'\n')
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

fn skip_blanks(b: &[u8], i: usize) -> usize {
    scan(b, i, |c| c == b' ' || c == b'\t')
}

fn lex_code(e: &mut Emitter, l: &Lang, start: usize, end: usize) {
    let src = e.src;
    let b = &src.as_bytes()[..end];
    let mut i = start;
    while i < end {
        if l.line_key != 0 && (i == start || b[i - 1] == b'\n') {
            i = line_key(e, l, b, i);
            if i >= end {
                break;
            }
        }
        let (c, next) = (b[i], at(b, i + 1));
        let prev = if i > start { b[i - 1] } else { 0 };
        i = match c {
            b'/' if l.has(SLASH) && next == b'/' => e.tok(i, line_end(b, i), "com"),
            b'/' if l.has(SLASH) && next == b'*' => {
                e.tok(i, find(b, i + 2, b"*/").map_or(end, |p| p + 2), "com")
            }
            b'-' if l.has(DASH) && next == b'-' => e.tok(i, line_end(b, i), "com"),
            // `#` glued to a word (`a#b` in shell, `C#` in YAML) starts no comment.
            b'#' if l.has(HASH) && !is_word(prev) => e.tok(i, line_end(b, i), "com"),
            b'#' if l.has(RUSTY) && (next == b'[' || next == b'!' && at(b, i + 2) == b'[') => {
                rust_attr(e, b, i)
            }
            b'#' if l.has(PREPROC) && is_word_start(next) => {
                e.tok(i, word_end(l, b, i + 1), "attr")
            }
            b'\'' if l.has(RUSTY) => rust_quote(e, b, i),
            // Nor does an apostrophe inside a YAML or TOML word (`it's`) start a string.
            b'"' | b'\'' | b'`' if l.quotes.contains(&c) && !(l.line_key != 0 && is_word(prev)) => {
                string(e, l, b, i)
            }
            b'0'..=b'9' => e.tok(i, number(b, i), "num"),
            // Not the `.2` of a `1..2` range.
            b'.' if next.is_ascii_digit() && !is_word(prev) && prev != b'.' => {
                e.tok(i, number(b, i), "num")
            }
            b'$' if l.has(VARS) => var_end(b, i).map_or(i + 1, |v| e.tok(i, v, "var")),
            b'@' if !l.at_class.is_empty() && (is_word_start(next) || next == b'@') => {
                let mut j = i + 1 + usize::from(next == b'@');
                while is_word(at(b, j)) || at(b, j) == b'.' && is_word_start(at(b, j + 1)) {
                    j += 1;
                }
                e.tok(i, j, l.at_class)
            }
            b':' if l.has(SYMBOLS) && is_word_start(next) && !is_word(prev) && prev != b':' => {
                e.tok(i, word_end(l, b, i + 1), "lit")
            }
            c if is_word_start(c) => word(e, l, b, i),
            _ => i + 1,
        };
    }
}

fn word_end(l: &Lang, b: &[u8], j: usize) -> usize {
    scan(b, j, |c| is_word(c) || l.word_chars.contains(&c))
}

fn word(e: &mut Emitter, l: &Lang, b: &[u8], i: usize) -> usize {
    let j = word_end(l, b, i + 1);
    let (w, next) = (&b[i..j], at(b, j));
    if l.has(RUSTY) {
        if matches!(w, b"r" | b"br" | b"cr") && (next == b'"' || next == b'#') {
            if let Some(end) = raw_string(b, j) {
                return e.tok(i, end, "str");
            }
        }
        if next == b'!' && at(b, j + 1) != b'=' {
            return e.tok(i, j + 1, "attr");
        }
    }
    let k = (w.len() <= 16).then(|| key(w, l.has(NOCASE)));
    let listed = |list: &[u128]| k.is_some_and(|k| list.binary_search(&k).is_ok());
    let class = if listed(l.kw) {
        "kw"
    } else if listed(l.lit) {
        "lit"
    } else if listed(l.ty) {
        "ty"
    } else if next == b'(' {
        "fn"
    } else if l.has(CAPS) && w[0].is_ascii_uppercase() && w.iter().any(u8::is_ascii_lowercase) {
        "ty"
    } else {
        return j;
    };
    e.tok(i, j, class)
}

fn number(b: &[u8], i: usize) -> usize {
    let hex = b[i] == b'0' && matches!(at(b, i + 1), b'x' | b'X');
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        let ok = c.is_ascii_alphanumeric()
            || c == b'_'
            // `1..2` and `t.0.len()` keep their dots outside the number.
            || c == b'.' && at(b, j + 1).is_ascii_digit()
            || matches!(c, b'+' | b'-') && !hex && matches!(b[j - 1], b'e' | b'E');
        if !ok {
            break;
        }
        j += 1;
    }
    j
}

fn string(e: &mut Emitter, l: &Lang, b: &[u8], i: usize) -> usize {
    let (q, n) = (b[i], b.len());
    let escapes = !l.raw.contains(&q);
    if l.has(TRIPLE) && at(b, i + 1) == q && at(b, i + 2) == q {
        let mut j = i + 3;
        while j < n {
            if b[j] == b'\\' && escapes {
                j += 2;
            } else if b[j] == q && at(b, j + 1) == q && at(b, j + 2) == q {
                return e.tok(i, j + 3, "str");
            } else {
                j += 1;
            }
        }
        return e.tok(i, n, "str");
    }
    let multiline = l.multiline.contains(&q);
    let (mut j, mut seg) = (i + 1, i);
    while j < n {
        match b[j] {
            c if c == q => {
                j += 1;
                break;
            }
            b'\\' if escapes => j += 2,
            b'\n' if !multiline => break,
            b'$' if l.has(INTERP) && q == b'"' => match var_end(b, j) {
                Some(v) => {
                    e.tok(seg, j, "str");
                    seg = e.tok(j, v, "var");
                    j = v;
                }
                None => j += 1,
            },
            _ => j += 1,
        }
    }
    let j = j.min(n);
    let key = l.has(JSON_KEYS) && b[j..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':');
    e.tok(seg, j, if key { "key" } else { "str" })
}

/// `r"…"`, `r#"…"#`: `j` is just past the prefix. None if this is not a raw string.
fn raw_string(b: &[u8], mut j: usize) -> Option<usize> {
    let first = j;
    while at(b, j) == b'#' {
        j += 1;
    }
    let hashes = j - first;
    if at(b, j) != b'"' {
        return None;
    }
    // Each `"` only looks at the `#` run right after it, so this stays linear.
    let closed = (j + 1..b.len()).find(|&k| {
        b[k] == b'"'
            && b[k + 1..]
                .iter()
                .take(hashes)
                .take_while(|&&c| c == b'#')
                .count()
                == hashes
    });
    Some(closed.map_or(b.len(), |k| k + 1 + hashes))
}

fn rust_attr(e: &mut Emitter, b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().skip(i + 1) {
        if c == b'[' {
            depth += 1;
        } else if c == b']' {
            depth -= 1;
            if depth == 0 {
                return e.tok(i, j + 1, "attr");
            }
        }
    }
    e.tok(i, b.len(), "attr")
}

/// Tells char literals (`'x'`, `'\n'`, `'é'`) from lifetimes (`'a`), which stay plain.
fn rust_quote(e: &mut Emitter, b: &[u8], i: usize) -> usize {
    let next = at(b, i + 1);
    if next == b'\\' {
        // The longest escape is `'\u{10FFFF}'`.
        let window = b.get(i + 3..b.len().min(i + 12)).unwrap_or_default();
        return window
            .iter()
            .position(|&c| c == b'\'')
            .map_or(i + 1, |p| e.tok(i, i + 4 + p, "str"));
    }
    let len = match next {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    if i + 1 < b.len() && !matches!(next, b'\'' | b'\n') && at(b, i + 1 + len) == b'\'' {
        e.tok(i, i + 2 + len, "str")
    } else if is_word_start(next) {
        word_end(&RUST, b, i + 1)
    } else {
        i + 1
    }
}

/// `$NAME`, `${…}` (up to the line end), `$1`, `$?` and friends.
fn var_end(b: &[u8], i: usize) -> Option<usize> {
    match at(b, i + 1) {
        b'{' => Some(
            match b[i + 2..].iter().position(|&c| c == b'}' || c == b'\n') {
                Some(p) if b[i + 2 + p] == b'}' => i + 3 + p,
                Some(p) => i + 2 + p,
                None => b.len(),
            },
        ),
        c if c.is_ascii_alphabetic() || c == b'_' => {
            Some(scan(b, i + 2, |c| c.is_ascii_alphanumeric() || c == b'_'))
        }
        c if c.is_ascii_digit() || b"@#?$!*-".contains(&c) => Some(i + 2),
        _ => None,
    }
}

/// At a line start in TOML/YAML: emits `[table]` headers and `key =` / `key:` keys.
/// Returns where the generic lexer should carry on.
fn line_key(e: &mut Emitter, l: &Lang, b: &[u8], i: usize) -> usize {
    let mut j = skip_blanks(b, i);
    if l.line_key == b':' {
        while at(b, j) == b'-' && matches!(at(b, j + 1), b' ' | b'\t') {
            j = skip_blanks(b, j + 1);
        }
    }
    let line = &b[j..line_end(b, j)];
    if l.line_key == b'=' && line.first() == Some(&b'[') {
        return line
            .iter()
            .rposition(|&c| c == b']')
            .map_or(j, |p| e.tok(j, j + p + 1, "ty"));
    }
    let key_end = match line.first() {
        Some(&q @ (b'"' | b'\'')) => line[1..].iter().position(|&c| c == q).map(|p| j + p + 2),
        Some(&c) if l.line_key == b'=' && (is_word(c) || c == b'-') => {
            Some(scan(b, j, |c| is_word(c) || c == b'-' || c == b'.'))
        }
        Some(&c) if l.line_key == b':' && !b"#{}[]&*!|>%@`,?:-".contains(&c) => {
            let mut k = 0;
            while k < line.len()
                && !(line[k] == b':'
                    && matches!(line.get(k + 1), None | Some(b' ' | b'\t' | b'\r')))
            {
                if line[k] == b'#' && matches!(line[k - 1], b' ' | b'\t') {
                    return j;
                }
                k += 1;
            }
            (k < line.len()).then(|| j + line[..k].trim_ascii_end().len())
        }
        _ => None,
    };
    let Some(key_end) = key_end else { return j };
    let sep = skip_blanks(b, key_end);
    let after = at(b, sep + 1);
    if at(b, sep) == l.line_key
        && (l.line_key == b'=' || matches!(after, 0 | b' ' | b'\t' | b'\r' | b'\n'))
    {
        e.tok(j, key_end, "key")
    } else {
        j
    }
}

fn lex_html(e: &mut Emitter, start: usize, end: usize) {
    let src = e.src;
    let b = &src.as_bytes()[..end];
    let mut i = start;
    while i < end {
        i = match b[i] {
            b'<' if b[i..].starts_with(b"<!--") => {
                e.tok(i, find(b, i + 4, b"-->").map_or(end, |p| p + 3), "com")
            }
            b'<' => html_tag(e, b, i),
            b'&' => {
                let mut j = i + 1 + usize::from(at(b, i + 1) == b'#');
                while j < end && j < i + 32 && b[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if at(b, j) == b';' && j > i + 1 {
                    e.tok(i, j + 1, "lit")
                } else {
                    i + 1
                }
            }
            _ => i + 1,
        };
    }
}

fn html_tag(e: &mut Emitter, b: &[u8], i: usize) -> usize {
    let n = b.len();
    let closing = at(b, i + 1) == b'/';
    let s = i + 1 + usize::from(matches!(at(b, i + 1), b'/' | b'!' | b'?'));
    if !at(b, s).is_ascii_alphabetic() {
        return i + 1;
    }
    let mut j = scan(b, s, |c| is_word(c) || b"-:.".contains(&c));
    let name = &b[s..j];
    e.tok(s, j, "tag");
    let stop = |c: u8| c.is_ascii_whitespace() || b"=>/<\"'".contains(&c);
    let run_end = |k: usize| scan(b, k, |c| !stop(c));
    while j < n {
        j = match b[j] {
            b'>' => {
                j += 1;
                break;
            }
            // An unclosed tag: let the next one start fresh.
            b'<' => break,
            q @ (b'"' | b'\'') => {
                let close = b[j + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(n, |p| j + p + 2);
                e.tok(j, close, "str")
            }
            b'=' if !stop(at(b, j + 1)) => e.tok(j + 1, run_end(j + 1), "str"),
            c if stop(c) || c == b'?' => j + 1,
            _ => e.tok(j, run_end(j), "attr"),
        };
    }
    let script = name.eq_ignore_ascii_case(b"script");
    let opened = !closing && b[..j].ends_with(b">") && !b[..j].ends_with(b"/>");
    if !opened || !(script || name.eq_ignore_ascii_case(b"style")) {
        return j;
    }
    // Lex the element body as JS or CSS, up to its end tag.
    let is_end_tag = |k: usize| {
        b[k..].starts_with(b"</")
            && b.get(k + 2..k + 2 + name.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
    };
    let close = (j..n).find(|&k| b[k] == b'<' && is_end_tag(k)).unwrap_or(n);
    if script {
        lex_code(e, &JS, j, close);
    } else {
        lex_css(e, j, close);
    }
    close
}

fn css_word_end(b: &[u8], j: usize) -> usize {
    scan(b, j, |c| is_word(c) || c == b'-')
}

fn lex_css(e: &mut Emitter, start: usize, end: usize) {
    let src = e.src;
    let b = &src.as_bytes()[..end];
    let mut i = start;
    // Kind of the current `{`/`;`/`}`-delimited segment: one ending in `{` is a
    // selector or at-rule prelude, anything else holds declarations. Each segment is
    // scanned once, so this stays linear.
    let (mut seg_end, mut selector, mut at_rule) = (start, false, false);
    let ident_start =
        |c: u8, next: u8| is_word_start(c) || c == b'-' && (is_word_start(next) || next == b'-');
    while i < end {
        if i >= seg_end {
            seg_end = b[i..]
                .iter()
                .position(|c| b"{;}".contains(c))
                .map_or(end, |p| i + p + 1);
            selector = b[seg_end - 1] == b'{';
            at_rule = false;
        }
        let (c, next) = (b[i], at(b, i + 1));
        let after_colon = i > start && b[i - 1] == b':';
        i = match c {
            b'/' if next == b'*' => e.tok(i, find(b, i + 2, b"*/").map_or(end, |p| p + 2), "com"),
            b'"' | b'\'' => string(e, &BASE, b, i),
            b'@' | b'!' if is_word_start(next) => {
                at_rule |= c == b'@';
                e.tok(i, css_word_end(b, i + 1), "kw")
            }
            b'#' if !selector => e.tok(i, css_word_end(b, i + 1), "num"),
            b'#' | b'.' if selector && !at_rule && ident_start(next, at(b, i + 2)) => {
                e.tok(i, css_word_end(b, i + 1), "attr")
            }
            b'0'..=b'9' | b'.' if c != b'.' || next.is_ascii_digit() => {
                let mut j = i + 1;
                while at(b, j).is_ascii_digit() || at(b, j) == b'.' && at(b, j + 1).is_ascii_digit()
                {
                    j += 1;
                }
                e.tok(
                    i,
                    scan(b, j, |c| c.is_ascii_alphabetic() || c == b'%'),
                    "num",
                )
            }
            c if ident_start(c, next) => {
                let j = css_word_end(b, i + 1);
                if at(b, j) == b'(' && !after_colon {
                    e.tok(i, j, "fn")
                } else if at(b, skip_blanks(b, j)) == b':' && (!selector || at_rule) {
                    e.tok(i, j, "key")
                } else if selector && !at_rule && !after_colon {
                    e.tok(i, j, "tag")
                } else {
                    j
                }
            }
            _ => i + 1,
        };
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[rustfmt::skip]
    const LANGS: &[&str] = &[
        "rust", "python", "javascript", "typescript", "json", "toml", "yaml", "bash", "c", "cpp", "go",
        "java", "css", "html", "sql", "ruby",
    ];
    const CLASSES: &[&str] = &[
        "kw", "ty", "str", "num", "com", "lit", "fn", "attr", "key", "tag", "var",
    ];
    /// Inputs every lexer must survive and round-trip exactly.
    #[rustfmt::skip]
    const NASTY: &[&str] = &[
        "", "\"", "'", "`", "\\", "x\\", "\"\\", "'\\", "\"abc\\", "é😀", "\"é😀\"", "'é'", "'😀", "// é😀", "#é",
        "$é", "\0", "a\0b\"\0\"", "a\r\nb\r\n", "\"\r\n\"", "/*", "*/", "<!--", "<", "<a", "<a b='", "&", "&#",
        "&amp", "r#", "r#\"", "'\\u{1F600}'", "'\\", "${", "$", "@", "@@", ":", "- ", "[", "[[x", "#[", "#![",
        "--", "\"\"\"", "'''", "{\"a\":", "key: 'x", "a = \"\"\"\n", "<script>", "<style>p{", "x!", "0x", "1e",
        "1e-", ".5", "é:",
    ];
    /// Fragments for the pseudo-random soup test.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "\"", "'", "`", "\\", "/*", "*/", "//", "#", "\n", "\r\n", "é", "😀", "\0", "$", "${", "}", "r#\"", "\"#",
        "<", ">", "&", "<!--", "-->", "'''", "\"\"\"", " ", "a", "fn", "1e-5", ":", "=", "[", "]", "{", "--", "@",
        "<script>", "</script>", "<style>", "x(", "- ", "'a", "'\\", ";", "!", ".", "0x",
    ];

    /// Undoes the highlighting, asserting that the only markup is known, balanced,
    /// unnested spans and the only entities are the four we emit. Returns the plain
    /// text and the same text with each span written as `«class:text»`.
    fn decode(html: &str) -> (String, String) {
        let (mut plain, mut marked, mut rest, mut open) =
            (String::new(), String::new(), html, false);
        while let Some(p) = rest.find(['<', '>', '&', '"']) {
            plain += &rest[..p];
            marked += &rest[..p];
            rest = &rest[p..];
            if let Some(r) = rest.strip_prefix("<span class=\"hl-") {
                let q = r.find("\">").expect("unterminated span tag");
                assert!(CLASSES.contains(&&r[..q]), "unknown class {:?}", &r[..q]);
                assert!(!open, "nested span in {html:?}");
                marked += &format!("«{}:", &r[..q]);
                (open, rest) = (true, &r[q + 2..]);
            } else if let Some(r) = rest.strip_prefix("</span>") {
                assert!(open, "unbalanced </span> in {html:?}");
                marked.push('»');
                (open, rest) = (false, r);
            } else {
                let entities = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                ];
                let (entity, ch) = entities
                    .iter()
                    .find(|(ent, _)| rest.starts_with(ent))
                    .expect("raw markup in output");
                plain.push(*ch);
                marked.push(*ch);
                rest = &rest[entity.len()..];
            }
        }
        assert!(!open, "unclosed span");
        (plain + rest, marked + rest)
    }

    /// Highlights `code` and checks that decoding the HTML gives `code` back exactly.
    fn render(lang: &str, code: &str) -> String {
        let mut out = String::new();
        highlight(lang, code, &mut out);
        assert_eq!(decode(&out).0, code, "round trip failed for {lang}: {out}");
        out
    }

    /// `marked` is code with every expected token written `«class:text»`: highlighting
    /// the unmarked code must produce exactly those spans.
    fn assert_marked(lang: &str, marked: &str) {
        let (mut code, mut rest) = (String::new(), marked);
        while let Some((before, after)) = rest.split_once('«') {
            let (_, token) = after.split_once(':').expect("«class:text»");
            let (text, tail) = token.split_once('»').expect("unclosed «");
            code = code + before + text;
            rest = tail;
        }
        assert_eq!(decode(&render(lang, &(code + rest))).1, marked, "{lang}");
    }

    #[test]
    fn rust_keywords_types_strings_comments_numbers_attributes_and_macros() {
        assert_marked(
            "rust",
            r##"«com:/// Doc»
«attr:#[derive(Debug)]»
«kw:pub» «kw:struct» «ty:Point»<'a> { name: &'a «ty:str», x: «ty:f64» }
«kw:fn» «fn:main»() {
    «kw:let» s = «str:"say \"hi\""»; «com:// note»
    «kw:let» c = «str:'\n'»; «kw:let» d = «str:'é'»; «kw:let» r = «str:r#"raw "q""#»;
    «kw:let» n = «num:0x1F» + «num:1_000» + «num:2.5e-3» + t.«num:0» + «num:1»..«num:2»;
    «attr:println!»(«str:"{}"», s); «com:/* block */»
    «kw:if» «kw:let» «ty:Some»(v) = opt { «kw:return» «lit:None»; }
}"##,
        );
    }

    #[test]
    fn rust_lifetimes_do_not_open_char_literals() {
        assert_marked(
            "rust",
            "«kw:fn» f<'a>(x: &'a «ty:str») -> &'static «ty:str» { x }",
        );
    }

    #[test]
    fn python_keywords_decorators_triple_quotes_and_comments() {
        assert_marked(
            "python",
            r#"«attr:@app.route»(«str:"/"»)
«kw:def» «fn:greet»(name: «ty:str») -> «lit:None»:
    «str:"""Doc with "quotes"."""»
    «kw:if» name «kw:is» «lit:None»: «kw:return» f«str:'hi {name}'»  «com:# comment»
    «kw:return» «num:42» «kw:if» «fn:len»(name) > «num:0.5» «kw:else» «ty:MyError»"#,
        );
    }

    #[test]
    fn javascript_and_typescript_keywords_template_strings_and_calls() {
        assert_marked(
            "js",
            r#"«kw:import» { x } «kw:from» «str:"./x.js"»;
«kw:const» add = (a, b) => a + b; «com:// sum»
«kw:let» s = «str:`multi
line ${x}`»;
«kw:if» (v === «lit:null») { console.«fn:log»(«str:'nope'», «num:3.14», $el); }"#,
        );
        assert_marked(
            "ts",
            "«kw:interface» «ty:Point» { x: «ty:number»; «kw:readonly» y?: «ty:string» }",
        );
    }

    #[test]
    fn bash_variables_are_marked_inside_and_outside_strings() {
        assert_marked(
            "bash",
            r#"«com:#!/bin/bash»
«com:# build it»
«kw:for» f «kw:in» *.md; «kw:do»
  echo «str:"file: »«var:$f»«str: in »«var:${HOME}»«str:"» > «str:'$OUT'» «num:2»>&«num:1»
«kw:done»
«kw:export» PATH=«var:$HOME»/bin:«var:$PATH»; apt-get install ./done.sh a#b «var:$?»"#,
        );
    }

    #[test]
    fn json_keys_differ_from_string_values() {
        assert_marked(
            "json",
            r#"{«key:"name"»: «str:"quire"», «key:"v"» : «num:2», «key:"tags"»: [«str:"a"»], «key:"ok"»: «lit:true»,
 «key:"none"»: «lit:null», «key:"neg"»: -«num:1.5e3»} «com:// jsonc comment»"#,
        );
    }

    #[test]
    fn toml_tables_keys_and_values() {
        assert_marked(
            "toml",
            r#"«com:# config»
«ty:[package]»
«key:name» = «str:"quire"»
«key:version» = «str:'0.1.0'»
«key:"quoted key"» = «lit:true» «com:# yes»
«ty:[[bin]]»
«key:dotted.key-name» = [«num:1», «num:2021»]
«key:text» = «str:"""
multi "line" = 1
"""»"#,
        );
    }

    #[test]
    fn yaml_keys_list_items_literals_and_comments() {
        assert_marked(
            "yaml",
            r#"«com:# settings»
«key:title»: «str:"My essay"»
«key:draft»: «lit:False»
«key:tags»:
  - rust
  - «key:name»: nested
«key:count»: «num:3» «com:# trailing»
«key:'quoted key'»: x
«key:note»: it's «lit:on» C# «str:'and'» «str:"this"»
«key:url»: http://a.b#frag"#,
        );
    }

    #[test]
    fn html_tags_attributes_comments_entities_and_embedded_script_and_style() {
        assert_marked(
            "html",
            r#"<!«tag:DOCTYPE» «attr:html»>
«com:<!-- note -->»
<«tag:a» «attr:href»=«str:"x?a=1&amp;b"» «attr:class»=«str:big» «attr:disabled»>Tom «lit:&amp;» Jerry</«tag:a»>
<«tag:script»>«kw:let» x = «str:"<b>"»;</«tag:script»>
<«tag:STYLE»>«tag:p» { «key:color»: red; }</«tag:STYLE»>
<«tag:br»/> <«tag:x-y» «attr:data-v»=«str:'1'»> 1 < 2"#,
        );
    }

    #[test]
    fn css_selectors_properties_and_values() {
        assert_marked(
            "css",
            r#"«com:/* theme */»
«kw:@media» («key:max-width»: «num:600px») {
  «attr:.note» > «tag:p»:hover, «attr:#main» { «key:margin»: «num:0» auto; «key:color»: «num:#fff» «kw:!important»; }
}
«tag:body» { «key:font-family»: «str:"Inter"», sans-serif; «key:width»: «fn:calc»(«num:100%» - «num:2px»); «key:--gap»: «num:.5em» }"#,
        );
    }

    #[test]
    fn the_other_c_like_and_script_languages_get_the_basics() {
        assert_marked(
            "sql",
            "«kw:SELECT» id, «fn:count»(*) «kw:FROM» users «kw:WHERE» age > «num:21» «kw:AND» n = «str:'O'»«str:'Brien'» \
             «kw:IS» «kw:NOT» «lit:NULL»; «com:-- note»\n«kw:create» «kw:table» t (id «ty:INTEGER» «kw:primary» «kw:key», \
             «ty:varchar»(«num:10»)); «com:/* done */»",
        );
        assert_marked(
            "c",
            "«attr:#include» <stdio.h>\n«ty:int» «fn:main»(«ty:void») { «fn:printf»(«str:\"%d\\n\"», «num:42»); \
             «kw:return» «lit:NULL» ? «str:'c'» : «num:0»; }",
        );
        assert_marked(
            "cpp",
            "std::vector<«ty:int»> v; «kw:auto» p = «lit:nullptr»; «kw:template» <«kw:typename» T>",
        );
        assert_marked(
            "go",
            "«kw:package» main\n«kw:func» «fn:main»() { s := «str:`raw\\`»; fmt.«fn:Println»(s, «lit:nil», «ty:Reader») }",
        );
        assert_marked(
            "java",
            "«attr:@Override» «kw:public» «ty:String» «fn:toString»() { «kw:return» «str:\"x\"»; }",
        );
        assert_marked(
            "ruby",
            "«kw:def» «fn:greet»(name)\n  puts «str:\"hi #{name}\"» «com:# say»\n  «var:@count» += «num:1»\n  \
             «var:$stdout».sync = «lit::yes»\n«kw:end»",
        );
    }

    #[test]
    fn language_names_are_case_insensitive_and_aliases_work() {
        let names = "RS Python3 JSX tsx JSONC yml Shell zsh console h C++ cc hpp cxx golang XML svg rb mjs cjs py sh";
        for lang in names.split(' ').chain(["rust,ignore"]) {
            assert!(highlight(lang, "x", &mut String::new()), "{lang}");
        }
    }

    #[test]
    fn unknown_language_returns_false_and_escapes() {
        for lang in ["", "brainfuck", "a-very-long-language-name", "é"] {
            let mut out = String::new();
            assert!(!highlight(lang, "if <b> & \"c\"", &mut out));
            assert_eq!(out, "if &lt;b&gt; &amp; &quot;c&quot;");
        }
    }

    #[test]
    fn script_tags_in_code_are_escaped_in_every_language() {
        for lang in LANGS {
            for code in [
                "<script>alert(1)</script>",
                "\"<script>\"",
                "// <script>",
                "# <script>",
                "<!-- <script> -->",
            ] {
                let out = render(lang, code);
                assert!(
                    !out.contains("<script") && !out.contains("</script"),
                    "{lang}: {out}"
                );
            }
        }
    }

    #[test]
    fn a_string_containing_a_closing_span_is_escaped() {
        for lang in LANGS {
            render(lang, "x = \"</span><b>\" + '</span>'");
        }
        let out = render("rust", "\"</span>\"");
        assert_eq!(
            out,
            "<span class=\"hl-str\">&quot;&lt;/span&gt;&quot;</span>"
        );
    }

    #[test]
    fn unterminated_strings_and_block_comments_run_to_the_end() {
        assert_marked("rust", "«kw:let» s = «str:\"abc\nmore»");
        assert_marked("rust", "«str:r##\"raw \"# still»");
        assert_marked("c", "x; «com:/* open\ncomment»");
        assert_marked("python", "x = «str:'''never closed\\»");
        assert_marked("bash", "echo «str:\"unclosed »«var:$x»«str: still\n»");
        assert_marked("html", "<«tag:a» «attr:title»=«str:\"open>»");
    }

    #[test]
    fn nasty_inputs_round_trip_in_every_language() {
        for lang in LANGS {
            for code in NASTY {
                render(lang, code);
            }
        }
    }

    #[test]
    fn random_fragment_soup_round_trips_in_every_language() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rng = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        for lang in LANGS {
            for _ in 0..300 {
                let code: String = (0..rng() % 40)
                    .map(|_| PIECES[rng() % PIECES.len()])
                    .collect();
                render(lang, &code);
            }
        }
    }

    #[test]
    fn a_megabyte_of_quotes_or_comment_openers_is_fine() {
        // Only balance is checked: the full round trip is slow in debug builds and is
        // covered on small inputs above.
        for lang in LANGS {
            for unit in ["\"", "/*"] {
                let (code, mut out) = (unit.repeat((1 << 20) / unit.len()), String::new());
                highlight(lang, &code, &mut out);
                assert!(out.len() >= code.len(), "{lang}");
                assert_eq!(
                    out.matches("<span").count(),
                    out.matches("</span>").count(),
                    "{lang}"
                );
            }
        }
    }

    #[test]
    fn word_tables_are_sorted_and_lowercase_where_case_insensitive() {
        let text = |k: &u128| {
            k.to_be_bytes()
                .iter()
                .filter(|&&c| c != 0)
                .map(|&c| char::from(c))
                .collect()
        };
        for l in [
            &RUST, &PYTHON, &JS, &TS, &JSON, &TOML, &YAML, &BASH, &C, &CPP, &GO, &JAVA, &SQL, &RUBY,
        ] {
            for list in [l.kw, l.ty, l.lit] {
                let words: Vec<String> = list.iter().map(text).collect();
                assert!(list.windows(2).all(|w| w[0] < w[1]), "unsorted: {words:?}");
                assert!(
                    !l.has(NOCASE) || words.iter().all(|w| *w == w.to_ascii_lowercase()),
                    "{words:?}"
                );
            }
        }
    }
}
