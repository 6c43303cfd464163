//! The counter's `v.value += 1`, in the steps Python takes: with the lock
//! on, take it (`with v.get_lock():`); read the shared value into the
//! process's own register (`tmp = v.value`); add one (`tmp += 1`); write
//! it back (`v.value = tmp`, releasing the lock). Each step passes the
//! control gate, so a frozen world parks a counter between steps and a
//! step of the play scheduler (`.`) is one of them.
//!
//! Paced (the visualizer), the counter pauses after each step and reports
//! it, with the values it read and wrote; at full speed it reports its
//! progress only now and then. Either way the write is one atomic
//! exchange, which stores the register (a plain store, as far as the race
//! goes) and reads what it replaced, so a write that overwrote others'
//! updates is known exactly. Whether an increment takes the lock is read
//! from the control slot at its start, so the lock can be switched live.

use std::time::Duration;

use super::ctx::Ctx;
use crate::config::DelayRange;
use crate::control::Phase;
use crate::ipc::value::{SharedArray, ValueError, spin_for};
use crate::stream::Kind;

/// Work between the read and the write of `v.value += 1` at full speed,
/// as Python's interpreter does between its bytecodes: it keeps the window
/// wide enough that racing processes really interleave (Python loses
/// 40-62 % of four processes' updates; without a gap two processes on two
/// cores can each finish inside one time slice and lose none).
pub const RACE_GAP: Duration = Duration::from_nanos(300);

/// A counter at work on one cell.
pub struct Counter<'a> {
    pub ctx: &'a mut Ctx,
    pub v: &'a SharedArray,
    pub cell: u32,
    /// The pause after each step; `None`: full speed.
    pub pace: Option<DelayRange>,
}

impl Counter<'_> {
    /// Makes `increments` increments, or fewer when asked to stop; returns
    /// how many it made. The lock is never left held.
    pub fn run(&mut self, increments: u64) -> Result<u64, ValueError> {
        let mut holding = false;
        let mut done = 0;
        let r = self.increments(increments, &mut done, &mut holding);
        if holding {
            self.v.unlock();
        }
        self.ctx.slot().set_done(done);
        r.map(|()| done)
    }

    fn increments(
        &mut self,
        increments: u64,
        done: &mut u64,
        holding: &mut bool,
    ) -> Result<(), ValueError> {
        let every = (increments / 20).max(1);
        let cell = self.cell as usize;
        while *done < increments {
            // Decided at the increment's start: one begun without the lock
            // ends without it.
            let locked = self.ctx.slot().lock_on();
            if locked {
                if !self.ctx.pass_gate() {
                    return Ok(());
                }
                self.take_lock()?;
                *holding = true;
                self.tell(Kind::LockTaken);
                if !self.pause() {
                    return Ok(());
                }
            }
            if !self.ctx.pass_gate() {
                return Ok(());
            }
            let read = self.v.get(cell)?;
            self.tell(Kind::ValueRead {
                cell: self.cell,
                value: read,
                locked,
            });
            if !self.pause() || !self.ctx.pass_gate() {
                return Ok(());
            }
            if self.pace.is_none() {
                spin_for(RACE_GAP);
            }
            let register = read.wrapping_add(1);
            self.tell(Kind::ValueAdd { register });
            if !self.pause() || !self.ctx.pass_gate() {
                return Ok(());
            }
            // Counted as made just before its store: the value read at any
            // moment never shows more increments than were counted.
            self.ctx.slot().set_done(*done + 1);
            let old = self.v.exchange(cell, register)?;
            if *holding {
                self.v.unlock();
                *holding = false;
            }
            *done += 1;
            self.tell(Kind::ValueWrite {
                cell: self.cell,
                value: register,
                old,
            });
            if (*done).is_multiple_of(every) || *done == increments {
                self.ctx.emit(self.ctx.event(Kind::Count {
                    done: *done,
                    value: self.v.get(cell)?,
                }));
            }
            if !self.pause() {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Takes the lock; when another holds it, says who and sleeps in the
    /// kernel until it is free.
    fn take_lock(&mut self) -> Result<(), ValueError> {
        if self.v.try_lock()? {
            return Ok(());
        }
        self.tell(Kind::LockWait {
            holder: self.v.lock_holder(),
        });
        self.ctx.slot().set_phase(Phase::Blocked);
        let r = self.v.lock();
        self.ctx.slot().set_phase(Phase::InOp);
        r
    }

    /// Reports a step (paced only: at full speed they go by unreported).
    fn tell(&self, kind: Kind) {
        if self.pace.is_some() {
            self.ctx.emit(self.ctx.event(kind));
        }
    }

    /// The pause after a step; false when asked to stop.
    fn pause(&mut self) -> bool {
        match self.pace {
            Some(d) => self.ctx.pause(d),
            None => true,
        }
    }
}
