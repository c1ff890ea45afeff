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
    let mut e = Emitter { src: code, out, plain: 0 };
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
    let name = lang.split(|c: char| c == ',' || c == '{' || c.is_whitespace()).find(|s| !s.is_empty())?;
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

/// Syntax table for the generic lexer. Word lists are sorted (binary search).
struct Lang {
    kw: &'static [&'static str],
    ty: &'static [&'static str],
    lit: &'static [&'static str],
    quotes: &'static [u8],
    /// Quotes whose strings may span lines; others stop at the newline to limit damage.
    multiline: &'static [u8],
    /// Quotes without backslash escapes.
    raw: &'static [u8],
    /// Extra bytes allowed inside (not at the start of) identifiers.
    word_chars: &'static [u8],
    slash: bool,
    hash: bool,
    dash: bool,
    /// Python-style `"""` / `'''` strings.
    triple: bool,
    /// Raw strings, lifetimes, `name!` macros and `#[attributes]`.
    rust: bool,
    /// `#include`-style directives.
    preproc: bool,
    /// `$NAME`, `${..}`, `$1` variables; `interp` also finds them inside `"…"`.
    vars: bool,
    interp: bool,
    /// Ruby `:symbol`.
    symbols: bool,
    /// A string followed by `:` is an object key.
    json_keys: bool,
    /// Capitalised mixed-case identifiers are types.
    caps: bool,
    nocase: bool,
    /// Class for `@name` (decorators, annotations, instance variables), or "".
    at: &'static str,
    /// `=` (TOML) or `:` (YAML): a line starting with `key<sep>` gets a key span.
    line_key: u8,
}

const BASE: Lang = Lang {
    kw: &[],
    ty: &[],
    lit: &[],
    quotes: b"\"'",
    multiline: b"",
    raw: b"",
    word_chars: b"",
    slash: false,
    hash: false,
    dash: false,
    triple: false,
    rust: false,
    preproc: false,
    vars: false,
    interp: false,
    symbols: false,
    json_keys: false,
    caps: false,
    nocase: false,
    at: "",
    line_key: 0,
};

const RUST: Lang = Lang {
    kw: &["as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "type", "unsafe", "use", "where", "while", "yield"],
    ty: &["Box", "Err", "Ok", "Option", "Result", "Self", "Some", "String", "Vec", "bool", "char", "f32", "f64", "i128", "i16", "i32", "i64", "i8", "isize", "str", "u128", "u16", "u32", "u64", "u8", "usize"],
    lit: &["None", "false", "true"],
    quotes: b"\"",
    multiline: b"\"",
    slash: true,
    rust: true,
    caps: true,
    ..BASE
};

const PYTHON: Lang = Lang {
    kw: &["and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"],
    ty: &["bool", "bytes", "dict", "float", "int", "list", "object", "set", "str", "tuple", "type"],
    lit: &["False", "None", "True"],
    hash: true,
    triple: true,
    at: "attr",
    caps: true,
    ..BASE
};

const JS_KW: &[&str] = &["async", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "export", "extends", "finally", "for", "from", "function", "if", "import", "in", "instanceof", "let", "new", "of", "return", "static", "super", "switch", "this", "throw", "try", "typeof", "var", "void", "while", "with", "yield"];

const JS: Lang = Lang {
    kw: JS_KW,
    lit: &["NaN", "false", "null", "true", "undefined"],
    quotes: b"\"'`",
    multiline: b"`",
    word_chars: b"$",
    slash: true,
    at: "attr",
    caps: true,
    ..BASE
};

const TS: Lang = Lang {
    kw: &["abstract", "as", "async", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "declare", "default", "delete", "do", "else", "enum", "export", "extends", "finally", "for", "from", "function", "if", "implements", "import", "in", "instanceof", "interface", "keyof", "let", "namespace", "new", "of", "private", "protected", "public", "readonly", "return", "static", "super", "switch", "this", "throw", "try", "type", "typeof", "var", "void", "while", "with", "yield"],
    ty: &["any", "bigint", "boolean", "never", "number", "object", "string", "symbol", "unknown"],
    ..JS
};

const JSON: Lang = Lang { lit: &["false", "null", "true"], quotes: b"\"", slash: true, json_keys: true, ..BASE };

const TOML: Lang = Lang {
    lit: &["false", "inf", "nan", "true"],
    raw: b"'",
    hash: true,
    triple: true,
    line_key: b'=',
    ..BASE
};

const YAML: Lang = Lang {
    lit: &["false", "no", "null", "off", "on", "true", "yes"],
    raw: b"'",
    word_chars: b"-",
    hash: true,
    nocase: true,
    line_key: b':',
    ..BASE
};

const BASH: Lang = Lang {
    kw: &["case", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function", "if", "in", "local", "readonly", "return", "select", "then", "until", "while"],
    lit: &["false", "true"],
    quotes: b"\"'`",
    multiline: b"\"'`",
    raw: b"'",
    // Words like `apt-get` or `./done.sh` must not light up `get` or `done`.
    word_chars: b"-./",
    hash: true,
    vars: true,
    interp: true,
    ..BASE
};

const C_KW: &[&str] = &["break", "case", "const", "continue", "default", "do", "else", "enum", "extern", "for", "goto", "if", "inline", "register", "restrict", "return", "sizeof", "static", "struct", "switch", "typedef", "union", "volatile", "while"];
const C_TY: &[&str] = &["bool", "char", "double", "float", "int", "int16_t", "int32_t", "int64_t", "int8_t", "long", "short", "signed", "size_t", "uint16_t", "uint32_t", "uint64_t", "uint8_t", "unsigned", "void"];

const C: Lang = Lang { kw: C_KW, ty: C_TY, lit: &["NULL", "false", "true"], slash: true, preproc: true, ..BASE };

const CPP: Lang = Lang {
    kw: &["alignas", "auto", "break", "case", "catch", "class", "const", "constexpr", "continue", "decltype", "default", "delete", "do", "else", "enum", "explicit", "extern", "for", "friend", "goto", "if", "inline", "mutable", "namespace", "new", "noexcept", "operator", "override", "private", "protected", "public", "return", "sizeof", "static", "static_cast", "struct", "switch", "template", "this", "throw", "try", "typedef", "typename", "union", "using", "virtual", "volatile", "while"],
    lit: &["NULL", "false", "nullptr", "true"],
    ..C
};

const GO: Lang = Lang {
    kw: &["break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var"],
    ty: &["any", "bool", "byte", "complex128", "complex64", "error", "float32", "float64", "int", "int16", "int32", "int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr"],
    lit: &["false", "iota", "nil", "true"],
    quotes: b"\"'`",
    multiline: b"`",
    raw: b"`",
    slash: true,
    caps: true,
    ..BASE
};

const JAVA: Lang = Lang {
    kw: &["abstract", "assert", "break", "case", "catch", "class", "const", "continue", "default", "do", "else", "enum", "extends", "final", "finally", "for", "goto", "if", "implements", "import", "instanceof", "interface", "native", "new", "package", "private", "protected", "public", "record", "return", "static", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "var", "volatile", "while", "yield"],
    ty: &["boolean", "byte", "char", "double", "float", "int", "long", "short", "void"],
    lit: &["false", "null", "true"],
    slash: true,
    triple: true,
    at: "attr",
    caps: true,
    ..BASE
};

const SQL: Lang = Lang {
    kw: &["add", "all", "alter", "and", "as", "asc", "begin", "between", "by", "case", "commit", "create", "cross", "delete", "desc", "distinct", "drop", "else", "end", "exists", "foreign", "from", "full", "group", "having", "if", "in", "index", "inner", "insert", "into", "is", "join", "key", "left", "like", "limit", "not", "offset", "on", "or", "order", "outer", "primary", "references", "returning", "right", "rollback", "select", "set", "table", "then", "transaction", "union", "unique", "update", "values", "view", "when", "where", "with"],
    ty: &["bigint", "blob", "boolean", "char", "date", "decimal", "double", "float", "int", "integer", "numeric", "real", "serial", "smallint", "text", "timestamp", "varchar"],
    lit: &["false", "null", "true"],
    multiline: b"'",
    raw: b"'\"",
    slash: true,
    dash: true,
    nocase: true,
    ..BASE
};

const RUBY: Lang = Lang {
    kw: &["BEGIN", "END", "alias", "and", "begin", "break", "case", "class", "def", "do", "else", "elsif", "end", "ensure", "for", "if", "in", "module", "next", "not", "or", "redo", "rescue", "retry", "return", "self", "super", "then", "undef", "unless", "until", "when", "while", "yield"],
    lit: &["false", "nil", "true"],
    quotes: b"\"'`",
    multiline: b"\"'`",
    hash: true,
    vars: true,
    symbols: true,
    at: "var",
    caps: true,
    ..BASE
};

/// Only the string rules are used, for CSS and HTML-embedded CSS.
const CSS_STRINGS: Lang = BASE;

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p)
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(pat.len()).position(|w| w == pat).map(|p| from + p)
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while matches!(at(b, i), b' ' | b'\t') {
        i += 1;
    }
    i
}

fn contains(list: &[&str], word: &str, nocase: bool) -> bool {
    if !nocase {
        return list.binary_search(&word).is_ok();
    }
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..word.len()) else { return false };
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|w| list.binary_search(&w).is_ok())
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
        let c = b[i];
        let next = at(b, i + 1);
        let prev_word = i > start && is_word(b[i - 1]);
        i = match c {
            b'/' if l.slash && next == b'/' => e.tok(i, line_end(b, i), "com"),
            b'/' if l.slash && next == b'*' => e.tok(i, find(b, i + 2, b"*/").map_or(end, |p| p + 2), "com"),
            b'-' if l.dash && next == b'-' => e.tok(i, line_end(b, i), "com"),
            // `#` glued to a word (`a#b`, `C#`) is not a comment in shell or YAML.
            b'#' if l.hash && !prev_word => e.tok(i, line_end(b, i), "com"),
            b'#' if l.rust && (next == b'[' || next == b'!' && at(b, i + 2) == b'[') => rust_attr(e, b, i),
            b'#' if l.preproc && is_word_start(next) => e.tok(i, word_end(l, b, i + 1), "attr"),
            b'\'' if l.rust => rust_quote(e, b, i),
            q if l.quotes.contains(&q) => string(e, l, b, i),
            b'0'..=b'9' => e.tok(i, number(b, i), "num"),
            b'.' if next.is_ascii_digit() && !prev_word => e.tok(i, number(b, i), "num"),
            b'$' if l.vars => var_end(b, i).map_or(i + 1, |v| e.tok(i, v, "var")),
            b'@' if !l.at.is_empty() && (is_word_start(next) || next == b'@') => {
                let mut j = i + 1 + usize::from(next == b'@');
                while is_word(at(b, j)) || at(b, j) == b'.' && is_word_start(at(b, j + 1)) {
                    j += 1;
                }
                e.tok(i, j, l.at)
            }
            b':' if l.symbols && is_word_start(next) && !prev_word && (i == 0 || b[i - 1] != b':') => {
                e.tok(i, word_end(l, b, i + 1), "lit")
            }
            c if is_word_start(c) => word(e, l, b, i),
            _ => i + 1,
        };
    }
}

fn word_end(l: &Lang, b: &[u8], mut j: usize) -> usize {
    while j < b.len() && (is_word(b[j]) || l.word_chars.contains(&b[j])) {
        j += 1;
    }
    j
}

fn word(e: &mut Emitter, l: &Lang, b: &[u8], i: usize) -> usize {
    let j = word_end(l, b, i + 1);
    let w = &e.src[i..j];
    let next = at(b, j);
    if l.rust {
        if matches!(w, "r" | "br" | "cr") && (next == b'"' || next == b'#') {
            if let Some(end) = raw_string(b, j) {
                return e.tok(i, end, "str");
            }
        }
        if next == b'!' && at(b, j + 1) != b'=' {
            return e.tok(i, j + 1, "attr");
        }
    }
    let class = if contains(l.kw, w, l.nocase) {
        "kw"
    } else if contains(l.lit, w, l.nocase) {
        "lit"
    } else if contains(l.ty, w, l.nocase) {
        "ty"
    } else if next == b'(' {
        "fn"
    } else if l.caps && b[i].is_ascii_uppercase() && w.bytes().any(|c| c.is_ascii_lowercase()) {
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
    if l.triple && at(b, i + 1) == q && at(b, i + 2) == q {
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
            b'$' if l.interp && q == b'"' => match var_end(b, j) {
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
    let key = l.json_keys && b[j..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':');
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
    j += 1;
    while j < b.len() {
        if b[j] == b'"' && b[j + 1..].iter().take(hashes).take_while(|&&c| c == b'#').count() == hashes {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(b.len())
}

fn rust_attr(e: &mut Emitter, b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return e.tok(i, j + 1, "attr");
                }
            }
            _ => {}
        }
        j += 1;
    }
    e.tok(i, b.len(), "attr")
}

/// Tells char literals (`'x'`, `'\n'`, `'é'`) from lifetimes (`'a`), which stay plain.
fn rust_quote(e: &mut Emitter, b: &[u8], i: usize) -> usize {
    let next = at(b, i + 1);
    if next == b'\\' {
        // The longest escape is `'\u{10FFFF}'`.
        let window = b.get(i + 3..b.len().min(i + 12)).unwrap_or_default();
        return match window.iter().position(|&c| c == b'\'') {
            Some(p) => e.tok(i, i + 4 + p, "str"),
            None => i + 1,
        };
    }
    let len = match next {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    if i + 1 < b.len() && !matches!(next, b'\'' | b'\n') && at(b, i + 1 + len) == b'\'' {
        return e.tok(i, i + 2 + len, "str");
    }
    if is_word_start(next) {
        return word_end(&RUST, b, i + 1);
    }
    i + 1
}

/// `$NAME`, `${…}` (up to the line end), `$1`, `$?` and friends.
fn var_end(b: &[u8], i: usize) -> Option<usize> {
    match at(b, i + 1) {
        b'{' => Some(match b[i + 2..].iter().position(|&c| c == b'}' || c == b'\n') {
            Some(p) if b[i + 2 + p] == b'}' => i + 3 + p,
            Some(p) => i + 2 + p,
            None => b.len(),
        }),
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let mut j = i + 2;
            while at(b, j).is_ascii_alphanumeric() || at(b, j) == b'_' {
                j += 1;
            }
            Some(j)
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
    let eol = line_end(b, j);
    let line = &b[j..eol];
    if l.line_key == b'=' && line.first() == Some(&b'[') {
        return match line.iter().rposition(|&c| c == b']') {
            Some(p) => e.tok(j, j + p + 1, "ty"),
            None => j,
        };
    }
    let key_end = match line.first() {
        Some(&q @ (b'"' | b'\'')) => line[1..].iter().position(|&c| c == q).map(|p| j + p + 2),
        Some(&c) if l.line_key == b'=' && (is_word(c) || c == b'-') => {
            Some(j + line.iter().position(|&c| !(is_word(c) || c == b'-' || c == b'.')).unwrap_or(line.len()))
        }
        Some(&c) if l.line_key == b':' && !b"#{}[]&*!|>%@`,?:-".contains(&c) => {
            let mut k = 0;
            while k < line.len() && !(line[k] == b':' && matches!(line.get(k + 1), None | Some(b' ' | b'\t' | b'\r'))) {
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
    let sep_ok = at(b, sep) == l.line_key
        && (l.line_key == b'=' || matches!(at(b, sep + 1), 0 | b' ' | b'\t' | b'\r' | b'\n'));
    if sep_ok {
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
            b'<' if b[i..].starts_with(b"<!--") => e.tok(i, find(b, i + 4, b"-->").map_or(end, |p| p + 3), "com"),
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
    let mut j = s;
    while j < n && (is_word(b[j]) || b"-:.".contains(&b[j])) {
        j += 1;
    }
    let name = &b[s..j];
    e.tok(s, j, "tag");
    let stop = |c: u8| c.is_ascii_whitespace() || b"=>/<\"'".contains(&c);
    while j < n {
        j = match b[j] {
            b'>' => {
                j += 1;
                break;
            }
            // An unclosed tag: let the next one start fresh.
            b'<' => break,
            q @ (b'"' | b'\'') => {
                let close = b[j + 1..].iter().position(|&c| c == q).map_or(n, |p| j + p + 2);
                e.tok(j, close, "str")
            }
            b'=' if !stop(at(b, j + 1)) => {
                let mut k = j + 1;
                while k < n && !stop(b[k]) {
                    k += 1;
                }
                e.tok(j + 1, k, "str")
            }
            c if stop(c) || c == b'?' => j + 1,
            _ => {
                let mut k = j + 1;
                while k < n && !stop(b[k]) {
                    k += 1;
                }
                e.tok(j, k, "attr")
            }
        };
    }
    let script = name.eq_ignore_ascii_case(b"script");
    if closing || !(script || name.eq_ignore_ascii_case(b"style")) || !b[..j].ends_with(b">") || b[..j].ends_with(b"/>") {
        return j;
    }
    // Lex the element body as JS/CSS up to its end tag.
    let mut close = n;
    let mut k = j;
    while let Some(p) = b[k..].iter().position(|&c| c == b'<') {
        let t = &b[k + p + 1..];
        if t.first() == Some(&b'/') && t.get(1..=name.len()).is_some_and(|t| t.eq_ignore_ascii_case(name)) {
            close = k + p;
            break;
        }
        k += p + 1;
    }
    if script {
        lex_code(e, &JS, j, close);
    } else {
        lex_css(e, j, close);
    }
    close
}

fn css_word_end(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && (is_word(b[j]) || b[j] == b'-') {
        j += 1;
    }
    j
}

fn lex_css(e: &mut Emitter, start: usize, end: usize) {
    let src = e.src;
    let b = &src.as_bytes()[..end];
    let mut i = start;
    // Kind of the current `{`/`;`/`}`-delimited segment: one ending in `{` is a
    // selector (or at-rule prelude), anything else holds declarations. Segments are
    // scanned once each, so this stays linear.
    let (mut seg_end, mut selector, mut at_rule) = (start, false, false);
    while i < end {
        if i >= seg_end {
            seg_end = b[i..].iter().position(|&c| matches!(c, b'{' | b';' | b'}')).map_or(end, |p| i + p + 1);
            selector = b[seg_end - 1] == b'{';
            at_rule = false;
        }
        let c = b[i];
        let next = at(b, i + 1);
        let ident_start = |c: u8, next: u8| is_word_start(c) || c == b'-' && (is_word_start(next) || next == b'-');
        i = match c {
            b'/' if next == b'*' => e.tok(i, find(b, i + 2, b"*/").map_or(end, |p| p + 2), "com"),
            b'"' | b'\'' => string(e, &CSS_STRINGS, b, i),
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
                while at(b, j).is_ascii_digit() || at(b, j) == b'.' && at(b, j + 1).is_ascii_digit() {
                    j += 1;
                }
                while at(b, j).is_ascii_alphabetic() || at(b, j) == b'%' {
                    j += 1;
                }
                e.tok(i, j, "num")
            }
            c if ident_start(c, next) => {
                let j = css_word_end(b, i + 1);
                let after = at(b, skip_blanks(b, j));
                let class = if at(b, j) == b'(' && (i == start || b[i - 1] != b':') {
                    "fn"
                } else if after == b':' && (!selector || at_rule) {
                    "key"
                } else if selector && !at_rule && (i == start || b[i - 1] != b':') {
                    "tag"
                } else {
                    ""
                };
                if class.is_empty() {
                    j
                } else {
                    e.tok(i, j, class)
                }
            }
            _ => i + 1,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: &[&str] = &[
        "rust", "python", "javascript", "typescript", "json", "toml", "yaml", "bash", "c", "cpp", "go", "java", "css", "html",
        "sql", "ruby",
    ];
    const CLASSES: &[&str] = &["kw", "ty", "str", "num", "com", "lit", "fn", "attr", "key", "tag", "var"];

    /// Undoes the highlighting, asserting along the way that the only markup is
    /// known, balanced, unnested spans and the only entities are the four we emit.
    fn plain_text(html: &str) -> String {
        let (mut text, mut rest, mut open) = (String::new(), html, false);
        while let Some(p) = rest.find(['<', '>', '&', '"']) {
            text.push_str(&rest[..p]);
            rest = &rest[p..];
            if let Some(r) = rest.strip_prefix("<span class=\"hl-") {
                let q = r.find("\">").expect("unterminated span tag");
                assert!(CLASSES.contains(&&r[..q]), "unknown class {:?}", &r[..q]);
                assert!(!open, "nested span in {html:?}");
                open = true;
                rest = &r[q + 2..];
            } else if let Some(r) = rest.strip_prefix("</span>") {
                assert!(open, "unbalanced </span> in {html:?}");
                open = false;
                rest = r;
            } else {
                let entities = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"')];
                let (entity, ch) = entities.iter().find(|(ent, _)| rest.starts_with(ent)).expect("raw markup in output");
                text.push(*ch);
                rest = &rest[entity.len()..];
            }
        }
        assert!(!open, "unclosed span");
        text + rest
    }

    /// Highlights `code` and checks the round-trip property before returning the HTML.
    fn render(lang: &str, code: &str) -> String {
        let mut out = String::new();
        highlight(lang, code, &mut out);
        assert_eq!(plain_text(&out), code, "round trip failed for {lang}: {out}");
        out
    }

    fn assert_spans(lang: &str, code: &str, expected: &[&str]) {
        let out = render(lang, code);
        for needle in expected {
            assert!(out.contains(needle), "{lang}: missing {needle:?} in\n{out}");
        }
    }

    #[test]
    fn rust_keywords_types_strings_comments_numbers_attributes_and_macros() {
        let code = "/// Doc\n#[derive(Debug)]\npub struct Point<'a> { name: &'a str, x: f64 }\n\
            fn main() {\n    let s = \"say \\\"hi\\\"\"; // note\n    let c = '\\n'; let d = 'é';\n    \
            let n = 0x1F + 1_000 + 2.5e-3;\n    println!(\"{}\", s);\n    let r = r#\"raw \"q\"\"#;\n    \
            /* block */ if let Some(v) = opt { return None; }\n}";
        assert_spans("rust", code, &[
            "<span class=\"hl-com\">/// Doc</span>",
            "<span class=\"hl-attr\">#[derive(Debug)]</span>",
            "<span class=\"hl-kw\">pub</span> <span class=\"hl-kw\">struct</span> <span class=\"hl-ty\">Point</span>&lt;'a&gt;",
            "<span class=\"hl-ty\">f64</span>",
            "<span class=\"hl-kw\">fn</span> <span class=\"hl-fn\">main</span>",
            "<span class=\"hl-str\">&quot;say \\&quot;hi\\&quot;&quot;</span>;",
            "<span class=\"hl-com\">// note</span>",
            "<span class=\"hl-str\">'\\n'</span>",
            "<span class=\"hl-str\">'é'</span>",
            "<span class=\"hl-num\">0x1F</span>",
            "<span class=\"hl-num\">1_000</span>",
            "<span class=\"hl-num\">2.5e-3</span>",
            "<span class=\"hl-attr\">println!</span>",
            "<span class=\"hl-str\">r#&quot;raw &quot;q&quot;&quot;#</span>;",
            "<span class=\"hl-com\">/* block */</span>",
            "<span class=\"hl-ty\">Some</span>",
            "<span class=\"hl-lit\">None</span>",
        ]);
    }

    #[test]
    fn rust_lifetimes_do_not_open_char_literals() {
        let out = render("rust", "fn f<'a>(x: &'a str) -> &'static str { x }");
        assert!(!out.contains("hl-str"), "{out}");
        assert_eq!(out.matches("<span class=\"hl-ty\">str</span>").count(), 2, "{out}");
    }

    #[test]
    fn python_keywords_decorators_triple_quotes_and_comments() {
        let code = "@app.route(\"/\")\ndef greet(name: str) -> None:\n    \"\"\"Doc with \"quotes\".\"\"\"\n    \
            if name is None:\n        return f'hi {name}'  # comment\n    return 42\n";
        assert_spans("python", code, &[
            "<span class=\"hl-attr\">@app.route</span>(<span class=\"hl-str\">&quot;/&quot;</span>)",
            "<span class=\"hl-kw\">def</span> <span class=\"hl-fn\">greet</span>",
            "<span class=\"hl-ty\">str</span>",
            "<span class=\"hl-str\">&quot;&quot;&quot;Doc with &quot;quotes&quot;.&quot;&quot;&quot;</span>",
            "<span class=\"hl-kw\">is</span> <span class=\"hl-lit\">None</span>",
            "<span class=\"hl-str\">'hi {name}'</span>",
            "<span class=\"hl-com\"># comment</span>",
            "<span class=\"hl-num\">42</span>",
        ]);
    }

    #[test]
    fn javascript_and_typescript_keywords_template_strings_and_calls() {
        let code = "import { x } from \"./x.js\";\nconst add = (a, b) => a + b; // sum\n\
            let s = `multi\nline ${x}`;\nif (v === null) { console.log('nope', 3.14); }";
        assert_spans("js", code, &[
            "<span class=\"hl-kw\">import</span>",
            "<span class=\"hl-kw\">from</span> <span class=\"hl-str\">&quot;./x.js&quot;</span>",
            "<span class=\"hl-kw\">const</span>",
            "<span class=\"hl-com\">// sum</span>",
            "<span class=\"hl-str\">`multi\nline ${x}`</span>",
            "<span class=\"hl-lit\">null</span>",
            "<span class=\"hl-fn\">log</span>",
            "<span class=\"hl-str\">'nope'</span>",
            "<span class=\"hl-num\">3.14</span>",
        ]);
        assert_spans("ts", "interface Point { x: number }", &[
            "<span class=\"hl-kw\">interface</span> <span class=\"hl-ty\">Point</span>",
            "<span class=\"hl-ty\">number</span>",
        ]);
    }

    #[test]
    fn bash_variables_are_marked_inside_and_outside_strings() {
        let code = "#!/bin/bash\n# build it\nfor f in *.md; do\n  echo \"file: $f in ${HOME}\" > '$OUT'\ndone\n\
            export PATH=$HOME/bin:$PATH\napt-get install ./done.sh";
        let out = render("bash", code);
        assert_spans("bash", code, &[
            "<span class=\"hl-com\">#!/bin/bash</span>",
            "<span class=\"hl-com\"># build it</span>",
            "<span class=\"hl-kw\">for</span> f <span class=\"hl-kw\">in</span>",
            "<span class=\"hl-str\">&quot;file: </span><span class=\"hl-var\">$f</span><span class=\"hl-str\"> in </span>",
            "<span class=\"hl-var\">${HOME}</span><span class=\"hl-str\">&quot;</span>",
            "<span class=\"hl-str\">'$OUT'</span>",
            "<span class=\"hl-kw\">done</span>",
            "<span class=\"hl-kw\">export</span> PATH=<span class=\"hl-var\">$HOME</span>",
        ]);
        assert_eq!(out.matches("hl-kw\">done").count(), 1, "{out}");
    }

    #[test]
    fn json_keys_differ_from_string_values() {
        let code = "{\"name\": \"quire\", \"v\": 2, \"tags\": [\"a\"], \"ok\": true, \"none\": null, \"neg\": -1.5e3}";
        assert_spans("json", code, &[
            "<span class=\"hl-key\">&quot;name&quot;</span>: <span class=\"hl-str\">&quot;quire&quot;</span>",
            "<span class=\"hl-num\">2</span>",
            "[<span class=\"hl-str\">&quot;a&quot;</span>]",
            "<span class=\"hl-lit\">true</span>",
            "<span class=\"hl-lit\">null</span>",
            "-<span class=\"hl-num\">1.5e3</span>",
        ]);
    }

    #[test]
    fn toml_tables_keys_and_values() {
        let code = "# config\n[package]\nname = \"quire\"\nversion = '0.1.0'\nedition = 2021\n[[bin]]\ndebug = true # yes\n";
        assert_spans("toml", code, &[
            "<span class=\"hl-com\"># config</span>",
            "<span class=\"hl-ty\">[package]</span>",
            "<span class=\"hl-key\">name</span> = <span class=\"hl-str\">&quot;quire&quot;</span>",
            "<span class=\"hl-str\">'0.1.0'</span>",
            "<span class=\"hl-num\">2021</span>",
            "<span class=\"hl-ty\">[[bin]]</span>",
            "<span class=\"hl-lit\">true</span> <span class=\"hl-com\"># yes</span>",
        ]);
    }

    #[test]
    fn yaml_keys_list_items_literals_and_comments() {
        let code = "# settings\ntitle: \"My essay\"\ndraft: false\ntags:\n  - rust\n  - name: nested\ncount: 3 # trailing\n\
            'quoted key': x\nurl: http://a.b\n";
        let out = render("yaml", code);
        assert_spans("yaml", code, &[
            "<span class=\"hl-com\"># settings</span>",
            "<span class=\"hl-key\">title</span>: <span class=\"hl-str\">&quot;My essay&quot;</span>",
            "<span class=\"hl-key\">draft</span>: <span class=\"hl-lit\">false</span>",
            "<span class=\"hl-key\">tags</span>:",
            "  - <span class=\"hl-key\">name</span>: nested",
            "<span class=\"hl-num\">3</span> <span class=\"hl-com\"># trailing</span>",
            "<span class=\"hl-key\">'quoted key'</span>: x",
            "<span class=\"hl-key\">url</span>: http:",
        ]);
        assert!(!out.contains("hl-key\">rust"), "{out}");
    }

    #[test]
    fn html_tags_attributes_comments_entities_and_embedded_script_and_style() {
        let code = "<!DOCTYPE html>\n<!-- note -->\n<a href=\"x?a=1&amp;b\" class=big disabled>Tom &amp; Jerry</a>\n\
            <script>let x = \"<b>\";</script>\n<STYLE>p { color: red; }</STYLE>";
        assert_spans("html", code, &[
            "&lt;!<span class=\"hl-tag\">DOCTYPE</span>",
            "<span class=\"hl-com\">&lt;!-- note --&gt;</span>",
            "&lt;<span class=\"hl-tag\">a</span> <span class=\"hl-attr\">href</span>=<span class=\"hl-str\">&quot;x?a=1&amp;amp;b&quot;</span>",
            "<span class=\"hl-attr\">class</span>=<span class=\"hl-str\">big</span> <span class=\"hl-attr\">disabled</span>&gt;",
            "Tom <span class=\"hl-lit\">&amp;amp;</span> Jerry&lt;/<span class=\"hl-tag\">a</span>&gt;",
            "<span class=\"hl-kw\">let</span> x = <span class=\"hl-str\">&quot;&lt;b&gt;&quot;</span>;&lt;/<span class=\"hl-tag\">script</span>",
            "<span class=\"hl-tag\">p</span> { <span class=\"hl-key\">color</span>: red; }&lt;/<span class=\"hl-tag\">STYLE</span>",
        ]);
    }

    #[test]
    fn css_selectors_properties_and_values() {
        let code = "/* theme */\n@media (max-width: 600px) {\n  .note > p:hover, #main { margin: 0 auto; color: #fff !important; }\n}\n\
            body { font-family: \"Inter\", sans-serif; width: calc(100% - 2px); }";
        assert_spans("css", code, &[
            "<span class=\"hl-com\">/* theme */</span>",
            "<span class=\"hl-kw\">@media</span> (<span class=\"hl-key\">max-width</span>: <span class=\"hl-num\">600px</span>)",
            "<span class=\"hl-attr\">.note</span> &gt; <span class=\"hl-tag\">p</span>:hover, <span class=\"hl-attr\">#main</span>",
            "<span class=\"hl-key\">margin</span>: <span class=\"hl-num\">0</span> auto",
            "<span class=\"hl-num\">#fff</span> <span class=\"hl-kw\">!important</span>",
            "<span class=\"hl-tag\">body</span>",
            "<span class=\"hl-key\">font-family</span>: <span class=\"hl-str\">&quot;Inter&quot;</span>",
            "<span class=\"hl-fn\">calc</span>(<span class=\"hl-num\">100%</span> - <span class=\"hl-num\">2px</span>)",
        ]);
    }

    #[test]
    fn the_other_c_like_and_script_languages_get_the_basics() {
        assert_spans("sql", "SELECT id FROM users WHERE age > 21 AND n = 'O''Brien'; -- note\nnull", &[
            "<span class=\"hl-kw\">SELECT</span> id <span class=\"hl-kw\">FROM</span>",
            "<span class=\"hl-num\">21</span>",
            "<span class=\"hl-str\">'O'</span><span class=\"hl-str\">'Brien'</span>",
            "<span class=\"hl-com\">-- note</span>",
            "<span class=\"hl-lit\">null</span>",
        ]);
        assert_spans("c", "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }", &[
            "<span class=\"hl-attr\">#include</span> &lt;stdio.h&gt;",
            "<span class=\"hl-ty\">int</span> <span class=\"hl-fn\">main</span>(<span class=\"hl-ty\">void</span>)",
            "<span class=\"hl-str\">&quot;%d\\n&quot;</span>",
            "<span class=\"hl-kw\">return</span> <span class=\"hl-num\">0</span>",
        ]);
        assert_spans("cpp", "std::vector<int> v; auto p = nullptr;", &[
            "<span class=\"hl-ty\">int</span>",
            "<span class=\"hl-kw\">auto</span>",
            "<span class=\"hl-lit\">nullptr</span>",
        ]);
        assert_spans("go", "package main\nfunc main() { s := `raw\\`; fmt.Println(s, nil) }", &[
            "<span class=\"hl-kw\">func</span> <span class=\"hl-fn\">main</span>",
            "<span class=\"hl-str\">`raw\\`</span>;",
            "<span class=\"hl-fn\">Println</span>",
            "<span class=\"hl-lit\">nil</span>",
        ]);
        assert_spans("java", "@Override public String toString() { return \"x\"; }", &[
            "<span class=\"hl-attr\">@Override</span> <span class=\"hl-kw\">public</span> <span class=\"hl-ty\">String</span>",
            "<span class=\"hl-fn\">toString</span>",
        ]);
        assert_spans("ruby", "def greet(name)\n  puts \"hi #{name}\" # say\n  @count += 1\n  $stdout.sync = :yes\nend", &[
            "<span class=\"hl-kw\">def</span> <span class=\"hl-fn\">greet</span>",
            "<span class=\"hl-str\">&quot;hi #{name}&quot;</span> <span class=\"hl-com\"># say</span>",
            "<span class=\"hl-var\">@count</span>",
            "<span class=\"hl-var\">$stdout</span>",
            "<span class=\"hl-lit\">:yes</span>",
            "<span class=\"hl-kw\">end</span>",
        ]);
    }

    #[test]
    fn language_names_are_case_insensitive_and_aliases_work() {
        for lang in ["RS", "Python3", "JSX", "tsx", "JSONC", "yml", "Shell", "zsh", "console", "h", "C++", "cc", "hpp", "cxx",
            "golang", "XML", "svg", "rb", "mjs", "cjs", "py", "sh", "js", "ts", "rust,ignore"]
        {
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
            for code in ["<script>alert(1)</script>", "\"<script>\"", "// <script>", "# <script>", "<!-- <script> -->"] {
                let out = render(lang, code);
                assert!(!out.contains("<script") && !out.contains("</script"), "{lang}: {out}");
            }
        }
    }

    #[test]
    fn a_string_containing_a_closing_span_is_escaped() {
        for lang in LANGS {
            let out = render(lang, "x = \"</span><b>\" + '</span>'");
            assert!(!out.contains("\"</span><b>"), "{lang}: {out}");
        }
        assert!(render("rust", "\"</span>\"").contains("<span class=\"hl-str\">&quot;&lt;/span&gt;&quot;</span>"));
    }

    #[test]
    fn unterminated_strings_and_block_comments_run_to_the_end() {
        let out = render("rust", "let s = \"abc\nmore");
        assert!(out.ends_with("<span class=\"hl-str\">&quot;abc\nmore</span>"), "{out}");
        let out = render("c", "x; /* open\ncomment");
        assert!(out.ends_with("<span class=\"hl-com\">/* open\ncomment</span>"), "{out}");
        let out = render("python", "x = '''never closed\\");
        assert!(out.ends_with("<span class=\"hl-str\">'''never closed\\</span>"), "{out}");
        let out = render("rust", "r##\"raw \"# still");
        assert!(out.ends_with("<span class=\"hl-str\">r##&quot;raw &quot;# still</span>"), "{out}");
    }

    #[test]
    fn nasty_inputs_round_trip_in_every_language() {
        let nasty = [
            "", "\"", "'", "`", "\\", "x\\", "\"\\", "'\\", "\"abc\\", "é😀", "\"é😀\"", "'é'", "'😀", "// é😀", "#é", "$é",
            "\0", "a\0b\"\0\"", "a\r\nb\r\n", "\"\r\n\"", "/*", "*/", "<!--", "<", "<a", "<a b='", "&", "&#", "&amp",
            "r#", "r#\"", "'\\u{1F600}'", "'\\", "${", "$", "@", "@@", ":", "- ", "[", "[[x", "#[", "#![", "--", "\"\"\"",
            "'''", "{\"a\":", "key: 'x", "a = \"\"\"\n", "<script>", "<style>p{", "x!", "0x", "1e", "1e-", ".5", "é:",
        ];
        for lang in LANGS {
            for code in nasty {
                render(lang, code);
            }
        }
    }

    #[test]
    fn random_fragment_soup_round_trips_in_every_language() {
        const PIECES: &[&str] = &[
            "\"", "'", "`", "\\", "/*", "*/", "//", "#", "\n", "\r\n", "é", "😀", "\0", "$", "${", "}", "r#\"", "\"#", "<",
            ">", "&", "<!--", "-->", "'''", "\"\"\"", " ", "a", "fn", "1e-5", ":", "=", "[", "]", "{", "--", "@", "<script>",
            "</script>", "<style>", "x(", "- ", "'a", "'\\", ";", "!", ".", "0x",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for lang in LANGS {
            for _ in 0..300 {
                let mut code = String::new();
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                for k in 0..(seed % 40) {
                    code.push_str(PIECES[((seed >> (k % 48)) as usize ^ k as usize * 7) % PIECES.len()]);
                }
                render(lang, &code);
            }
        }
    }

    #[test]
    fn a_megabyte_of_quotes_or_comment_openers_is_fine() {
        for lang in LANGS {
            for unit in ["\"", "/*", "'", "<a ", "${"] {
                let code = unit.repeat((1 << 20) / unit.len());
                render(lang, &code);
            }
        }
    }

    #[test]
    fn word_tables_are_sorted_for_binary_search() {
        for l in [&RUST, &PYTHON, &JS, &TS, &JSON, &TOML, &YAML, &BASH, &C, &CPP, &GO, &JAVA, &SQL, &RUBY] {
            for list in [l.kw, l.ty, l.lit] {
                assert!(list.windows(2).all(|w| w[0] < w[1]), "unsorted: {list:?}");
                assert!(!l.nocase || list.iter().all(|w| w.len() <= 16 && *w == w.to_ascii_lowercase()), "{list:?}");
            }
        }
    }

    /// `cargo test --release -- --ignored --nocapture throughput`
    #[test]
    #[ignore]
    fn throughput_on_a_megabyte_of_rust() {
        let sample = "/// Doc comment.\n#[derive(Debug, Clone)]\npub struct Item<'a> { name: &'a str, n: u64 }\n\
            impl<'a> Item<'a> {\n    pub fn new(name: &'a str) -> Self {\n        let s = \"text with \\\"escapes\\\"\"; // note\n        \
            println!(\"{} {}\", s, 0x1f + 42);\n        Self { name, n: 3 }\n    }\n}\n";
        let code = sample.repeat((1 << 20) / sample.len());
        let mut out = String::new();
        let start = std::time::Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            out.clear();
            highlight("rust", &code, &mut out);
        }
        let secs = start.elapsed().as_secs_f64() / f64::from(rounds);
        println!("{:.0} MB/s ({} bytes in, {} out)", code.len() as f64 / secs / 1e6, code.len(), out.len());
    }
}
