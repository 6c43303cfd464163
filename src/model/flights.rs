//! Items on their way: each move of an item (a put, a get, a send, a recv)
//! starts a flight between two spots, drawn by interpolating with the
//! view's clock. Bounded: beyond a handful at once, moves are counted, not
//! animated, and the screen says so.

/// Most items shown travelling at once; beyond it the view aggregates.
pub const MAX_FLIGHTS: usize = 24;
/// How long one travel lasts at normal speed.
pub const FLIGHT_NS: u64 = 350_000_000;
/// Slow motion stretches flights up to this factor.
const MAX_STRETCH: f64 = 10.0;

/// Where a travelling item starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    Proc(crate::stream::ProcId),
    QueueTail,
    QueueHead,
    PipeIn,
    PipeOut,
}

/// An item on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub label: String,
    /// The item's number (the put's operation number, or the message's).
    pub seq: Option<u64>,
    pub from: Spot,
    pub to: Spot,
    pub start_ns: u64,
    pub dur_ns: u64,
    /// The process that moved it (for its colour).
    pub by: crate::stream::ProcId,
}

impl Flight {
    /// Progress 0..=1 at `now_ns`.
    pub fn progress(&self, now_ns: u64) -> f64 {
        if self.dur_ns == 0 {
            return 1.0;
        }
        (now_ns.saturating_sub(self.start_ns) as f64 / self.dur_ns as f64).clamp(0.0, 1.0)
    }

    /// Whether it is still on its way at `now_ns`.
    pub fn flying(&self, now_ns: u64) -> bool {
        now_ns < self.start_ns + self.dur_ns
    }
}

/// The flights under way, and the moves not animated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flights {
    pub list: Vec<Flight>,
    /// Moves not animated because too many were in flight.
    pub unanimated: u64,
}

impl Flights {
    /// Starts `f` (its duration stretched by slow motion), unless too many fly.
    pub fn launch(&mut self, f: Flight, slow_motion: f64) {
        if self.list.len() >= MAX_FLIGHTS {
            self.unanimated += 1;
            return;
        }
        let stretch = slow_motion.clamp(1.0, MAX_STRETCH);
        let dur_ns = (FLIGHT_NS as f64 * stretch) as u64;
        self.list.push(Flight { dur_ns, ..f });
    }

    /// Drops the flights that have arrived by `now_ns`; true if any did.
    pub fn expire(&mut self, now_ns: u64) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.flying(now_ns));
        self.list.len() != before
    }

    /// Too many at once: the view counts instead of animating.
    pub fn saturated(&self) -> bool {
        self.unanimated > 0 && self.list.len() >= MAX_FLIGHTS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(start_ns: u64) -> Flight {
        Flight {
            label: "url_1".into(),
            seq: Some(1),
            from: Spot::Proc(0),
            to: Spot::QueueTail,
            start_ns,
            dur_ns: 0,
            by: 0,
        }
    }

    #[test]
    fn a_flood_of_moves_aggregates_instead_of_queueing_animations() {
        let mut f = Flights::default();
        for _ in 0..200 {
            f.launch(flight(0), 1.0);
        }
        assert_eq!(f.list.len(), MAX_FLIGHTS);
        assert_eq!(f.unanimated, 200 - MAX_FLIGHTS as u64);
        assert!(f.saturated());
    }

    #[test]
    fn slow_motion_stretches_flights() {
        let mut f = Flights::default();
        f.launch(flight(0), 3.0);
        assert_eq!(f.list[0].dur_ns, 3 * FLIGHT_NS);
        assert!(!f.expire(2 * FLIGHT_NS));
        assert!(f.expire(3 * FLIGHT_NS));
    }

    #[test]
    fn progress_runs_from_zero_to_one_over_the_duration() {
        let mut f = Flights::default();
        f.launch(flight(1000), 1.0);
        let fl = &f.list[0];
        assert_eq!(fl.progress(1000), 0.0);
        assert_eq!(fl.progress(1000 + FLIGHT_NS / 2), 0.5);
        assert_eq!(fl.progress(1000 + 2 * FLIGHT_NS), 1.0);
    }
}
