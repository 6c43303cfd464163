//! The parent (`__main__`) on the stage, along its bottom: who it is and
//! where it is in its program (blocked in `join()` with what the kernel
//! shows of it, held before `terminate()`, done), then its steps, each
//! done, now or to come. Drawn from the model's parent (its events).

use super::*;
use crate::model::parent::{self, ParentAt, StepKind, StepState};
use crate::stream::KernelWait;

/// Rows the parent takes at the bottom of a stage `h` rows high (the
/// rest keeps room for the tube and two three-line cards a side).
pub(super) fn parent_rows(h: u16) -> u16 {
    match h {
        0..=6 => 0,
        7 => 1,
        _ => 2,
    }
}

/// Draws the parent in `area`: its state on the first row, its steps on
/// the second. A form that does not fit gives way to a shorter one; the
/// steps are left out rather than cut.
pub(super) fn render_parent(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if !parent::told(&app.scene.world) {
        return;
    }
    let mut rows = area.rows();
    let w = area.width as usize;
    if let Some(row) = rows.next() {
        let forms = state_forms(app, theme);
        let line = forms
            .iter()
            .find(|l| l.width() <= w)
            .unwrap_or(&forms[forms.len() - 1]);
        line.clone().render(row, buf);
    }
    if let Some(row) = rows.next()
        && let Some(line) = [false, true]
            .into_iter()
            .map(|short| steps_line(app, theme, short))
            .find(|l| l.width() <= w)
    {
        line.render(row, buf);
    }
}

/// The parent's glyph and style where it is: blocked in `join()`, held
/// before `terminate()`, done, else running (the stage and the processes
/// panel draw it alike).
pub(crate) fn look(at: ParentAt, theme: &Theme) -> (Glyph, ratatui::style::Style) {
    match at {
        ParentAt::Joining(_) | ParentAt::Reading { blocked: true } => {
            (Glyph::Blocked, theme.blocked())
        }
        ParentAt::BeforeTerminate { held: true } => (Glyph::Stopped, theme.warn()),
        ParentAt::Done => (Glyph::Done, theme.dim()),
        _ => (Glyph::Running, theme.ok()),
    }
}

/// Where the parent is, in words (`short`: fewer): the stage and the
/// processes panel say it alike.
pub(crate) fn words(w: &crate::model::world::World, at: ParentAt, short: bool) -> String {
    let t = text::words();
    match at {
        ParentAt::Starting => t.parent_starting(short).to_string(),
        ParentAt::Joining(pid) => t.parent_joining(&w.name_of(pid), short),
        ParentAt::Reading { blocked } => t.parent_reading(w.parent.got, blocked, short),
        ParentAt::BeforeTerminate { held } => t.parent_before_terminate(held, short).to_string(),
        ParentAt::Terminating => {
            let names: Vec<String> = w
                .parent
                .terminated
                .iter()
                .map(|&pid| w.name_of(pid))
                .collect();
            t.parent_terminating(&names.join(", "), short)
        }
        ParentAt::Done => t.parent_done(short).to_string(),
    }
}

/// The parent's own wait when it is forever (a join before the drain),
/// in its short words: its state already says whom it waits for.
fn parent_waits_forever(app: &View) -> Option<String> {
    let wait = crate::model::waits::waits(app.scene)
        .into_iter()
        .find(|w| w.who == crate::stream::SUPERVISOR && w.forever)?;
    Some(text::waits_said(&app.scene.world, &wait, true))
}

/// The parent's state line, longest form first: who it is, a glyph and
/// words, and (blocked in `join()`) what the kernel shows.
fn state_forms(app: &View, theme: &Theme) -> Vec<Line<'static>> {
    let t = text::words();
    let w = &app.scene.world;
    let at = parent::at(w);
    let (glyph, style) = look(at, theme);
    // Once for every form below.
    let forever = parent_waits_forever(app);
    let words = |short: bool| {
        let says = words(w, at, short);
        match &forever {
            Some(forever) => format!("{says} · {forever}"),
            None => says,
        }
    };
    let pid = app.scene.pid;
    let who = Span::styled(
        format!("{} {pid}", t.parent_holder()),
        Style::new().add_modifier(Modifier::BOLD),
    );
    let state = |short| Span::styled(format!(" {} {}", theme.glyph(glyph), words(short)), style);
    let kernel = match (at, &app.scene.parent_kernel) {
        (ParentAt::Joining(_) | ParentAt::Reading { blocked: true }, Some(k)) => {
            let what = match &k.wait {
                KernelWait::WaitingOther(name) => name.clone(),
                other => t.kernel_wait(other, true).to_string(),
            };
            Some(Span::styled(
                format!("  {}", t.parent_kernel(&what)),
                theme.dim(),
            ))
        }
        _ => None,
    };
    let mut out = Vec::new();
    if let Some(k) = kernel {
        out.push(Line::from(vec![who.clone(), state(false), k.clone()]));
        out.push(Line::from(vec![who.clone(), state(true), k]));
    }
    out.push(Line::from(vec![who.clone(), state(false)]));
    out.push(Line::from(vec![who, state(true)]));
    out.push(Line::from(vec![state(true)]));
    out
}

/// `writer-1` as `W1`, `sender` as `S`: the role's letter and number, as
/// the program panel marks them.
fn short_name(name: &str) -> String {
    let letter = name.chars().next().map(|c| c.to_ascii_uppercase());
    let number = name.rsplit_once('-').map_or("", |(_, n)| n);
    letter.map_or_else(String::new, |l| format!("{l}{number}"))
}

/// The parent's steps: `✓ start → ■ join writer-1 → join writer-2 →
/// terminate reader-1 → done` (`short`: short names, tighter arrows).
fn steps_line(app: &View, theme: &Theme, short: bool) -> Line<'static> {
    let t = text::words();
    let name = |n: &str| {
        if short { short_name(n) } else { n.to_string() }
    };
    let arrow = theme.glyph(Glyph::ArrowRight);
    let sep = if short {
        format!(" {arrow}")
    } else {
        format!(" {arrow} ")
    };
    let mut spans = Vec::new();
    for (i, step) in parent::steps(&app.scene.world).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(sep.clone(), theme.dim()));
        }
        let words = match &step.what {
            StepKind::Start => t.step_start().to_string(),
            StepKind::Join(n) => t.step_join(&name(n)),
            StepKind::Get(n) => t.step_get(*n),
            StepKind::Terminate(ns) => {
                let ns: Vec<String> = ns.iter().map(|n| name(n)).collect();
                t.step_terminate(&ns.join(","))
            }
            StepKind::Done => t.step_done().to_string(),
        };
        let (glyph, style) = match step.state {
            StepState::Done => (Some(Glyph::Done), theme.ok()),
            StepState::Now { blocked: true, .. } => (Some(Glyph::Blocked), theme.blocked()),
            StepState::Now { held: true, .. } => (Some(Glyph::Stopped), theme.warn()),
            StepState::Now { .. } => (Some(Glyph::Running), theme.ok()),
            StepState::Later => (None, theme.dim()),
        };
        let text = match glyph {
            Some(g) if short => format!("{}{words}", theme.glyph(g)),
            Some(g) => format!("{} {words}", theme.glyph(g)),
            None => words,
        };
        let style = match step.state {
            StepState::Now { .. } => style.add_modifier(Modifier::BOLD),
            _ => style,
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_roles_letter_and_number() {
        assert_eq!(short_name("writer-1"), "W1");
        assert_eq!(short_name("reader-12"), "R12");
        assert_eq!(short_name("sender"), "S");
    }
}
