//! Chrome trace-event JSON (the "JSON Object Format"), which
//! ui.perfetto.dev and chrome://tracing open. What a run becomes:
//!
//! - **Tracks.** Each process of each run is a trace process with one
//!   thread (`pid` = `tid`), named `writer-1 (PID)` by `process_name` and
//!   `thread_name` metadata; the run's supervisor is `supervisor (PID)`,
//!   and the run's shared object (`queue (maxsize 2)`, `pipe`, `Value`)
//!   has a track of its own for its counters. Trace pids are numbers given
//!   in order (1, 2, ...), never reused, so every run of a recording has
//!   its own tracks; with several runs each name starts `run N: `.
//!   `process_sort_index` keeps them in that order.
//! - **Slices** (`X`, duration >= 0): each interval a process spent blocked —
//!   `put_wait` until that process's next `put`, `put_full`, `gave_up`,
//!   `exiting` or `exit`; `get_wait` until `get`/`get_empty`; `send_wait`
//!   until the `send`'s write returned (its `done_ns`: the send is stamped
//!   before its write starts; an older recording lacks it, and the wait
//!   ends at the stamp); `recv_wait` until `recv`/`recv_eof` (an interval the
//!   recording never closes ends at the run's last record, marked
//!   `unfinished`) — and each put, get, send and recv as a zero-length
//!   slice the arrows attach to. Sleeps are not shown: the stream has no
//!   event for them.
//! - **Instants** (`i`, thread scope): spawn, exit, `queue.Full`,
//!   `queue.Empty`, `EOFError`, signals (on the process signalled),
//!   recoveries, the supervisor's notes (a stuck run says `stuck: ...`),
//!   freeze/resume, settings changed, lines a child printed, records the
//!   recording left out.
//! - **Flows** (`s` then `f` with `bp: "e"`, one id): from each put to the
//!   get of the same item (same `seq`), from each send to its recv (same
//!   `seq`, the other process). An item never taken has no arrow.
//! - **Counters** (`C`) on the object's track: `queue depth` from the puts
//!   and gets (exact; after the first flood or gap in the recording, from
//!   the sampled observations), `pipe bytes` and `Value value`/`expected`
//!   from observations; on each counter process, `increments done`.
//!
//! `ts` and `dur` are microseconds since the recording's first run started
//! (fractions keep the nanoseconds). Events are written in time order (so
//! in order on every track); at one instant a longer slice comes before
//! a shorter one, and a slice before the arrow that attaches to it.

mod build;
mod events;

use std::io::{self, Write};

use crate::stream::Record;

use events::{Ev, Json, Meta, describe, pid_of};

/// Writes the trace of `records` to `out`; returns the number of trace
/// events written (metadata included).
pub fn write(records: &[Record], out: &mut impl Write) -> io::Result<usize> {
    let trace = Trace::build(records);
    trace.write_json(records, out)
}

/// A trace in memory: its tracks and its events, in time order. Events
/// point at the records they come from; names and args are made as they
/// are written, so a flood of millions of records stays small here.
struct Trace {
    tracks: Vec<Track>,
    events: Vec<Ev>,
    several_runs: bool,
}

/// One trace process (with one thread).
struct Track {
    run: usize,
    name: String,
}

impl Trace {
    /// Writes `{"traceEvents":[...],...}`: metadata first, then the events
    /// in time order.
    fn write_json(&self, records: &[Record], out: &mut impl Write) -> io::Result<usize> {
        let mut count = 0;
        out.write_all(b"{\"traceEvents\":[\n")?;
        let mut put = |out: &mut dyn Write, j: &Json| -> io::Result<()> {
            if count > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, j).map_err(io::Error::other)?;
            count += 1;
            Ok(())
        };
        for (i, t) in self.tracks.iter().enumerate() {
            let pid = pid_of(i);
            let name = if self.several_runs {
                format!("run {}: {}", t.run + 1, t.name)
            } else {
                t.name.clone()
            };
            for meta in ["process_name", "thread_name"] {
                put(out, &Json::meta(meta, pid, Meta::Name(&name)))?;
            }
            put(
                out,
                &Json::meta("process_sort_index", pid, Meta::SortIndex(pid)),
            )?;
        }
        for e in &self.events {
            let (name, args) = describe(e, records);
            put(out, &Json::of(e, &name, args.as_ref()))?;
        }
        out.write_all(b"\n],\"displayTimeUnit\":\"ms\",\"otherData\":")?;
        serde_json::to_writer(
            &mut *out,
            &serde_json::json!({
                "exported_by": format!("ipcscope {}", env!("CARGO_PKG_VERSION")),
                "ts": "microseconds since the recording's first run started",
            }),
        )
        .map_err(io::Error::other)?;
        out.write_all(b"}\n")?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::Value;

    use super::*;
    use crate::config::Scenario;
    use crate::stream::{Body, Event, Kind, ProcId, Role};

    pub(super) fn ev(n: u64, t: u64, child: ProcId, pid: i32, kind: Kind) -> Record {
        Record {
            n,
            body: Body::Event(Event::new(t, child, pid, kind)),
        }
    }

    pub(super) fn seq(mut r: Record, s: u64) -> Record {
        if let Body::Event(e) = &mut r.body {
            e.seq = Some(s);
        }
        r
    }

    /// The trace of `recs` as written: (pid -> track name, the events
    /// after the metadata, in order).
    pub(super) fn written(recs: &[Record]) -> (HashMap<u64, String>, Vec<Value>) {
        let mut out = Vec::new();
        write(recs, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).expect("JSON");
        let mut names = HashMap::new();
        let mut evs = Vec::new();
        for e in v["traceEvents"].as_array().unwrap() {
            if e["ph"] == "M" {
                if e["name"] == "process_name" {
                    let name = e["args"]["name"].as_str().unwrap().to_string();
                    names.insert(e["pid"].as_u64().unwrap(), name);
                }
            } else {
                evs.push(e.clone());
            }
        }
        (names, evs)
    }

    pub(super) fn pid_named(names: &HashMap<u64, String>, prefix: &str) -> u64 {
        *names
            .iter()
            .find(|(_, n)| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("no track {prefix}: {names:?}"))
            .0
    }

    #[test]
    fn several_runs_get_their_own_tracks_named_by_run_on_one_clock() {
        use crate::config::{Mode, PipeConfig, RunConfig};
        let run = |n, start| Record {
            n,
            body: Body::Run(crate::stream::RunInfo {
                start_ns: start,
                pid: 9,
                config: RunConfig::new(
                    Scenario::Pipe(PipeConfig::defaults(Mode::Headless)),
                    Mode::Headless,
                    1,
                ),
            }),
        };
        let spawn = |n, t, pid| {
            let kind = Kind::Spawn {
                name: "sender".into(),
                role: Role::Sender,
            };
            ev(n, t, 0, pid, kind)
        };
        let recs = vec![
            run(0, 100),
            spawn(1, 110, 20),
            run(2, 500),
            spawn(3, 510, 21),
        ];
        let (names, evs) = written(&recs);
        let mut names: Vec<&str> = names.values().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                "run 1: sender (20)",
                "run 1: supervisor (9)",
                "run 2: sender (21)",
                "run 2: supervisor (9)",
            ]
        );
        let spawns: Vec<f64> = evs.iter().map(|e| e["ts"].as_f64().unwrap()).collect();
        assert_eq!(spawns, vec![0.01, 0.41], "zero at the first run's start");
    }
}
