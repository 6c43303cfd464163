//! The supervisor's side of telemetry: reads the children's records from the
//! shared pipe, adds the supervisor's own events, and emits one stream
//! ordered by time. Events are held for a short window so one reported a
//! little late still lands in order (queue events carry the time read under
//! the queue lock, so a put always sorts before the get of its item). An
//! event later than the window is passed on at once and counted as late.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, SendTimeoutError, Sender};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::event::{Event, now_ns};
use super::wire::{RECORD, decode};

/// What the collector counts, readable at any time.
#[derive(Debug, Default)]
pub struct Stats {
    /// Events passed on.
    pub delivered: AtomicU64,
    /// Events that arrived after later ones had already been passed on.
    pub late: AtomicU64,
    /// Delay between an event happening and being passed on, last and max.
    pub last_lag_ns: AtomicU64,
    pub max_lag_ns: AtomicU64,
    /// Records that did not decode.
    pub garbled: AtomicU64,
}

struct Pending {
    ev: Event,
    arrival: u64,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (self.ev.t_ns, self.arrival) == (o.ev.t_ns, o.arrival)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.ev.t_ns, self.arrival).cmp(&(o.ev.t_ns, o.arrival))
    }
}

/// Where the supervisor's own events go: a channel plus a doorbell pipe
/// that wakes the collector, so it can sleep until there is work instead of
/// polling.
#[derive(Clone)]
pub struct OwnSender {
    tx: Sender<Event>,
    bell: Arc<OwnedFd>,
}

impl OwnSender {
    /// Queues an event; false once the collector is gone.
    pub fn send(&self, ev: Event) -> bool {
        let ok = self.tx.send(ev).is_ok();
        ring(&self.bell);
        ok
    }
}

fn ring(bell: &OwnedFd) {
    // Non-blocking: a full doorbell already means "wake up".
    let _ = nix::unistd::write(bell, &[1u8]);
}

/// A channel for the supervisor's own events and the doorbell that goes
/// with it: give the sender to the event makers and the rest to
/// [`Collector::spawn`].
pub fn own_channel() -> std::io::Result<(OwnSender, OwnReceiver)> {
    use nix::fcntl::OFlag;
    let (r, w) = nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)?;
    let (tx, rx) = crossbeam_channel::unbounded();
    let bell = Arc::new(w);
    Ok((
        OwnSender {
            tx,
            bell: bell.clone(),
        },
        OwnReceiver {
            rx,
            bell_r: r,
            bell,
        },
    ))
}

/// The collector's end of [`own_channel`].
pub struct OwnReceiver {
    rx: Receiver<Event>,
    bell_r: OwnedFd,
    bell: Arc<OwnedFd>,
}

/// A running collector thread.
pub struct Collector {
    stop: Arc<AtomicBool>,
    bell: Arc<OwnedFd>,
    join: Option<JoinHandle<()>>,
}

impl Collector {
    /// Starts the thread: `pipe` is the read end children write to,
    /// `own` the supervisor's events, `out` the ordered stream.
    pub fn spawn(
        pipe: OwnedFd,
        own: OwnReceiver,
        out: Sender<Event>,
        window: Duration,
        stats: Arc<Stats>,
    ) -> std::io::Result<Collector> {
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let bell = own.bell.clone();
        let join = std::thread::Builder::new()
            .name("telemetry".into())
            .spawn(move || Merger::new(out, window, stats).run(pipe, own, &stop2))?;
        Ok(Collector {
            stop,
            bell,
            join: Some(join),
        })
    }

    /// Passes on everything still held, then stops.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        ring(&self.bell);
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }

    /// Stops, taking the events still to be passed on out of `out` meanwhile
    /// (the thread may be waiting for room in it): nothing is lost and
    /// nothing hangs when the reader has gone quiet.
    pub fn stop_draining(&mut self, out: &Receiver<Event>) -> Vec<Event> {
        self.stop.store(true, Ordering::Release);
        ring(&self.bell);
        let mut rest = Vec::new();
        if let Some(j) = self.join.take() {
            while !j.is_finished() {
                match out.recv_timeout(Duration::from_millis(5)) {
                    Ok(ev) => rest.push(ev),
                    Err(_) => continue,
                }
            }
            let _ = j.join();
        }
        rest.extend(out.try_iter());
        rest
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Merger {
    out: Sender<Event>,
    window_ns: u64,
    stats: Arc<Stats>,
    heap: BinaryHeap<Reverse<Pending>>,
    arrivals: u64,
    last_out_t: u64,
}

impl Merger {
    fn new(out: Sender<Event>, window: Duration, stats: Arc<Stats>) -> Merger {
        Merger {
            out,
            window_ns: window.as_nanos() as u64,
            stats,
            heap: BinaryHeap::new(),
            arrivals: 0,
            last_out_t: 0,
        }
    }

    fn run(mut self, pipe: OwnedFd, own: OwnReceiver, stop: &AtomicBool) {
        // Once every writer is gone (end of file) the pipe is dropped from
        // the poll set, which would otherwise report it ready forever.
        let mut pipe = Some(pipe);
        let mut buf = vec![0u8; 64 * RECORD * 16];
        let mut partial: Vec<u8> = Vec::with_capacity(RECORD);
        let mut bell_buf = [0u8; 64];
        loop {
            let stopping = stop.load(Ordering::Acquire);
            // Sleep until a record or a doorbell arrives, or the oldest held
            // event is due.
            let timeout = if stopping {
                PollTimeout::ZERO
            } else {
                match self.heap.peek() {
                    Some(Reverse(p)) => {
                        let due = p.ev.t_ns + self.window_ns;
                        let ms = due
                            .saturating_sub(now_ns())
                            .div_ceil(1_000_000)
                            .clamp(1, 1000);
                        PollTimeout::from(ms as u16)
                    }
                    None => PollTimeout::from(1000u16),
                }
            };
            let mut fds = vec![PollFd::new(own.bell_r.as_fd(), PollFlags::POLLIN)];
            if let Some(p) = &pipe {
                fds.push(PollFd::new(p.as_fd(), PollFlags::POLLIN));
            }
            let ready = poll(&mut fds, timeout).unwrap_or(0);
            let ready_at = |i: usize| {
                ready > 0
                    && fds
                        .get(i)
                        .and_then(|f| f.revents())
                        .is_some_and(|r| r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP))
            };
            let (bell_ready, pipe_ready) = (ready_at(0), ready_at(1));
            drop(fds);
            if bell_ready {
                while matches!(nix::unistd::read(&own.bell_r, &mut bell_buf), Ok(n) if n > 0) {}
            }
            if pipe_ready && let Some(p) = &pipe {
                // Drain what is there now (bounded, so own events interleave).
                let mut eof = false;
                for _ in 0..16 {
                    match nix::unistd::read(p, &mut buf) {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Err(_) => break,
                        Ok(n) => {
                            self.take_bytes(&mut partial, &buf[..n]);
                            if n < buf.len() {
                                break;
                            }
                        }
                    }
                }
                if eof {
                    pipe = None;
                }
            }
            while let Ok(ev) = own.rx.try_recv() {
                self.push(ev);
            }
            if stopping {
                self.flush(u64::MAX);
                return;
            }
            self.flush(now_ns().saturating_sub(self.window_ns));
        }
    }

    fn take_bytes(&mut self, partial: &mut Vec<u8>, mut bytes: &[u8]) {
        if !partial.is_empty() {
            let need = RECORD - partial.len();
            let take = need.min(bytes.len());
            partial.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if partial.len() == RECORD {
                let rec: [u8; RECORD] = partial[..].try_into().unwrap_or([0; RECORD]);
                partial.clear();
                self.push_record(&rec);
            }
        }
        let mut chunks = bytes.chunks_exact(RECORD);
        for c in &mut chunks {
            let rec: [u8; RECORD] = c.try_into().unwrap_or([0; RECORD]);
            self.push_record(&rec);
        }
        partial.extend_from_slice(chunks.remainder());
    }

    fn push_record(&mut self, rec: &[u8; RECORD]) {
        match decode(rec) {
            Some(ev) => self.push(ev),
            None => {
                self.stats.garbled.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn push(&mut self, ev: Event) {
        self.arrivals += 1;
        self.heap.push(Reverse(Pending {
            ev,
            arrival: self.arrivals,
        }));
    }

    /// Passes on, in time order, every held event at or before `cutoff`.
    fn flush(&mut self, cutoff: u64) {
        while self
            .heap
            .peek()
            .is_some_and(|Reverse(p)| p.ev.t_ns <= cutoff)
        {
            let Some(Reverse(p)) = self.heap.pop() else {
                break;
            };
            let now = now_ns();
            let lag = now.saturating_sub(p.ev.t_ns);
            self.stats.last_lag_ns.store(lag, Ordering::Relaxed);
            self.stats.max_lag_ns.fetch_max(lag, Ordering::Relaxed);
            if p.ev.t_ns < self.last_out_t {
                self.stats.late.fetch_add(1, Ordering::Relaxed);
            }
            self.last_out_t = self.last_out_t.max(p.ev.t_ns);
            let mut ev = p.ev;
            // Block (in slices) rather than lose events: a slow consumer
            // slows this thread, the pipe fills, and children count drops.
            loop {
                match self.out.send_timeout(ev, Duration::from_millis(100)) {
                    Ok(()) => break,
                    Err(SendTimeoutError::Timeout(e)) => ev = e,
                    Err(SendTimeoutError::Disconnected(_)) => return,
                }
            }
            self.stats.delivered.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::event::Kind;
    use crate::telemetry::wire::Reporter;

    #[test]
    fn events_from_pipe_and_supervisor_come_out_in_time_order() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let rep = Reporter::new(w).unwrap();
        let (own_tx, own_rx) = own_channel().unwrap();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let stats = Arc::new(Stats::default());
        let mut c =
            Collector::spawn(r, own_rx, out_tx, Duration::from_millis(50), stats.clone()).unwrap();
        let base = now_ns();
        // Reported out of order, within the window.
        rep.send(&Event::new(base + 3, 1, 10, Kind::Get).with_item("url_1"));
        rep.send(&Event::new(base + 2, 0, 11, Kind::Put).with_item("url_1"));
        own_tx.send(Event::new(
            base + 1,
            0,
            11,
            Kind::Spawn {
                name: "writer-1".into(),
                role: crate::telemetry::event::Role::Writer,
            },
        ));
        let got: Vec<_> = (0..3)
            .map(|_| out_rx.recv_timeout(Duration::from_secs(30)).unwrap())
            .collect();
        let names: Vec<_> = got.iter().map(|e| e.kind.name()).collect();
        assert_eq!(names, ["spawn", "put", "get"]);
        c.stop();
        assert_eq!(stats.delivered.load(Ordering::Relaxed), 3);
        assert_eq!(stats.late.load(Ordering::Relaxed), 0);
    }
}
