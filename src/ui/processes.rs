//! The processes panel: one row per process, what it says it is doing next
//! to what the kernel shows, so "why is this process blocked?" has two
//! witnesses on screen. In the classroom, only PID, name and state, the
//! state in full words (a projector's room reads the words, not the
//! columns). It also maps a clicked row back to its process, with the
//! same scrolling as the drawing.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table, Widget};

use super::theme::{Glyph, Theme};
use super::width::width as text_width;
use crate::model::world::{Activity, Proc};
use crate::model::{ScenarioKind, View};
use crate::stream::{Ended, KernelWait, ProcId};
use crate::text;

/// A column of the table, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Pid,
    Name,
    Role,
    State,
    Kernel,
    Item,
    Done,
    Blocked,
    Exit,
}

/// How many words a state column uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Full,
    Short,
    /// One word (reported state only).
    Tiny,
    /// The full words, and for an ended process how it ended (the
    /// classroom has no exit column).
    Class,
}

/// How much the table says: which columns, and how many words the two
/// state columns use.
#[derive(Debug, Clone, Copy)]
struct Fit {
    cols: &'static [Col],
    state: Words,
    kernel: Words,
}

/// Layouts from the richest to the leanest; the first that fits the width
/// is drawn. The least important column goes first (the name says the
/// role); marker, PID, name, both states and done always stay.
const FITS: [Fit; 9] = {
    use Col::*;
    use Words::*;
    const ALL: &[Col] = &[Pid, Name, Role, State, Kernel, Item, Done, Blocked, Exit];
    const NO_ROLE: &[Col] = &[Pid, Name, State, Kernel, Item, Done, Blocked, Exit];
    const NO_ITEM: &[Col] = &[Pid, Name, State, Kernel, Done, Blocked, Exit];
    const NO_EXIT: &[Col] = &[Pid, Name, State, Kernel, Done, Blocked];
    const KEEP: &[Col] = &[Pid, Name, State, Kernel, Done];
    const fn fit(cols: &'static [Col], state: Words, kernel: Words) -> Fit {
        Fit {
            cols,
            state,
            kernel,
        }
    }
    [
        fit(ALL, Full, Full),
        fit(NO_ROLE, Full, Full),
        fit(NO_ITEM, Full, Full),
        fit(NO_EXIT, Full, Full),
        fit(KEEP, Full, Full),
        // The reported state's full words ("BLOCKED put: queue full") say
        // why; the kernel's short words still say what the kernel sees.
        fit(KEEP, Full, Short),
        fit(KEEP, Short, Full),
        fit(KEEP, Short, Short),
        fit(KEEP, Tiny, Short),
    ]
};

/// The classroom's layouts: marker, PID, name and state, the state in
/// full words when they fit (they do from 100 columns on).
const CLASS_FITS: [Fit; 3] = {
    use Col::*;
    use Words::*;
    const CLASS: &[Col] = &[Pid, Name, State];
    [
        Fit {
            cols: CLASS,
            state: Class,
            kernel: Full,
        },
        Fit {
            cols: CLASS,
            state: Short,
            kernel: Full,
        },
        Fit {
            cols: CLASS,
            state: Tiny,
            kernel: Full,
        },
    ]
};

/// Space between columns.
const SPACING: u16 = 1;

/// The panel's frame. Its borders are one cell wide in every theme, so
/// the rows start at the same place for clicks.
fn block(theme: &Theme) -> Block<'static> {
    Block::bordered().border_set(theme.border())
}

/// The part of the display order that is on screen. Render and
/// [`row_at`] both use it, so a click lands on the row that was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    /// Screen row of the first process row (below the heading).
    top: u16,
    /// Index in the display order of the first row shown.
    first: usize,
    /// Rows shown.
    len: usize,
    /// Processes not shown (above and below).
    hidden: usize,
}

/// Scrolls just enough that the selected process is visible: with no
/// state kept between frames, the selection sits on the last row once it
/// is past the first screenful.
fn window(app: &View, area: Rect) -> Window {
    let inner = block(&Theme::plain()).inner(area);
    let rows = inner.height.saturating_sub(1) as usize;
    let order = app.scene.display_order();
    let total = order.len();
    let len = total.min(rows);
    let selected = app
        .controls
        .selected
        .and_then(|s| order.iter().position(|p| p.id == s))
        .unwrap_or(0);
    let first = if len > 0 && selected >= len {
        selected + 1 - len
    } else {
        0
    };
    Window {
        top: inner.y.saturating_add(1),
        first,
        len,
        hidden: total - len,
    }
}

/// The process drawn at screen row `y` of this panel (`area` is the
/// panel's area, `y` absolute), for mouse clicks.
pub fn row_at(app: &View, area: Rect, y: u16) -> Option<ProcId> {
    let w = window(app, area);
    let offset = y.checked_sub(w.top)? as usize;
    if offset >= w.len {
        return None;
    }
    app.scene
        .display_order()
        .get(w.first + offset)
        .map(|p| p.id)
}

/// Draws the panel: a heading row, then one row per process in display
/// order, scrolled to keep the selection visible; "+N more" on the frame
/// when some do not fit.
pub fn render(app: &View, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let order = app.scene.display_order();
    let win = window(app, area);
    // A watched program's wait-for view (once for every row: it looks at
    // the whole run), as the stage shows it.
    let waits = if app.scenario() == ScenarioKind::Program {
        crate::model::waits::waits(app.scene)
    } else {
        Vec::new()
    };
    let mut rows: Vec<Cells> = order
        .iter()
        .skip(win.first)
        .take(win.len)
        .map(|p| cells(app, theme, p, &waits))
        .collect();
    // The parent under its children, when every child's row is drawn and
    // a row is left (it is never selected: a click there selects nothing).
    // The children's rows alone choose the layout; the parent's words take
    // the longest form that fits it.
    let room = block(theme).inner(area).height.saturating_sub(1) as usize;
    let told = crate::model::parent::told(&app.scene.world);
    let parent = (told && win.hidden == 0 && room > win.len && !order.is_empty())
        .then(|| parent_cells(app, theme));
    let mut frame = block(theme).title(Span::styled(
        text::words().processes_title(order.len()),
        theme.title(),
    ));
    let inner = frame.inner(area);
    let ctx = (app.scenario(), theme);
    let fits: &[Fit] = if app.controls.classroom {
        &CLASS_FITS
    } else {
        &FITS
    };
    let fit = choose_fit(fits, &rows, ctx, inner.width);
    if win.hidden > 0 {
        frame = frame.title_bottom(Line::from(text::words().more_rows(win.hidden)).right_aligned());
    }
    let kernel_shown = fit.cols.contains(&Col::Kernel);
    if kernel_shown && fit.kernel != Words::Full && rows.iter().any(|r| r.differs) {
        // The cells only have room for the mark: say what it means.
        let legend = text::words().disagree_legend(disagree_mark(theme));
        frame = frame.title_bottom(Line::styled(legend, theme.warn()).left_aligned());
    }
    frame.render(area, buf);
    if inner.is_empty() {
        return;
    }

    let widths = squeeze(
        fit.cols
            .iter()
            .map(|&c| width(c, fit, &rows, ctx))
            .collect(),
        fit.cols,
        inner.width,
    );
    if let Some(mut p) = parent {
        let state_w = fit
            .cols
            .iter()
            .position(|&c| c == Col::State)
            .map_or(0, |i| widths[i]);
        let room = (state_w as usize).saturating_sub(text_width(p.state_glyph) + 1);
        let words = p
            .state
            .iter()
            .find(|w| text_width(w) <= room)
            .unwrap_or(&p.state[2])
            .clone();
        p.state = [words.clone(), words.clone(), words.clone(), words];
        rows.push(p);
    }
    let heading = Row::new(fit.cols.iter().map(|&c| heading(c, fit))).style(theme.title());
    let body = rows.iter().map(|r| {
        let row = Row::new(fit.cols.iter().map(|&c| r.cell(c, fit, theme)));
        if r.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    Table::new(body, widths.into_iter().map(Constraint::Length))
        .header(heading)
        .column_spacing(SPACING)
        .render(inner, buf);
}

/// The first of `fits` whose columns fit `width` (else the leanest).
fn choose_fit(fits: &[Fit], rows: &[Cells], ctx: (ScenarioKind, &Theme), width: u16) -> Fit {
    fits.iter()
        .copied()
        .find(|&fit| total_width(fit, rows, ctx) <= width)
        .unwrap_or(fits[fits.len() - 1])
}

fn total_width(fit: Fit, rows: &[Cells], ctx: (ScenarioKind, &Theme)) -> u16 {
    let cols: u16 = fit.cols.iter().map(|&c| width(c, fit, rows, ctx)).sum();
    cols + SPACING * (fit.cols.len() as u16).saturating_sub(1)
}

/// When even the leanest layout is too wide (long PIDs or names), takes
/// the missing room from the reported state, then the kernel, then the
/// name, so PID and done are never cut. Without the kernel (the
/// classroom), the state is all the row says: the name goes first.
fn squeeze(mut widths: Vec<u16>, cols: &[Col], room: u16) -> Vec<u16> {
    let gaps = SPACING * (cols.len() as u16).saturating_sub(1);
    let mut excess = (widths.iter().sum::<u16>() + gaps).saturating_sub(room);
    let victims = if cols.contains(&Col::Kernel) {
        [Col::State, Col::Kernel, Col::Name]
    } else {
        [Col::Name, Col::State, Col::Kernel]
    };
    for victim in victims {
        if let Some(i) = cols.iter().position(|&c| c == victim) {
            let take = excess.min(widths[i].saturating_sub(1));
            widths[i] -= take;
            excess -= take;
        }
    }
    widths
}

/// A column's width: the widest of its heading and cells. The state
/// columns are at least as wide as their longest words in this scenario,
/// so they do not jump each time a process blocks or wakes.
fn width(col: Col, fit: Fit, rows: &[Cells], ctx: (ScenarioKind, &Theme)) -> u16 {
    let (scenario, theme) = ctx;
    let widest = rows
        .iter()
        .map(|r| r.cell(col, fit, theme).width())
        .max()
        .unwrap_or(0);
    let steady = match col {
        Col::State => STATE_GLYPH + state_words(fit.state, scenario),
        Col::Kernel => 2 + kernel_words(fit.kernel),
        _ => 0,
    };
    let head = text_width(heading_text(col, fit)) + usize::from(col == Col::Pid);
    widest.max(steady).max(head) as u16
}

/// A glyph and a space before the reported state.
const STATE_GLYPH: usize = 2;

/// The longest reported-state words a process of this scenario can show.
fn state_words(words: Words, scenario: ScenarioKind) -> usize {
    let blocked = match scenario {
        ScenarioKind::Queue => vec![
            Activity::WaitingToPut {
                item: String::new(),
                since_ns: 0,
            },
            Activity::WaitingToGet { since_ns: 0 },
        ],
        ScenarioKind::Pipe => vec![
            Activity::WaitingToSend {
                item: String::new(),
                since_ns: 0,
            },
            Activity::WaitingToRecv { since_ns: 0 },
        ],
        ScenarioKind::Counter => vec![Activity::WaitingForLock {
            holder: 0,
            since_ns: 0,
        }],
        ScenarioKind::Program => vec![
            Activity::WaitingToPut {
                item: String::new(),
                since_ns: 0,
            },
            Activity::WaitingToGet { since_ns: 0 },
            Activity::WaitingToRecv { since_ns: 0 },
        ],
    };
    let ends = [
        Ended::Code(0),
        Ended::Signal(libc::SIGKILL),
        Ended::Signal(libc::SIGTERM),
    ];
    let ended = match words {
        Words::Tiny => 0,
        Words::Class => ends
            .iter()
            .flat_map(|&e| [true, false].map(|said| text::ended_text(Some(e), said)))
            .map(|t| text_width(&t))
            .max()
            .unwrap_or(0),
        _ => ends
            .map(|e| text_width(&text::words().ended_short(e)))
            .into_iter()
            .max()
            .unwrap_or(0),
    };
    [Activity::Starting, Activity::Active, Activity::Exited]
        .into_iter()
        .chain(blocked)
        .map(|a| text_width(&state_text(&a, words, 1)).max(text_width(&state_text(&a, words, 0))))
        .chain([ended])
        .chain((words == Words::Class).then(|| text_width(text::words().stage_stopped())))
        .max()
        .unwrap_or(0)
}

fn state_text(a: &Activity, words: Words, maxsize: u32) -> String {
    match words {
        Words::Full | Words::Class => text::words().activity(a, maxsize).to_string(),
        Words::Short => text::words().activity_short(a).to_string(),
        Words::Tiny => text::words().activity_tiny(a).to_string(),
    }
}

/// The longest kernel-wait words (full or short).
fn kernel_words(words: Words) -> usize {
    use crate::stream::KernelWait as K;
    let short = words != Words::Full;
    [
        K::Running,
        K::Sleeping,
        K::WaitingForData,
        K::WaitingForSpace,
        K::WaitingForLock,
        K::WaitingOther(String::new()),
        K::Stopped,
        K::Zombie,
        K::Gone,
    ]
    .iter()
    .map(|k| text_width(text::words().kernel_wait(k, short)))
    .chain([text_width(text::words().kernel_unseen(short))])
    .max()
    .unwrap_or(0)
}

/// The sign that the kernel contradicts the report.
fn disagree_mark(theme: &Theme) -> &'static str {
    if theme.ascii { "!=" } else { "≠" }
}

/// A column's heading; without the kernel beside it, the reported state
/// is simply the state.
fn heading_text(col: Col, fit: Fit) -> &'static str {
    let h = text::words().process_headings();
    match col {
        Col::Pid => text::PID_HEADING,
        Col::Name => h.name,
        Col::Role => h.role,
        Col::State if !fit.cols.contains(&Col::Kernel) => h.state,
        Col::State => h.reported,
        Col::Kernel => h.kernel,
        Col::Item => h.item,
        Col::Done => h.done,
        Col::Blocked => h.blocked,
        Col::Exit => h.exit,
    }
}

fn heading(col: Col, fit: Fit) -> Cell<'static> {
    if col == Col::Pid {
        // Room for the selection marker, as in the rows.
        Cell::from(format!(" {}", heading_text(col, fit)))
    } else {
        Cell::from(heading_text(col, fit))
    }
}

/// One process's row, worked out once and then cut to the chosen layout.
struct Cells {
    selected: bool,
    pid: String,
    marker: &'static str,
    name: Span<'static>,
    role: &'static str,
    state_glyph: &'static str,
    /// Reported state: full, short, one-word, and the classroom's (full,
    /// or how it ended).
    state: [String; 4],
    state_style: Style,
    /// Kernel state letter (none when gone or not sampled).
    letter: Option<char>,
    /// Kernel wait: full and short.
    kernel: [&'static str; 2],
    kernel_style: Style,
    /// The kernel contradicts the report.
    differs: bool,
    item: String,
    done: String,
    blocked: String,
    exit: Span<'static>,
}

/// Works out every cell of `p`'s row: each state gets a word and a glyph,
/// colour only adds to them. `waits`: the wait-for view, whose word for
/// `p` (whom it waits for, or forever) follows its state.
fn cells(app: &View, theme: &Theme, p: &Proc, waits: &[crate::model::waits::WaitFor]) -> Cells {
    let selected = app.controls.selected == Some(p.id);
    // A wait too brief to show in a flood: shown at work.
    let brief;
    let p = if app.scene.briefly_blocked(p) {
        brief = Proc {
            activity: Activity::Active,
            ..p.clone()
        };
        &brief
    } else {
        p
    };
    // Without the kernel's column (the classroom), the state says what
    // the stage says of a frozen world: stopped, unless blocked.
    let stopped = app.controls.classroom
        && app.scene.frozen
        && p.alive()
        && p.activity.blocked_since().is_none()
        && p.activity != Activity::Exited;
    let (state_glyph, state_style) = match &p.activity {
        a if a.blocked_since().is_some() => (theme.glyph(Glyph::Blocked), theme.blocked()),
        Activity::Exited => (theme.glyph(Glyph::Dead), theme.dim()),
        _ if stopped => (theme.glyph(Glyph::Stopped), theme.warn()),
        _ => (theme.glyph(Glyph::Running), theme.ok()),
    };
    // Narrow layouts have no exit column: the state says how it ended.
    let full = match p.activity {
        // Who holds the lock, as the waiting process said.
        Activity::WaitingForLock { holder, .. } => text::words()
            .lock_wait_state(crate::model::race::lock_holder(&app.scene.world, holder).as_deref()),
        _ => text::words()
            .activity(&p.activity, app.scene.maxsize)
            .to_string(),
    };
    let state = match p.ended {
        None if stopped => [
            full,
            text::words().frozen_short().to_string(),
            text::words().frozen_short().to_string(),
            text::words().stage_stopped().to_string(),
        ],
        Some(e) => [
            full,
            text::words().ended_short(e),
            text::words().ended_short(e),
            text::ended_text(Some(e), p.said_exiting),
        ],
        None => [
            full.clone(),
            text::words().activity_short(&p.activity).to_string(),
            text::words().activity_tiny(&p.activity).to_string(),
            full,
        ],
    };
    // A watched program's process: what it waits for beyond put and get
    // (a join, a sleep, a poll, its feeder).
    let (state_glyph, state_style, state) = match super::program::doing(app, p) {
        Some((blocked, s)) => {
            let (g, st) = if blocked {
                (theme.glyph(Glyph::Blocked), theme.blocked())
            } else {
                (state_glyph, state_style)
            };
            (g, st, [s.clone(), s.clone(), s.clone(), s])
        }
        None => (state_glyph, state_style, state),
    };
    // Whom it waits for: the short words in every layout, the whole
    // sentence in the classroom's (its state is all its row says).
    let state = match waits.iter().find(|w| w.who == p.id) {
        Some(w) => {
            let short = text::waits_said(&app.scene.world, w, true);
            let long = text::waits_said(&app.scene.world, w, false);
            let [full, brief, _, class] = state;
            [
                format!("{full} · {short}"),
                format!("{brief} {short}"),
                // One word is all it has room for: the glyph says blocked.
                short.clone(),
                format!("{class} · {long}"),
            ]
        }
        None => state,
    };
    // An ended process's last sample is stale: it is gone.
    let kernel = app.scene.kernel_of(p.id).filter(|_| p.ended.is_none());
    let (letter, words) = match kernel {
        Some(k) => (
            Some(k.row.state).filter(|c| *c != '?'),
            [
                text::words().kernel_wait(&k.row.wait, false),
                text::words().kernel_wait(&k.row.wait, true),
            ],
        ),
        // Reaped: the kernel has nothing of it left to show.
        None if p.ended.is_some() => (
            None,
            [
                text::words().kernel_wait(&KernelWait::Gone, false),
                text::words().kernel_wait(&KernelWait::Gone, true),
            ],
        ),
        None => (
            None,
            [
                text::words().kernel_unseen(false),
                text::words().kernel_unseen(true),
            ],
        ),
    };
    let kernel_style = match kernel.map(|k| k.row.state) {
        Some('T') | Some('Z') => theme.warn(),
        _ => Style::new(),
    };
    let exit = match (p.ended, p.signalled) {
        (Some(e), _) => Span::styled(text::ended_text(Some(e), p.said_exiting), theme.dim()),
        (None, Some(sig)) => Span::styled(
            text::words().signal_sent(&text::signal_name(sig)),
            theme.warn(),
        ),
        (None, None) => Span::raw(""),
    };
    Cells {
        selected,
        pid: p.pid.to_string(),
        marker: if selected {
            theme.glyph(Glyph::Selected)
        } else {
            " "
        },
        // The classroom's row is name, PID and state (the stage shows a
        // delay scale).
        name: Span::styled(
            match text::delay_scale_short(p.scale).filter(|_| !app.controls.classroom) {
                Some(x) => format!("{} {x}", p.name),
                None => p.name.clone(),
            },
            theme.proc(p.id),
        ),
        role: text::words().role_name(p.role),
        state_glyph,
        state,
        state_style,
        letter,
        kernel: words,
        kernel_style,
        differs: app.scene.disagreement(p.id),
        item: p.item.clone().unwrap_or_default(),
        done: app.scene.done(p).to_string(),
        blocked: text::secs_1(blocked_ns(p, app.now_ns.max(app.scene.world.now_ns))),
        exit,
    }
}

/// The parent's row: its PID and name, where it is in its program (in
/// `join()`, before `terminate()`, done) and what the kernel shows of it
/// while it joins (its joining thread: `S wait4`); done: the children it
/// has joined.
fn parent_cells(app: &View, theme: &Theme) -> Cells {
    use crate::model::parent::{self, ParentAt};
    let t = text::words();
    let w = &app.scene.world;
    let at = parent::at(w);
    let (glyph, style) = crate::ui::stage::parent_look(at, theme);
    let words = |short: bool| crate::ui::stage::parent_words(w, at, short);
    // Its waiting thread, read as a child is: in join(), or in get().
    let joining = matches!(
        at,
        ParentAt::Joining(_) | ParentAt::Reading { blocked: true }
    );
    let kernel = app.scene.parent_kernel.as_ref().filter(|_| joining);
    let (letter, kernel_words) = match kernel {
        Some(k) => {
            // The wait's own name (wait4), else the words for it.
            let named = match &k.wait {
                KernelWait::WaitingOther(n) if n == "wait4" => Some("wait4"),
                KernelWait::WaitingOther(n) if n == "waitid" => Some("waitid"),
                _ => None,
            };
            (
                Some(k.state).filter(|c| *c != '?'),
                [
                    named.unwrap_or_else(|| t.kernel_wait(&k.wait, false)),
                    named.unwrap_or_else(|| t.kernel_wait(&k.wait, true)),
                ],
            )
        }
        None => (None, ["", ""]),
    };
    Cells {
        selected: false,
        pid: app.scene.pid.to_string(),
        marker: " ",
        name: Span::styled(
            t.parent_name().to_string(),
            Style::new().add_modifier(ratatui::style::Modifier::BOLD),
        ),
        role: "",
        state_glyph: theme.glyph(glyph),
        // Never wider than a child's own words: the parent's short words
        // in every layout (the stage says the rest), one word in the
        // tiniest.
        // Longest first: the panel draws the first that fits the column
        // its children's rows made (never wider: one word at least).
        state: [
            words(false),
            words(true),
            t.parent_word(at).to_string(),
            String::new(),
        ],
        state_style: style,
        letter,
        kernel: kernel_words,
        kernel_style: Style::new(),
        differs: false,
        item: String::new(),
        // What it did: items got when it reads the queue, else joins.
        done: match w.parent.reads {
            Some(_) => w.parent.got.to_string(),
            None => w.parent.joined.len().to_string(),
        },
        blocked: String::new(),
        exit: Span::raw(""),
    }
}

/// Time blocked: the finished waits plus the current one so far.
fn blocked_ns(p: &Proc, now_ns: u64) -> u64 {
    p.blocked_ns
        + p.activity
            .blocked_since()
            .map_or(0, |since| now_ns.saturating_sub(since))
}

impl Cells {
    /// The cell of column `col` in layout `fit`.
    fn cell(&self, col: Col, fit: Fit, theme: &Theme) -> Line<'static> {
        match col {
            Col::Pid => Line::from(format!("{}{}", self.marker, self.pid)),
            Col::Name => Line::from(self.name.clone()),
            Col::Role => Line::from(self.role),
            Col::State => {
                let words = match fit.state {
                    Words::Full => &self.state[0],
                    Words::Short => &self.state[1],
                    Words::Tiny => &self.state[2],
                    Words::Class => &self.state[3],
                };
                Line::from(vec![
                    Span::styled(self.state_glyph, self.state_style),
                    Span::raw(" "),
                    Span::styled(words.clone(), self.state_style),
                ])
            }
            Col::Kernel => {
                let full = fit.kernel == Words::Full;
                let words = self.kernel[usize::from(!full)];
                let mut spans = vec![match self.letter {
                    Some(c) => Span::styled(format!("{c} {words}"), self.kernel_style),
                    None => Span::styled(words, self.kernel_style),
                }];
                if self.differs {
                    let mark = disagree_mark(theme);
                    let flag = if full {
                        format!(" {mark} {}", text::words().disagrees())
                    } else {
                        format!(" {mark}")
                    };
                    spans.push(Span::styled(flag, theme.warn()));
                }
                Line::from(spans)
            }
            Col::Item => Line::from(self.item.clone()),
            Col::Done => Line::from(self.done.clone()).right_aligned(),
            Col::Blocked => Line::from(self.blocked.clone()).right_aligned(),
            Col::Exit => Line::from(self.exit.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, QueueConfig, Scenario};
    use crate::stream::{Event, KernelRow, KernelWait, Kind, Observation, Role};
    use crate::ui::layout;
    use crate::ui::testkit::{Fixture, pipe_app, queue_app, render_text};

    fn area_at(w: u16, h: u16) -> Rect {
        layout::areas(Rect::new(0, 0, w, h)).unwrap().processes
    }

    fn draw(app: &Fixture, area: Rect) -> String {
        render_text(app, area.width, area.height, render)
    }

    /// The queue lesson with `n` extra writers, so the rows overflow.
    fn crowded(n: u16) -> Fixture {
        let mut app = queue_app();
        for i in 0..n {
            let id = 10 + i;
            let ev = Event::new(
                3_000_000_000,
                id,
                7000 + i as i32,
                Kind::Spawn {
                    name: format!("writer-{}", 3 + i),
                    role: Role::Writer,
                },
            );
            app.apply(ev);
        }
        app
    }

    #[test]
    fn processes_snapshot_at_80x24() {
        let a = area_at(80, 24);
        insta::assert_snapshot!(draw(&queue_app(), a));
    }

    #[test]
    fn processes_snapshot_at_160x48() {
        let a = area_at(160, 48);
        insta::assert_snapshot!(draw(&queue_app(), a));
    }

    #[test]
    fn processes_snapshot_of_the_pipe_at_160x48() {
        let a = area_at(160, 48);
        insta::assert_snapshot!(draw(&pipe_app(), a));
    }

    #[test]
    fn processes_show_writer_2_blocked_and_the_kernel_waiting_for_space() {
        let a = area_at(160, 48);
        let text = draw(&queue_app(), a);
        let line = text
            .lines()
            .find(|l| l.contains("writer-2"))
            .expect("writer-2 row");
        assert!(line.contains("BLOCKED put: queue full"), "{line}");
        assert!(line.contains("S waiting for space"), "{line}");
        assert!(line.contains("url_6"), "{line}");

        let a = area_at(80, 24);
        let text = draw(&queue_app(), a);
        let line = text.lines().find(|l| l.contains("writer-2")).unwrap();
        assert!(line.contains("BLOCKED"), "{line}");
        assert!(line.contains("S wait space"), "{line}");
    }

    /// Once reaped, a process is gone from the kernel: its last sample
    /// ("S waiting for space") is not shown as if it were still true.
    #[test]
    fn an_ended_process_is_gone_from_the_kernel_not_its_last_sample() {
        let mut app = queue_app();
        let id = app
            .scene
            .world
            .procs
            .iter()
            .find(|p| p.name == "writer-2")
            .unwrap()
            .id;
        let pid = app.scene.world.proc(id).unwrap().pid;
        app.ev(
            9_000,
            id,
            pid,
            crate::stream::Kind::Exit {
                ended: Ended::Signal(9),
            },
        );
        let text = draw(&app, area_at(160, 48));
        let line = text.lines().find(|l| l.contains("writer-2")).unwrap();
        assert!(line.contains("gone"), "{line}");
        assert!(!line.contains("waiting for space"), "{line}");
    }

    #[test]
    fn processes_at_80_columns_keep_the_essential_columns() {
        let a = area_at(80, 24);
        let text = draw(&queue_app(), a);
        let heading = text.lines().nth(1).unwrap();
        for h in ["PID", "name", "reported", "kernel", "done"] {
            assert!(heading.contains(h), "{heading}");
        }
        assert!(text.contains("▸####"), "selection marker:\n{text}");
    }

    #[test]
    fn the_parent_is_a_row_under_its_children_blocked_in_join_the_kernel_saying_wait4() {
        let app = queue_app();
        let a = Rect::new(0, 0, 60, 8);
        let t = draw(&app, a);
        let rows: Vec<&str> = t.lines().collect();
        // The frame, the heading, three children, then the parent.
        let parent = rows[5];
        assert!(parent.contains("parent"), "{t}");
        assert!(parent.contains("■ BLOCKED"), "{t}");
        assert!(parent.contains("S wait4"), "{t}");
        assert!(
            rows[3].contains("BLOCKED put"),
            "a child's words stay whole:\n{t}"
        );
        // A click there selects nothing.
        assert_eq!(row_at(&app.view(), a, 5), None);
        // No room left under the children: no parent row.
        let t = draw(&app, Rect::new(0, 0, 60, 6));
        assert!(!t.contains("parent"), "{t}");
    }

    #[test]
    fn row_at_maps_rows_to_the_processes_drawn_there() {
        let app = queue_app();
        let a = Rect::new(3, 10, 50, 8);
        let buf = {
            let mut b = Buffer::empty(Rect::new(0, 0, 60, 20));
            render(&app.view(), &Theme::plain(), a, &mut b);
            b
        };
        let row_text =
            |y: u16| -> String { (a.x..a.right()).map(|x| buf[(x, y)].symbol()).collect() };
        let mut found = 0;
        for y in 0..20 {
            match row_at(&app.view(), a, y) {
                Some(id) => {
                    let name = &app.scene.world.proc(id).unwrap().name;
                    assert!(row_text(y).contains(name.as_str()), "row {y}: {name}");
                    found += 1;
                }
                None => {
                    let t = row_text(y);
                    assert!(!t.contains("writer-") && !t.contains("reader-"), "{t}");
                }
            }
        }
        assert_eq!(found, 3);
        assert_eq!(
            row_at(&app.view(), a, 12),
            Some(0),
            "first row under the heading"
        );
        assert_eq!(row_at(&app.view(), a, 14), Some(2), "readers come last");
        assert_eq!(row_at(&app.view(), a, 11), None, "the heading");
    }

    #[test]
    fn overflowing_rows_scroll_to_the_selection_and_say_how_many_more() {
        let mut app = crowded(6);
        let a = area_at(80, 24);
        let text = draw(&app, a);
        assert!(text.contains("+4 more"), "{text}");
        assert!(text.contains("writer-2"));

        // Select the reader (last in display order): it must be on screen,
        // and row_at must agree with what was drawn.
        app.controls.selected = Some(2);
        let text = draw(&app, a);
        let lines: Vec<&str> = text.lines().collect();
        let y = lines
            .iter()
            .position(|l| l.contains("reader-1"))
            .expect("selected row visible") as u16;
        assert_eq!(row_at(&app.view(), a, a.y + y), Some(2));
        assert!(!text.contains("writer-1"), "scrolled past the top:\n{text}");
        assert!(text.contains("+4 more"));
    }

    #[test]
    fn a_disagreement_is_marked_with_a_sign_and_a_word() {
        let mut app = queue_app();
        let row = |proc, pid, wait| KernelRow {
            proc,
            pid,
            state: 'S',
            wait,
            wchan: None,
        };
        for t in [2800, 3200] {
            app.tick(t);
            app.observe(Observation {
                kernel: Some(vec![
                    row(0, 4101, KernelWait::Sleeping),
                    row(1, 4102, KernelWait::Sleeping),
                    row(2, 4103, KernelWait::Sleeping),
                ]),
                ..Observation::default()
            });
        }
        assert!(app.scene.disagreement(1));
        let text = draw(&app, area_at(160, 48));
        let line = text.lines().find(|l| l.contains("writer-2")).unwrap();
        assert!(line.contains("S sleeping ≠ differs"), "{line}");

        // Narrow: the mark in the row, its meaning on the frame.
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        let a = area_at(80, 24);
        let mut buf = Buffer::empty(a);
        render(&app.view(), &ascii, a, &mut buf);
        let line = |y: u16| -> String { (a.x..a.right()).map(|x| buf[(x, y)].symbol()).collect() };
        let writer_2 = (a.y..a.bottom()).map(line).find(|l| l.contains("writer-2"));
        assert!(writer_2.unwrap().contains("S sleeping !="));
        assert!(line(a.bottom() - 1).contains("!= kernel differs from report"));
    }

    #[test]
    fn a_delay_scale_other_than_1_is_shown_beside_the_name() {
        let mut app = queue_app();
        app.ev(2_800, 0, 4101, Kind::DelayScaled { scale: 1.5 });
        app.ev(2_800, 1, 4102, Kind::DelayScaled { scale: 0.444 });
        for (w, h) in [(80, 24), (160, 48)] {
            let text = draw(&app, area_at(w, h));
            let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap();
            assert!(row("writer-1").contains("writer-1 x1.5 "), "{text}");
            assert!(row("writer-2").contains("writer-2 x0.44 "), "{text}");
            assert!(!row("reader-1").contains(" x"), "{text}");
        }
        app.ev(2_900, 0, 4101, Kind::DelayScaled { scale: 1.0 });
        let text = draw(&app, area_at(160, 48));
        assert!(!text.contains("x1"), "back to as configured:\n{text}");
    }

    #[test]
    fn ended_processes_say_how_they_ended() {
        let mut app = queue_app();
        let exit = Event::new(
            2_800_000_000,
            2,
            4103,
            Kind::Exit {
                ended: crate::stream::Ended::Signal(9),
            },
        );
        app.apply(exit);
        let wide = draw(&app, area_at(160, 48));
        assert!(wide.contains("killed by SIGKILL"), "{wide}");
        let narrow = draw(&app, area_at(80, 24));
        let line = narrow.lines().find(|l| l.contains("reader-1")).unwrap();
        assert!(line.contains("✝ killed"), "{line}");
    }

    /// The forgotten close, watched: each blocked process's row says whom
    /// it waits for and that it waits forever, as the stage does; in the
    /// classroom in the stage's whole sentence.
    #[test]
    fn a_watched_program_s_blocked_rows_say_whom_they_wait_for_and_forever() {
        use crate::ui::testkit::{classroom, program_stuck_app};
        let narrow = draw(&program_stuck_app(), area_at(100, 30));
        for name in ["### MainProcess", "### Process-2"] {
            let row = narrow.lines().find(|l| l.contains(name)).unwrap();
            assert!(row.contains("forever ←"), "{narrow}");
        }
        for (w, h) in [(160, 48), (120, 40)] {
            let text = draw(&program_stuck_app(), area_at(w, h));
            // The row that starts with the name (another's may name it).
            let row = |name: &str| {
                let named = format!("### {name}");
                text.lines()
                    .find(|l| l.contains(&named))
                    .unwrap()
                    .to_string()
            };
            assert!(
                row("Process-2").contains("forever ← MainProcess, itself"),
                "{w}x{h}:\n{text}"
            );
            assert!(
                row("MainProcess").contains("forever ← Process-2"),
                "{w}x{h}:\n{text}"
            );
            assert!(!row("Process-1").contains('←'), "it has ended:\n{text}");
        }
        let app = classroom(program_stuck_app());
        let text = draw(&app, area_at(200, 48));
        let row = text.lines().find(|l| l.contains("### Process-2")).unwrap();
        assert!(
            row.contains("waits for a message forever: only MainProcess, itself"),
            "{text}"
        );
    }

    #[test]
    fn ascii_processes_are_pure_ascii() {
        let ascii = Theme {
            color: false,
            ascii: true,
            contrast: false,
        };
        for (w, h) in [(80, 24), (160, 48)] {
            let a = area_at(w, h);
            let mut buf = Buffer::empty(a);
            render(&queue_app().view(), &ascii, a, &mut buf);
            for c in buf.content.iter() {
                assert!(c.symbol().is_ascii(), "{:?} at {w}x{h}", c.symbol());
            }
        }
    }

    #[test]
    fn the_classroom_row_is_pid_name_and_state_whole_even_with_long_pids() {
        let mut app = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        app.spawn(0, 0, 4_194_301, "writer-1", Role::Writer);
        app.spawn(0, 1, 4_194_302, "writer-10", Role::Writer);
        app.spawn(0, 2, 4_194_303, "reader-1", Role::Reader);
        app.ev(10, 0, 4_194_301, Kind::DelayScaled { scale: 0.05 });
        let wait = Event::new(20_000_000, 1, 4_194_302, Kind::PutWait).with_item("url_9");
        app.apply(wait);
        app.ev(30, 2, 4_194_303, Kind::GetWait);
        app.controls.set_classroom(true);
        // Beside the program, at 100x30: the narrowest a class meets.
        let shape = layout::Shape {
            code: true,
            classroom: true,
            ..Default::default()
        };
        let a = layout::areas_shaped(Rect::new(0, 0, 100, 30), shape).unwrap();
        for lang in crate::config::Lang::ALL {
            let text = crate::text::with_lang(lang, || draw(&app, a.processes));
            let w = crate::text::table(lang);
            let heading = text.lines().nth(1).unwrap();
            assert!(heading.contains(w.process_headings().state), "{text}");
            assert!(!heading.contains(w.process_headings().kernel), "{text}");
            for p in &app.scene.world.procs {
                let row = text.lines().find(|l| l.contains(&p.name)).unwrap();
                let state = w.activity(&p.activity, 0);
                assert!(row.contains(state), "{lang:?} {state}:\n{text}");
                assert!(row.contains("#######"), "the PID whole:\n{text}");
                assert!(!row.contains("x0.05"), "name, PID and state only");
            }
        }
    }

    #[test]
    fn in_the_classroom_a_frozen_world_says_stopped_as_the_stage_does() {
        let mut app = queue_app();
        app.ev(2_800, crate::stream::SUPERVISOR, 1, Kind::Frozen);
        app.controls.set_classroom(true);
        let text = draw(&app, area_at(100, 30));
        let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
        assert!(row("writer-1").contains("‖ stopped (SIGSTOP)"), "{text}");
        assert!(
            row("writer-2").contains("■ BLOCKED put: queue full"),
            "{text}"
        );
        // Out of the classroom, the kernel's column says it (T stopped).
        app.controls.classroom = false;
        let text = draw(&app, area_at(100, 30));
        assert!(!text.contains("SIGSTOP"), "{text}");
    }

    #[test]
    fn tiny_areas_and_empty_models_do_not_panic() {
        let empty = Fixture::new(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        for app in [&empty, &queue_app(), &crowded(3)] {
            for (w, h) in [(1, 1), (2, 2), (3, 3), (10, 2), (5, 10), (50, 3), (200, 4)] {
                let _ = render_text(app, w, h, render);
                for y in 0..h + 2 {
                    let _ = row_at(&app.view(), Rect::new(0, 0, w, h), y);
                }
            }
        }
        assert_eq!(row_at(&empty.view(), Rect::new(0, 0, 50, 8), 2), None);
    }
}
