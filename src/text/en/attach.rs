//! English: watching someone's Python program (`ipcscope run`).

use super::En;
use crate::text::words::AttachWords;

impl AttachWords for En {
    fn at_place(&self, place: &str) -> String {
        format!(" ({place})")
    }

    fn prog_main(&self, p: i32) -> String {
        format!("The program started as Process({p}).")
    }

    fn prog_helper(&self, p: i32, name: &str) -> String {
        format!("Process({p}) is multiprocessing's {name}.")
    }

    fn prog_started(&self, p: i32, child: i32, name: &str, target: &str, method: &str) -> String {
        format!("Process({p}) started Process({child}): {name}, running {target}() ({method}).")
    }

    fn prog_made(&self, p: i32, what: &str) -> String {
        format!("Process({p}) made {what}.")
    }

    fn prog_put(&self, p: i32, item: &str, obj: &str, depth: u32) -> String {
        format!(
            "Process({p}) put {item} on {obj}: into its feeder buffer, not yet in the pipe (depth {depth})."
        )
    }

    fn prog_put_direct(&self, p: i32, item: &str, obj: &str) -> String {
        format!("Process({p}) put {item} on {obj}: straight into the pipe.")
    }

    fn prog_get(&self, p: i32, item: &str, obj: &str, depth: u32) -> String {
        format!("Process({p}) got {item} from {obj} (depth {depth}).")
    }

    fn prog_put_wait(&self, p: i32, item: &str, obj: &str, depth: u32, maxsize: u32) -> String {
        format!("Process({p}) waits in put({item}): {obj} is full ({depth}/{maxsize}).")
    }

    fn prog_get_wait(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) waits in get(): {obj} is empty.")
    }

    fn prog_full(&self, p: i32, item: &str, obj: &str) -> String {
        format!("Process({p}) put({item}) on {obj}: queue.Full raised.")
    }

    fn prog_empty(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) get() on {obj}: queue.Empty raised.")
    }

    fn prog_send(&self, p: i32, item: &str, end: &str) -> String {
        format!("Process({p}) sent {item} through {end}.")
    }

    fn prog_recv(&self, p: i32, item: &str, end: &str) -> String {
        format!("Process({p}) received {item} from {end}.")
    }

    fn prog_recv_wait(&self, p: i32, end: &str) -> String {
        format!("Process({p}) waits in {end}.recv(): nothing in the pipe yet.")
    }

    fn prog_eof(&self, p: i32, end: &str) -> String {
        format!(
            "Process({p}) {end}.recv(): EOFError raised (every copy of the other end is closed)."
        )
    }

    fn prog_closed(&self, p: i32, what: &str) -> String {
        format!("Process({p}) closed {what}.")
    }

    fn prog_raised(&self, p: i32, call: &str, obj: &str, error: &str) -> String {
        format!("Process({p}) {call}() on {obj} raised {error}.")
    }

    fn prog_join_wait(&self, p: i32, child: i32) -> String {
        format!("Process({p}) waits in join() for Process({child}).")
    }

    fn prog_joined(&self, p: i32, child: i32, ended: bool) -> String {
        if ended {
            format!("Process({p}) joined Process({child}).")
        } else {
            format!("Process({p}) stopped waiting for Process({child}) (join timed out).")
        }
    }

    fn prog_finishing(&self, p: i32, buffered: u64) -> String {
        format!(
            "Process({p}) returned from its target with {buffered} item(s) still in its feeder \
             buffer: it cannot end until they are in the pipe."
        )
    }

    fn prog_many(&self, p: i32, op: &str, n: u64, obj: &str) -> String {
        format!(
            "Process({p}): {n} more {op}() on {obj}, too fast to tell one by one (counted exactly)."
        )
    }

    fn prog_signalled(&self, p: i32, target: i32, signal: &str) -> String {
        format!("Process({p}) sent {signal} to Process({target}).")
    }

    fn prog_exit(&self, p: i32, name: &str, how: &str) -> String {
        format!("Process({p}) ({name}) ended: {how}.")
    }

    fn prog_how_code(&self, code: i32) -> String {
        format!("exit code {code}")
    }

    fn prog_how_signal(&self, signal: &str) -> String {
        format!("killed by {signal}")
    }

    fn prog_interrupted(&self) -> String {
        "ipcscope is stopping the program (SIGTERM to each process, SIGKILL after 2 s).".into()
    }

    fn prog_note_started(&self, python: &str, pid: i32) -> String {
        format!(
            "Python {python} runs the program as Process({pid}), with ipcscope's instrumentation."
        )
    }

    fn prog_note_not_instrumented(&self) -> String {
        "No instrumentation (--no-instrument): ipcscope shows the processes, their states and \
         the pipes they hold, as the kernel sees them."
            .into()
    }

    fn prog_note_old_python(&self, version: &str) -> String {
        format!(
            "Python {version} runs this program: ipcscope needs Python 3.11 or newer to look \
             inside it, so it shows only what the kernel sees."
        )
    }

    fn prog_note_report_fd(&self, pid: i32, fd: i32, reused: bool) -> String {
        let what = if reused { "reused" } else { "closed" };
        format!(
            "Process({pid}) {what} ipcscope's reporting descriptor (fd {fd}); its reports go on \
             through ipcscope's FIFO."
        )
    }

    fn prog_note_hook_failed(&self, what: &str) -> String {
        format!("ipcscope could not instrument {what}; the program runs on unwatched there.")
    }

    fn prog_note_too_many(&self, limit: u32) -> String {
        format!(
            "The program has more than {limit} processes at once: ipcscope follows the first \
             {limit} (the others still end with it)."
        )
    }

    fn prog_note_timed_out(&self, secs: u64) -> String {
        format!("The program is still running after {secs} s (--timeout): ipcscope stops it.")
    }

    fn prog_note_all_blocked(&self, secs: f64) -> String {
        format!(
            "Every process of the program has waited {secs:.1} s and none can move on: it will \
             never end by itself."
        )
    }

    fn prog_note_all_blocked_why(&self, secs: f64, why: &[String]) -> String {
        format!(
            "Every process of the program has waited {secs:.1} s and none can move on: {}. It \
             will never end by itself.",
            why.join("; ")
        )
    }

    fn prog_why_join(&self, p: i32, child: i32) -> String {
        format!("Process({p}) waits in join() for Process({child})")
    }

    fn prog_why_recv(&self, p: i32, end: &str, other: &str, holders: &[i32]) -> String {
        let who: Vec<String> = holders
            .iter()
            .map(|h| {
                if *h == p {
                    format!("Process({h}) itself")
                } else {
                    format!("Process({h})")
                }
            })
            .collect();
        match who.as_slice() {
            [] => format!("Process({p}) waits in {end}.recv()"),
            [one] => format!(
                "Process({p}) waits in {end}.recv(), and only {one} still holds {other}, the end a \
                 message would come through"
            ),
            _ => format!(
                "Process({p}) waits in {end}.recv(), and only {} still hold {other}, the end a \
                 message would come through",
                who.join(" and ")
            ),
        }
    }

    fn prog_why_send(&self, p: i32, end: &str) -> String {
        format!("Process({p}) waits in {end}.send(): the pipe is full")
    }

    fn prog_why_get(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) waits in {obj}.get(): it is empty")
    }

    fn prog_why_put(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) waits in {obj}.put(): it is full")
    }

    fn prog_why_flush(&self, p: i32, obj: &str) -> String {
        format!("Process({p}) cannot end before its feeder flushes into {obj}'s pipe")
    }

    fn prog_stuck_waits(&self, waits: &[String]) -> String {
        format!("Who waits for whom: {}.", waits.join("; "))
    }

    fn prog_stuck_cycle(&self, names: &[String]) -> String {
        format!(
            "A deadlock: {}, each waiting forever for the next.",
            names.join(" → ")
        )
    }

    fn prog_note_lost_in_feeder(&self, n: u64, name: &str, pid: i32, obj: &str) -> String {
        let items = if n == 1 { "item" } else { "items" };
        format!(
            "{n} {items} put on {obj} by {name} ({pid}) were in its feeder buffer when it was \
             killed: lost, they never reached the pipe (a get waits for them in vain)."
        )
    }

    fn prog_summary_queue_lost(
        &self,
        title: &str,
        puts: u64,
        gets: u64,
        lost: u64,
        left: u64,
    ) -> String {
        format!("{title}: {puts} put, {gets} got, {lost} lost, {left} left")
    }

    fn prog_note_ignored_term(&self, pid: i32) -> String {
        format!("Process({pid}) ignored SIGTERM for 2 s: SIGKILL.")
    }

    fn prog_note_left_behind(&self, count: u32) -> String {
        format!(
            "The main process has ended and left {count} process(es) running: ipcscope stops them."
        )
    }

    fn prog_note_no_multiprocessing(&self) -> String {
        "The program ended without using multiprocessing: no Queue, Pipe, Value or Process to \
         show."
            .into()
    }

    fn prog_summary_ended(&self, file: &str, how: &str) -> String {
        format!("{file}: {how}")
    }

    fn prog_summary_still_running(&self, file: &str) -> String {
        format!("{file}: still running")
    }

    fn prog_summary_queue(&self, title: &str, puts: u64, gets: u64, left: u64) -> String {
        format!("{title}: {puts} put, {gets} got, {left} left")
    }

    fn prog_summary_pipe(&self, title: &str, sent: u64, received: u64, eof: bool) -> String {
        let eof = if eof { ", EOFError raised" } else { "" };
        format!("{title}: {sent} sent, {received} received{eof}")
    }

    fn prog_summary_value(&self, title: &str, writes: u64, procs: usize, value: &str) -> String {
        format!("{title}: {writes} writes by {procs} process(es), last seen {value}")
    }

    fn prog_summary_proc(&self, name: &str, pid: i32, ended: &str, place: &str) -> String {
        let place = if place.is_empty() {
            String::new()
        } else {
            format!(", last at {place}")
        };
        format!("  {name:<16} Process({pid}) {ended}{place}")
    }

    fn prog_telemetry_summary(&self, events: u64, dropped: u64, late: u64) -> String {
        let mut s = format!("telemetry: {events} events");
        if dropped > 0 {
            s.push_str(&format!(
                ", {dropped} reports dropped (the program ran ahead of ipcscope; the counts \
                 above miss what they told)"
            ));
        } else {
            s.push_str(", none dropped");
        }
        if late > 0 {
            s.push_str(&format!(", {late} arrived late"));
        }
        s
    }

    fn run_no_python(&self, python: &str) -> String {
        format!(
            "cannot run '{python}': no such program (install Python 3.11 or newer, or name one: \
             ipcscope run -- /path/to/python3 PROG.py)"
        )
    }

    fn run_no_program(&self, path: &str, why: &str) -> String {
        format!("cannot run '{path}': {why}")
    }

    fn run_no_such_file(&self) -> String {
        "there is no such file".into()
    }

    fn run_cannot_start(&self, why: &str) -> String {
        format!("cannot start the program: {why}")
    }

    fn prog_key_not_here(&self, key: &str) -> String {
        format!("{key}: not for someone else's program (it makes its own processes and objects).")
    }

    fn prog_stage_title(&self, file: &str, objects: usize) -> String {
        format!("{file}: {objects} shared object(s)")
    }

    fn prog_stage_empty(&self) -> &'static str {
        "No Queue, Pipe or Value yet: the objects appear as the program makes them."
    }

    fn prog_stage_queue(&self, buffered: u64, in_pipe: u64, bytes: &str) -> String {
        format!("{buffered} in feeder buffers, {in_pipe} in the pipe ({bytes})")
    }

    fn prog_doing_join(&self, child: i32) -> String {
        format!("join {child}")
    }

    fn prog_doing_sleep(&self, secs: f64) -> String {
        format!("sleep {secs:.1}s")
    }

    fn prog_doing_poll(&self) -> &'static str {
        "poll"
    }

    fn prog_doing_finishing(&self, buffered: u64) -> String {
        format!("flushing {buffered}")
    }

    fn prog_holders(&self, end: &str, who: &str) -> String {
        format!("{end} held by {who}")
    }
}
