//! What every lesson child has: its control slot, its telemetry reporter,
//! its seeded random delays.

use std::os::fd::RawFd;
use std::time::Duration;

use clap::Args;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use super::inherited;
use crate::config::DelayRange;
use crate::control::{Control, Phase, Slot};
use crate::ipc::queue::Recovery;
use crate::telemetry::event::{ChildId, Event, Kind, now_ns};
use crate::telemetry::wire::Reporter;

/// Arguments every lesson role takes (passed by the supervisor).
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    #[arg(long)]
    pub control_fd: RawFd,
    #[arg(long)]
    pub slot: ChildId,
    #[arg(long)]
    pub telemetry_fd: RawFd,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

pub struct Ctx {
    control: Control,
    id: ChildId,
    reporter: Reporter,
    pub pid: i32,
    rng: SmallRng,
}

impl Ctx {
    pub fn new(a: &CommonArgs) -> Result<Ctx, Box<dyn std::error::Error>> {
        let control = Control::from_fd(inherited(a.control_fd)?)?;
        let reporter = Reporter::new(inherited(a.telemetry_fd)?)?;
        let pid = std::process::id() as i32;
        if a.slot as usize >= crate::control::SLOTS {
            return Err(format!("control slot {} out of range", a.slot).into());
        }
        let ctx = Ctx {
            control,
            id: a.slot,
            reporter,
            pid,
            rng: SmallRng::seed_from_u64(a.seed),
        };
        ctx.slot().set_pid(pid);
        Ok(ctx)
    }

    pub fn slot(&self) -> &Slot {
        self.control.slot(self.id as usize)
    }

    /// An event about this process, now.
    pub fn event(&self, kind: Kind) -> Event {
        Event::new(now_ns(), self.id, self.pid, kind)
    }

    /// Reports an event; never blocks (a full pipe counts a drop).
    pub fn emit(&self, ev: Event) {
        let ok = self.reporter.send(&ev);
        self.slot().count_event(ok);
    }

    /// Reports lock recoveries this process performed.
    pub fn emit_recoveries(&self, recs: Vec<Recovery>) {
        for r in recs {
            self.emit(self.event(Kind::LockRecovered {
                dead: r.dead_pid,
                lost: r.lost.map(|item| item.label),
            }));
        }
    }

    /// Waits at the gate; false when asked to stop.
    pub fn pass_gate(&self) -> bool {
        let ok = self.slot().pass_gate();
        if ok {
            self.slot().set_phase(Phase::InOp);
        }
        ok
    }

    /// Sleeps a random delay from `range` (scaled live); false when asked to
    /// stop.
    pub fn delay(&mut self, range: DelayRange) -> bool {
        let secs = if range.hi > range.lo {
            self.rng.random_range(range.lo..range.hi)
        } else {
            range.lo
        };
        self.slot().sleep_scaled(Duration::from_secs_f64(secs))
    }

    /// Reports that this process is about to exit on its own.
    pub fn exiting(&self) {
        self.slot().set_phase(Phase::Exiting);
        self.emit(self.event(Kind::Exiting));
    }
}

/// Parses `A..B` delays passed by the supervisor.
pub fn delay_arg(s: &str) -> Result<DelayRange, String> {
    s.parse()
}
