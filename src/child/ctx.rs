//! What every lesson child has: its control slot, its telemetry reporter,
//! its seeded random delays.

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use super::args::CommonArgs;
use super::inherited;
use crate::config::DelayRange;
use crate::control::{ChildSlot, Control, Phase};
use crate::stream::{Event, Kind, ProcId};
use crate::telemetry::now_ns;
use crate::telemetry::wire::Reporter;

/// Sleeps a random delay from `range` drawn from `rng` (scaled live, as
/// `slot` says); false when asked to stop.
pub fn delay(rng: &mut SmallRng, slot: &ChildSlot, range: DelayRange) -> bool {
    let secs = if range.hi > range.lo {
        rng.random_range(range.lo..range.hi)
    } else {
        range.lo
    };
    slot.sleep_scaled(Duration::from_secs_f64(secs))
}

pub struct Ctx {
    control: Control,
    id: ProcId,
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

    pub fn slot(&self) -> &ChildSlot {
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
        delay(&mut self.rng, self.control.slot(self.id as usize), range)
    }

    /// Its random delays, taken out: for a process whose other threads
    /// borrow the context while it sleeps (see [`delay`]).
    pub fn take_rng(&mut self) -> SmallRng {
        std::mem::replace(&mut self.rng, SmallRng::seed_from_u64(0))
    }

    /// A counter's pause after a step: a random delay from `range`
    /// (scaled live), cut short when the world freezes (the gate closes),
    /// so a frozen counter parks at once and a step is not held up by what
    /// was left of its pause. False when asked to stop.
    pub fn pause(&mut self, range: DelayRange) -> bool {
        let secs = if range.hi > range.lo {
            self.rng.random_range(range.lo..range.hi)
        } else {
            range.lo
        };
        let slot = self.slot();
        let mut left = Duration::from_secs_f64(secs).mul_f64(slot.delay_scale());
        slot.set_phase(Phase::Sleeping);
        while !left.is_zero() && !slot.gate_closed() {
            if slot.stop_requested() {
                return false;
            }
            let slice = left.min(Duration::from_millis(20));
            std::thread::sleep(slice);
            left -= slice;
        }
        !slot.stop_requested()
    }

    /// Reports that this process is about to exit on its own.
    pub fn exiting(&self) {
        self.slot().set_phase(Phase::Exiting);
        self.emit(self.event(Kind::Exiting));
    }
}
