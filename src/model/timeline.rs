//! A replay's timeline as the screen shows it: where the playhead is in
//! the recording, what happened where (markers), and how it plays.

/// Something worth a mark on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A process blocked (put/get/send/recv wait).
    Block,
    /// queue.Full or queue.Empty raised.
    Raised,
    /// recv saw EOF.
    Eof,
    /// A process was killed or terminated.
    Kill,
    /// A repair after a dead process.
    Recovery,
    /// The run cannot go on by itself.
    Stuck,
}

/// The timeline of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The playhead and the recording's span (CLOCK_MONOTONIC ns).
    pub at_ns: u64,
    pub start_ns: u64,
    pub end_ns: u64,
    /// Records applied so far, of all.
    pub position: u64,
    pub total: u64,
    pub playing: bool,
    /// Playback speed (1 = as recorded).
    pub speed: f64,
    /// Marks: when, and what (shared: the list is made once per recording).
    pub marks: std::sync::Arc<Vec<(u64, Mark)>>,
}

impl Timeline {
    /// The playhead as a fraction of the recording, 0..=1.
    pub fn fraction(&self) -> f64 {
        let span = self.end_ns.saturating_sub(self.start_ns);
        if span == 0 {
            return 1.0;
        }
        (self.at_ns.saturating_sub(self.start_ns) as f64 / span as f64).clamp(0.0, 1.0)
    }
}
