//! The tables against each other: every sentence method is tried with a
//! representative set of inputs; Chinese says each in Chinese (unless it
//! is only code and numbers) and never the English text (a copy-paste
//! left untranslated).

use std::path::Path;

use super::words::{Conflicting, KeyTable, Similar};
use super::*;
use crate::lesson::{Bound, Found, Never, Syntax, Want};
use crate::model::ScenarioKind;
use crate::model::digest::Repeated;
use crate::model::world::Activity;
use crate::outfile::{Kind as FileKind, What};
use crate::stream::lesson::{LineMismatch, Op, ProgramRole, TextError};
use crate::stream::{Attempt, Ended, KernelWait, PipeCall, PipeEnd, Role, SIGKILL, SIGTERM};

/// Every method of [`Words`] and [`CliWords`] in `lang`, called with
/// representative inputs: (method, what it said, in Debug form so tuples
/// and tables compare whole).
fn samples(lang: Lang) -> Vec<(&'static str, String)> {
    let t = table(lang);
    let mut v: Vec<(&'static str, String)> = Vec::new();
    macro_rules! say {
        ($name:ident $(, $arg:expr)*) => {
            v.push((stringify!($name), format!("{:?}", t.$name($($arg),*))))
        };
    }
    let labels = ["url_2".to_string(), "url_5".to_string()];
    let path = Path::new("/tmp/run.rec");
    let why = "no space left on device";

    // transcript
    say!(sending, 952);
    say!(receiving, 953);
    say!(counting, 5001, true);
    say!(counting, 5001, false);
    say!(put_wait_ring, 4101, "url_11", 65_536, 65_536);
    say!(put_wait_over, 4101, "url_11", 10, 2);
    say!(put_wait_full, 4101, "url_11", 3, 3);
    for (after, give_up) in [(Some("0.5"), false), (None, false), (None, true)] {
        say!(
            put_raised,
            4101,
            "url_7",
            "put(url_7, timeout=0.5)",
            after,
            give_up,
            "0.5"
        );
        say!(get_raised, 4103, "get(block=False)", after, give_up, "0.5");
    }
    for (role, give_up) in [
        (Role::Writer, false),
        (Role::Writer, true),
        (Role::Reader, false),
        (Role::Reader, true),
    ] {
        say!(policy_set, role, "put(url, timeout=1)", give_up);
    }
    for full in [true, false] {
        for then in [crate::config::Then::Retry, crate::config::Then::GiveUp] {
            say!(then_flash, full, then, Some("url_3"));
            say!(then_flash, full, then, None);
            say!(then_tag, full, then);
        }
    }
    say!(hint_select_writer_or_reader);
    say!(hint_policy_next_call, "writer-1");
    say!(footer_wait);
    say!(footer_then);
    say!(get_wait, 4103);
    say!(send_wait, 952, "url_3");
    say!(recv_wait, 953);
    say!(recv_eof, 953);
    say!(lost_holding_lock, 4101, 4102, "url_4");
    say!(lost_putting, 4101, "url_4");
    say!(lock_recovered, 4101, 4102);
    say!(parent_sent, 4103, "SIGTERM");
    say!(count_done, 5001, 100_000, 231_415);
    say!(gave_up, 4101, "url_9");
    say!(exit_killed, 4101, "writer-1");
    say!(exit_terminated, 4103, "reader-1", "SIGTERM");
    say!(exit_ok, 4101, "writer-1");
    say!(exit_code, 4101, "writer-1", 3);
    say!(printed, 4101, "hello");
    say!(frozen);
    say!(resumed);
    say!(maxsize_unbounded);
    say!(maxsize_set, 2);
    say!(missed, 120, 118);
    say!(interrupted);
    say!(drain_timeout, 3);
    say!(forgotten_send_end, 953, 2.5);
    say!(no_progress_full);
    say!(no_progress_empty);
    say!(could_not_do, why);
    for tried in [
        Attempt::Start { role: Role::Writer },
        Attempt::Start {
            role: Role::Counter,
        },
        Attempt::SetMaxsize { maxsize: 0 },
        Attempt::SetMaxsize { maxsize: 3 },
        Attempt::Repair { pid: 4101 },
        Attempt::Join { pid: 4101 },
        Attempt::Read,
    ] {
        say!(could_not, tried, "EAGAIN");
    }
    say!(at_limit, 255);
    say!(no_slot_left, 512);
    say!(still_running);
    say!(exited);
    say!(exited_code_0);
    say!(exited_with, 3);
    say!(killed_by_sigkill);
    say!(terminated_by, "SIGTERM");
    for role in [
        Role::Writer,
        Role::Reader,
        Role::Sender,
        Role::Receiver,
        Role::Counter,
    ] {
        say!(role_done, role);
    }
    say!(summary_header);
    say!(queue_summary, 6, 6, 0, 0);
    say!(queue_summary, 6, 4, 2, 3);
    say!(left_in_queue, &labels);
    say!(
        lost_items,
        &[("url_4".to_string(), "writer-2".to_string(), 4102)]
    );
    say!(pipe_summary, 10, 10, true);
    say!(pipe_summary, 10, 9, false);
    say!(counter_summary, 400_000, 250_000, 150_000, 37.5, false);
    say!(counter_summary, 400_000, 400_000, 0, 0.0, true);
    say!(summary_proc, "writer-1", 4101, ("put", 3), "", "exited");
    say!(summary_timeouts, true, 2);
    say!(summary_timeouts, false, 2);
    say!(telemetry_summary, 40, 0, 0);
    say!(telemetry_summary, 40, 5, 2);
    say!(recording_gaps, path);
    say!(recording_gaps_summary, path, 12);
    say!(recoveries_summary, 1);

    // notices and hints
    say!(notice_killed, "writer-1", 4101);
    say!(notice_terminated, "reader-1", 4103, "SIGTERM");
    say!(notice_exit_code, "writer-1", 4101, 3);
    say!(notice_lost, "url_4", "writer-2", 4102);
    say!(notice_lock_repaired, "writer-2", 4102);
    say!(notice_timeout_after_resume, "writer-1", true);
    say!(notice_timeout_after_resume, "reader-1", false);
    for kind in [
        ScenarioKind::Queue,
        ScenarioKind::Pipe,
        ScenarioKind::Counter,
    ] {
        say!(scenario_name, kind);
    }
    say!(hint_not_here, "+", "pipe");
    say!(hint_nothing_to_remove);
    say!(hint_no_reader_to_remove);
    say!(hint_select_living);
    say!(hint_select_to_step);
    say!(hint_freeze_first);
    say!(hint_nothing_to_slow, "reader-1");
    say!(hint_replay);
    say!(hint_not_a_replay);
    say!(hint_not_a_lesson);
    say!(hint_lesson_keeps_scenario);
    say!(hint_no_program);

    // lessons
    say!(scene_count, 1);
    say!(scene_count, 5);
    say!(lesson_ok, 4);
    say!(warning);
    say!(scene_line, 2, "caption");
    say!(question_line, "prompt?");
    say!(handout_title, "Title", "queue_demo.py");
    say!(answered_here, 2);
    say!(not_answered, 2);
    say!(scene_of, 2, 4);
    say!(scene_keys, false);
    say!(scene_keys, true);
    say!(answer_keys, 3);
    say!(answered, 2);
    say!(answered_by_hand, Some(2));
    say!(answered_by_hand, None);
    say!(skipped);
    say!(right, 2);
    say!(wrong, 1, 2);
    say!(the_answer, 2);
    say!(program_title, "queue_demo.py");
    say!(stands_for_title, "queue_demo.py");
    say!(code_here);
    say!(code_blocked);
    say!(code_held);
    say!(menu_title);
    say!(menu_title_in, Path::new("my-lessons"));
    say!(menu_keys);
    say!(menu_columns);
    say!(menu_queue, 2, 1, 3);
    say!(menu_queue, 1, 2, 0);
    say!(menu_pipe, 10, false);
    say!(menu_pipe, 1, true);
    say!(menu_counter, 4, 100_000, false);
    say!(menu_counter, 1, 10, true);
    say!(menu_runs, "Queue()");
    say!(menu_broken);
    say!(menu_cannot_open);
    say!(menu_check_hint, "my-lessons/broken.toml");
    say!(menu_refused, "broken");
    say!(menu_empty);
    say!(lesson_key_help);

    // a watched program (`ipcscope run`)
    say!(at_place, "prog.py:23");
    say!(prog_main, 120);
    say!(prog_helper, 121, "forkserver");
    say!(prog_started, 120, 124, "Process-1", "write", "fork");
    say!(prog_made, 120, "q = Queue(maxsize=2)");
    say!(prog_put, 124, "'url_1'", "q", 1);
    say!(prog_put_direct, 124, "'url_1'", "sq");
    say!(prog_get, 126, "'url_1'", "q", 0);
    say!(prog_put_wait, 124, "'url_3'", "q", 2, 2);
    say!(prog_get_wait, 126, "q");
    say!(prog_full, 124, "'url_3'", "q");
    say!(prog_empty, 126, "q");
    say!(prog_send, 124, "'url_0'", "send_end");
    say!(prog_recv, 126, "'url_0'", "recv_end");
    say!(prog_recv_wait, 126, "recv_end");
    say!(prog_eof, 126, "recv_end");
    say!(prog_closed, 120, "send_end");
    say!(prog_raised, 124, "put", "q", "ValueError: Queue is closed");
    say!(prog_join_wait, 120, 124);
    say!(prog_joined, 120, 124, true);
    say!(prog_joined, 120, 124, false);
    say!(prog_finishing, 124, 3);
    say!(prog_many, 124, "put", 1200, "q");
    say!(prog_signalled, 120, 126, "SIGTERM");
    say!(prog_exit, 124, "Process-1", "exit code 0");
    say!(prog_how_code, 1);
    say!(prog_how_signal, "SIGTERM");
    say!(prog_interrupted);
    say!(run_no_such_file);
    say!(prog_telemetry_summary, 120, 3, 1);
    say!(prog_telemetry_summary, 120, 0, 0);
    say!(
        prog_note_all_blocked_why,
        3.1,
        &["a".to_string(), "b".to_string()]
    );
    say!(prog_why_join, 120, 124);
    say!(prog_why_recv, 124, "b", "a", &[120, 124]);
    say!(prog_why_recv, 124, "b", "a", &[120]);
    say!(prog_why_recv, 124, "b", "a", &[]);
    say!(prog_why_send, 124, "a");
    say!(prog_why_get, 124, "q");
    say!(prog_why_put, 124, "q");
    say!(prog_why_flush, 124, "q");
    say!(prog_note_started, "3.11.7", 120);
    say!(prog_note_not_instrumented);
    say!(prog_note_old_python, "3.9.18");
    say!(prog_note_report_fd, 124, 903, true);
    say!(prog_note_report_fd, 124, 903, false);
    say!(prog_note_hook_failed, "multiprocessing.queues: boom");
    say!(prog_note_too_many, 256);
    say!(prog_note_timed_out, 30);
    say!(prog_note_all_blocked, 3.0);
    say!(prog_note_ignored_term, 124);
    say!(prog_note_left_behind, 2);
    say!(prog_note_no_multiprocessing);
    say!(prog_summary_ended, "prog.py", "exit code 0");
    say!(prog_summary_still_running, "prog.py");
    say!(prog_summary_queue, "q = Queue()", 6, 6, 0);
    say!(prog_summary_queue_lost, "q = Queue()", 6, 3, 2, 1);
    say!(
        prog_stuck_waits,
        &["MainProcess (120) a".to_string(), "b".to_string()]
    );
    say!(
        prog_stuck_cycle,
        &["MainProcess".to_string(), "Process-1".to_string()]
    );
    say!(prog_note_lost_in_feeder, 300, "writer-1", 124, "q");
    say!(prog_note_lost_in_feeder, 1, "writer-1", 124, "q");
    say!(prog_summary_pipe, "a, b = Pipe()", 10, 10, true);
    say!(prog_summary_value, "v = Value('i')", 400_000, 4, "137651");
    say!(
        prog_summary_proc,
        "Process-1",
        124,
        "exit code 0",
        "prog.py:23"
    );
    say!(run_no_python, "python9");
    say!(run_no_program, "nope.py", "No such file or directory");
    say!(run_cannot_start, "Too many open files");
    say!(prog_key_not_here, "+");
    say!(prog_stage_title, "prog.py", 2);
    say!(prog_stage_empty);
    say!(prog_stage_queue, 2, 3, "72 B");
    say!(prog_doing_join, 124);
    say!(prog_doing_sleep, 0.5);
    say!(prog_doing_poll);
    say!(prog_doing_finishing, 3);
    say!(prog_holders, "send_end", "M P1");

    // screen
    say!(too_small, 60, 20, 80, 24);
    let activities = [
        Activity::Starting,
        Activity::Active,
        Activity::WaitingToPut {
            item: "url_6".into(),
            since_ns: 0,
        },
        Activity::WaitingToGet { since_ns: 0 },
        Activity::WaitingToSend {
            item: "url_3".into(),
            since_ns: 0,
        },
        Activity::WaitingToRecv { since_ns: 0 },
        Activity::Exited,
    ];
    let activities = [
        activities.as_slice(),
        &[Activity::WaitingForLock {
            holder: 5002,
            since_ns: 0,
        }],
    ]
    .concat();
    for a in &activities {
        say!(activity, a, 3);
        say!(activity, a, 0);
        say!(activity_short, a);
        say!(activity_tiny, a);
    }
    say!(not_a_terminal);
    say!(not_applicable);
    say!(key_help);
    say!(replay_key_help);
    say!(footer_keys);
    say!(replay_footer_keys);
    for key in ["space", "up/down", "up/down, click", "left/right", "click"] {
        say!(key_name, key);
    }
    say!(footer_resume);
    say!(footer_counters);
    say!(help_title);
    say!(help_kernel_letters);
    say!(help_disagreement, "≠");
    say!(running);
    say!(frozen_world);
    say!(frozen_short);
    say!(finished_eof);
    say!(finished_clean);
    say!(finished_last, "reader-1", "terminated by SIGTERM");
    say!(finished_all);
    say!(finished_short);
    say!(stuck_full_no_reader);
    say!(stuck_empty_no_writer);
    say!(stuck_send_end);
    say!(stuck_short);
    say!(replay_tag);
    say!(view_frozen);
    say!(slow_motion, 2.25);
    say!(fast);
    say!(fast_short);
    say!(lag, 4);
    say!(dropped, 0);
    say!(late, 3);
    say!(processes_title, 3);
    say!(more_rows, 2);
    say!(process_headings);
    for role in [
        Role::Writer,
        Role::Reader,
        Role::Sender,
        Role::Receiver,
        Role::Counter,
        Role::Supervisor,
    ] {
        say!(role_name, role);
    }
    for e in [
        Ended::Code(0),
        Ended::Code(3),
        Ended::Signal(SIGKILL),
        Ended::Signal(SIGTERM),
    ] {
        say!(ended_short, e);
    }
    say!(signal_sent, "SIGTERM");
    for w in [
        KernelWait::Running,
        KernelWait::Sleeping,
        KernelWait::WaitingForData,
        KernelWait::WaitingForSpace,
        KernelWait::WaitingForLock,
        KernelWait::WaitingOther("pipe_wait".into()),
        KernelWait::Stopped,
        KernelWait::Zombie,
        KernelWait::Gone,
    ] {
        say!(kernel_wait, &w, false);
        say!(kernel_wait, &w, true);
    }
    // Short, it is "?" in every language.
    say!(kernel_unseen, false);
    say!(disagrees);
    say!(disagree_legend, "≠");
    say!(log_title);
    say!(log_parent);
    for op in [
        Repeated::Put,
        Repeated::Get,
        Repeated::Send,
        Repeated::Recv,
        Repeated::PutWait,
        Repeated::GetWait,
        Repeated::SendWait,
        Repeated::RecvWait,
        Repeated::PutFull(crate::config::Then::Retry),
        Repeated::PutFull(crate::config::Then::GiveUp),
        Repeated::GetEmpty(crate::config::Then::Retry),
        Repeated::GetEmpty(crate::config::Then::GiveUp),
    ] {
        say!(
            burst,
            Some("reader-1"),
            op,
            40,
            Some(("url_1", "url_40")),
            true
        );
        say!(burst, None, op, 3, None, true);
        say!(burst, None, op, 3, None, false);
        say!(burst, None, op, 2, Some(("url_1", "url_4")), true);
    }
    say!(queue_title, 0);
    say!(queue_title, 3);
    say!(depth_label, 0, 0, 65_536);
    say!(depth_label, 2, 3, 65_536);
    say!(gauge_empty);
    say!(gauge_full);
    say!(depth_history, 6.0);
    say!(flow_words, true);
    say!(flow_words, false);
    say!(queue_waiters, 1, 0);
    say!(raised, 1, 2);
    say!(recovered_lost, 0, &[], 0);
    say!(recovered_lost, 1, &labels, 2);
    say!(recovered_lost, 1, &labels, 65_000);
    say!(pipe_title);
    say!(pipe_label, Some(18), Some("208 KiB"));
    say!(pipe_label, Some(18), None);
    say!(pipe_label, None, None);
    say!(in_flight, 2, &[]);
    say!(in_flight, 2, &labels);
    say!(eof, true);
    say!(eof, false);
    say!(holders, true, &labels);
    say!(holders, false, &[]);
    say!(counter_title, true);
    say!(counter_title, false);
    say!(expected, 400_000);
    say!(actual, 231_415);
    say!(lost_updates, 168_585, 42.1);
    say!(counter_lock, true);
    say!(counter_lock, false);
    say!(counter_label, 231_415, 400_000);
    say!(parent_holder);
    say!(timeline_state, true, 1.0, 12.3, 65.0);
    say!(timeline_state, false, 0.5, 0.0, 65.0);
    say!(timeline_records, 120, 5000);

    // stage
    say!(stage_queue_unbounded);
    say!(stage_pipe_title, true);
    say!(stage_pipe_title, false);
    say!(stage_counter_title, true);
    say!(stage_counter_title, false);
    say!(stage_stopped);
    say!(stage_pressing, "url_6");
    say!(stage_done_last, "put", 3, "url_3");
    say!(stage_lost_with, "url_4");
    say!(stage_more, 2);
    say!(stage_over_maxsize, 7);
    say!(stage_hidden_slots, 4);
    say!(stage_hidden_items, 9);
    say!(stage_untracked, 120);
    say!(delay_scale, "x1.5");
    say!(stage_nobody);
    say!(stage_tail);
    say!(stage_head);
    say!(stage_depth_unbounded, 12);
    say!(stage_depth_over, 10, 2, 8);
    say!(stage_depth_full, 3, 3);
    say!(stage_depth_empty, 3);
    say!(stage_depth, 2, 3);
    say!(stage_depth_short_unbounded, 12);
    say!(stage_depth_short_over, 10, 2, 8);
    say!(stage_fast, 4000, 3900);
    say!(stage_pipe_ends);
    say!(stage_pipe_bytes, Some(18), Some(65_536));
    say!(stage_pipe_bytes, None, None);
    say!(stage_pipe_way, true);
    say!(stage_pipe_way, false);
    say!(stage_both, "3/3", "+2");
    say!(stage_eof);
    say!(stage_held_by, true);
    say!(stage_held_by, false);
    say!(stage_not_sampled);
    say!(stage_parent_holds_send, true);
    say!(stage_parent_holds_send, false);

    // the parent on the stage
    say!(parent_joins, 910, "writer-1");
    say!(parent_joined, 910, "writer-1");
    say!(parent_hold, true);
    say!(parent_hold, false);
    say!(parent_name);
    {
        use crate::model::parent::ParentAt;
        for at in [
            ParentAt::Starting,
            ParentAt::Joining(910),
            ParentAt::BeforeTerminate { held: true },
            ParentAt::BeforeTerminate { held: false },
            ParentAt::Terminating,
            ParentAt::Done,
            ParentAt::Reading { blocked: true },
            ParentAt::Reading { blocked: false },
        ] {
            say!(parent_word, at);
        }
    }
    for short in [false, true] {
        say!(parent_starting, short);
        say!(parent_joining, "writer-1", short);
        say!(parent_before_terminate, true, short);
        say!(parent_before_terminate, false, short);
        say!(parent_terminating, "reader-1", short);
        say!(parent_done, short);
    }
    say!(parent_kernel, "wait4");
    say!(step_start);
    say!(step_join, "writer-1");
    say!(step_terminate, "reader-1");
    say!(step_done);
    say!(stage_expected_actual, 400_000, 231_415);
    say!(stage_lost, 168_585, 42.1);
    say!(stage_lock, true, false);
    say!(stage_lock, false, true);
    say!(stage_lock, false, false);

    // errors
    for what in [What::Trace, What::Recording, What::Export] {
        say!(output_what, what);
    }
    say!(cannot_write, "<what>", path, "<reason>");
    say!(is_symbolic_link);
    for kind in [
        FileKind::Directory,
        FileKind::Fifo,
        FileKind::Socket,
        FileKind::CharDevice,
        FileKind::BlockDevice,
        FileKind::Other,
    ] {
        say!(not_regular, kind);
    }
    say!(trailing_slash);
    say!(already_exists);
    say!(no_directory, Path::new("/nope"));
    say!(not_a_directory, Path::new("/etc/passwd"));
    say!(permission_denied);
    say!(read_only);
    say!(cannot_read, path, &why);
    say!(recording_is_directory, path);
    say!(recording_empty, path);
    for kind in [
        crate::recording::reader::NotAFile::CharDevice,
        crate::recording::reader::NotAFile::BlockDevice,
        crate::recording::reader::NotAFile::Socket,
    ] {
        say!(recording_not_a_file, path, kind);
    }
    say!(time_out_of_range, 1 << 63);
    say!(not_a_recording, path);
    say!(recording_version, path, 7, 1);
    say!(empty_line);
    say!(binary_line);
    say!(not_a_record, &"expected value at line 1 column 1");
    say!(cut_off);
    say!(no_run, path);
    say!(cannot_watch_signals, &why);
    say!(cannot_set_up_terminal, &why);
    say!(goes_on_without, &why);
    say!(cannot_create_shared, &why);
    say!(cannot_start_child, &why);
    say!(too_many_processes, 200, 100, 255);
    say!(too_many_processes, 1, 255, 255);
    say!(same_trace_and_record, path);
    say!(export_onto_recording, path);
    say!(delay_out_of_range, "0..5000", 3600.0);
    say!(not_a_delay, "1...2");
    say!(empty_delay, "1..0");
    say!(timeout_out_of_range, "3600.5", 3600.0);
    say!(negative_timeout, "-1", 3600.0);
    say!(not_seconds, "x", 3600.0);

    // pipe ends as fork leaves them, replies, the deadlock
    say!(end_closed, 953, PipeEnd::Send);
    say!(end_closed, 952, PipeEnd::Recv);
    say!(parent_closed_send_end);
    say!(wrong_way, 952, PipeCall::Recv, "connection is write-only");
    say!(wrong_way, 953, PipeCall::Send, "connection is read-only");
    say!(own_send_end, 953, false, 2.0);
    say!(own_send_end, 953, true, 2.5);
    say!(deadlock_link, "sender", 952, "receiver", 953);
    say!(
        deadlock,
        &[
            t.deadlock_link("sender", 952, "receiver", 953),
            t.deadlock_link("receiver", 953, "sender", 952)
        ]
    );
    say!(replies_summary, 5, 4);
    say!(needs_duplex, "--echo");
    say!(stuck_own_send_end);
    say!(stuck_deadlock);
    say!(stage_end_label, "a", "send end");
    say!(stage_end_held_by, "a (send end)");
    for parent_too in [false, true] {
        for short in [false, true] {
            say!(stage_own_copy, parent_too, short);
        }
    }
    say!(stage_deadlock);
    say!(stage_waits_for, "sender", 952, "receiver", 953);
    say!(
        notice_wrong_way,
        "sender",
        PipeCall::Recv,
        "connection is write-only"
    );
    say!(
        notice_wrong_way,
        "receiver",
        PipeCall::Send,
        "connection is read-only"
    );
    say!(hint_nothing_to_close, Some("receiver 953"));
    say!(hint_nothing_to_close, None);
    say!(hint_no_wrong_way);
    say!(hint_wrong_way_later, "receiver");
    say!(menu_pipe_ends, false);
    say!(menu_pipe_ends, true);
    say!(menu_pipe_replies, false);
    say!(menu_pipe_replies, true);
    // the race
    let victims = ["counter-1".to_string(), "counter-3".to_string()];
    say!(value_read, 5001, "v.value", 5);
    say!(value_read, 5001, "arr[1]", 5);
    say!(value_add, 5001, 6);
    say!(value_write, 5001, "v.value", 6);
    say!(value_overwrote, 5002, "v.value", (6, 6), &victims[..1], 1);
    say!(value_overwrote, 5002, "arr[0]", (6, 7), &victims, 2);
    say!(value_overwrote, 5002, "v.value", (6, 6), &[], 1);
    say!(value_caught_up, 5003, "v.value", 6, 4);
    say!(lock_wait, 5001, Some(5002));
    say!(lock_wait, 5001, None);
    say!(lock_taken, 5002);
    say!(value_lock_recovered, 5002, Some(5001));
    say!(value_lock_recovered, 5002, None);
    say!(notice_value_lock_recovered, "counter-2", "counter-1", 5001);
    say!(value_lock_recoveries_summary, 1);
    say!(lock_set, true);
    say!(lock_set, false);
    say!(notice_overwrote, "counter-2", &victims[..1], 1);
    say!(notice_overwrote, "counter-4", &victims, 2);
    say!(notice_overwrote, "counter-2", &[], 1);
    say!(notice_caught_up, "counter-3", 6, 4);
    say!(race_next, Some(5), "tmp += 1");
    say!(race_next, None, "tmp = v.value");
    for step in [
        crate::model::race::Step::Lock,
        crate::model::race::Step::Read,
        crate::model::race::Step::Add,
        crate::model::race::Step::Write,
    ] {
        say!(race_next_short, Some(5), step);
    }
    say!(lock_held_by, Some("counter-1"));
    say!(lock_held_by, None);
    say!(lock_wait_state, Some("counter-1"));
    say!(lock_wait_state, None);
    say!(race_full_speed);
    say!(race_partial, 3, 5);
    say!(stage_array_title, 4, false);
    say!(stage_array_title, 2, true);
    say!(array_title, false);
    say!(array_title, true);
    say!(cell_lost, 0);
    say!(cell_lost, 3);
    say!(footer_lock);
    say!(stage_overwrote, "counter-2", &victims[..1]);
    say!(stage_overwrote, "counter-4", &victims);
    say!(stage_overwrote, "counter-2", &[]);
    say!(lock_now, true);
    say!(lock_now, false);

    // lesson files
    let why_io = "No such file or directory (os error 2)";
    say!(cannot_read_lesson, why_io);
    say!(cannot_read_lessons_folder, why_io);
    say!(cannot_read_program, "lessons/demo.py", why_io);
    say!(not_the_built_in_program, "pipe.py", "other.py");
    for syntax in [
        // A Chinese quote: the English sentence quoting it has no CJK.
        Syntax::FullWidth {
            found: '“',
            ascii: '"',
        },
        Syntax::Unquoted,
        Syntax::MissingComma,
        Syntax::NoValue,
        Syntax::UnclosedString { quote: '"' },
        Syntax::Unclosed { close: '}' },
        Syntax::Other("invalid boolean, expected `true`".into()),
    ] {
        say!(toml_syntax, &syntax);
    }
    say!(duplicate_key, "reveal");
    say!(unknown_key, "fr", &["en".to_string(), "zh".to_string()]);
    say!(unknown_key, "x", &[]);
    say!(missing_key, "scenes");
    let found = [
        Found::WholeNumber("3".into()),
        Found::Number("2.5".into()),
        Found::TrueFalse("true".into()),
        Found::Str("\"2\"".into()),
        Found::List,
        Found::Table,
        Found::Other,
    ];
    for f in &found {
        say!(found, f);
        say!(wrong_kind, Some("title"), Want::Text, f);
    }
    for w in Want::ALL {
        say!(want, w);
        say!(wrong_kind, None, w, &Found::WholeNumber("3".into()));
    }
    say!(unreadable, "wanted string or table");
    say!(unreadable_number, Some("scenes.question.answer"));
    say!(unreadable_number, None);
    for e in [
        TextError::Neither,
        TextError::Missing(Lang::En),
        TextError::Missing(Lang::Zh),
        TextError::Empty(Lang::En),
        TextError::Empty(Lang::Zh),
    ] {
        say!(text_problem, e);
    }
    say!(scenario_count, 0);
    say!(scenario_count, 2);
    say!(option_out_of_range, "maxsize", -1, 0, 65_536);
    say!(nowait_with_timeout, "put");
    say!(bad_seconds, "put_timeout", &"'-1' is negative");
    say!(no_program_name);
    say!(empty_program, "demo.py");
    say!(unknown_part, "readr", &["writer", "reader", "parent"]);
    say!(no_such_op, ProgramRole::Reader, "put", &["start", "get"]);
    say!(line_from_one, ProgramRole::Writer, Op::Put, 0);
    say!(
        line_past_end,
        ProgramRole::Writer,
        Op::Put,
        13,
        "demo.py",
        12
    );
    let mismatch = |expected| LineMismatch {
        role: ProgramRole::Writer,
        op: Op::Put,
        line: 5,
        expected,
        text: "print('writing')".into(),
    };
    say!(
        line_lacks_call,
        &mismatch(&["put(", "put_nowait("]),
        "demo.py"
    );
    say!(line_lacks_call, &mismatch(&[]), "demo.py");
    say!(no_scenes);
    say!(close_unused_needs_inherit);
    say!(option_needs_duplex, "echo");
    say!(action_needs_option, "close_unused on", "inherit");
    say!(action_needs_option, "close_parent_end", "forget_close");
    say!(choice_count, 5);
    say!(answer_out_of_range, 3, 2);
    say!(not_an_action, "jump");
    say!(maxsize_takes, "maxsize x", 65_536);
    say!(array_takes, "array 17", 16);
    say!(policy_takes, "put_policy forever", 3600.0);
    say!(then_takes, "on_full later");
    say!(full_speed_with_step_delay);
    say!(feeder_with_maxsize);
    say!(drain_first_needs_parent_reads);
    say!(slow_motion_takes, "slow_motion 40", 0.1, 20.0);
    say!(
        not_a_role,
        "kill parent",
        "parent",
        &["writer", "reader", "counter"]
    );
    say!(
        action_needs,
        "lock on",
        ScenarioKind::Counter,
        ScenarioKind::Queue
    );
    say!(no_such_process, ScenarioKind::Queue, Role::Sender);
    say!(
        action_no_such_process,
        "kill sender",
        ScenarioKind::Queue,
        Role::Sender
    );
    say!(not_a_reveal, "the writer waits");
    say!(
        blocks_in,
        "writer blocks in get",
        Role::Writer,
        Op::Put,
        "get"
    );
    say!(never_blocks, "counter blocks in increment", Role::Counter);
    say!(not_a_count, "reader done >= many", "many");
    let nevers = [
        Never::NoSuchProcess {
            scenario: ScenarioKind::Queue,
            role: Role::Receiver,
        },
        Never::PutNowait,
        Never::Unbounded,
        Never::GetNowait,
        Never::NoReader,
        Never::PutWaitsForever,
        Never::UnboundedFull,
        Never::GetWaitsForever,
        Never::NotAQueue(ScenarioKind::Pipe),
        Never::ForgetClose,
        Never::OwnSendEnd,
        Never::OneWayTraffic,
        Never::NotAPipe(ScenarioKind::Queue),
        Never::LockHeld,
        Never::OneCounter,
        Never::OwnCells { procs: 2, cells: 4 },
        Never::NotACounter(ScenarioKind::Queue),
        Never::AtMost {
            most: 16,
            bound: Bound::Items {
                writers: 4,
                items: 4,
            },
        },
        Never::AtMost {
            most: 10,
            bound: Bound::Messages,
        },
        Never::AtMost {
            most: 400_000,
            bound: Bound::Increments {
                procs: 4,
                increments: 100_000,
            },
        },
    ];
    for why in &nevers {
        say!(never_holds, "reader done >= 17", why);
    }

    // the command line (one sample of each keyed table: the command line's
    // own tests walk every key)
    let c = cli_table(lang);
    macro_rules! cli {
        ($name:ident $(, $arg:expr)*) => {
            v.push((stringify!($name), format!("{:?}", c.$name($($arg),*))))
        };
    }
    cli!(help_text, "QueueArgs.writers");
    cli!(help_text, "queue");
    cli!(heading, "Queue options");
    cli!(heading, "Usage");
    cli!(label, "Usage");
    cli!(label_space);
    cli!(default_value, "perfetto");
    cli!(possible_values, &["en", "zh"]);
    cli!(error_label);
    cli!(tip_label);
    cli!(try_help, "--help");
    cli!(unexpected_argument, "--bogus");
    cli!(unrecognized_subcommand, "frobnicate");
    cli!(
        invalid_value,
        "999",
        "--writers <N>",
        Some("999 is not in 1..=255")
    );
    cli!(invalid_value, "fr", "--lang <LANG>", None);
    cli!(value_required, "--trace <FILE>");
    cli!(equals_needed, "--lang <LANG>");
    cli!(unexpected_value, "b", "--seed <N>");
    cli!(values_required, "--x <A> <B>", 2, 1, true);
    cli!(values_required, "--x <A> <B>", 2, 3, false);
    let with = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let arg = Conflicting::Arg("--nowait-put");
    cli!(cannot_be_used_with, arg, &with(&["--put-timeout <S>"]));
    cli!(cannot_be_used_with, arg, &with(&["--a", "--b"]));
    cli!(cannot_be_used_with, arg, &[]);
    let sub = Conflicting::Subcommand("pipe");
    cli!(cannot_be_used_with, sub, &with(&["--writers <N>"]));
    cli!(used_more_than_once, "--headless");
    cli!(required_not_given, &with(&["--output <OUT>"]));
    cli!(subcommand_required, "__child", &with(&["writer", "reader"]));
    cli!(not_utf8);
    cli!(bad_command_line);
    for what in [Similar::Argument, Similar::Subcommand, Similar::Value] {
        cli!(similar, what, &with(&["--writers"]));
        cli!(similar, what, &with(&["queue", "pipe"]));
    }
    cli!(pass_as_value, "-x", "-- -x");
    cli!(exists_in, "queue --writers");
    cli!(remove_double_dash, "queue");
    cli!(not_a_whole_number, "abc");
    cli!(number_out_of_range, "999", 1, 255);
    cli!(
        no_lesson_named,
        "nope",
        "the built-in lessons",
        &with(&["queue", "pipe"])
    );
    cli!(no_lesson_named, "nope", "my-lessons", &[]);
    cli!(lesson_library, None);
    cli!(lesson_library, Some(Path::new("my-lessons")));
    // the wait-for view
    use crate::model::waits::Need;
    let names = ["writer-1".to_string(), t.provider_parent(false).to_string()];
    for need in [
        Need::Space,
        Need::Data,
        Need::Message,
        Need::Room,
        Need::Lock,
        Need::End,
        Need::Flush,
    ] {
        for short in [false, true] {
            say!(waits_for, need, &names, false, short);
            say!(waits_for, need, &names, true, short);
            say!(waits_for, need, &[], true, short);
            say!(provider_itself, need, short);
        }
    }
    for short in [false, true] {
        say!(provider_parent, short);
        say!(provider_main, short);
    }
    // Python's feeder thread
    say!(flushed, 4101, "url_3");
    say!(flush_wait, 4101, 1);
    say!(flush_wait, 4101, 12);
    say!(lost_in_buffer, 4101, &labels);
    say!(parent_get_wait);
    say!(buffer_lost, 4101, "writer-2", 1);
    say!(buffer_lost, 4101, "writer-2", 64_000);
    say!(lost_unnamed, 64_000);
    say!(join_before_drain, 4101, "writer-1", true);
    say!(join_before_drain, 4101, "writer-1", false);
    say!(stuck_join_before_drain);
    say!(feeder_panel_title, 8);
    say!(feeder_summary, 20, 8, 0, 8, 8);
    say!(feeder_title, 8);
    for short in [false, true] {
        say!(buffer_detail, 12, true, short);
        say!(buffer_detail, 3, false, short);
        for blocked in [false, true] {
            say!(parent_reading, 5, blocked, short);
        }
    }
    say!(step_get, Some(40));
    say!(step_get, None);
    v
}

/// Whether `s` has Chinese in it: an ideograph, or CJK or full-width
/// punctuation (a sentence made of code and Chinese punctuation, like
/// `3/3，+2`, is Chinese too).
fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}'
            | '\u{FF00}'..='\u{FFEF}')
    })
}

/// Whether `s` says nothing but code and numbers (a Python name, digits,
/// punctuation, arrow keys), which reads the same in every language.
fn only_code_or_numbers(s: &str) -> bool {
    let rest = s.replace("maxsize", "");
    rest.chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ' || "←↑→↓".contains(c))
}

#[test]
fn every_sentence_method_is_sampled() {
    let source = include_str!("words.rs");
    let said: std::collections::HashSet<&str> = samples(Lang::En).iter().map(|(m, _)| *m).collect();
    let mut methods = 0;
    for line in source.lines() {
        let Some(rest) = line.trim_start().strip_prefix("fn ") else {
            continue;
        };
        let name = rest.split('(').next().unwrap();
        methods += 1;
        assert!(said.contains(name), "{name} is not sampled");
    }
    assert!(methods > 150, "{methods} methods found in words.rs");
}

#[test]
fn chinese_says_every_sentence_in_chinese() {
    for (method, text) in samples(Lang::Zh) {
        assert!(
            has_cjk(&text) || only_code_or_numbers(text.trim_matches('"')),
            "{method}: {text}"
        );
    }
    // Each line of the key tables, not only the table as a whole.
    let zh = table(Lang::Zh);
    let tables: [(&str, KeyTable); 6] = [
        ("lesson_key_help", zh.lesson_key_help()),
        ("menu_keys", zh.menu_keys()),
        ("key_help", zh.key_help()),
        ("replay_key_help", zh.replay_key_help()),
        ("footer_keys", zh.footer_keys()),
        ("replay_footer_keys", zh.replay_footer_keys()),
    ];
    for (name, keys) in tables {
        for (key, what) in keys {
            assert!(
                has_cjk(what) || only_code_or_numbers(what),
                "{name} {key}: {what}"
            );
        }
    }
}

#[test]
fn english_and_chinese_differ_in_every_sentence() {
    let en = samples(Lang::En);
    let zh = samples(Lang::Zh);
    assert_eq!(en.len(), zh.len());
    for ((method, e), (_, z)) in en.iter().zip(&zh) {
        assert_ne!(e, z, "{method} says the same in both languages");
    }
    // And English has no Chinese in it.
    for (method, e) in &en {
        assert!(!has_cjk(e), "{method}: {e}");
    }
}

#[test]
fn both_languages_have_the_same_keys_in_the_same_order() {
    let (en, zh) = (table(Lang::En), table(Lang::Zh));
    let keys = |t: KeyTable| t.iter().map(|(k, _)| *k).collect::<Vec<_>>();
    assert_eq!(keys(en.key_help()), keys(zh.key_help()));
    assert_eq!(keys(en.replay_key_help()), keys(zh.replay_key_help()));
    assert_eq!(keys(en.footer_keys()), keys(zh.footer_keys()));
    assert_eq!(keys(en.replay_footer_keys()), keys(zh.replay_footer_keys()));
    assert_eq!(keys(en.lesson_key_help()), keys(zh.lesson_key_help()));
    assert_eq!(keys(en.menu_keys()), keys(zh.menu_keys()));
}

#[test]
fn the_language_is_per_thread_and_english_until_set() {
    assert_eq!(lang(), Lang::En);
    set_lang(Lang::Zh);
    assert_eq!(words().log_title(), " 事件日志 ");
    let other = std::thread::spawn(|| (lang(), words().log_title())).join();
    assert_eq!(other.unwrap(), (Lang::En, " Event log "));
    assert_eq!(with_lang(Lang::En, lang), Lang::En);
    assert_eq!(lang(), Lang::Zh, "with_lang puts the language back");
    set_lang(Lang::En);
}

#[test]
fn scenario_parts_say_the_python_object_as_code_and_the_processes_in_the_language() {
    use crate::config::{CounterConfig, Mode, PipeConfig, QueueConfig, Scenario};
    let mut q = QueueConfig::defaults(Mode::Headless);
    q.maxsize = 2;
    q.put_nowait = true;
    q.get_timeout = Some(1.5);
    let queue = Scenario::Queue(q);
    assert_eq!(
        scenario_parts(&queue, Lang::En),
        [
            "Queue(maxsize=2)",
            "2 writers, 1 reader, 3 items each",
            "put_nowait()",
            "get(timeout=1.5)"
        ]
    );
    assert_eq!(
        scenario_parts(&queue, Lang::Zh)[1],
        "2 个写进程，1 个读进程，每个写进程放 3 项"
    );
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.duplex = false;
    p.forget_close = true;
    assert_eq!(
        scenario_parts(&Scenario::Pipe(p), Lang::En),
        [
            "Pipe(duplex=False)",
            "10 messages from a sender to a receiver; the parent keeps a copy of the send end"
        ]
    );
    let mut c = CounterConfig::defaults(Mode::Tui);
    c.lock = true;
    assert_eq!(
        scenario_parts(&Scenario::Counter(c), Lang::Zh),
        [
            "Value('i', 0)",
            "4 个进程各给它加 1，每个 100000 次，持有 get_lock()"
        ]
    );
}

#[test]
fn a_failed_command_note_is_said_in_each_language_with_the_os_error_by_name() {
    use crate::stream::Note;
    let note = Note::Failed {
        tried: Attempt::Start { role: Role::Reader },
        error: "EAGAIN".into(),
    };
    assert_eq!(
        with_lang(Lang::En, || note_text(&note)),
        "Could not start another reader: EAGAIN."
    );
    assert_eq!(
        with_lang(Lang::Zh, || note_text(&note)),
        "无法再启动一个读进程：EAGAIN。"
    );
    // A recording made before keeps the OS's words it has.
    let old = Note::CouldNotDo {
        what: "Resource temporarily unavailable (os error 11)".into(),
    };
    assert_eq!(
        with_lang(Lang::Zh, || note_text(&old)),
        "无法执行：Resource temporarily unavailable (os error 11)"
    );
}
