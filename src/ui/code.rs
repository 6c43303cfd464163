//! The program panel: the lesson's Python program (or the one a plain
//! scenario stands for), each live process's short name beside the line it
//! is on, a blocked line marked with a glyph and named in the legend (never
//! colour alone). When the program is longer than the panel, the lines
//! with processes on them are kept, with their function's header and as
//! much around them as fits; a `⋮` row stands for lines left out (the line
//! numbers say which). Comments written in the other language are left
//! out. Reads the model, never changes it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::theme::{Glyph, Theme};
use super::width;
use crate::config::Lang;
use crate::model::View;
use crate::model::code::{Marker, markers};
use crate::stream::lesson::ProgramRole;
use crate::text::{self, words};

/// Most columns the markers beside a line take.
const MARKS_MAX: usize = 12;

/// A row of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A line of the program (index into the shown lines).
    Line(usize),
    /// Lines left out.
    Gap,
}

/// The program's lines the panel may show, numbered from 1: all but
/// comments written in the other language (a comment line in English is
/// followed by its Chinese; a comment after code says both, `# en / 中`,
/// and keeps its half in the class's language).
pub fn shown_lines(text: &str, lang: Lang) -> Vec<(u32, Cow<'_, str>)> {
    let lines: Vec<&str> = text.lines().collect();
    let comment = |s: &str| s.trim_start().starts_with('#');
    let chinese = |s: &str| s.chars().any(is_cjk);
    lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            if !comment(l) {
                return true;
            }
            match lang {
                Lang::En => !chinese(l),
                Lang::Zh => {
                    let next_is_translation =
                        lines.get(i + 1).is_some_and(|n| comment(n) && chinese(n));
                    chinese(l) || !next_is_translation
                }
            }
        })
        .map(|(i, l)| (i as u32 + 1, own_half(l, lang)))
        .collect()
}

/// A line of code whose comment says both (`x()  # en / 中文`) without
/// the other language's half; any other line as it is.
fn own_half(line: &str, lang: Lang) -> Cow<'_, str> {
    let chinese = |s: &str| s.chars().any(is_cjk);
    let Some(at) = line.find("  # ") else {
        return Cow::Borrowed(line);
    };
    let (code, comment) = (&line[..at + 4], &line[at + 4..]);
    let Some((en, zh)) = comment.split_once(" / ") else {
        return Cow::Borrowed(line);
    };
    if code.trim() == "#" || chinese(en) || !chinese(zh) {
        return Cow::Borrowed(line);
    }
    match lang {
        Lang::En => Cow::Borrowed(&line[..at + 4 + en.len()]),
        Lang::Zh => Cow::Owned(format!("{code}{zh}")),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
}

/// Which of `lines` to show in `height` rows, keeping every line in
/// `keep` (indices into `lines`; as many as fit, in order), then their
/// blocks' headers, then the lines nearest them. Left-out lines between
/// shown ones take one `Gap` row.
pub fn window(lines: &[&str], keep: &[usize], height: usize) -> Vec<Row> {
    let n = lines.len();
    if n <= height {
        return (0..n).map(Row::Line).collect();
    }
    if height == 0 {
        return Vec::new();
    }
    let mut keep: Vec<usize> = keep.iter().copied().filter(|&i| i < n).collect();
    keep.sort_unstable();
    keep.dedup();
    if keep.is_empty() {
        keep.push(0);
    }
    let mut chosen: Vec<usize> = Vec::new();
    let try_add = |chosen: &mut Vec<usize>, i: usize| -> bool {
        if chosen.contains(&i) {
            return true;
        }
        let mut next = chosen.clone();
        next.push(i);
        next.sort_unstable();
        if rows_needed(&next) <= height {
            *chosen = next;
            true
        } else {
            false
        }
    };
    for &k in &keep {
        try_add(&mut chosen, k);
    }
    for &k in &keep {
        if let Some(h) = header_of(lines, k) {
            try_add(&mut chosen, h);
        }
    }
    // Then outwards from each kept line, the line after first (the call's
    // continuation), one step at a time.
    for d in 1..n {
        let mut grew = false;
        for &k in &keep {
            for i in [k.checked_add(d), k.checked_sub(d)].into_iter().flatten() {
                if i < n && !chosen.contains(&i) && try_add(&mut chosen, i) {
                    grew = true;
                }
            }
        }
        if !grew && rows_needed(&chosen) >= height {
            break;
        }
    }
    let mut rows = Vec::new();
    for (j, &i) in chosen.iter().enumerate() {
        if j > 0 && chosen[j - 1] + 1 != i {
            rows.push(Row::Gap);
        }
        rows.push(Row::Line(i));
    }
    rows
}

/// Rows for these sorted lines: one each, one per gap between them.
fn rows_needed(sorted: &[usize]) -> usize {
    let gaps = sorted.windows(2).filter(|w| w[0] + 1 != w[1]).count();
    sorted.len() + gaps
}

/// The header of the block line `i` is in: the nearest line above it
/// that is indented less and ends with `:` (a `def`, a loop, an `if`).
fn header_of(lines: &[&str], i: usize) -> Option<usize> {
    let indent = |s: &str| s.len() - s.trim_start().len();
    let own = indent(lines.get(i)?);
    (0..i).rev().find(|&j| {
        let l = lines[j];
        !l.trim().is_empty() && indent(l) < own && l.trim_end().ends_with(':')
    })
}

/// The markers beside a line: `W1▶ R1■`, shortened to `W1▶+3` when they
/// would take more than `max` columns.
fn marks_text(ms: &[&Marker], theme: &Theme, max: usize) -> String {
    let one = |m: &Marker| {
        let g = if m.blocked {
            Glyph::Blocked
        } else if m.held {
            Glyph::Stopped
        } else {
            Glyph::Running
        };
        format!("{}{}", m.who, theme.glyph(g))
    };
    let all = ms.iter().map(|m| one(m)).collect::<Vec<_>>().join(" ");
    if width::width(&all) <= max || ms.len() < 2 {
        return all;
    }
    // Blocked ones first: they are the story.
    let mut sorted = ms.to_vec();
    sorted.sort_by_key(|m| !m.blocked);
    format!("{}+{}", one(sorted[0]), ms.len() - 1)
}

/// Draws the program panel into `area` (nothing if there is no program).
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some((program, own)) = app.controls.program(app.scene) else {
        return;
    };
    let title = if own {
        words().program_title(&program.file)
    } else {
        words().stands_for_title(&program.file)
    };
    let all = match &app.scene.cfg.scenario {
        // A watched program: each process where it really is.
        crate::config::Scenario::Program(_) => crate::model::program::markers(app.scene),
        _ => markers(&program.lines, &program.text, app.scene),
    };
    let mut legend = format!(
        " {} {}  {} {} ",
        theme.glyph(Glyph::Running),
        words().code_here(),
        theme.glyph(Glyph::Blocked),
        words().code_blocked()
    );
    if all.iter().any(|m| m.held) {
        legend.push_str(&format!(
            " {} {} ",
            theme.glyph(Glyph::Stopped),
            words().code_held()
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(Line::from(Span::styled(title, theme.title())))
        .title_bottom(Line::from(legend).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let shown = shown_lines(&program.text, text::lang());
    let texts: Vec<&str> = shown.iter().map(|(_, l)| l.as_ref()).collect();
    // The markers by shown line.
    let mut by_line: BTreeMap<usize, Vec<&Marker>> = BTreeMap::new();
    for m in &all {
        if let Some(i) = shown.iter().position(|(n, _)| *n == m.line) {
            by_line.entry(i).or_default().push(m);
        }
    }
    let mut keep: Vec<usize> = by_line.keys().copied().collect();
    if keep.is_empty() {
        // Nobody on a line (the run is over, or not begun): the parent's
        // part, where the story starts and ends.
        let parent = program.lines.0.get(&ProgramRole::Parent);
        let first = parent.and_then(|ops| ops.values().min());
        keep.extend(first.and_then(|n| shown.iter().position(|(l, _)| l == n)));
    }
    let rows = window(&texts, &keep, inner.height as usize);
    let marks: BTreeMap<usize, String> = by_line
        .iter()
        .map(|(&i, ms)| (i, marks_text(ms, theme, MARKS_MAX)))
        .collect();
    let marks_w = marks.values().map(|s| width::width(s)).max().unwrap_or(0);
    let num_w = shown.last().map_or(1, |(n, _)| n.to_string().len());
    let selected = app.controls.selected;
    let lines: Vec<Line> = rows
        .iter()
        .map(|row| match *row {
            Row::Gap => Line::from(Span::styled(
                format!("{}{:>num_w$}", " ".repeat(marks_w + 1), "⋮"),
                theme.dim(),
            )),
            Row::Line(i) => {
                let (n, code) = (shown[i].0, shown[i].1.as_ref());
                let ms = by_line.get(&i);
                let blocked = ms.is_some_and(|ms| ms.iter().any(|m| m.blocked));
                let here = ms.is_some();
                let picked =
                    ms.is_some_and(|ms| ms.iter().any(|m| m.proc.is_some() && m.proc == selected));
                let mark = marks.get(&i).map_or("", String::as_str);
                let mark_style = if blocked {
                    theme.blocked()
                } else {
                    theme.ok().add_modifier(Modifier::BOLD)
                };
                let mut code_style = if here {
                    Style::new().add_modifier(Modifier::BOLD)
                } else {
                    Style::new()
                };
                if picked {
                    code_style = code_style.patch(theme.selected());
                }
                let code = code.replace('\t', "    ");
                let room = (inner.width as usize).saturating_sub(marks_w + 2 + num_w);
                Line::from(vec![
                    Span::styled(width::pad_left(mark, marks_w), mark_style),
                    Span::raw(" "),
                    Span::styled(format!("{n:>num_w$} "), theme.dim()),
                    Span::styled(width::clip(&code, room).to_string(), code_style),
                ])
            }
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Kind;
    use crate::ui::testkit::{lesson_app, render_text};

    const PROGRAM: &str = "a = 1
def write(q):
    # put each url
    # 放入每个 url
    for u in urls:
        q.put(u)
        sleep()
def read(q):
    while True:
        q.get()
x = 2
y = 3
main()
";

    #[test]
    fn comments_in_the_other_language_are_left_out() {
        let en: Vec<u32> = shown_lines(PROGRAM, Lang::En).iter().map(|l| l.0).collect();
        assert!(en.contains(&3) && !en.contains(&4), "{en:?}");
        let zh: Vec<u32> = shown_lines(PROGRAM, Lang::Zh).iter().map(|l| l.0).collect();
        assert!(!zh.contains(&3) && zh.contains(&4), "{zh:?}");
        assert_eq!(en.len(), 12);
    }

    #[test]
    fn a_comment_after_code_keeps_its_half_in_the_class_language() {
        let text = "    q.put(url)  # put it / 放入\n    s = 'a / b'  # just English\n";
        let line = |lang, i: usize| shown_lines(text, lang)[i].1.to_string();
        assert_eq!(line(Lang::En, 0), "    q.put(url)  # put it");
        assert_eq!(line(Lang::Zh, 0), "    q.put(url)  # 放入");
        assert_eq!(line(Lang::Zh, 1), "    s = 'a / b'  # just English");
    }

    #[test]
    fn a_short_program_is_shown_whole() {
        let lines: Vec<&str> = PROGRAM.lines().collect();
        let rows = window(&lines, &[5], 40);
        assert_eq!(rows.len(), lines.len());
        assert!(!rows.contains(&Row::Gap));
    }

    #[test]
    fn a_long_program_keeps_every_marked_line_with_its_header_and_gaps_between() {
        let lines: Vec<&str> = PROGRAM.lines().collect();
        // put (5) and get (9), in 5 rows.
        let rows = window(&lines, &[5, 9], 5);
        assert!(rows.len() <= 5, "{rows:?}");
        assert!(rows.contains(&Row::Line(5)) && rows.contains(&Row::Line(9)));
        // Their headers (`for`, `while True:`) are kept; a gap stands for
        // the rest.
        assert!(rows.contains(&Row::Line(4)) && rows.contains(&Row::Line(8)));
        assert!(rows.contains(&Row::Gap), "{rows:?}");
        // Rows are in program order.
        let order: Vec<usize> = rows
            .iter()
            .filter_map(|r| match r {
                Row::Line(i) => Some(*i),
                Row::Gap => None,
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        // Room to spare is filled.
        assert_eq!(window(&lines, &[5, 9], 10).len(), 10);
    }

    #[test]
    fn more_marked_lines_than_rows_keeps_the_first_ones() {
        let lines: Vec<&str> = PROGRAM.lines().collect();
        let rows = window(&lines, &[1, 3, 5, 7, 9, 11], 3);
        assert!(rows.len() <= 3, "{rows:?}");
        assert_eq!(rows[0], Row::Line(1));
    }

    fn panel(app: &crate::ui::testkit::Fixture, w: u16, h: u16) -> String {
        render_text(app, w, h, render)
    }

    #[test]
    fn each_process_is_marked_on_its_line_and_a_blocked_one_says_so() {
        // The queue fixture: writer-2 blocked in put, reader-1 active
        // after a get, writer-1 after its put (resting: its sleep line).
        let app = lesson_app(0);
        let t = panel(&app, 60, 30);
        assert!(t.contains("Program: queue_demo.py"), "{t}");
        let line = |needle: &str| {
            t.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle}:\n{t}"))
                .to_string()
        };
        assert!(line("q.put(url)").contains("W2■"), "{t}");
        assert!(line("time.sleep").contains("W1▶"), "{t}");
        assert!(line("pw1.join()").contains("P■"), "{t}");
        assert!(t.contains("▶ here  ■ blocked"), "{t}");
    }

    #[test]
    fn in_a_small_panel_every_process_is_still_marked() {
        let app = lesson_app(0);
        let t = panel(&app, 44, 9);
        for who in ["W1▶", "W2■", "R1", "P■"] {
            assert!(t.contains(who), "{who}:\n{t}");
        }
        assert!(t.contains('⋮'), "{t}");
    }

    #[test]
    fn a_plain_scenario_shows_the_program_it_stands_for() {
        let mut app = crate::ui::testkit::queue_app();
        assert!(panel(&app, 60, 20).trim().is_empty(), "no program known");
        let lesson = lesson_app(0).controls.guide.unwrap();
        // The fixture's queue has maxsize 3: a program of Queue() is not it.
        app.controls
            .programs
            .push((lesson.lesson.scenario.clone(), lesson.program.clone()));
        assert!(
            panel(&app, 60, 20).trim().is_empty(),
            "Queue() is not maxsize 3"
        );
        app.scene.maxsize = 0;
        let t = panel(&app, 60, 20);
        assert!(t.contains("What this run stands for: queue_demo.py"), "{t}");
        // A process that ends leaves the program.
        let exit = Kind::Exit {
            ended: crate::stream::Ended::Code(0),
        };
        let pid = app.scene.world.procs[0].pid;
        app.ev(2900, 0, pid, exit);
        let t = panel(&app, 60, 20);
        assert!(!t.contains("W1"), "{t}");
    }

    #[test]
    fn in_chinese_the_program_keeps_its_chinese_comments_and_the_legend_is_chinese() {
        let app = lesson_app(0);
        let t = crate::text::with_lang(Lang::Zh, || panel(&app, 70, 34));
        assert!(t.contains("程序：queue_demo.py"), "{t}");
        assert!(t.contains("在此行"), "{t}");
        assert!(t.contains("每个写进程放入自己的 url"), "{t}");
        assert!(!t.contains("Each writer puts its own urls"), "{t}");
    }
}
