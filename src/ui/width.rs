//! Text measured as the terminal shows it: in columns, not bytes or chars.
//! A CJK character takes two columns and must never be cut in half, so
//! every measure, cut, pad and wrap of words on screen goes through here
//! (or through ratatui's own `width()`, which counts the same way).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `s` takes on screen.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Columns one character takes (0 for controls and combining marks).
fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The longest start of `s` that fits in `w` columns (a wide character
/// that would straddle the edge is left out whole).
pub fn clip(s: &str, w: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += char_width(c);
        if used > w {
            return &s[..i];
        }
    }
    s
}

/// `s` followed by spaces up to `w` columns (as `{:<w$}` does for ASCII).
pub fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Spaces up to `w` columns, then `s` (as `{:>w$}` does for ASCII).
pub fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// Punctuation that must not start a line: it stays with what it follows.
fn closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '：' | '；' | '！' | '？' | '）' | '」' | '』' | '】' | '》' | '…'
    )
}

/// Punctuation that must not end a line: it stays with what follows.
fn opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '【' | '《')
}

/// The pieces a line may break between, each with whether a space came
/// before it: words (at spaces), and each wide character on its own
/// (Chinese breaks between characters), punctuation kept with its word.
fn pieces(s: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    // The last piece is a narrow word that the next narrow character
    // continues.
    let mut open = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            open = false;
            continue;
        }
        let wide = char_width(c) > 1;
        let joins = !space && !out.is_empty() && (open && !wide || closing(c) || glued(&out));
        match out.last_mut() {
            Some(last) if joins => last.1.push(c),
            _ => out.push((space, c.to_string())),
        }
        space = false;
        open = !wide;
    }
    out
}

/// Whether the last piece ends with an opening bracket (which holds on to
/// whatever follows it).
fn glued(out: &[(bool, String)]) -> bool {
    out.last()
        .and_then(|(_, p)| p.chars().last())
        .is_some_and(opening)
}

/// Cuts `s` into lines of at most `width` columns: at spaces, and between
/// Chinese characters (never before a closing or after an opening
/// punctuation mark); a piece wider than a line is cut, never inside a
/// character. Runs of spaces become one.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for (space, piece) in pieces(s) {
        let mut piece = piece.as_str();
        loop {
            let used = self::width(&line);
            let gap = usize::from(space && used > 0);
            if used + gap + self::width(piece) <= width {
                if gap > 0 {
                    line.push(' ');
                }
                line.push_str(piece);
                break;
            }
            if used > 0 {
                out.push(std::mem::take(&mut line));
                continue;
            }
            // A piece wider than the line: cut it (at least one character,
            // so a line narrower than a wide character still moves on).
            let mut head = clip(piece, width);
            if head.is_empty() {
                head = &piece[..piece.chars().next().map_or(0, char::len_utf8)];
            }
            out.push(head.to_string());
            piece = &piece[head.len()..];
            if piece.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_counts_columns_not_chars() {
        assert_eq!(width("url_1"), 5);
        assert_eq!(width("队列"), 4);
        assert_eq!(width("阻塞于 put：队列满"), 18);
    }

    #[test]
    fn clip_never_cuts_a_wide_character() {
        assert_eq!(clip("队列满", 5), "队列");
        assert_eq!(clip("队列满", 6), "队列满");
        assert_eq!(clip("ab队", 3), "ab");
        assert_eq!(clip("abc", 0), "");
    }

    #[test]
    fn padding_counts_columns() {
        assert_eq!(pad_right("父进程", 8), "父进程  ");
        assert_eq!(pad_left("空格", 5), " 空格");
        assert_eq!(pad_right("writer-1", 4), "writer-1");
    }

    #[test]
    fn english_wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
        assert_eq!(wrap("a  b", 10), ["a b"]);
    }

    #[test]
    fn chinese_wraps_between_characters_by_width() {
        let rows = wrap("队列已满，写进程等待", 8);
        assert_eq!(rows, ["队列已", "满，写进", "程等待"]);
        for r in &rows {
            assert!(width(r) <= 8, "{r}");
        }
        // A wide character never straddles the edge: odd widths leave a gap.
        assert_eq!(wrap("队列已满", 5), ["队列", "已满"]);
        // Narrower than one character: one per line, never lost.
        assert_eq!(wrap("队列", 1), ["队", "列"]);
    }

    #[test]
    fn punctuation_stays_with_its_word_and_latin_words_stay_whole() {
        // "，" never starts a line; "（" never ends one.
        assert_eq!(wrap("放入 url_1，然后", 10), ["放入", "url_1，然", "后"]);
        assert_eq!(wrap("已满（3/3）", 7), ["已满", "（3/3）"]);
        assert_eq!(
            wrap("Process(4101) 等待放入 url_6：队列已满（3/3）。", 20),
            ["Process(4101) 等待放", "入 url_6：队列已满", "（3/3）。"]
        );
    }
}
