//! The record: one numbered element of the stream, and the description of
//! the run that opens it.

use serde::{Deserialize, Serialize};

use super::event::Event;
use super::observation::Observation;
use crate::stream::run::RunConfig;

/// One element of the stream. `n` numbers records in the one global order
/// every consumer sees (from 0 at the start of the stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub n: u64,
    #[serde(flatten)]
    pub body: Body,
}

/// What a record carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// A run starts (first record, and again at each restart).
    Run(RunInfo),
    Event(Event),
    /// (Boxed: observations are large and rare; a record stays small.)
    #[serde(rename = "obs")]
    Observation(Box<Observation>),
    /// Time has reached `t_ns` (CLOCK_MONOTONIC): everything before it has
    /// been passed on, except events that arrive late.
    Tick(u64),
    /// A recording had to leave out this many records here (its buffer was
    /// full); the live run did not.
    Gap(u64),
}

/// The description of a run: what it runs, and when and by whom it started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// CLOCK_MONOTONIC nanoseconds when the run started.
    pub start_ns: u64,
    /// The supervisor's pid.
    pub pid: i32,
    pub config: RunConfig,
}

impl Record {
    /// The record's time (CLOCK_MONOTONIC ns), `None` for a gap.
    pub fn t_ns(&self) -> Option<u64> {
        match &self.body {
            Body::Run(r) => Some(r.start_ns),
            Body::Event(e) => Some(e.t_ns),
            Body::Observation(o) => Some(o.t_ns),
            Body::Tick(t) => Some(*t),
            Body::Gap(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::event::Kind;

    #[test]
    fn records_of_each_body_round_trip_through_json() {
        let recs = [
            Record {
                n: 0,
                body: Body::Tick(5),
            },
            Record {
                n: 1,
                body: Body::Event(Event::new(7, 1, 2, Kind::Put).with_item("url_1")),
            },
            Record {
                n: 2,
                body: Body::Observation(Box::new(Observation {
                    t_ns: 9,
                    ..Observation::default()
                })),
            },
            Record {
                n: 3,
                body: Body::Gap(12),
            },
        ];
        for r in recs {
            let s = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<Record>(&s).unwrap(), r, "{s}");
        }
    }
}
