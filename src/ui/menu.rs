//! The lesson menu's screen: the lessons in a framed list (name, title,
//! how many scenes, program; a broken one with its error), a preview of the
//! highlighted one (its title, what it runs, its first scene's caption,
//! or for a broken one the whole error and how to check the file) and the
//! keys. Reads the menu, never changes it; the layout is computed in one
//! place ([`areas`]) so a click maps to the row that was drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding, Paragraph, Widget};

use super::theme::{Glyph, Theme};
use super::width;
use crate::lesson::Library;
use crate::lesson::menu::{Entry, Menu};
use crate::text::{self, words};

/// Rows the preview keeps when the list is long (the list scrolls).
const PREVIEW_MIN: u16 = 7;
/// The widest a lesson's name column grows.
const NAME_MAX: usize = 24;
/// A title column narrower than this drops the program column, then the
/// scenes column.
const TITLE_MIN: usize = 16;
/// Between columns.
const GAP: &str = "  ";

/// Where the menu's parts are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The list's frame.
    pub list: Rect,
    /// The lessons' rows inside it, under the column headings.
    pub rows: Rect,
    pub preview: Rect,
    pub footer: Rect,
}

/// The menu's layout in `area`: the list as tall as its lessons (a long
/// one leaves the preview `PREVIEW_MIN` rows and scrolls), the preview
/// under it, the keys on the last row.
pub fn areas(menu: &Menu, area: Rect) -> Areas {
    let footer_h = area.height.min(1);
    let room = area.height - footer_h;
    // Frame, headings, one row per lesson (one for "no lessons").
    let want = menu.entries.len().max(1) as u16 + 3;
    let list_h = if room >= want + PREVIEW_MIN {
        want
    } else {
        room.saturating_sub(PREVIEW_MIN).max(room.min(4))
    };
    let [list, preview, footer] = Layout::vertical([
        Constraint::Length(list_h),
        Constraint::Fill(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    let inner = list.inner(Margin::new(1, 1));
    let rows = Rect {
        y: inner.y.saturating_add(1).min(inner.bottom()),
        height: inner.height.saturating_sub(1),
        ..inner
    };
    Areas {
        list,
        rows,
        preview,
        footer,
    }
}

/// The first lesson shown in `rows` rows: the list scrolls just enough
/// to keep the highlighted one in view.
fn first_shown(menu: &Menu, rows: u16) -> usize {
    menu.selected.saturating_sub((rows as usize).max(1) - 1)
}

/// The lesson drawn at (`x`, `y`) in `area`, for a click.
pub fn row_at(menu: &Menu, area: Rect, x: u16, y: u16) -> Option<usize> {
    let a = areas(menu, area);
    if !a.rows.contains(Position::new(x, y)) {
        return None;
    }
    let i = first_shown(menu, a.rows.height) + (y - a.rows.y) as usize;
    (i < menu.entries.len()).then_some(i)
}

/// Draws the menu into `area`.
pub fn render(menu: &Menu, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let a = areas(menu, area);
    render_list(menu, theme, &a, buf);
    render_preview(menu, theme, a.preview, buf);
    render_footer(menu, theme, a.footer, buf);
    super::mend_wide_glyphs(area, buf);
}

/// `s` in at most `w` columns, with an ellipsis when it was cut (never
/// inside a wide character).
fn fit(s: &str, w: usize, theme: &Theme) -> String {
    if width::width(s) <= w {
        return s.to_string();
    }
    let more = if theme.ascii { "~" } else { "…" };
    if w <= width::width(more) {
        return width::clip(s, w).to_string();
    }
    format!("{}{more}", width::clip(s, w - width::width(more)))
}

/// Between the parts of a line.
fn sep(theme: &Theme) -> &'static str {
    if theme.ascii { " - " } else { " · " }
}

/// The list's columns: each lesson's number, name, title, scene count and
/// program, as wide as the widest; a narrow screen drops the program
/// column, then the scenes column, before the title gets too narrow.
struct Columns {
    num: usize,
    name: usize,
    title: usize,
    scenes: usize,
    program: usize,
}

impl Columns {
    fn of(menu: &Menu, inner: usize) -> Columns {
        let [h_name, h_title, h_scenes, h_program] = words().menu_columns();
        let widest = |head: &str, f: &dyn Fn(&Entry) -> Option<String>| {
            menu.entries
                .iter()
                .filter_map(f)
                .map(|s| width::width(&s))
                .chain([width::width(head)])
                .max()
                .unwrap_or(0)
        };
        let num = menu.entries.len().max(1).to_string().len();
        let name = widest(h_name, &|e| Some(e.name.clone())).min(NAME_MAX);
        let mut scenes = widest(h_scenes, &|e| {
            Some(e.lesson.as_ref().ok()?.scenes.len().to_string())
        });
        let mut program = widest(h_program, &|e| {
            Some(e.lesson.as_ref().ok()?.program_file.clone())
        });
        // Marker, number, name, then a gap before each further column.
        let fixed = 2 + num + 1 + name + GAP.len();
        let title = |scenes: usize, program: usize| {
            let more = [scenes, program]
                .iter()
                .filter(|&&w| w > 0)
                .map(|w| w + GAP.len())
                .sum::<usize>();
            inner.saturating_sub(fixed + more)
        };
        if title(scenes, program) < TITLE_MIN {
            program = 0;
        }
        if title(scenes, program) < TITLE_MIN {
            scenes = 0;
        }
        let titles = widest(h_title, &|e| {
            Some(e.lesson.as_ref().ok()?.title.get(text::lang()).to_string())
        });
        Columns {
            num,
            name,
            title: title(scenes, program).min(titles),
            scenes,
            program,
        }
    }

    /// One row: the name's part (marker, number, name), then the cells.
    fn row(&self, lead: &str, cells: [&str; 3], theme: &Theme) -> String {
        let mut s = lead.to_string();
        for (cell, w) in cells.iter().zip([self.title, self.scenes, self.program]) {
            if w == 0 {
                continue;
            }
            s.push_str(GAP);
            s.push_str(&width::pad_right(&fit(cell, w, theme), w));
        }
        s
    }

    /// The marker, the number and the name.
    fn lead(&self, mark: &str, num: &str, name: &str, theme: &Theme) -> String {
        format!(
            "{} {} {}",
            width::pad_right(mark, 1),
            width::pad_left(num, self.num),
            width::pad_right(&fit(name, self.name, theme), self.name)
        )
    }
}

fn render_list(menu: &Menu, theme: &Theme, a: &Areas, buf: &mut Buffer) {
    let title = match &menu.library {
        Library::BuiltIn => words().menu_title().to_string(),
        Library::Dir(d) => words().menu_title_in(d),
    };
    let inner_w = a.rows.width as usize;
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(Line::from(Span::styled(
            fit(&title, inner_w, theme),
            theme.title(),
        )))
        .render(a.list, buf);
    if a.list.height < 3 {
        return;
    }
    let heading_row = Rect {
        y: a.list.y + 1,
        height: 1,
        ..a.rows
    };
    if menu.entries.is_empty() {
        let line = Line::from(Span::styled(
            fit(words().menu_empty(), inner_w, theme),
            theme.dim(),
        ));
        line.render(heading_row, buf);
        return;
    }
    // A column's width from the frame's right edge.
    let cols = Columns::of(menu, inner_w.saturating_sub(1));
    let [h_name, h_title, h_scenes, h_program] = words().menu_columns();
    let heading = cols.row(
        &cols.lead("", "", h_name, theme),
        [h_title, h_scenes, h_program],
        theme,
    );
    Line::from(Span::styled(fit(&heading, inner_w, theme), theme.dim())).render(heading_row, buf);
    let first = first_shown(menu, a.rows.height);
    let lang = text::lang();
    for (row, (i, e)) in menu
        .entries
        .iter()
        .enumerate()
        .skip(first)
        .take(a.rows.height as usize)
        .enumerate()
    {
        let selected = i == menu.selected;
        let mark = if selected {
            theme.glyph(Glyph::Selected)
        } else {
            ""
        };
        let lead = cols.lead(mark, &(i + 1).to_string(), &e.name, theme);
        let (s, style) = match &e.lesson {
            Ok(l) => (
                cols.row(
                    &lead,
                    [
                        l.title.get(lang),
                        &width::pad_left(&l.scenes.len().to_string(), cols.scenes),
                        &l.program_file,
                    ],
                    theme,
                ),
                Style::new(),
            ),
            Err(err) => {
                let at = err.at.map_or(String::new(), |(l, c)| format!("{l}:{c}: "));
                let said = format!(
                    "{} {}{}{at}{}",
                    theme.glyph(Glyph::Blocked),
                    words().menu_broken(),
                    sep(theme),
                    err.message
                );
                (format!("{lead}{GAP}{said}"), theme.blocked())
            }
        };
        let style = if selected {
            style.patch(theme.selected())
        } else {
            style
        };
        let line = width::pad_right(&fit(&s, inner_w.saturating_sub(1), theme), inner_w);
        let y = a.rows.y + row as u16;
        Line::from(Span::styled(line, style)).render(
            Rect {
                y,
                height: 1,
                ..a.rows
            },
            buf,
        );
    }
}

/// The preview's rows for `e`, wrapped to `w` columns, with their styles.
fn preview_rows(e: &Entry, theme: &Theme, w: usize) -> Vec<(String, Style)> {
    let lang = text::lang();
    let mut out = Vec::new();
    let mut push = |s: &str, style: Style| {
        for line in width::wrap(s, w) {
            out.push((line, style));
        }
    };
    match &e.lesson {
        Ok(l) => {
            push(l.title.get(lang), theme.title());
            let about = [
                text::scene_count(l.scenes.len(), lang),
                l.program_file.clone(),
            ];
            push(&about.join(sep(theme)), theme.dim());
            let runs = text::scenario_parts(&l.scenario, lang).join(sep(theme));
            push(&words().menu_runs(&runs), theme.key());
            if let Some(first) = l.scenes.first() {
                push("", Style::new());
                push(
                    &text::scene_line(1, first.caption.get(lang), lang),
                    Style::new(),
                );
            }
        }
        Err(err) => {
            let head = format!(
                "{} {}",
                theme.glyph(Glyph::Blocked),
                words().menu_cannot_open()
            );
            push(&head, theme.blocked());
            push(&err.to_string(), Style::new());
            push("", Style::new());
            push(&words().menu_check_hint(&err.file), theme.dim());
        }
    }
    out
}

fn render_preview(menu: &Menu, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(e) = menu.current() else {
        return;
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    let title = fit(&format!(" {} ", e.name), inner.width as usize, theme);
    block
        .title(Line::from(Span::styled(title, theme.title())))
        .render(area, buf);
    let lines: Vec<Line> = preview_rows(e, theme, inner.width as usize)
        .into_iter()
        .take(inner.height as usize)
        .map(|(s, style)| Line::from(Span::styled(s, style)))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// The keys that fit, after what a refused Enter says.
fn render_footer(menu: &Menu, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let room = area.width.saturating_sub(1) as usize;
    let mut line: Vec<Span<'static>> = vec![Span::raw(" ")];
    let mut used = 1;
    let mut entries: Vec<Vec<Span<'static>>> = Vec::new();
    if menu.refused
        && let Some(e) = menu.current()
    {
        let said = format!(
            "{} {}",
            theme.glyph(Glyph::Blocked),
            words().menu_refused(&e.name)
        );
        entries.push(vec![Span::styled(
            fit(&said, room - 1, theme),
            theme.warn(),
        )]);
    }
    for &(k, w) in words().menu_keys() {
        entries.push(vec![
            Span::styled(words().key_name(k), theme.key()),
            Span::raw(format!(" {w}")),
        ]);
    }
    for s in entries {
        let w: usize = s.iter().map(|s| s.width()).sum();
        let gap = if used > 1 { GAP.len() } else { 0 };
        if used + gap + w > room {
            continue;
        }
        if gap > 0 {
            line.push(Span::raw(GAP));
        }
        line.extend(s);
        used += gap + w;
    }
    Line::from(line).render(Rect { height: 1, ..area }, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::lesson::LessonError;
    use crate::lesson::menu::MenuIntent;
    use crate::ui::testkit::{assert_buffer_glyphs_whole, buffer_text};

    /// The sizes a class meets: the smallest, a projector, a laptop.
    const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 35)];

    fn built_in() -> Menu {
        Menu::load(&Library::BuiltIn).expect("the built-in lessons load")
    }

    /// A teacher's folder: the built-in lessons, one of them broken.
    fn with_broken() -> Menu {
        let mut m = built_in();
        m.library = Library::Dir("my-lessons".into());
        m.entries.insert(
            2,
            Entry {
                name: "broken".into(),
                lesson: Err(LessonError {
                    file: "my-lessons/broken.toml".into(),
                    at: Some((8, 1)),
                    message: "unknown variant `writr`, expected one of `writer`, `reader`, \
                              `sender`, `receiver`, `counter`, `locked_counter`, `parent`"
                        .into(),
                }),
            },
        );
        m
    }

    fn buffer(menu: &Menu, theme: &Theme, lang: Lang, w: u16, h: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        text::with_lang(lang, || render(menu, theme, buf.area, &mut buf));
        buf
    }

    /// The menu drawn in `lang` with every wide glyph whole; its text.
    fn screen(menu: &Menu, lang: Lang, w: u16, h: u16) -> String {
        let buf = buffer(menu, &Theme::plain(), lang, w, h);
        assert_buffer_glyphs_whole(&buf)
    }

    #[test]
    fn the_menu_keeps_every_glyph_whole_at_three_sizes_in_both_languages() {
        let mut states = vec![built_in(), with_broken()];
        let mut refused = with_broken();
        refused.on(MenuIntent::Select(2));
        refused.on(MenuIntent::Open);
        states.push(refused);
        for n in 0..9 {
            let mut m = built_in();
            m.on(MenuIntent::Select(n));
            states.push(m);
        }
        for m in &states {
            for (w, h) in SIZES.into_iter().chain([(81, 25), (60, 20), (33, 9)]) {
                for lang in Lang::ALL {
                    screen(m, lang, w, h);
                }
            }
        }
    }

    #[test]
    fn menu_snapshots_at_100x30_in_both_languages() {
        let mut m = built_in();
        m.on(MenuIntent::Down);
        for lang in Lang::ALL {
            let text = screen(&m, lang, 100, 30);
            insta::assert_snapshot!(format!("menu_{}_100x30", lang.code()), text);
        }
        let mut m = with_broken();
        m.on(MenuIntent::Select(2));
        m.on(MenuIntent::Open);
        for lang in Lang::ALL {
            let text = screen(&m, lang, 100, 30);
            insta::assert_snapshot!(format!("menu_broken_{}_100x30", lang.code()), text);
        }
    }

    #[test]
    fn every_lesson_shows_its_name_title_scenes_and_program_in_the_language() {
        let m = built_in();
        for lang in Lang::ALL {
            let t = screen(&m, lang, 120, 35);
            for e in &m.entries {
                let l = e.lesson.as_ref().unwrap();
                let row = t
                    .lines()
                    .find(|r| r.contains(&format!(" {} ", e.name)))
                    .unwrap_or_else(|| panic!("{}:\n{t}", e.name));
                let scenes = format!("  {}  ", l.scenes.len());
                for part in [l.title.get(lang), &scenes, &l.program_file] {
                    assert!(row.contains(part), "{lang:?} {part}: {row}");
                }
            }
        }
    }

    #[test]
    fn the_preview_shows_the_highlighted_lessons_summary_and_first_caption() {
        let mut m = built_in();
        m.on(MenuIntent::Select(2));
        let l = m.current().unwrap().lesson.clone().unwrap();
        for lang in Lang::ALL {
            let t = screen(&m, lang, 120, 35);
            let preview: String = t.lines().skip(m.entries.len() + 3).collect();
            let flat: String = preview
                .split(|c: char| c.is_whitespace() || c == '│')
                .collect();
            let caption: String = l.scenes[0].caption.get(lang).split_whitespace().collect();
            assert!(flat.contains(&caption), "{lang:?}:\n{t}");
            let runs = text::scenario_parts(&l.scenario, lang).join(" · ");
            assert!(flat.contains(&runs.split_whitespace().collect::<String>()));
        }
        let t = screen(&m, Lang::En, 120, 35);
        assert!(
            t.contains("Runs: Queue(maxsize=1) · 1 writer, 1 reader, 3 items each · put(timeout=0.5) · get(timeout=1)"),
            "{t}"
        );
    }

    #[test]
    fn a_broken_lesson_is_listed_with_its_error_and_the_preview_says_how_to_check_it() {
        let mut m = with_broken();
        let t = screen(&m, Lang::En, 120, 35);
        let row = t.lines().find(|r| r.contains(" broken ")).unwrap();
        assert!(
            row.contains("■ broken · 8:1: unknown variant `writr`"),
            "{row}"
        );
        m.on(MenuIntent::Select(2));
        let t = screen(&m, Lang::En, 120, 35);
        assert!(
            t.contains("my-lessons/broken.toml:8:1: unknown variant `writr`"),
            "{t}"
        );
        assert!(t.contains("ipcscope lesson --check my-lessons/broken.toml"));
        assert!(t.contains(" Lessons in my-lessons "));
        assert!(!t.contains("is broken: it cannot be opened"));
        m.on(MenuIntent::Open);
        let t = screen(&m, Lang::En, 120, 35);
        let footer = t.lines().last().unwrap();
        assert!(
            footer.contains("broken is broken: it cannot be opened"),
            "{t}"
        );
        let t = screen(&m, Lang::Zh, 120, 35);
        assert!(
            t.lines()
                .last()
                .unwrap()
                .contains("broken 有错误，无法打开"),
            "{t}"
        );
    }

    #[test]
    fn a_long_list_scrolls_to_keep_the_highlighted_lesson_in_view_and_clicks_follow() {
        let mut m = built_in();
        let more: Vec<Entry> = m.entries.iter().cycle().take(40).cloned().collect();
        m.entries = more
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                e.name = format!("lesson{:02}", i + 1);
                e
            })
            .collect();
        let area = Rect::new(0, 0, 80, 24);
        for target in [0, 13, 39] {
            m.on(MenuIntent::Select(target));
            let t = screen(&m, Lang::En, 80, 24);
            let name = format!("lesson{:02}", target + 1);
            let (y, _) = t
                .lines()
                .enumerate()
                .find(|(_, r)| r.contains(&format!("{name} ")) && r.contains('▸'))
                .unwrap_or_else(|| panic!("{name} highlighted:\n{t}"));
            assert_eq!(row_at(&m, area, 10, y as u16), Some(target), "{t}");
            let a = areas(&m, area);
            assert!(a.preview.height >= PREVIEW_MIN, "{a:?}");
        }
        // Clicks on every drawn row select the lesson drawn there.
        let t = screen(&m, Lang::En, 80, 24);
        let a = areas(&m, area);
        for y in a.rows.top()..a.rows.bottom() {
            let i = row_at(&m, area, 5, y).unwrap();
            let row = t.lines().nth(y as usize).unwrap();
            assert!(row.contains(&format!("lesson{:02} ", i + 1)), "{y}: {row}");
        }
        assert_eq!(row_at(&m, area, 5, a.list.y), None, "the frame");
        assert_eq!(row_at(&m, area, 5, a.preview.y + 1), None, "the preview");
    }

    #[test]
    fn clicks_on_a_short_list_map_to_rows_and_not_past_the_last() {
        let m = built_in();
        let area = Rect::new(0, 0, 100, 30);
        let a = areas(&m, area);
        assert_eq!(a.rows.height as usize, m.entries.len());
        assert_eq!(row_at(&m, area, 3, a.rows.y), Some(0));
        assert_eq!(row_at(&m, area, 3, a.rows.y + 1), Some(1));
        assert_eq!(row_at(&m, area, 0, a.rows.y), None, "the frame's edge");
    }

    #[test]
    fn an_empty_folder_says_there_are_no_lessons() {
        let m = Menu::new(Library::Dir("empty".into()), Vec::new());
        for lang in Lang::ALL {
            let t = screen(&m, lang, 80, 24);
            assert!(t.contains(text::table(lang).menu_empty()), "{t}");
        }
    }

    #[test]
    fn ascii_draws_only_ascii_in_english() {
        let mut m = with_broken();
        m.on(MenuIntent::Select(2));
        m.on(MenuIntent::Open);
        let theme = Theme {
            ascii: true,
            ..Theme::plain()
        };
        let buf = buffer(&m, &theme, Lang::En, 80, 24);
        let t = buffer_text(&buf);
        // Lesson titles and messages are the lessons' own (ASCII in English).
        assert!(t.is_ascii(), "{t}");
    }

    #[test]
    fn tiny_areas_draw_without_panicking() {
        let m = with_broken();
        for (w, h) in [(0, 0), (1, 1), (5, 2), (20, 3), (20, 5), (40, 8)] {
            for lang in Lang::ALL {
                buffer(&m, &Theme::plain(), lang, w, h);
            }
            row_at(&m, Rect::new(0, 0, w, h), 1, 1);
        }
    }
}
