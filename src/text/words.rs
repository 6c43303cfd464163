//! The words ipcscope says, as traits: one method per sentence (or family
//! of sentences, with arguments for what varies), grouped by subject.
//! Each language is one table implementing them all ([`super::en`],
//! [`super::zh`]), so a sentence missing from a language does not compile.
//!
//! What a table does not hold, because it is the same in every language:
//! the Python programs' own prints ([`super::prints`]), Python names
//! (`queue.Full`, `put`, `EOFError`, `v.value += 1`, `maxsize`,
//! `Process(PID)`), signal names, numbers with their units (`2.6s`,
//! `64 KiB`, `x1.5`), key names and process names (`writer-1`).
//!
//! The logic that picks a sentence (which event, which branch, how a
//! summary is assembled) is shared, in the modules beside this one; a
//! table only says a sentence.

use std::fmt::Display;
use std::path::Path;

use crate::model::ScenarioKind;
use crate::model::digest::Repeated;
use crate::model::parent::ParentAt;
use crate::model::world::Activity;
use crate::outfile::{Kind as FileKind, What};
use crate::stream::run::Then;
use crate::stream::{Attempt, Ended, KernelWait, PipeCall, PipeEnd, Role};

/// Every sentence, in one language.
pub trait Words:
    TranscriptWords
    + NoticeWords
    + ScreenWords
    + StageWords
    + ErrorWords
    + LessonWords
    + LessonFileWords
    + AttachWords
    + PipeWords
    + RaceWords
    + PolicyWords
    + WaitWords
    + ParentWords
    + FeederWords
{
}

impl<
    T: TranscriptWords
        + NoticeWords
        + ScreenWords
        + StageWords
        + ErrorWords
        + LessonWords
        + LessonFileWords
        + AttachWords
        + PipeWords
        + RaceWords
        + PolicyWords
        + WaitWords
        + ParentWords
        + FeederWords,
> Words for T
{
}

/// (key, what it does), as the help overlay, the footer and the README
/// show them. Keys are the same in every language (they are what is
/// printed on the keyboard, `space` aside: see [`ScreenWords::key_name`]).
pub type KeyTable = &'static [(&'static str, &'static str)];

/// The transcript (headless and the event log), the supervisor's notes and
/// the closing summary.
pub trait TranscriptWords: Sync {
    // -- events (the lesson's own prints are in `prints`) --
    /// A sender starts: `Process(952) is sending...`.
    fn sending(&self, pid: i32) -> String;
    /// A receiver starts.
    fn receiving(&self, pid: i32) -> String;
    /// A counter starts, with or without the lock (the code it runs).
    fn counting(&self, pid: i32, lock: bool) -> String;
    /// A put waits: an unbounded queue's physical ring is full.
    fn put_wait_ring(&self, pid: i32, item: &str, depth: u32, capacity: u32) -> String;
    /// A put waits: the queue holds more than maxsize (it was lowered).
    fn put_wait_over(&self, pid: i32, item: &str, depth: u32, maxsize: u32) -> String;
    /// A put waits: the queue is full at maxsize.
    fn put_wait_full(&self, pid: i32, item: &str, depth: u32, maxsize: u32) -> String;
    /// A get waits: the queue is empty.
    fn get_wait(&self, pid: i32) -> String;
    /// A send waits: the pipe is full.
    fn send_wait(&self, pid: i32, item: &str) -> String;
    /// A recv waits: nothing in the pipe.
    fn recv_wait(&self, pid: i32) -> String;
    /// recv raised `EOFError`.
    fn recv_eof(&self, pid: i32) -> String;
    /// A writer died putting `item` while holding the lock; `by` repaired it.
    fn lost_holding_lock(&self, dead: i32, by: i32, item: &str) -> String;
    /// A writer died putting `item` (not holding the lock).
    fn lost_putting(&self, dead: i32, item: &str) -> String;
    /// `by` recovered the lock a dead process held; nothing lost.
    fn lock_recovered(&self, dead: i32, by: i32) -> String;
    /// The parent sent `signal` (its name) to a process.
    fn parent_sent(&self, target: i32, signal: &str) -> String;
    /// A counter finished its increments.
    fn count_done(&self, pid: i32, done: u64, value: i64) -> String;
    /// A writer was stopped while waiting to put `item`.
    fn gave_up(&self, pid: i32, item: &str) -> String;
    /// A process was killed by SIGKILL.
    fn exit_killed(&self, pid: i32, name: &str) -> String;
    /// A process was terminated by `signal`.
    fn exit_terminated(&self, pid: i32, name: &str, signal: &str) -> String;
    /// A process exited with code 0.
    fn exit_ok(&self, pid: i32, name: &str) -> String;
    /// A process exited with another code.
    fn exit_code(&self, pid: i32, name: &str, code: i32) -> String;
    /// A process printed a line of its own.
    fn printed(&self, pid: i32, text: &str) -> String;
    /// The world was frozen.
    fn frozen(&self) -> String;
    /// The world resumed.
    fn resumed(&self) -> String;
    /// maxsize was set to 0 (unbounded).
    fn maxsize_unbounded(&self) -> String;
    /// maxsize was set to `maxsize`.
    fn maxsize_set(&self, maxsize: u32) -> String;
    /// Operations too fast to tell one by one.
    fn missed(&self, puts: u64, gets: u64) -> String;

    // -- the supervisor's notes --
    fn interrupted(&self) -> String;
    /// Readers did not drain the queue in time.
    fn drain_timeout(&self, left: u64) -> String;
    /// The receiver waits forever: the parent holds the send end.
    fn forgotten_send_end(&self, receiver: i32, waited_s: f64) -> String;
    /// Writers wait on a full queue, no reader left.
    fn no_progress_full(&self) -> String;
    /// Readers wait on an empty queue, no writer left.
    fn no_progress_empty(&self) -> String;
    /// A command failed, in the system's words (a recording made before
    /// [`Self::could_not`]; and a restart that failed).
    fn could_not_do(&self, what: &str) -> String;
    /// The supervisor could not do what it `tried`: `error` is the OS's
    /// errno by name (`EAGAIN`), or an error of ipcscope's own.
    fn could_not(&self, tried: Attempt, error: &str) -> String;
    /// No more processes on one queue.
    fn at_limit(&self, limit: u32) -> String;
    /// No more processes in this run: it has started `slots` over its life.
    fn no_slot_left(&self, slots: u32) -> String;

    // -- how a process ended, in a few words --
    fn still_running(&self) -> String;
    /// Exited on its own after saying so.
    fn exited(&self) -> String;
    /// Exited with code 0 without saying it would.
    fn exited_code_0(&self) -> String;
    fn exited_with(&self, code: i32) -> String;
    fn killed_by_sigkill(&self) -> String;
    fn terminated_by(&self, signal: &str) -> String;

    // -- the summary --
    /// What a process of `role` counts: "put", "got", ... (not the supervisor).
    fn role_done(&self, role: Role) -> &'static str;
    fn summary_header(&self) -> String;
    /// The queue's totals; `maxsize` 0 is unbounded.
    fn queue_summary(&self, puts: u64, gets: u64, left: usize, maxsize: u32) -> String;
    fn left_in_queue(&self, labels: &[String]) -> String;
    /// Items lost with killed processes: (item, name, pid).
    fn lost_items(&self, list: &[(String, String, i32)]) -> String;
    fn pipe_summary(&self, sent: u64, received: u64, eof: bool) -> String;
    /// `lost` updates out of `expected`, `pct` percent.
    fn counter_summary(
        &self,
        expected: u64,
        actual: i64,
        lost: i64,
        pct: f64,
        lock: bool,
    ) -> String;
    /// One process's line: name, PID, what it did, timeouts (`extra`), how it ended.
    fn summary_proc(
        &self,
        name: &str,
        pid: i32,
        done: (&str, u64),
        extra: &str,
        ended: &str,
    ) -> String;
    /// The timeouts a writer (`full`) or a reader raised, after its count.
    fn summary_timeouts(&self, full: bool, n: u64) -> String;
    fn telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String;
    /// A recording falls behind the run (said once, live).
    fn recording_gaps(&self, path: &Path) -> String;
    /// How many records a recording left out.
    fn recording_gaps_summary(&self, path: &Path, dropped: u64) -> String;
    fn recoveries_summary(&self, n: u64) -> String;
}

/// Notices (consequences shown for a while) and hints (answers to a key).
pub trait NoticeWords: Sync {
    fn notice_killed(&self, name: &str, pid: i32) -> String;
    fn notice_terminated(&self, name: &str, pid: i32, signal: &str) -> String;
    fn notice_exit_code(&self, name: &str, pid: i32, code: i32) -> String;
    /// `item` died with the writer putting it.
    fn notice_lost(&self, item: &str, who: &str, pid: i32) -> String;
    fn notice_lock_repaired(&self, who: &str, pid: i32) -> String;
    /// A timeout ran out while the world was frozen (`full`: a put's).
    fn notice_timeout_after_resume(&self, name: &str, full: bool) -> String;
    /// A scenario's name, as the header and the hints say it.
    fn scenario_name(&self, kind: ScenarioKind) -> &'static str;
    /// A key does nothing in this scenario.
    fn hint_not_here(&self, key: &str, scenario: &str) -> String;
    fn hint_nothing_to_remove(&self) -> String;
    fn hint_no_reader_to_remove(&self) -> String;
    fn hint_select_living(&self) -> String;
    fn hint_select_to_step(&self) -> String;
    fn hint_freeze_first(&self) -> String;
    fn hint_nothing_to_slow(&self, name: &str) -> String;
    fn hint_replay(&self) -> String;
    fn hint_not_a_replay(&self) -> String;
    fn hint_not_a_lesson(&self) -> String;
    fn hint_lesson_keeps_scenario(&self) -> String;
    /// `c` with no program that is this run (its calls' arguments differ).
    fn hint_no_program(&self) -> String;
}

/// The screen: header, footer, help, the processes panel, the scenario
/// panel, the log's frame and the timeline.
pub trait ScreenWords: Sync {
    fn too_small(&self, w: u16, h: u16, min_w: u16, min_h: u16) -> String;
    /// What a process is doing (`maxsize` 0: a put waits on the ring).
    fn activity(&self, a: &Activity, maxsize: u32) -> &'static str;
    /// The same, in fewer words.
    fn activity_short(&self, a: &Activity) -> &'static str;
    /// The same, in one word (blocked states all say "blocked").
    fn activity_tiny(&self, a: &Activity) -> &'static str;
    fn not_a_terminal(&self) -> String;
    /// Marks keys that do nothing here.
    fn not_applicable(&self) -> &'static str;
    /// Every live key and what it does.
    fn key_help(&self) -> KeyTable;
    /// Every replay key and what it does.
    fn replay_key_help(&self) -> KeyTable;
    /// The footer's keys, one word each, most useful first.
    fn footer_keys(&self) -> KeyTable;
    /// A replay's footer keys.
    fn replay_footer_keys(&self) -> KeyTable;
    /// A key as shown on screen (the tables name keys in English).
    fn key_name(&self, key: &'static str) -> &'static str;
    /// The footer's word for space while frozen.
    fn footer_resume(&self) -> &'static str;
    /// The footer's word for +/- in the counter scenario.
    fn footer_counters(&self) -> &'static str;
    fn help_title(&self) -> &'static str;
    fn help_kernel_letters(&self) -> &'static str;
    /// Explains the disagreement mark (`mark` is ≠ or !=).
    fn help_disagreement(&self, mark: &str) -> String;
    fn running(&self) -> &'static str;
    fn frozen_world(&self) -> &'static str;
    fn frozen_short(&self) -> &'static str;
    fn finished_eof(&self) -> String;
    fn finished_clean(&self) -> String;
    /// Every process ended; `name` last, `how`.
    fn finished_last(&self, name: &str, how: &str) -> String;
    fn finished_all(&self) -> String;
    fn finished_short(&self) -> &'static str;
    fn stuck_full_no_reader(&self) -> &'static str;
    fn stuck_empty_no_writer(&self) -> &'static str;
    fn stuck_send_end(&self) -> &'static str;
    fn stuck_short(&self) -> &'static str;
    fn replay_tag(&self) -> &'static str;
    fn view_frozen(&self) -> &'static str;
    /// Slow motion, e.g. "slow x2.3".
    fn slow_motion(&self, factor: f64) -> String;
    fn fast(&self) -> &'static str;
    fn fast_short(&self) -> &'static str;
    fn lag(&self, ms: u64) -> String;
    fn dropped(&self, n: u64) -> String;
    fn late(&self, n: u64) -> String;
    fn processes_title(&self, n: usize) -> String;
    /// Rows that did not fit in the processes panel.
    fn more_rows(&self, n: usize) -> String;
    fn process_headings(&self) -> ProcessHeadings;
    /// A role's name (the processes panel's role column).
    fn role_name(&self, role: Role) -> &'static str;
    /// How a process ended, in one or two words.
    fn ended_short(&self, e: Ended) -> String;
    /// A signal sent to a process that has not ended yet.
    fn signal_sent(&self, signal: &str) -> String;
    /// The kernel's classified wait (`short` for a narrow panel).
    fn kernel_wait(&self, w: &KernelWait, short: bool) -> &'static str;
    fn kernel_unseen(&self, short: bool) -> &'static str;
    /// The word beside the ≠ mark.
    fn disagrees(&self) -> &'static str;
    fn disagree_legend(&self, mark: &str) -> String;
    fn log_title(&self) -> &'static str;
    /// Who a supervisor line is from.
    fn log_parent(&self) -> &'static str;
    /// The classroom's log: `n` operations `op` summarised in one line,
    /// by `who` (`None` when the log's name column says it), naming the
    /// first item and the last (`span`, when they are short; not a range:
    /// the items need not follow each other), and with `why` what a wait
    /// or a timeout met (left out when the line would not fit).
    fn burst(
        &self,
        who: Option<&str>,
        op: Repeated,
        n: usize,
        span: Option<(&str, &str)>,
        why: bool,
    ) -> String;
    fn queue_title(&self, maxsize: u32) -> String;
    fn depth_label(&self, depth: u64, maxsize: u32, capacity: usize) -> String;
    fn gauge_empty(&self) -> &'static str;
    fn gauge_full(&self) -> &'static str;
    fn depth_history(&self, secs: f64) -> String;
    /// The words for moving in and out of the pipe (`pipe`) or the queue.
    fn flow_words(&self, pipe: bool) -> (&'static str, &'static str);
    fn queue_waiters(&self, put: u32, get: u32) -> String;
    fn raised(&self, full: u64, empty: u64) -> String;
    /// `lost`: the items named; `count`: all that were lost (more when
    /// some were counted only).
    fn recovered_lost(&self, recoveries: u64, lost: &[String], count: u64) -> String;
    fn pipe_title(&self) -> &'static str;
    /// Bytes buffered (`capacity` already short, e.g. "64 KiB").
    fn pipe_label(&self, bytes: Option<u64>, capacity: Option<&str>) -> String;
    /// Messages in the pipe; their labels when `labels` is not empty.
    fn in_flight(&self, n: usize, labels: &[String]) -> String;
    fn eof(&self, seen: bool) -> &'static str;
    /// Who holds the send end (`send`) or the receive end.
    fn holders(&self, send: bool, names: &[String]) -> String;
    fn counter_title(&self, lock: bool) -> &'static str;
    fn expected(&self, n: u64) -> String;
    fn actual(&self, n: i64) -> String;
    fn lost_updates(&self, lost: u64, pct: f64) -> String;
    fn counter_lock(&self, lock: bool) -> &'static str;
    fn counter_label(&self, actual: i64, expected: u64) -> String;
    fn parent_holder(&self) -> &'static str;
    fn timeline_state(&self, playing: bool, speed: f64, at_s: f64, end_s: f64) -> String;
    fn timeline_records(&self, position: u64, total: u64) -> String;
}

/// The stage's words: titles, captions and labels on the picture.
pub trait StageWords: Sync {
    /// The title of an unbounded queue (`Queue()` and a word).
    fn stage_queue_unbounded(&self) -> &'static str;
    fn stage_pipe_title(&self, duplex: bool) -> &'static str;
    fn stage_counter_title(&self, lock: bool) -> &'static str;
    fn stage_stopped(&self) -> &'static str;
    /// The item a blocked writer (or sender) holds.
    fn stage_pressing(&self, item: &str) -> String;
    /// What a process has done and the last item: `word` (see
    /// [`TranscriptWords::role_done`]).
    fn stage_done_last(&self, word: &str, done: u64, last: &str) -> String;
    fn stage_lost_with(&self, item: &str) -> String;
    /// Processes that did not fit.
    fn stage_more(&self, n: usize) -> String;
    /// Items over maxsize not drawn, most words to fewest.
    fn stage_over_maxsize(&self, n: usize) -> [String; 3];
    fn stage_hidden_slots(&self, n: usize) -> String;
    fn stage_hidden_items(&self, n: usize) -> String;
    /// Messages the view does not follow one by one.
    fn stage_untracked(&self, n: u64) -> String;
    /// A delay scale, e.g. "delay x1.5" (`x` already formatted).
    fn delay_scale(&self, x: &str) -> String;
    fn stage_nobody(&self) -> &'static str;
    fn stage_tail(&self) -> &'static str;
    fn stage_head(&self) -> &'static str;
    fn stage_depth_unbounded(&self, depth: usize) -> String;
    fn stage_depth_over(&self, depth: usize, maxsize: u32, over: usize) -> String;
    fn stage_depth_full(&self, depth: usize, maxsize: u32) -> String;
    fn stage_depth_empty(&self, maxsize: u32) -> String;
    fn stage_depth(&self, depth: usize, maxsize: u32) -> String;
    fn stage_depth_short_unbounded(&self, depth: usize) -> String;
    fn stage_depth_short_over(&self, depth: usize, maxsize: u32, over: usize) -> String;
    fn stage_fast(&self, rate_in: usize, rate_out: usize) -> String;
    fn stage_pipe_ends(&self) -> (&'static str, &'static str);
    fn stage_pipe_bytes(&self, bytes: Option<u64>, capacity: Option<u64>) -> String;
    fn stage_pipe_way(&self, duplex: bool) -> &'static str;
    /// Two facts on one line (the pipe's bytes and its way, the queue's
    /// depth and what is not drawn).
    fn stage_both(&self, first: &str, second: &str) -> String;
    fn stage_eof(&self) -> &'static str;
    fn stage_held_by(&self, send: bool) -> &'static str;
    fn stage_not_sampled(&self) -> &'static str;
    fn stage_parent_holds_send(&self, short: bool) -> &'static str;
    fn stage_expected_actual(&self, expected: u64, actual: i64) -> String;
    fn stage_lost(&self, lost: u64, pct: f64) -> String;
    /// Why updates are lost, or why none are (`lost`: some were).
    fn stage_lock(&self, lock: bool, lost: bool) -> &'static str;
}

/// ipcscope's own error messages (the system's and the libraries' words
/// inside them stay as they are).
pub trait ErrorWords: Sync {
    /// An output file, as errors name it.
    fn output_what(&self, what: What) -> &'static str;
    fn cannot_write(&self, what: &str, path: &Path, reason: &str) -> String;
    fn is_symbolic_link(&self) -> String;
    fn not_regular(&self, kind: FileKind) -> String;
    fn trailing_slash(&self) -> String;
    fn already_exists(&self) -> String;
    fn no_directory(&self, dir: &Path) -> String;
    fn not_a_directory(&self, path: &Path) -> String;
    fn permission_denied(&self) -> String;
    fn read_only(&self) -> String;
    fn cannot_read(&self, path: &Path, why: &dyn Display) -> String;
    fn recording_is_directory(&self, path: &Path) -> String;
    fn recording_empty(&self, path: &Path) -> String;
    fn recording_not_a_file(&self, path: &Path, kind: crate::recording::reader::NotAFile)
    -> String;
    /// A record's time no clock shows (a damaged record).
    fn time_out_of_range(&self, ns: u64) -> String;
    /// Line 1 of `path` is not a recording header.
    fn not_a_recording(&self, path: &Path) -> String;
    fn recording_version(&self, path: &Path, found: u32, reads: u32) -> String;
    fn empty_line(&self) -> String;
    fn binary_line(&self) -> String;
    fn not_a_record(&self, why: &dyn Display) -> String;
    fn cut_off(&self) -> String;
    fn no_run(&self, path: &Path) -> String;
    fn cannot_watch_signals(&self, why: &dyn Display) -> String;
    fn cannot_set_up_terminal(&self, why: &dyn Display) -> String;
    /// An output failed; the run carries on without it.
    fn goes_on_without(&self, error: &dyn Display) -> String;
    fn cannot_create_shared(&self, why: &dyn Display) -> String;
    fn cannot_start_child(&self, why: &dyn Display) -> String;
    fn too_many_processes(&self, writers: u32, readers: u32, max: u32) -> String;
    fn same_trace_and_record(&self, path: &Path) -> String;
    fn export_onto_recording(&self, path: &Path) -> String;
    /// A delay bound (in `text`) below 0 or over `max` seconds.
    fn delay_out_of_range(&self, text: &str, max: f64) -> String;
    fn not_a_delay(&self, text: &str) -> String;
    /// A delay whose first bound exceeds the second.
    fn empty_delay(&self, text: &str) -> String;
    fn timeout_out_of_range(&self, text: &str, max: f64) -> String;
    fn negative_timeout(&self, text: &str, max: f64) -> String;
    fn not_seconds(&self, text: &str, max: f64) -> String;
}

/// Column headings of the processes panel (`PID` is the same everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessHeadings {
    pub name: &'static str,
    pub role: &'static str,
    pub reported: &'static str,
    /// The state alone (the classroom, without the kernel's column).
    pub state: &'static str,
    pub kernel: &'static str,
    pub item: &'static str,
    pub done: &'static str,
    pub blocked: &'static str,
    pub exit: &'static str,
}

/// Around lessons (their own texts are in their files): listings, the
/// check, the handout, the caption bar, the program panel, the menu.
pub trait LessonWords: Sync {
    /// `5 scenes` in a listing.
    fn scene_count(&self, n: usize) -> String;
    /// `lesson --check`'s answer for a good file of `n` scenes.
    fn lesson_ok(&self, n: usize) -> String;
    /// Before a problem that does not stop a lesson.
    fn warning(&self) -> &'static str;
    /// The handout's line for scene `n` (from 1).
    fn scene_line(&self, n: usize, caption: &str) -> String;
    /// The handout's line for a scene's question.
    fn question_line(&self, prompt: &str) -> String;
    /// The handout's title line: the lesson's title and its program's file.
    fn handout_title(&self, title: &str, program: &str) -> String;
    /// A headless lesson: the run shows the answer to scene `n`'s
    /// question here (the handout does not say which).
    fn answered_here(&self, n: usize) -> String;
    /// A headless lesson: the run did not show the answer to scene `n`'s
    /// question in time; the lesson goes on.
    fn not_answered(&self, n: usize) -> String;
    /// The caption bar's title: scene `i` of `n` (from 1).
    fn scene_of(&self, i: usize, n: usize) -> String;
    /// The caption bar's keys (the last scene has no next).
    fn scene_keys(&self, last: bool) -> &'static str;
    /// Under an open question with `n` choices.
    fn answer_keys(&self, n: usize) -> String;
    /// The class chose `choice`; the world runs until the answer shows.
    fn answered(&self, choice: usize) -> String;
    /// The teacher skipped the question; the world runs until it shows.
    fn skipped(&self) -> &'static str;
    /// The same, for a question the class answers by stepping the frozen
    /// processes (`None`: skipped): the world stays frozen.
    fn answered_by_hand(&self, choice: Option<usize>) -> String;
    /// The run showed it: the class's answer was right.
    fn right(&self, choice: usize) -> String;
    /// The run showed it: the class chose `choice`, the answer is `answer`.
    fn wrong(&self, choice: usize, answer: usize) -> String;
    /// The run showed it (the question was skipped).
    fn the_answer(&self, answer: usize) -> String;
    /// The program panel's title: the lesson's program.
    fn program_title(&self, file: &str) -> String;
    /// The program panel's title: the program a plain scenario stands for.
    fn stands_for_title(&self, file: &str) -> String;
    /// The program panel's legend: a process is on this line.
    fn code_here(&self) -> &'static str;
    /// The program panel's legend: a process is blocked on this line.
    fn code_blocked(&self) -> &'static str;
    /// The program panel's legend: the parent is held before this line
    /// (the program would run it; the teacher does, with `t`).
    fn code_held(&self) -> &'static str;
    /// The keys a lesson adds (shown first in its help).
    fn lesson_key_help(&self) -> KeyTable;
    /// The lesson menu's title (the built-in lessons).
    fn menu_title(&self) -> &'static str;
    /// The lesson menu's title: the lessons in a teacher's folder.
    fn menu_title_in(&self, dir: &Path) -> String;
    /// The lesson menu's keys.
    fn menu_keys(&self) -> KeyTable;
    /// The menu's column headings: lesson, title, scenes, program.
    fn menu_columns(&self) -> [&'static str; 4];
    /// What a queue lesson runs, besides its Python (`items` 0: no end).
    fn menu_queue(&self, writers: u32, readers: u32, items: u64) -> String;
    /// What a pipe lesson runs (`forget_close`: the parent keeps its send end).
    fn menu_pipe(&self, messages: u32, forget_close: bool) -> String;
    /// What a counter lesson runs.
    fn menu_counter(&self, procs: u32, increments: u64, lock: bool) -> String;
    /// The preview's line saying what runs (`what`: the summary).
    fn menu_runs(&self, what: &str) -> String;
    /// A broken lesson's word in the list.
    fn menu_broken(&self) -> &'static str;
    /// The preview of a broken lesson, before its error.
    fn menu_cannot_open(&self) -> &'static str;
    /// The preview of a broken lesson, after its error: how to check `file`.
    fn menu_check_hint(&self, file: &str) -> String;
    /// Enter on a broken lesson.
    fn menu_refused(&self, name: &str) -> String;
    /// A folder with no lesson in it.
    fn menu_empty(&self) -> &'static str;
}

/// Watching someone's Python program (`ipcscope run`): ipcscope's lines
/// about it (the program's own output is printed as it is), its notes,
/// the closing summary, its errors and the screen's words for it.
pub trait AttachWords {
    /// ` (prog.py:23)`: where in the program, after a sentence.
    fn at_place(&self, place: &str) -> String;
    /// The main process started (told when the instrumentation is off).
    fn prog_main(&self, p: i32) -> String;
    /// A helper process multiprocessing started itself (`forkserver`,
    /// `resource_tracker`).
    fn prog_helper(&self, p: i32, name: &str) -> String;
    /// A process started a child: its name, its target, the start method.
    fn prog_started(&self, p: i32, child: i32, name: &str, target: &str, method: &str) -> String;
    /// A process made a shared object (`what`: `q = Queue(maxsize=2)`).
    fn prog_made(&self, p: i32, what: &str) -> String;
    /// An item put: it is in the process's feeder buffer (`depth`: put and
    /// not yet got).
    fn prog_put(&self, p: i32, item: &str, obj: &str, depth: u32) -> String;
    /// A SimpleQueue's put: straight into the pipe.
    fn prog_put_direct(&self, p: i32, item: &str, obj: &str) -> String;
    fn prog_get(&self, p: i32, item: &str, obj: &str, depth: u32) -> String;
    /// About to block in put: the queue is full.
    fn prog_put_wait(&self, p: i32, item: &str, obj: &str, depth: u32, maxsize: u32) -> String;
    /// About to block in get: the queue is empty.
    fn prog_get_wait(&self, p: i32, obj: &str) -> String;
    fn prog_full(&self, p: i32, item: &str, obj: &str) -> String;
    fn prog_empty(&self, p: i32, obj: &str) -> String;
    /// A message sent through one end of a pipe.
    fn prog_send(&self, p: i32, item: &str, end: &str) -> String;
    fn prog_recv(&self, p: i32, item: &str, end: &str) -> String;
    fn prog_recv_wait(&self, p: i32, end: &str) -> String;
    fn prog_eof(&self, p: i32, end: &str) -> String;
    /// A queue closed, or a copy of a pipe end.
    fn prog_closed(&self, p: i32, what: &str) -> String;
    /// Another exception from an operation (Python's words in `error`).
    fn prog_raised(&self, p: i32, call: &str, obj: &str, error: &str) -> String;
    fn prog_join_wait(&self, p: i32, child: i32) -> String;
    /// `join()` returned (`ended`: whether the child had ended).
    fn prog_joined(&self, p: i32, child: i32, ended: bool) -> String;
    /// A child's target returned with items still in its feeder buffer.
    fn prog_finishing(&self, p: i32, buffered: u64) -> String;
    /// `n` more operations `op` (`put`, `get`, `send`, `recv`: Python's
    /// names) on `obj`, too fast to tell one by one.
    fn prog_many(&self, p: i32, op: &str, n: u64, obj: &str) -> String;
    /// A process the program signalled (`terminate()`, `kill()`).
    fn prog_signalled(&self, p: i32, target: i32, signal: &str) -> String;
    /// A process ended (`how`: `exit code 0`, `SIGTERM`...).
    fn prog_exit(&self, p: i32, name: &str, how: &str) -> String;
    /// How a process ended, in a few words.
    fn prog_how_code(&self, code: i32) -> String;
    fn prog_how_signal(&self, signal: &str) -> String;
    /// ipcscope stopped the run (quit, SIGINT, SIGTERM).
    fn prog_interrupted(&self) -> String;
    /// The program started as Process(`pid`), run by Python `python`.
    fn prog_note_started(&self, python: &str, pid: i32) -> String;
    fn prog_note_not_instrumented(&self) -> String;
    fn prog_note_old_python(&self, version: &str) -> String;
    fn prog_note_report_fd(&self, pid: i32, fd: i32, reused: bool) -> String;
    fn prog_note_hook_failed(&self, what: &str) -> String;
    fn prog_note_too_many(&self, limit: u32) -> String;
    fn prog_note_timed_out(&self, secs: u64) -> String;
    fn prog_note_all_blocked(&self, secs: f64) -> String;
    /// Every process blocked, and why (`why`: a [`AttachWords::prog_why_join`]
    /// ... sentence part per waiting process).
    fn prog_note_all_blocked_why(&self, secs: f64, why: &[String]) -> String;
    /// Parts of the why: `p` waits in `join()` for `child`.
    fn prog_why_join(&self, p: i32, child: i32) -> String;
    /// `p` waits in `end.recv()`; only `holders` still hold `other`, the
    /// end a message would come through.
    fn prog_why_recv(&self, p: i32, end: &str, other: &str, holders: &[i32]) -> String;
    fn prog_why_send(&self, p: i32, end: &str) -> String;
    fn prog_why_get(&self, p: i32, obj: &str) -> String;
    fn prog_why_put(&self, p: i32, obj: &str) -> String;
    /// `p`'s target returned and its feeder must flush into `obj`'s pipe.
    fn prog_why_flush(&self, p: i32, obj: &str) -> String;
    /// A stuck program's wait-for view (`waits`: one part per blocked
    /// process, `MainProcess (120) waits forever: Process-1 never ends`).
    fn prog_stuck_waits(&self, waits: &[String]) -> String;
    /// The processes (`names`, the first again at the end) each waiting
    /// forever for the next: a deadlock.
    fn prog_stuck_cycle(&self, names: &[String]) -> String;
    /// Q10b: `n` items `name` (`pid`) put on `obj` were still in its
    /// feeder buffer when it was killed: they never reached the pipe.
    fn prog_note_lost_in_feeder(&self, n: u64, name: &str, pid: i32, obj: &str) -> String;
    /// The summary of a queue some items of which were lost (Q10b).
    fn prog_summary_queue_lost(
        &self,
        title: &str,
        puts: u64,
        gets: u64,
        lost: u64,
        left: u64,
    ) -> String;
    fn prog_note_ignored_term(&self, pid: i32) -> String;
    fn prog_note_left_behind(&self, count: u32) -> String;
    fn prog_note_no_multiprocessing(&self) -> String;
    /// The summary: how the program ended.
    fn prog_summary_ended(&self, file: &str, how: &str) -> String;
    fn prog_summary_still_running(&self, file: &str) -> String;
    fn prog_summary_queue(&self, title: &str, puts: u64, gets: u64, left: u64) -> String;
    fn prog_summary_pipe(&self, title: &str, sent: u64, received: u64, eof: bool) -> String;
    fn prog_summary_value(&self, title: &str, writes: u64, procs: usize, value: &str) -> String;
    /// A process in the summary: its name, pid, how it ended, where it was.
    fn prog_summary_proc(&self, name: &str, pid: i32, ended: &str, place: &str) -> String;
    /// The summary's last line: records, and the program's reports that a
    /// full reporting pipe dropped (the counts above miss them).
    fn prog_telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String;
    /// `ipcscope run` could not start: the interpreter was not found.
    fn run_no_python(&self, python: &str) -> String;
    /// The program's file does not exist or cannot be read.
    fn run_no_program(&self, path: &str, why: &str) -> String;
    /// Why: the program's file is not there.
    fn run_no_such_file(&self) -> String;
    /// The run could not be set up (the OS's words).
    fn run_cannot_start(&self, why: &str) -> String;
    /// A key that cannot act on someone else's program.
    fn prog_key_not_here(&self, key: &str) -> String;
    /// The stage's title: the program and its objects.
    fn prog_stage_title(&self, file: &str, objects: usize) -> String;
    /// The stage with nothing to show yet.
    fn prog_stage_empty(&self) -> &'static str;
    /// A queue's row: items in feeder buffers, in the pipe (and its bytes).
    fn prog_stage_queue(&self, buffered: u64, in_pipe: u64, bytes: &str) -> String;
    /// What a process does beyond the common states: `join`, `sleep`, `poll`.
    fn prog_doing_join(&self, child: i32) -> String;
    fn prog_doing_sleep(&self, secs: f64) -> String;
    fn prog_doing_poll(&self) -> &'static str;
    fn prog_doing_finishing(&self, buffered: u64) -> String;
    /// The holders of a pipe end, on the stage.
    fn prog_holders(&self, end: &str, who: &str) -> String;
}

/// Pipe ends as fork leaves them, replies and the deadlock of two
/// receivers: the transcript's lines, the notes, the stage's words, the
/// hints of `x` and `w`.
pub trait PipeWords: Sync {
    // -- the transcript --
    /// A child closed its inherited copy of the end its role does not use.
    fn end_closed(&self, pid: i32, end: PipeEnd) -> String;
    /// The parent closed its copy of the send end (`x`).
    fn parent_closed_send_end(&self) -> String;
    /// A process called `call` on a one-way end that cannot do it.
    fn wrong_way(&self, pid: i32, call: PipeCall, error: &str) -> String;
    /// The receiver waits forever: it holds a copy of the send end itself
    /// (`parent_too`: and the parent holds one).
    fn own_send_end(&self, receiver: i32, parent_too: bool, waited_s: f64) -> String;
    /// One link of a chain of waits.
    fn deadlock_link(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String;
    /// A deadlock, with its chain of waits (`links`, from `deadlock_link`).
    fn deadlock(&self, links: &[String]) -> String;
    /// The summary's line of replies (`--echo`).
    fn replies_summary(&self, sent_back: u64, got: u64) -> String;
    /// `--echo` or `--both-recv` with a one-way pipe.
    fn needs_duplex(&self, option: &str) -> String;

    // -- the header --
    fn stuck_own_send_end(&self) -> &'static str;
    fn stuck_deadlock(&self) -> &'static str;

    // -- the stage --
    /// A duplex end's label: its name in the program and its role word.
    fn stage_end_label(&self, code: &str, word: &str) -> String;
    /// Before the holders of an end (`label`, from `stage_end_label`).
    fn stage_end_held_by(&self, label: &str) -> String;
    /// The receiver holds a copy of the send end itself (`parent_too`: so
    /// does the parent).
    fn stage_own_copy(&self, parent_too: bool, short: bool) -> &'static str;
    /// The deadlock's word before its chain (with what follows it: a
    /// space, or a full-width colon).
    fn stage_deadlock(&self) -> &'static str;
    /// One link of the chain, on the stage.
    fn stage_waits_for(&self, name: &str, pid: i32, on_name: &str, on_pid: i32) -> String;

    // -- notices and hints --
    fn notice_wrong_way(&self, name: &str, call: PipeCall, error: &str) -> String;
    /// `x` with no parent's copy left (`holders`: who holds the send end,
    /// `None` when nobody does).
    fn hint_nothing_to_close(&self, holders: Option<&str>) -> String;
    /// `w` on a duplex pipe.
    fn hint_no_wrong_way(&self) -> String;
    /// `w` on a process blocked in an operation.
    fn hint_wrong_way_later(&self, name: &str) -> String;

    // -- the lesson menu --
    /// What `--inherit` adds to a pipe run's description.
    fn menu_pipe_ends(&self, close_unused: bool) -> String;
    /// What `--echo` / `--both-recv` add.
    fn menu_pipe_replies(&self, both_recv: bool) -> String;
}

/// The parent (`__main__`) on the stage: it starts the children, joins
/// the workers (blocked in `join()`, wait4 in the kernel), terminates a
/// queue's readers, held before that line by a lesson.
pub trait ParentWords: Sync {
    // -- the transcript --
    /// The parent calls `join()` on process `pid` (`name`).
    fn parent_joins(&self, pid: i32, name: &str) -> String;
    /// The parent's `join()` on `pid` returned.
    fn parent_joined(&self, pid: i32, name: &str) -> String;
    /// A lesson holds the parent before `terminate()` (`on`), or lets it
    /// go on.
    fn parent_hold(&self, on: bool) -> String;

    // -- the stage and the processes panel --
    /// The parent's name in the processes panel (short, as a child's).
    fn parent_name(&self) -> &'static str;
    /// Where the parent is, in one word (the narrowest processes panel).
    fn parent_word(&self, at: ParentAt) -> &'static str;
    /// Starting its children (`short`: fewer words).
    fn parent_starting(&self, short: bool) -> &'static str;
    /// Blocked in `join()` until `name` ends.
    fn parent_joining(&self, name: &str, short: bool) -> String;
    /// Its joins done, before `terminate()`: the readers drain the queue
    /// (`held`: a lesson holds it there).
    fn parent_before_terminate(&self, held: bool, short: bool) -> &'static str;
    /// It called `terminate()`: SIGTERM sent to `names`.
    fn parent_terminating(&self, names: &str, short: bool) -> String;
    /// Its program is over: every child has ended.
    fn parent_done(&self, short: bool) -> &'static str;
    /// What the kernel shows of it (`what`: a syscall name, or a state).
    fn parent_kernel(&self, what: &str) -> String;
    /// Its steps: `start`, `join NAME`, `terminate NAMES`, `done`.
    fn step_start(&self) -> &'static str;
    fn step_join(&self, name: &str) -> String;
    fn step_terminate(&self, names: &str) -> String;
    fn step_done(&self) -> &'static str;
}

/// The race on the shared value, step by step (`v.value += 1` as a read,
/// an add and a write, each shown), the lock switched live, and an
/// Array's cells.
pub trait RaceWords: Sync {
    // -- the transcript: each step of a paced counter --
    /// `tmp = v.value` read `value` (`shared`: `v.value` or `arr[i]`).
    fn value_read(&self, pid: i32, shared: &str, value: i64) -> String;
    /// `tmp += 1`: the register is now `register`.
    fn value_add(&self, pid: i32, register: i64) -> String;
    /// `v.value = tmp` stored `value`, over the value it had read.
    fn value_write(&self, pid: i32, shared: &str, value: i64) -> String;
    /// The write replaced `old`, made by `victims`' updates after its read
    /// (in order; empty when not known): `lost` updates lost.
    fn value_overwrote(
        &self,
        pid: i32,
        shared: &str,
        value_old: (i64, i64),
        victims: &[String],
        lost: i64,
    ) -> String;
    /// The write replaced `old`, older than its read: the value goes up by
    /// more than one.
    fn value_caught_up(&self, pid: i32, shared: &str, value: i64, old: i64) -> String;
    /// About to wait for the lock, held by `holder` (`None`: not known).
    fn lock_wait(&self, pid: i32, holder: Option<i32>) -> String;
    /// Took the lock.
    fn lock_taken(&self, pid: i32) -> String;
    /// Took the lock from `dead` (`None`: not known), which died holding
    /// it: Python's lock would stay taken; ours recovers.
    fn value_lock_recovered(&self, pid: i32, dead: Option<i32>) -> String;
    /// The notice of the same: `by` took the lock `who` died holding.
    fn notice_value_lock_recovered(&self, by: &str, who: &str, pid: i32) -> String;
    /// The summary's line: the Value's lock recovered `n` times.
    fn value_lock_recoveries_summary(&self, n: u64) -> String;
    /// The lock was switched on or off live.
    fn lock_set(&self, on: bool) -> String;

    // -- notices --
    /// `by` overwrote the updates of `victims` (in order; may be empty):
    /// `lost` updates lost.
    fn notice_overwrote(&self, by: &str, victims: &[String], lost: i64) -> String;
    /// `by` wrote `value` over an older `old`.
    fn notice_caught_up(&self, by: &str, value: i64, old: i64) -> String;

    // -- the stage and the panels --
    /// A counter's card: its register and its next step as code.
    fn race_next(&self, tmp: Option<i64>, next: &str) -> String;
    /// The same, in fewer words.
    fn race_next_short(&self, tmp: Option<i64>, step: crate::model::race::Step) -> String;
    /// Who holds the lock a counter waits for (`None`: not known).
    fn lock_held_by(&self, name: Option<&str>) -> String;
    /// The processes panel's state of a counter waiting for the lock.
    fn lock_wait_state(&self, holder: Option<&str>) -> String;
    /// At full speed the lost updates are counted, not told one by one.
    fn race_full_speed(&self) -> &'static str;
    /// Some steps went unreported: `told` of the `lost` told one by one.
    fn race_partial(&self, told: i64, lost: u64) -> String;
    /// The stage's title for an Array of `cells`.
    fn stage_array_title(&self, cells: u32, lock: bool) -> String;
    /// The value panel's title for an Array.
    fn array_title(&self, lock: bool) -> &'static str;
    /// Under a cell: the updates it lost.
    fn cell_lost(&self, lost: u64) -> String;
    /// The footer's word for `l`.
    fn footer_lock(&self) -> &'static str;
    /// On the stage, the latest write that overwrote others' updates.
    fn stage_overwrote(&self, by: &str, victims: &[String]) -> String;
    /// The lock as switched live (`l`): what it does from now on.
    fn lock_now(&self, on: bool) -> &'static str;
}

// The lesson-file words' types, imported beside their trait.
use crate::lesson::{Found, Never, Syntax, Want};
use crate::stream::lesson::{LineMismatch, Op, ProgramRole, TextError};

/// What is wrong with a lesson file (`ipcscope lesson --check FILE`,
/// `lesson NAME`, `--lessons DIR`), said after `FILE:LINE:COLUMN: `: what
/// is wrong and what to write instead. TOML keys, Python names, actions
/// and reveal conditions stay as written, as code; what the system says
/// (a file that cannot be read) and toml's own words about a syntax error
/// stay as they say it.
pub trait LessonFileWords: Sync {
    // -- reading the files --
    fn cannot_read_lesson(&self, why: &str) -> String;
    fn cannot_read_lessons_folder(&self, why: &str) -> String;
    /// The program a lesson names, at `path` beside it.
    fn cannot_read_program(&self, path: &str, why: &str) -> String;
    /// A built-in lesson names `named`; its program is `file`.
    fn not_the_built_in_program(&self, file: &str, named: &str) -> String;

    // -- TOML, and the file's shape --
    /// Not TOML (toml's own words for a mistake we do not name).
    fn toml_syntax(&self, s: &Syntax) -> String;
    fn duplicate_key(&self, key: &str) -> String;
    /// A key the table does not take (`allowed`: those it takes).
    fn unknown_key(&self, key: &str, allowed: &[String]) -> String;
    fn missing_key(&self, key: &str) -> String;
    /// A value of the wrong kind (at `key` when known).
    fn wrong_kind(&self, key: Option<&str>, want: Want, found: &Found) -> String;
    /// What a place takes, in lesson terms.
    fn want(&self, want: Want) -> &'static str;
    /// What was found instead.
    fn found(&self, found: &Found) -> String;
    /// A value neither toml nor serde explained in a way we know
    /// (`detail`: their words).
    fn unreadable(&self, detail: &str) -> String;
    /// A number toml cannot read: too big, or not a number (at `key`).
    fn unreadable_number(&self, key: Option<&str>) -> String;
    /// A text without both languages.
    fn text_problem(&self, e: TextError) -> String;

    // -- the scenario --
    /// `[scenario]` holds `n` (not 1) of queue, pipe and counter.
    fn scenario_count(&self, n: usize) -> String;
    fn option_out_of_range(&self, key: &str, value: i128, lo: u64, hi: u64) -> String;
    /// `nowait_put` with `put_timeout` (`op`: `put` or `get`).
    fn nowait_with_timeout(&self, op: &str) -> String;
    /// `close_unused = true` without `inherit = true`.
    fn close_unused_needs_inherit(&self) -> &'static str;
    /// `echo` or `both_recv` (`option`) with `duplex = false`.
    fn option_needs_duplex(&self, option: &str) -> String;
    /// `full_speed = true` and a `step_delay` together.
    fn full_speed_with_step_delay(&self) -> &'static str;
    /// `maxsize` beside `python_feeder = true`.
    fn feeder_with_maxsize(&self) -> &'static str;
    /// `drain_first on|off` where the parent does not read the queue.
    fn drain_first_needs_parent_reads(&self) -> &'static str;
    /// A delay or timeout option the command line would refuse (`why`:
    /// [`ErrorWords`]' sentence).
    fn bad_seconds(&self, key: &str, why: &dyn Display) -> String;

    // -- the program --
    fn no_program_name(&self) -> String;
    fn empty_program(&self, name: &str) -> String;

    // -- [lines] --
    /// Not a part of a program (`parts`: those there are).
    fn unknown_part(&self, name: &str, parts: &[&str]) -> String;
    /// `role` does not do `op` (`ops`: what it does).
    fn no_such_op(&self, role: ProgramRole, op: &str, ops: &[&str]) -> String;
    fn line_from_one(&self, role: ProgramRole, op: Op, line: i128) -> String;
    fn line_past_end(
        &self,
        role: ProgramRole,
        op: Op,
        line: i128,
        program: &str,
        count: usize,
    ) -> String;
    /// A warning: a mapped line of `program` lacks its operation's call.
    fn line_lacks_call(&self, m: &LineMismatch, program: &str) -> String;

    // -- scenes and questions --
    fn no_scenes(&self) -> String;
    fn choice_count(&self, n: usize) -> String;
    fn answer_out_of_range(&self, answer: i128, choices: usize) -> String;

    // -- actions --
    fn not_an_action(&self, phrase: &str) -> String;
    fn maxsize_takes(&self, phrase: &str, max: u32) -> String;
    fn slow_motion_takes(&self, phrase: &str, lo: f64, hi: f64) -> String;
    /// `array N` with N not a number of cells from 1 to `max`.
    fn array_takes(&self, phrase: &str, max: u32) -> String;
    /// `put_policy` / `get_policy` not followed by `block`, `nowait` or
    /// `timeout S` (S from 0 to `max` seconds).
    fn policy_takes(&self, phrase: &str, max: f64) -> String;
    /// `on_full` / `on_empty` not followed by `retry` or `give_up`.
    fn then_takes(&self, phrase: &str) -> String;
    /// `word` is not a child's role (`roles`: those there are).
    fn not_a_role(&self, phrase: &str, word: &str, roles: &[&str]) -> String;
    /// An action only a `needs` run has; this lesson's run `is` another.
    fn action_needs(&self, action: &str, needs: ScenarioKind, is: ScenarioKind) -> String;
    /// An action on pipe ends that needs `option = true` in `[scenario.pipe]`.
    fn action_needs_option(&self, action: &str, option: &str) -> String;
    /// A `scenario` run has no `role`.
    fn no_such_process(&self, scenario: ScenarioKind, role: Role) -> String;
    /// `kill ROLE` or `terminate ROLE` for a role the run does not have.
    fn action_no_such_process(&self, action: &str, scenario: ScenarioKind, role: Role) -> String;

    // -- reveal conditions --
    fn not_a_reveal(&self, phrase: &str) -> String;
    /// `role` blocks in `op`, not in `written`.
    fn blocks_in(&self, phrase: &str, role: Role, op: Op, written: &str) -> String;
    fn never_blocks(&self, phrase: &str, role: Role) -> String;
    /// `word` is not a whole number (a count).
    fn not_a_count(&self, phrase: &str, word: &str) -> String;
    /// `reveal` can never hold in this run at this scene, because `why`.
    fn never_holds(&self, reveal: &str, why: &Never) -> String;
}

/// What an argument conflict is about: an option given with options it
/// cannot be used with, or a scenario or command given after options it
/// does not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflicting<'a> {
    Arg(&'a str),
    Subcommand(&'a str),
}

/// What a "did you mean" tip names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Similar {
    Argument,
    Subcommand,
    Value,
}

/// The command line (`cli.rs`, clap): the help of every command, option
/// and heading, and clap's usage errors in our words. Option names,
/// value names (`<N>`, `FILE`), subcommand names and values stay as
/// typed, as code.
///
/// The help is a table keyed by what the help belongs to (see
/// [`help_text`](Self::help_text)); the English table says exactly what
/// the doc comments in `cli.rs` say (a test walks the whole command line
/// and compares), so an option's Chinese help is one line in
/// `zh/cli.rs` and its English one line in `en/cli.rs`.
pub trait CliWords: Sync {
    // -- help --
    /// The help of `key`: a command's about by its name (`queue`;
    /// `ipcscope` for the program, `ipcscope/after` for the line after
    /// its options), an option or argument as `Struct.field` (the struct
    /// in `cli.rs` that declares it: `QueueArgs.writers`,
    /// `CommonArgs.seed`, `LessonArgs.name`), a value of an option as
    /// `Struct.field/value` (`ExportArgs.format/csv`), and clap's own
    /// (`--help`, `--help/more`, `--help/summary`, `--version`). `None`:
    /// not in the table.
    fn help_text(&self, key: &str) -> Option<&'static str>;
    /// A section of the help (or a label in it), by its English name:
    /// `Queue options`, `Options`, `Arguments`, `Usage`, ...
    fn heading(&self, heading: &str) -> Option<&'static str>;
    /// A heading or label with its colon: `Usage:`.
    fn label(&self, word: &str) -> String;
    /// What follows a label on its line: a space after `:`, nothing
    /// after a full-width colon.
    fn label_space(&self) -> &'static str;
    /// An option's default, after its help: `[default: perfetto]`.
    fn default_value(&self, value: &str) -> String;
    /// The values an option takes, after its help: `[possible values: en, zh]`.
    fn possible_values(&self, values: &[&str]) -> String;

    // -- usage errors (exit 2) --
    /// Before every error: `error` (as a label).
    fn error_label(&self) -> &'static str;
    /// Before a suggestion: `tip` (as a label).
    fn tip_label(&self) -> &'static str;
    /// The last line of a usage error: where to read more (`flag`: `--help`).
    fn try_help(&self, flag: &str) -> String;
    /// An option (or a word) no command here takes.
    fn unexpected_argument(&self, arg: &str) -> String;
    /// A scenario or command that does not exist.
    fn unrecognized_subcommand(&self, name: &str) -> String;
    /// `value` refused by option `arg` (`--writers <N>`), with our reason
    /// when there is one.
    fn invalid_value(&self, value: &str, arg: &str, reason: Option<&str>) -> String;
    /// An option given without its value.
    fn value_required(&self, arg: &str) -> String;
    /// An option whose value must follow `=`.
    fn equals_needed(&self, arg: &str) -> String;
    /// One value too many for `arg`.
    fn unexpected_value(&self, value: &str, arg: &str) -> String;
    /// `arg` takes `required` values (at least, when `at_least`); `given` were.
    fn values_required(&self, arg: &str, required: usize, given: usize, at_least: bool) -> String;
    /// `what` cannot be used with `with` (empty: with some other option given).
    fn cannot_be_used_with(&self, what: Conflicting, with: &[String]) -> String;
    /// An option given twice that takes one value.
    fn used_more_than_once(&self, arg: &str) -> String;
    /// Required arguments left out.
    fn required_not_given(&self, args: &[String]) -> String;
    /// `command` needs one of `subcommands`.
    fn subcommand_required(&self, command: &str, subcommands: &[String]) -> String;
    /// An argument that is not UTF-8.
    fn not_utf8(&self) -> String;
    /// A usage error we have no better words for.
    fn bad_command_line(&self) -> String;
    /// The names close to what was typed.
    fn similar(&self, what: Similar, names: &[String]) -> String;
    /// How to pass `value` (which looks like an option) as a value: `write`.
    fn pass_as_value(&self, value: &str, write: &str) -> String;
    /// The option exists, in another command: `usage` (`queue --writers`).
    fn exists_in(&self, usage: &str) -> String;
    /// `name` is a command, typed after `--`.
    fn remove_double_dash(&self, name: &str) -> String;
    /// Not a whole number (`--writers abc`).
    fn not_a_whole_number(&self, text: &str) -> String;
    /// A whole number outside `lo..=hi`.
    fn number_out_of_range(&self, text: &str, lo: u64, hi: u64) -> String;
    /// `lesson NAME` with no such lesson in `library` (which has `names`).
    fn no_lesson_named(&self, name: &str, library: &str, names: &[String]) -> String;
    /// Where lessons come from: the built-in ones, or a folder.
    fn lesson_library(&self, dir: Option<&Path>) -> String;
}

/// How the queue's writers put and its readers get (block, a timeout,
/// `block=False`), `queue.Full` and `queue.Empty` where they are raised,
/// and what the process does next (its program's `except` clause).
pub trait PolicyWords: Sync {
    // -- the transcript --
    /// A put raised `queue.Full`: `call` as the program made it
    /// (`put(url_2, timeout=0.5)`, `put_nowait(url_2)`); `after`: seconds
    /// it waited (`None`: at once); `give_up`: it gives the item up and
    /// goes on with its next, else it tries the same item again (after
    /// `pause` seconds when it raised at once).
    fn put_raised(
        &self,
        pid: i32,
        item: &str,
        call: &str,
        after: Option<&str>,
        give_up: bool,
        pause: &str,
    ) -> String;
    /// A get raised `queue.Empty`, as above; `give_up`: the reader stops
    /// reading and ends, else it gets again.
    fn get_raised(
        &self,
        pid: i32,
        call: &str,
        after: Option<&str>,
        give_up: bool,
        pause: &str,
    ) -> String;
    /// The writers' puts (the readers' gets) were switched live to `call`,
    /// and to `give_up` (else retry) after a raise.
    fn policy_set(&self, role: Role, call: &str, give_up: bool) -> String;

    // -- the stage --
    /// Beside a flashed `queue.Full` (`full`) or `queue.Empty`: what the
    /// process does next (`item`: the item a writer was putting).
    fn then_flash(&self, full: bool, then: Then, item: Option<&str>) -> String;
    /// Under a side of the stage: the role's `except` clause in short
    /// (`except queue.Full: retry`).
    fn then_tag(&self, full: bool, then: Then) -> &'static str;

    // -- hints --
    /// `b` or `e` with no writer or reader selected.
    fn hint_select_writer_or_reader(&self) -> &'static str;
    /// `b` while `name` is blocked in its call.
    fn hint_policy_next_call(&self, name: &str) -> String;
    /// The footer's word for `b` (how the selected role waits).
    fn footer_wait(&self) -> &'static str;
    /// The footer's word for `e` (retry or give up).
    fn footer_then(&self) -> &'static str;
}

/// The wait-for view: what a blocked process waits for and who could
/// provide it (`crate::model::waits`).
pub trait WaitWords: Sync {
    /// On a blocked process's card: it waits for `need` from `from` (the
    /// names; the parent and the waiter itself as
    /// [`provider_parent`](Self::provider_parent) and
    /// [`provider_itself`](Self::provider_itself)). `forever`: none of
    /// them will ever give it (or `from` is empty). `short`: fewer words.
    fn waits_for(
        &self,
        need: crate::model::waits::Need,
        from: &[String],
        forever: bool,
        short: bool,
    ) -> String;
    /// The parent, among those who could provide something (it holds a
    /// copy of the end and never sends).
    fn provider_parent(&self, short: bool) -> &'static str;
    /// The waiter itself, among them (its own copy of the other end; it
    /// cannot provide `need` while it waits).
    fn provider_itself(&self, need: crate::model::waits::Need, short: bool) -> &'static str;
}

/// Python's feeder thread (`--python-feeder`): `put` into the writer's own
/// buffer, the flush into the pipe, the wait at exit, and the parent that
/// reads the queue itself (before or after its joins).
pub trait FeederWords: Sync {
    // -- the transcript --
    /// The feeder thread of `pid` flushed `item` into the pipe.
    fn flushed(&self, pid: i32, item: &str) -> String;
    /// `pid` is done and waits before exiting for its feeder thread to
    /// flush the `left` items still in its buffer.
    fn flush_wait(&self, pid: i32, left: u32) -> String;
    /// `pid` was killed with `items` still in its buffer: lost with it.
    fn lost_in_buffer(&self, pid: i32, items: &[String]) -> String;
    /// Writer `pid` (`name`) died with `n` items in its feeder buffer.
    fn buffer_lost(&self, pid: i32, name: &str, n: u64) -> String;
    /// The summary: `n` more items lost in feeder buffers than it names.
    fn lost_unnamed(&self, n: u64) -> String;
    /// The parent waits in `get()`: the queue is empty.
    fn parent_get_wait(&self) -> String;
    /// The header's flag for a join before the drain.
    fn stuck_join_before_drain(&self) -> &'static str;
    /// The queue panel's title in feeder mode (narrow).
    fn feeder_panel_title(&self, holds: u32) -> String;
    /// The closing summary's first line in feeder mode: `put()` returned
    /// `buffered` times, `flushed` items went into the pipe (which holds
    /// `holds`), `got` were got, `left` are still in it.
    fn feeder_summary(
        &self,
        buffered: u64,
        flushed: u64,
        got: u64,
        left: u64,
        holds: u32,
    ) -> String;
    /// The note: the parent waits in `join()` for `name` (`pid`), which
    /// cannot end until what it put goes into the full pipe that only the
    /// parent would read, after the join.
    /// `feeder`: the queue is Python's pipe (else the queue itself).
    fn join_before_drain(&self, pid: i32, name: &str, feeder: bool) -> String;

    // -- the stage --
    /// The queue's title in feeder mode: the pipe holds `holds` items.
    fn feeder_title(&self, holds: u32) -> String;
    /// A writer's buffer on its card: `n` items; `stuck`: the pipe is full
    /// so its feeder waits for room. `short`: fewer words.
    fn buffer_detail(&self, n: u64, stuck: bool, short: bool) -> String;
    /// The parent, among those who could provide something: it reads the
    /// queue itself (`short`: fewer words).
    fn provider_main(&self, short: bool) -> &'static str;
    /// The parent reads the queue (`blocked`: in `get()` on an empty
    /// queue); `got` items so far.
    fn parent_reading(&self, got: u64, blocked: bool, short: bool) -> String;
    /// Its step: `get` the items (`n` of them, when known).
    fn step_get(&self, n: Option<u64>) -> String;
}
