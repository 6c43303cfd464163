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
    /// The way back through a duplex pipe (replies): in at the receiver's
    /// end, out at the sender's.
    PipeBackIn,
    PipeBackOut,
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
        now_ns < self.arrives_ns()
    }

    /// Whether it has set off by `now_ns`: an item taken out while still
    /// on its way in leaves only once it has arrived.
    pub fn started(&self, now_ns: u64) -> bool {
        now_ns >= self.start_ns
    }

    /// When it arrives.
    pub fn arrives_ns(&self) -> u64 {
        self.start_ns.saturating_add(self.dur_ns)
    }

    /// Whether it goes into the queue or the pipe.
    pub fn entering(&self) -> bool {
        matches!(self.to, Spot::QueueTail | Spot::PipeIn | Spot::PipeBackIn)
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
    /// Starts `f` (its duration stretched by slow motion), unless too many
    /// fly. One item is one token: an item taken out while its flight in
    /// is still on its way sets off when that flight arrives, from where
    /// it arrived.
    pub fn launch(&mut self, f: Flight, slow_motion: f64) {
        if self.list.len() >= MAX_FLIGHTS {
            self.unanimated += 1;
            return;
        }
        let stretch = slow_motion.clamp(1.0, MAX_STRETCH);
        let dur_ns = (FLIGHT_NS as f64 * stretch) as u64;
        let inward = match f.from {
            Spot::QueueHead => Some(Spot::QueueTail),
            Spot::PipeOut => Some(Spot::PipeIn),
            Spot::PipeBackOut => Some(Spot::PipeBackIn),
            _ => None,
        };
        let after = inward.and_then(|into| {
            self.list
                .iter()
                .filter(|g| g.to == into && g.seq.is_some() && g.seq == f.seq)
                .map(Flight::arrives_ns)
                .max()
        });
        let start_ns = after.map_or(f.start_ns, |a| a.max(f.start_ns));
        self.list.push(Flight {
            dur_ns,
            start_ns,
            ..f
        });
    }

    /// The flight of the item numbered `seq` into the object, while it is
    /// on its way there at `now_ns`.
    pub fn entering(&self, seq: u64, now_ns: u64) -> Option<&Flight> {
        self.list
            .iter()
            .find(|f| f.entering() && f.seq == Some(seq) && f.flying(now_ns))
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
    fn an_item_taken_out_while_on_its_way_in_leaves_when_it_arrives() {
        let mut f = Flights::default();
        f.launch(flight(1000), 2.0);
        let get = Flight {
            from: Spot::QueueHead,
            to: Spot::Proc(2),
            ..flight(1000 + FLIGHT_NS / 10)
        };
        f.launch(get.clone(), 2.0);
        let arrives = 1000 + 2 * FLIGHT_NS;
        assert_eq!(
            f.list[1].start_ns, arrives,
            "slow motion stretches the wait too"
        );
        assert!(!f.list[1].started(arrives - 1) && f.list[1].started(arrives));
        assert!(f.entering(1, arrives - 1).is_some());
        assert!(f.entering(1, arrives).is_none());
        // Another item, or one whose flight in is over, leaves at once.
        let other = Flight {
            seq: Some(2),
            ..get.clone()
        };
        f.launch(other, 1.0);
        assert_eq!(f.list[2].start_ns, 1000 + FLIGHT_NS / 10);
        let mut g = Flights::default();
        g.launch(get.clone(), 1.0);
        assert_eq!(g.list[0].start_ns, get.start_ns);
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
