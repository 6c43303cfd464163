//! A watched Python program on screen (`ipcscope run`): the stage lists
//! the program's shared objects as it makes them, each with who puts into
//! it and who takes out, what is inside — a queue's items still in each
//! process's feeder buffer apart from those in its pipe, with the pipe's
//! bytes as the kernel counts them; a pipe's messages each way and who
//! holds each end; a value's value and its reads and writes — and the
//! processes blocked on it. The detail panel says how the program runs.
//! Reads the model, never changes it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget};

use super::theme::{Glyph, Theme};
use super::width;
use crate::model::View;
use crate::model::program::{Obj, ProgramWorld};
use crate::model::world::World;
use crate::stream::{Holder, ObjKind, ProcId};
use crate::text::{self, program::end_name};

/// Most labels shown inside one buffer or pipe.
const SHOWN: usize = 6;

/// Draws the objects into the stage's room, and under them what each
/// blocked process waits for (the wait-for view).
pub fn render_stage(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let w = &app.scene.world;
    let pw = &w.program;
    let waits = wait_lines(app, theme, area.width);
    // The waits first (a stuck program's why), leaving the objects a row.
    let under = waits.len().min((area.height as usize).saturating_sub(1)) as u16;
    let [area, below] = area.layout(&ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Fill(1),
        ratatui::layout::Constraint::Length(under),
    ]));
    Paragraph::new(waits).render(below, buf);
    if pw.objects.is_empty() {
        let msg = text::words().prog_stage_empty();
        let lines: Vec<Line> = width::wrap(msg, area.width as usize)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.dim())))
            .collect();
        Paragraph::new(lines).render(area, buf);
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let rows = area.height as usize;
    let per = pw.objects.len();
    // Two rows each when they fit, else one.
    let two = per * 2 <= rows;
    let mut shown = 0;
    for o in pw.objects.values() {
        let need = if two { 2 } else { 1 };
        if lines.len() + need > rows {
            break;
        }
        shown += 1;
        lines.push(head_line(o, w, theme, area.width));
        if two {
            lines.push(body_line(o, pw, w, theme, area.width));
        }
    }
    if shown < per
        && let Some(last) = lines.last_mut()
    {
        *last = Line::from(Span::styled(format!("+{} …", per - shown + 1), theme.dim()));
    }
    Paragraph::new(lines).render(area, buf);
}

/// One line per blocked process: a glyph, its name, then whom it waits
/// for (`waits for a message from Process-1`) or that it waits forever,
/// in the longest form that fits `width`.
fn wait_lines(app: &View, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let w = &app.scene.world;
    crate::model::waits::waits(app.scene)
        .iter()
        .filter_map(|wait| {
            let p = w.proc(wait.who)?;
            let head = vec![
                Span::styled(format!("{} ", theme.glyph(Glyph::Blocked)), theme.blocked()),
                Span::styled(p.name.clone(), theme.proc(p.id)),
                Span::raw(" "),
            ];
            let used: usize = head.iter().map(|s| width::width(&s.content)).sum();
            let forms = super::stage::waits_line(app, theme, wait);
            let says = forms
                .iter()
                .find(|l| used + l.width() <= width as usize)
                .unwrap_or(&forms[1]);
            let mut spans = head;
            spans.extend(
                says.spans
                    .iter()
                    .map(|s| Span::styled(s.content.clone(), says.style.patch(s.style))),
            );
            Some(clip_spans(spans, width as usize))
        })
        .collect()
}

/// The object's name as made, its counts, who is blocked on it.
fn head_line<'a>(o: &Obj, w: &World, theme: &Theme, width: u16) -> Line<'a> {
    let title = text::program::made(o);
    let counts = match o.info.kind {
        k if k.is_queue() => {
            let mut s = format!("put {} · got {}", o.puts, o.gets);
            if o.lost > 0 {
                // Q10b: in a killed writer's feeder buffer, never to come.
                s.push_str(&format!(" · lost {}", o.lost));
            }
            if o.full + o.empty > 0 {
                s.push_str(&format!(" · Full {} · Empty {}", o.full, o.empty));
            }
            s
        }
        k if k.is_pipe() => format!(
            "sent {} · received {}{}",
            o.sent[0] + o.sent[1],
            o.received[0] + o.received[1],
            if o.eof[0] || o.eof[1] { " · EOF" } else { "" }
        ),
        _ => format!("= {} · writes {}", o.value, o.writes()),
    };
    let blocked: Vec<String> = w
        .program
        .procs
        .iter()
        .filter(|(id, p)| {
            w.proc(**id).is_some_and(|x| x.alive())
                && p.on.is_some_and(|on| w.program.end_of(on).0 == o.id)
        })
        .filter_map(|(id, _)| w.proc(*id).map(crate::model::program::short_name))
        .collect();
    let mut spans = vec![Span::styled(title.clone(), theme.title())];
    let used = width::width(&title);
    let mut right = format!("  {counts}");
    if !blocked.is_empty() {
        right.push_str(&format!(
            "  {} {}",
            theme.glyph(Glyph::Blocked),
            blocked.join(" ")
        ));
    }
    let room = (width as usize).saturating_sub(used);
    spans.push(Span::raw(width::clip(&right, room).to_string()));
    Line::from(spans)
}

/// What is inside, between who puts in and who takes out.
fn body_line<'a>(o: &Obj, pw: &ProgramWorld, w: &World, theme: &Theme, width: u16) -> Line<'a> {
    let name = |id: ProcId| {
        w.proc(id)
            .map(crate::model::program::short_name)
            .unwrap_or_else(|| "?".into())
    };
    let who = |f: &dyn Fn(&(u64, u64)) -> bool| -> String {
        let v: Vec<String> = o
            .users
            .iter()
            .filter(|(_, u)| f(u))
            .map(|(id, _)| name(*id))
            .collect();
        if v.is_empty() {
            "·".into()
        } else {
            v.join(" ")
        }
    };
    let labels = |items: &crate::model::program::Items| -> String {
        let n = items.labels.len();
        let mut v: Vec<&str> = items
            .labels
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        let more = items.len() as usize - v.len().min(n);
        let extra;
        if more > 0 {
            extra = format!("+{more}");
            v.push(&extra);
            return v.join(" ");
        }
        v.join(" ")
    };
    let bytes = o.bytes.map(|b| format!("{b} B")).unwrap_or_default();
    let mut spans: Vec<Span> = vec![Span::raw("  ")];
    match o.info.kind {
        k if k.is_queue() => {
            spans.push(Span::styled(who(&|u| u.0 > 0), theme.ok()));
            spans.push(Span::raw(" ▸ "));
            if k != ObjKind::SimpleQueue {
                let buffered: Vec<String> = o
                    .buffers
                    .iter()
                    .filter(|(_, b)| !b.is_empty())
                    .map(|(id, b)| format!("{}: {}", name(*id), labels(b)))
                    .collect();
                let feeder = if buffered.is_empty() {
                    "—".to_string()
                } else {
                    buffered.join(" | ")
                };
                spans.push(Span::styled(format!("feeder [{feeder}]"), theme.warn()));
                spans.push(Span::raw(" ▸ "));
            }
            spans.push(Span::styled(
                format!("pipe ║{}║ {bytes}", labels(&o.inside[0])),
                Style::new().add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(" ▸ "));
            spans.push(Span::styled(who(&|u| u.1 > 0), theme.ok()));
        }
        k if k.is_pipe() => {
            let holders = |end: usize| holders_text(&o.holders[end], w);
            spans.push(Span::raw(format!("{} [{}] ", end_name(o, 1), holders(1))));
            spans.push(Span::styled(
                format!("▸ ║{}║ ▸", labels(&o.inside[1])),
                Style::new().add_modifier(Modifier::BOLD),
            ));
            if o.info.duplex {
                spans.push(Span::styled(
                    format!(" ◂ ║{}║ ◂", labels(&o.inside[0])),
                    Style::new().add_modifier(Modifier::BOLD),
                ));
            }
            spans.push(Span::raw(format!(
                " {} [{}] {bytes}",
                end_name(o, 0),
                holders(0)
            )));
        }
        _ => {
            let tallies: Vec<String> = o
                .tallies
                .iter()
                .map(|(id, t)| format!("{} r{} w{}", name(*id), t.0, t.1))
                .collect();
            spans.push(Span::raw(tallies.join(" · ")));
        }
    }
    let _ = pw;
    clip_spans(spans, width as usize)
}

/// Who holds a pipe end: short names, the pid for a process not followed.
fn holders_text(h: &[Holder], w: &World) -> String {
    if h.is_empty() {
        return "—".into();
    }
    h.iter()
        .map(|x| match x.proc.and_then(|id| w.proc(id)) {
            Some(p) => crate::model::program::short_name(p),
            None => x.pid.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cuts a line's spans at `max` columns.
fn clip_spans(spans: Vec<Span<'_>>, max: usize) -> Line<'_> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = width::width(&s.content);
        if used + w <= max {
            used += w;
            out.push(s);
        } else {
            let rest = width::clip(&s.content, max - used).to_string();
            out.push(Span::styled(rest, s.style));
            break;
        }
    }
    Line::from(out)
}

/// What a live process of a watched program is doing beyond a put or a
/// get, if anything: (blocked, the words).
pub fn doing(app: &View, p: &crate::model::world::Proc) -> Option<(bool, String)> {
    use crate::model::program::Doing;
    if !p.alive() || p.activity.blocked_since().is_some() {
        return None;
    }
    let info = app.scene.world.program.info(p.id)?;
    let t = text::words();
    Some(match info.doing {
        Doing::Running => return None,
        Doing::Joining { child, .. } => (true, t.prog_doing_join(child)),
        Doing::Polling { .. } => (true, t.prog_doing_poll().to_string()),
        Doing::Sleeping { secs, .. } => (false, t.prog_doing_sleep(secs)),
        Doing::Finishing { buffered: 0 } => return None,
        Doing::Finishing { buffered } => (true, t.prog_doing_finishing(buffered)),
    })
}

/// The detail panel: the interpreter, the objects' kernel figures.
pub fn render_panel(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let pw = &app.scene.world.program;
    let title = match &app.scene.cfg.scenario {
        crate::config::Scenario::Program(p) => p.file_name().to_string(),
        _ => String::new(),
    };
    let block = Block::bordered()
        .border_set(theme.border())
        .padding(Padding::horizontal(1))
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = Vec::new();
    if !pw.python.is_empty() {
        lines.push(Line::from(format!("Python {}", pw.python)));
    }
    for o in pw.objects.values() {
        let name = text::program::object_name(pw, o.id);
        let fig = match (o.bytes, o.capacity) {
            (Some(b), Some(c)) => format!("{b} B / {c} B"),
            (Some(b), None) => format!("{b} B"),
            _ if o.info.kind.is_shared() => o.value.clone(),
            _ => "—".into(),
        };
        lines.push(Line::from(vec![
            Span::styled(name, theme.title()),
            Span::raw(format!(" {fig}")),
        ]));
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| clip_spans(l.spans, inner.width as usize))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::testkit::{program_stuck_app, render_text};

    fn stage(lang: crate::config::Lang, w: u16, h: u16) -> String {
        let app = program_stuck_app();
        crate::text::with_lang(lang, || render_text(&app, w, h, render_stage))
    }

    #[test]
    fn a_stuck_programs_stage_says_whom_each_blocked_process_waits_for_and_that_it_is_forever() {
        let text = stage(Default::default(), 100, 6);
        assert!(
            text.contains("MainProcess waits forever: Process-2 never ends"),
            "{text}"
        );
        assert!(
            text.contains(
                "Process-2 waits for a message forever: only MainProcess, itself (never sends)"
            ),
            "{text}"
        );
        // The pipe itself still shows above.
        assert!(text.contains("a, b = Pipe()"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_narrow_stage_says_the_wait_in_short_and_chinese_says_it_in_chinese() {
        let text = stage(Default::default(), 44, 6);
        assert!(
            text.contains("Process-2 forever ← MainProcess, itself"),
            "{text}"
        );
        let zh = stage(crate::config::Lang::Zh, 100, 6);
        assert!(
            zh.contains("Process-2 永远等不到消息：只剩 MainProcess、它自己（从不发送）"),
            "{zh}"
        );
        assert!(
            zh.contains("MainProcess 永远等下去：Process-2 永远不会结束"),
            "{zh}"
        );
    }
}
