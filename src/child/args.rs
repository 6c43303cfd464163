//! The parent -> child argument contract of the lesson roles, defined once:
//! each role's arguments are one struct that clap parses in the child and
//! that the supervisor turns into the command line (`to_args`). A test
//! checks every struct survives the trip.

use std::os::fd::RawFd;

use clap::Args;

use crate::config::DelayRange;
use crate::stream::ProcId;

/// Parses `A..B` delays passed by the supervisor.
pub fn delay_arg(s: &str) -> Result<DelayRange, String> {
    s.parse()
        .map_err(|e: crate::config::BadSeconds| e.to_string())
}

fn flag(out: &mut Vec<String>, name: &str, v: impl ToString) {
    out.push(format!("--{name}"));
    out.push(v.to_string());
}

/// Arguments every lesson role takes.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct CommonArgs {
    #[arg(long)]
    pub control_fd: RawFd,
    #[arg(long)]
    pub slot: ProcId,
    #[arg(long)]
    pub telemetry_fd: RawFd,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl CommonArgs {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        flag(&mut a, "control-fd", self.control_fd);
        flag(&mut a, "slot", self.slot);
        flag(&mut a, "telemetry-fd", self.telemetry_fd);
        flag(&mut a, "seed", self.seed);
        a
    }
}

/// A queue writer: first its lesson block of labels, then (unlimited)
/// shared numbers.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct WriterArgs {
    #[arg(long)]
    pub queue_fd: RawFd,
    /// Its number (writer-K).
    #[arg(long)]
    pub writer: u32,
    /// Items to put; 0 = until stopped.
    #[arg(long)]
    pub items: u64,
    /// First label number of its own block.
    #[arg(long, default_value_t = 1)]
    pub first: u64,
    /// Labels in its own block (then it takes shared numbers).
    #[arg(long, default_value_t = 0)]
    pub block: u64,
    #[arg(long, value_parser = delay_arg)]
    pub delay: DelayRange,
    #[arg(long)]
    pub put_timeout: Option<f64>,
    /// Python's feeder: puts go to its own buffer, a thread flushes it.
    #[arg(long)]
    pub feeder: bool,
}

impl WriterArgs {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        flag(&mut a, "queue-fd", self.queue_fd);
        flag(&mut a, "writer", self.writer);
        flag(&mut a, "items", self.items);
        flag(&mut a, "first", self.first);
        flag(&mut a, "block", self.block);
        flag(&mut a, "delay", self.delay);
        if let Some(t) = self.put_timeout {
            flag(&mut a, "put-timeout", t);
        }
        if self.feeder {
            a.push("--feeder".into());
        }
        a
    }
}

/// A queue reader: the lesson's endless get loop.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ReaderArgs {
    #[arg(long)]
    pub queue_fd: RawFd,
    #[arg(long, value_parser = delay_arg)]
    pub delay: DelayRange,
    #[arg(long)]
    pub get_timeout: Option<f64>,
}

impl ReaderArgs {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        flag(&mut a, "queue-fd", self.queue_fd);
        flag(&mut a, "delay", self.delay);
        if let Some(t) = self.get_timeout {
            flag(&mut a, "get-timeout", t);
        }
        a
    }
}

/// One end of the lesson's pipe: the sender sends url_0 .. url_{n-1} then
/// closes its end; the receiver receives until EOFError.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct PipeEndArgs {
    #[arg(long)]
    pub fd: RawFd,
    #[arg(long)]
    pub duplex: bool,
    /// Messages to send (the sender; 0 for the receiver).
    #[arg(long, default_value_t = 0)]
    pub messages: u32,
    #[arg(long, value_parser = delay_arg)]
    pub delay: DelayRange,
    /// The other end's fd, inherited as a forked child inherits it: held
    /// (never used) until the process exits, unless `close_unused`.
    #[arg(long)]
    pub other_fd: Option<RawFd>,
    /// Close the inherited other end first thing, as the fix does.
    #[arg(long)]
    pub close_unused: bool,
    /// Replies: the receiver answers each message, the sender waits for
    /// each answer.
    #[arg(long)]
    pub echo: bool,
    /// The sender calls recv before it sends anything.
    #[arg(long)]
    pub recv_first: bool,
}

impl PipeEndArgs {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        flag(&mut a, "fd", self.fd);
        if self.duplex {
            a.push("--duplex".into());
        }
        flag(&mut a, "messages", self.messages);
        flag(&mut a, "delay", self.delay);
        if let Some(fd) = self.other_fd {
            flag(&mut a, "other-fd", fd);
        }
        for (on, name) in [
            (self.close_unused, "--close-unused"),
            (self.echo, "--echo"),
            (self.recv_first, "--recv-first"),
        ] {
            if on {
                a.push(name.into());
            }
        }
        a
    }
}

/// A counter incrementing one cell of the shared value or array, in
/// steps; whether it takes the lock is a knob of its control slot (the
/// lock can be switched live).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct CounterArgs {
    #[arg(long)]
    pub value_fd: RawFd,
    /// Processes that start together at the barrier.
    #[arg(long)]
    pub procs: u32,
    #[arg(long)]
    pub increments: u64,
    /// The cell it increments (0 for a Value).
    #[arg(long, default_value_t = 0)]
    pub cell: u32,
    /// The pause after each step, each step reported; none: full speed.
    #[arg(long, value_parser = delay_arg)]
    pub step_delay: Option<DelayRange>,
}

impl CounterArgs {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        flag(&mut a, "value-fd", self.value_fd);
        flag(&mut a, "procs", self.procs);
        flag(&mut a, "increments", self.increments);
        flag(&mut a, "cell", self.cell);
        if let Some(d) = self.step_delay {
            flag(&mut a, "step-delay", d);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use clap::{FromArgMatches, Parser};

    use super::*;

    #[derive(Parser)]
    struct Probe<T: Args> {
        #[command(flatten)]
        inner: T,
    }

    fn round_trip<T: Args + FromArgMatches + Clone + PartialEq + std::fmt::Debug>(
        v: &T,
        args: Vec<String>,
    ) {
        let argv = std::iter::once("x".to_string()).chain(args);
        let back = Probe::<T>::try_parse_from(argv).unwrap().inner;
        assert_eq!(&back, v);
    }

    #[test]
    fn every_role_argument_struct_survives_the_trip_to_the_child() {
        let d = DelayRange { lo: 0.25, hi: 1.5 };
        let c = CommonArgs {
            control_fd: 3,
            slot: 7,
            telemetry_fd: 4,
            seed: 99,
        };
        round_trip(&c, c.to_args());
        for (put_timeout, feeder) in [(None, false), (Some(0.5), false), (None, true)] {
            let w = WriterArgs {
                queue_fd: 5,
                writer: 2,
                items: 0,
                first: 4,
                block: 3,
                delay: d,
                put_timeout,
                feeder,
            };
            round_trip(&w, w.to_args());
        }
        let r = ReaderArgs {
            queue_fd: 5,
            delay: d,
            get_timeout: Some(2.0),
        };
        round_trip(&r, r.to_args());
        for duplex in [false, true] {
            let p = PipeEndArgs {
                fd: 6,
                duplex,
                messages: 10,
                delay: d,
                other_fd: None,
                close_unused: false,
                echo: false,
                recv_first: false,
            };
            round_trip(&p, p.to_args());
            let inherited = PipeEndArgs {
                other_fd: Some(7),
                close_unused: duplex,
                echo: !duplex,
                recv_first: duplex,
                ..p
            };
            round_trip(&inherited, inherited.to_args());
        }
        for step_delay in [None, Some(d)] {
            let k = CounterArgs {
                value_fd: 5,
                procs: 4,
                increments: 100,
                cell: 3,
                step_delay,
            };
            round_trip(&k, k.to_args());
        }
    }
}
