//! The lesson file's shape as serde reads it: the types whose `expecting`
//! names what each place takes (a [`Want`]'s tag, never a Rust type), and
//! toml's and serde's errors turned into [`Problem`]s.
//!
//! toml and serde hand us their errors as sentences. What we can, we
//! avoid: numbers are read as whole numbers and range-checked by us, a
//! text's languages, a line map's keys and the one scenario are checked
//! after reading, so serde never says "invalid value" or "unknown
//! variant". What is left are serde's standard forms ("unknown field",
//! "missing field", "invalid type"), whose wording serde fixes, and
//! toml's syntax errors: the common ones named in our words (a
//! full-width character on the line, a value without quotes, a missing
//! comma, a string, list or table left open), the rest quoted.
//! `tests.rs` tries each.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::problem::{Found, Problem, Syntax, Want};

/// A place in a lesson file whose value is a string in quotes, a list or
/// a table: what it is, for `expecting`.
pub(super) trait Place {
    const WANT: Want;
}

/// Defines a [`Place`] per [`Want`] read as a string, list or table.
macro_rules! places {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("Where [`Want::", stringify!($name), "`] is wanted.")]
            pub(in crate::lesson) enum $name {}
            impl super::Place for $name {
                const WANT: super::Want = super::Want::$name;
            }
        )*
    };
}

/// The places a lesson file has strings, lists and tables.
pub(super) mod place {
    places!(
        Sentence, FileName, Action, Actions, Reveal, Lines, PartLines, Scenes, Choices
    );
}

/// A string in quotes where `P` is wanted.
pub(super) struct Quoted<P>(pub String, PhantomData<P>);

impl<'de, P: Place> Deserialize<'de> for Quoted<P> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<P>(PhantomData<P>);
        impl<P: Place> Visitor<'_> for V<P> {
            type Value = Quoted<P>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(P::WANT.expecting())
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Quoted<P>, E> {
                Ok(Quoted(s.to_string(), PhantomData))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// A list where `P` is wanted.
pub(super) struct ListOf<T, P>(pub Vec<T>, PhantomData<P>);

impl<T, P> Default for ListOf<T, P> {
    fn default() -> Self {
        ListOf(Vec::new(), PhantomData)
    }
}

impl<'de, T: Deserialize<'de>, P: Place> Deserialize<'de> for ListOf<T, P> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, P>(PhantomData<(T, P)>);
        impl<'de, T: Deserialize<'de>, P: Place> Visitor<'de> for V<T, P> {
            type Value = ListOf<T, P>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(P::WANT.expecting())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListOf<T, P>, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = seq.next_element()? {
                    out.push(x);
                }
                Ok(ListOf(out, PhantomData))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

/// A table of keys to values where `P` is wanted.
pub(super) struct TableOf<K, V, P>(pub BTreeMap<K, V>, PhantomData<P>);

impl<K, V, P> Default for TableOf<K, V, P> {
    fn default() -> Self {
        TableOf(BTreeMap::new(), PhantomData)
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>, P: Place> Deserialize<'de>
    for TableOf<K, V, P>
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<K, V, P>(PhantomData<(K, V, P)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>, P: Place> Visitor<'de> for Vis<K, V, P> {
            type Value = TableOf<K, V, P>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(P::WANT.expecting())
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TableOf<K, V, P>, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.insert(k, v);
                }
                Ok(TableOf(out, PhantomData))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// A whole number as written, of any size TOML reads (the range is
/// checked after, in the option's words).
pub(super) struct Whole(pub i128);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Whole;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Want::WholeNumber.expecting())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Whole, E> {
                Ok(Whole(v.into()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Whole, E> {
                Ok(Whole(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Whole, E> {
                // Past i128: as big as can be said, still out of any range.
                Ok(Whole(i128::try_from(v).unwrap_or(i128::MAX)))
            }
        }
        d.deserialize_i64(V)
    }
}

/// A number of seconds: whole or not.
pub(super) struct Seconds(pub f64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Want::Seconds.expecting())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Seconds, E> {
                Ok(Seconds(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
                Ok(Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                Ok(Seconds(v as f64))
            }
        }
        d.deserialize_f64(V)
    }
}

/// `true` or `false`.
pub(super) struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Want::TrueFalse.expecting())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
        }
        d.deserialize_bool(V)
    }
}

/// A delay as written: `"A..B"` (as on the command line) or a number of
/// seconds; checked after reading, as the command line checks it.
pub(super) enum Delay {
    Range(String),
    Seconds(f64),
}

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Delay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Want::Delay.expecting())
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Delay, E> {
                Ok(Delay::Range(s.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Delay, E> {
                Ok(Delay::Seconds(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Delay, E> {
                Ok(Delay::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Delay, E> {
                Ok(Delay::Seconds(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

/// A TOML error that stopped the file from parsing: a key given twice, or
/// not TOML at all. A full-width character outside quotes on the line
/// toml stopped at is the likeliest cause (a Chinese keyboard's `，` or
/// `“`), and is pointed at where it is.
pub(super) fn syntax(e: &toml::de::Error, text: &str) -> (Range<usize>, Problem) {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim();
    let description = message.split(", expected").next().unwrap_or(message);
    if description == "duplicate key" {
        let key = text.get(span.clone()).unwrap_or("").trim();
        let key = key.trim_matches(['"', '\'']).to_string();
        return (span, Problem::DuplicateKey(key));
    }
    if let Some((at, found, ascii)) = full_width_on_line(text, span.start) {
        let problem = Problem::Syntax(Syntax::FullWidth { found, ascii });
        return (at..at + found.len_utf8(), problem);
    }
    // A list or an inline table may go on over lines: left open, toml
    // stops at the next table's header and asks for a comma.
    let at_header = match (text.get(..span.start), text.get(span.start..)) {
        (Some(before), Some(after)) => {
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            before[line_start..].trim().is_empty() && after.starts_with('[')
        }
        _ => false,
    };
    let syntax = match description {
        "missing comma between array elements" if at_header => Syntax::Unclosed { close: ']' },
        "missing comma between key-value pairs" if at_header => Syntax::Unclosed { close: '}' },
        "string values must be quoted" => Syntax::Unquoted,
        "missing comma between key-value pairs" | "missing comma between array elements" => {
            Syntax::MissingComma
        }
        "key with no value" | "missing assignment between key-value pairs" => Syntax::NoValue,
        // A string left open, when its line has its quote (toml says the
        // same of a stray `1` in an inline table).
        "invalid basic string" if on_line(text, span.start, '"') => {
            Syntax::UnclosedString { quote: '"' }
        }
        "invalid literal string" if on_line(text, span.start, '\'') => {
            Syntax::UnclosedString { quote: '\'' }
        }
        "unclosed array" | "unclosed table" | "unclosed array table" => {
            Syntax::Unclosed { close: ']' }
        }
        // An inline table may go on over lines: left open, toml notices
        // at the next line that is not `key = value`.
        "unclosed inline table" | "missing key for inline table element" => {
            Syntax::Unclosed { close: '}' }
        }
        _ => Syntax::Other(message.to_string()),
    };
    (span, Problem::Syntax(syntax))
}

/// The line of `text` holding byte `offset`.
fn line_at(text: &str, offset: usize) -> &str {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

/// Whether the line holding byte `offset` of `text` has `c` in it.
fn on_line(text: &str, offset: usize, c: char) -> bool {
    line_at(text, offset).contains(c)
}

/// The first full-width character outside quotes on the line holding
/// byte `offset` of `text`: where it is, and its ASCII twin.
fn full_width_on_line(text: &str, offset: usize) -> Option<(usize, char, char)> {
    let line = line_at(text, offset);
    // The line is a slice of `text`: where it starts.
    let start = line.as_ptr() as usize - text.as_ptr() as usize;
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return None,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, _) => {
                if let Some(ascii) = half_width(c) {
                    return Some((start + i, c, ascii));
                }
            }
            (Some(_), _) => {}
        }
    }
    None
}

/// The ASCII character a full-width one stands for, if it is one TOML
/// would need: the full-width forms (`，` `＝` `［`), Chinese quotes, the
/// enumeration comma, the full stop and the ideographic space. A colon
/// outside quotes is a key's `=` written the Chinese way (`reveal：`).
fn half_width(c: char) -> Option<char> {
    match c {
        '：' => Some('='),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '“' | '”' => Some('"'),
        '‘' | '’' => Some('\''),
        '、' => Some(','),
        '。' => Some('.'),
        '【' => Some('['),
        '】' => Some(']'),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// An error serde met reading the parsed file into its shape.
pub(super) fn shape(e: &toml::de::Error) -> (Range<usize>, Problem) {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim();
    let key = key_path(e);
    if message.ends_with("number overflowed") {
        // toml's words for a number it cannot make (too big, or `0x`).
        return (span, Problem::Unnumber(key));
    }
    let problem = serde_problem(message, key).unwrap_or_else(|| {
        // Words of serde's or toml's we do not know: theirs, without what
        // they expected (which could name a type) or a tag of ours.
        let mut detail = message
            .split(", expected ")
            .next()
            .unwrap_or("")
            .to_string();
        for w in Want::ALL {
            detail = detail.replace(w.expecting(), "?");
        }
        Problem::Unreadable(detail)
    });
    (span, problem)
}

/// The keys leading to the value an error is about (`scenes.question`),
/// which toml says only when it shows no place in the text.
fn key_path(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let last = shown.trim_end().lines().last()?;
    let path = last.strip_prefix("in `")?.strip_suffix('`')?;
    (!path.is_empty()).then(|| path.to_string())
}

/// serde's standard sentences (`serde::de::Error`'s provided methods,
/// whose wording serde keeps) as problems.
fn serde_problem(message: &str, key: Option<String>) -> Option<Problem> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, allowed) = rest.split_once("`, ")?;
        return Some(Problem::UnknownKey {
            key: name.to_string(),
            allowed: backticked(allowed),
        });
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Some(Problem::MissingKey(rest.strip_suffix('`')?.to_string()));
    }
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    Some(Problem::WrongKind {
        key,
        want: Want::from_expecting(expected)?,
        found: found_from(found),
    })
}

/// The names in backticks in serde's list of fields: "expected one of
/// `a`, `b`", "expected `a` or `b`", "there are no fields".
fn backticked(list: &str) -> Vec<String> {
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// serde's `Unexpected` as it displays: "integer `3`", "floating point
/// `1.5`", "boolean `true`", "string \"2\"", "sequence", "map".
fn found_from(s: &str) -> Found {
    let ticked = |prefix: &str| {
        s.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('`'))
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string)
    };
    if let Some(n) = ticked("integer ") {
        Found::WholeNumber(n)
    } else if let Some(x) = ticked("floating point ") {
        // Not a number or infinite: as TOML writes them (`nan`, `inf`).
        let finite = x.parse::<f64>().is_ok_and(f64::is_finite);
        Found::Number(if finite { x } else { x.to_lowercase() })
    } else if let Some(b) = ticked("boolean ") {
        Found::TrueFalse(b)
    } else if let Some(q) = s.strip_prefix("string ") {
        Found::Str(q.to_string())
    } else if s == "sequence" {
        Found::List
    } else if s == "map" {
        Found::Table
    } else {
        Found::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_want_is_found_again_from_its_tag() {
        for w in Want::ALL {
            assert_eq!(Want::from_expecting(w.expecting()), Some(w));
        }
        assert_eq!(Want::from_expecting("struct Anything"), None);
    }

    #[test]
    fn serdes_sentences_become_problems() {
        let p = |m: &str| serde_problem(m, Some("k".into()));
        assert_eq!(
            p("unknown field `fr`, expected `en` or `zh`"),
            Some(Problem::UnknownKey {
                key: "fr".into(),
                allowed: vec!["en".into(), "zh".into()]
            })
        );
        assert_eq!(
            p("unknown field `x`, expected one of `a`, `b`, `c`"),
            Some(Problem::UnknownKey {
                key: "x".into(),
                allowed: vec!["a".into(), "b".into(), "c".into()]
            })
        );
        assert_eq!(
            p("unknown field `x`, there are no fields"),
            Some(Problem::UnknownKey {
                key: "x".into(),
                allowed: vec![]
            })
        );
        assert_eq!(
            p("missing field `scenes`"),
            Some(Problem::MissingKey("scenes".into()))
        );
        let kind = |want, found| {
            Some(Problem::WrongKind {
                key: Some("k".into()),
                want,
                found,
            })
        };
        assert_eq!(
            p("invalid type: integer `3`, expected @text"),
            kind(Want::Text, Found::WholeNumber("3".into()))
        );
        assert_eq!(
            p("invalid value: integer `-1`, expected u32"),
            kind(Want::WholeNumber, Found::WholeNumber("-1".into()))
        );
        assert_eq!(
            p("invalid type: floating point `1.5`, expected @whole_number"),
            kind(Want::WholeNumber, Found::Number("1.5".into()))
        );
        assert_eq!(
            p("invalid type: boolean `true`, expected a string"),
            kind(Want::Sentence, Found::TrueFalse("true".into()))
        );
        // A string that says ", expected " itself.
        assert_eq!(
            p(r#"invalid type: string "a, expected b", expected @whole_number"#),
            kind(Want::WholeNumber, Found::Str(r#""a, expected b""#.into()))
        );
        assert_eq!(
            p("invalid type: sequence, expected @scenario"),
            kind(Want::Scenario, Found::List)
        );
        assert_eq!(
            p("invalid type: map, expected @actions"),
            kind(Want::Actions, Found::Table)
        );
        assert_eq!(
            p("invalid type: unit value, expected f64"),
            kind(Want::Seconds, Found::Other)
        );
        // Not a form we know, or a Rust type's name: not a problem of ours.
        assert_eq!(p("invalid type: map, expected struct Whatever"), None);
        assert_eq!(p("wanted exactly 1 element"), None);
    }
}
