//! The supervisor's side of telemetry: merges what the children report on
//! the shared pipe, what the supervisor itself does and observes, and what
//! feeds such as the queue's own op log yield, into one stream ordered by
//! time. Events are held for a short window so one reported a little late
//! still lands in order; an event later than the window is passed on at
//! once and counted as late. A recv is never passed on before the send of
//! its message. Ticks mark time passing, so every consumer of the stream
//! shares one clock.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, SendTimeoutError, Sender};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::clock::now_ns;
use super::wire::{Lines, decode};
use crate::stream::{Body, Event, Kind, ObjectId};

/// How often a tick is passed on when nothing else happens.
pub const TICK_EVERY: Duration = Duration::from_millis(100);
/// How often feeds are polled.
const FEED_EVERY_MS: u64 = 20;
/// Longest a recv waits for the send of its message (a send that was
/// dropped, or never reported because its sender died, must not hold the
/// stream for ever).
const HOLD_NS: u64 = 1_000_000_000;

/// What the collector counts, readable at any time.
#[derive(Debug, Default)]
pub struct Stats {
    /// Records passed on.
    pub delivered: AtomicU64,
    /// Events that arrived after later ones had already been passed on.
    pub late: AtomicU64,
    /// Delay between an event happening and being passed on, last and max.
    pub last_lag_ns: AtomicU64,
    pub max_lag_ns: AtomicU64,
    /// Lines that did not decode.
    pub garbled: AtomicU64,
}

/// A source of events polled by the collector (e.g. the queue's op log).
pub trait Feed: Send {
    /// Appends what happened since the last call.
    fn poll(&mut self, out: &mut Vec<Event>);
}

struct Pending {
    t: u64,
    arrival: u64,
    body: Body,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (self.t, self.arrival) == (o.t, o.arrival)
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
        (self.t, self.arrival).cmp(&(o.t, o.arrival))
    }
}

/// Where the supervisor's own records go: a channel plus a doorbell pipe
/// that wakes the collector, so it can sleep until there is work instead of
/// polling.
#[derive(Clone)]
pub struct OwnSender {
    tx: Sender<Body>,
    bell: Arc<OwnedFd>,
}

impl OwnSender {
    /// Queues a record; false once the collector is gone.
    pub fn send(&self, body: Body) -> bool {
        let ok = self.tx.send(body).is_ok();
        ring(&self.bell);
        ok
    }

    pub fn event(&self, ev: Event) -> bool {
        self.send(Body::Event(ev))
    }
}

fn ring(bell: &OwnedFd) {
    // Non-blocking: a full doorbell already means "wake up".
    let _ = nix::unistd::write(bell, &[1u8]);
}

/// A channel for the supervisor's own records and the doorbell that goes
/// with it: give the sender to the record makers and the rest to
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
    rx: Receiver<Body>,
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
    /// Starts the thread: `pipe` is the read end children write to, `own`
    /// the supervisor's records, `feeds` polled sources, `out` the stream.
    pub fn spawn(
        pipe: OwnedFd,
        own: OwnReceiver,
        feeds: Vec<Box<dyn Feed>>,
        out: Sender<Body>,
        window: Duration,
        stats: Arc<Stats>,
    ) -> std::io::Result<Collector> {
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let bell = own.bell.clone();
        let join = std::thread::Builder::new()
            .name("telemetry".into())
            .spawn(move || Merger::new(out, window, stats, feeds).run(pipe, own, &stop2))?;
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

    /// Stops, taking the records still to be passed on out of `out` meanwhile
    /// (the thread may be waiting for room in it): nothing is lost and
    /// nothing hangs when the reader has gone quiet.
    pub fn stop_draining(&mut self, out: &Receiver<Body>) -> Vec<Body> {
        self.stop.store(true, Ordering::Release);
        ring(&self.bell);
        let mut rest = Vec::new();
        if let Some(j) = self.join.take() {
            while !j.is_finished() {
                if let Ok(b) = out.recv_timeout(Duration::from_millis(5)) {
                    rest.push(b);
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

/// A recv waiting for the send of its message.
struct Held {
    pending: Pending,
    since: u64,
}

struct Merger {
    out: Sender<Body>,
    window_ns: u64,
    stats: Arc<Stats>,
    feeds: Vec<Box<dyn Feed>>,
    heap: BinaryHeap<Reverse<Pending>>,
    arrivals: u64,
    last_out_t: u64,
    last_tick: u64,
    /// Per object: the highest message number whose send was passed on.
    sent: HashMap<ObjectId, u64>,
    held: Vec<Held>,
    closed: bool,
}

impl Merger {
    fn new(
        out: Sender<Body>,
        window: Duration,
        stats: Arc<Stats>,
        feeds: Vec<Box<dyn Feed>>,
    ) -> Merger {
        Merger {
            out,
            window_ns: window.as_nanos() as u64,
            stats,
            feeds,
            heap: BinaryHeap::new(),
            arrivals: 0,
            last_out_t: 0,
            last_tick: 0,
            sent: HashMap::new(),
            held: Vec::new(),
            closed: false,
        }
    }

    fn run(mut self, pipe: OwnedFd, own: OwnReceiver, stop: &AtomicBool) {
        // Once every writer is gone (end of file) the pipe is dropped from
        // the poll set, which would otherwise report it ready forever.
        let mut pipe = Some(pipe);
        let mut buf = vec![0u8; 1 << 16];
        let mut lines = Lines::default();
        let mut bell_buf = [0u8; 64];
        let mut polled = Vec::new();
        loop {
            let stopping = stop.load(Ordering::Acquire);
            let timeout = if stopping {
                PollTimeout::ZERO
            } else {
                PollTimeout::from(self.sleep_ms() as u16)
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
                // Drain what is there now (bounded, so own records interleave).
                let mut eof = false;
                for _ in 0..16 {
                    match nix::unistd::read(p, &mut buf) {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Err(_) => break,
                        Ok(n) => {
                            let mut got = Vec::new();
                            lines.feed(&buf[..n], |l| got.push(decode(l)));
                            for ev in got {
                                match ev {
                                    Some(ev) => self.push(Body::Event(ev)),
                                    None => {
                                        self.stats.garbled.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                            }
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
            while let Ok(b) = own.rx.try_recv() {
                self.push(b);
            }
            for f in &mut self.feeds {
                f.poll(&mut polled);
            }
            for ev in polled.drain(..) {
                self.push(Body::Event(ev));
            }
            if stopping {
                self.flush(u64::MAX);
                self.release_held(u64::MAX);
                return;
            }
            let cutoff = now_ns().saturating_sub(self.window_ns);
            self.flush(cutoff);
            self.release_held(now_ns());
            if cutoff >= self.last_tick + TICK_EVERY.as_nanos() as u64 && !self.closed {
                self.last_tick = cutoff;
                self.last_out_t = self.last_out_t.max(cutoff);
                self.emit(Body::Tick(cutoff));
            }
            if self.closed {
                return;
            }
        }
    }

    /// How long to sleep: until the oldest held record is due, the next
    /// tick, or the next feed poll.
    fn sleep_ms(&self) -> u64 {
        let now = now_ns();
        let mut due = self.last_tick + TICK_EVERY.as_nanos() as u64 + self.window_ns;
        if let Some(Reverse(p)) = self.heap.peek() {
            due = due.min(p.t + self.window_ns);
        }
        if let Some(h) = self.held.iter().map(|h| h.since + HOLD_NS).min() {
            due = due.min(h);
        }
        let mut ms = due.saturating_sub(now).div_ceil(1_000_000).clamp(1, 1000);
        if !self.feeds.is_empty() {
            ms = ms.min(FEED_EVERY_MS);
        }
        ms
    }

    fn push(&mut self, body: Body) {
        self.arrivals += 1;
        let t = match &body {
            Body::Event(e) => e.t_ns,
            Body::Observation(o) => o.t_ns,
            Body::Run(r) => r.start_ns,
            Body::Tick(t) => *t,
            Body::Gap(_) => 0,
        };
        self.heap.push(Reverse(Pending {
            t,
            arrival: self.arrivals,
            body,
        }));
    }

    /// Passes on, in time order, every held record at or before `cutoff`.
    fn flush(&mut self, cutoff: u64) {
        while self.heap.peek().is_some_and(|Reverse(p)| p.t <= cutoff) {
            let Some(Reverse(p)) = self.heap.pop() else {
                break;
            };
            if let Body::Event(ev) = &p.body
                && ev.kind == Kind::Recv
                && let Some(n) = ev.seq
                && self.sent.get(&ev.obj).copied().unwrap_or(0) < n
            {
                self.held.push(Held {
                    pending: p,
                    since: now_ns(),
                });
                continue;
            }
            self.pass(p);
        }
    }

    /// Passes on one record (and the recvs its send was holding back).
    fn pass(&mut self, p: Pending) {
        let send = match &p.body {
            Body::Event(ev) if ev.kind == Kind::Send => ev.seq.map(|n| (ev.obj, n)),
            _ => None,
        };
        if let Body::Event(ev) = &p.body {
            let lag = now_ns().saturating_sub(ev.t_ns);
            self.stats.last_lag_ns.store(lag, Ordering::Relaxed);
            self.stats.max_lag_ns.fetch_max(lag, Ordering::Relaxed);
        }
        if p.t < self.last_out_t && matches!(p.body, Body::Event(_)) {
            self.stats.late.fetch_add(1, Ordering::Relaxed);
        }
        self.last_out_t = self.last_out_t.max(p.t);
        self.emit(p.body);
        if let Some((obj, n)) = send {
            let s = self.sent.entry(obj).or_default();
            *s = (*s).max(n);
            let upto = *s;
            let (ready, wait): (Vec<Held>, Vec<Held>) = std::mem::take(&mut self.held)
                .into_iter()
                .partition(|h| match &h.pending.body {
                    Body::Event(e) => e.obj == obj && e.seq.is_some_and(|k| k <= upto),
                    _ => true,
                });
            self.held = wait;
            let mut ready: Vec<Pending> = ready.into_iter().map(|h| h.pending).collect();
            ready.sort();
            for r in ready {
                self.pass(r);
            }
        }
    }

    /// Passes on recvs held since before `now - HOLD` (their send never came).
    fn release_held(&mut self, now: u64) {
        if self.held.is_empty() {
            return;
        }
        let (old, keep): (Vec<Held>, Vec<Held>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|h| now == u64::MAX || h.since + HOLD_NS <= now);
        self.held = keep;
        let mut old: Vec<Pending> = old.into_iter().map(|h| h.pending).collect();
        old.sort();
        for p in old {
            self.pass(p);
        }
    }

    /// Sends one record on. Blocks (in slices) rather than lose records: a
    /// slow consumer slows this thread, the pipe fills, and children count
    /// drops.
    fn emit(&mut self, body: Body) {
        let mut body = body;
        loop {
            match self.out.send_timeout(body, Duration::from_millis(100)) {
                Ok(()) => break,
                Err(SendTimeoutError::Timeout(b)) => body = b,
                Err(SendTimeoutError::Disconnected(_)) => {
                    self.closed = true;
                    return;
                }
            }
        }
        self.stats.delivered.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Role;
    use crate::telemetry::wire::Reporter;

    fn events(rx: &Receiver<Body>, n: usize) -> Vec<Event> {
        let mut got = Vec::new();
        while got.len() < n {
            match rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                Body::Event(e) => got.push(e),
                _ => continue,
            }
        }
        got
    }

    #[test]
    fn events_from_pipe_and_supervisor_come_out_in_time_order() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let rep = Reporter::new(w).unwrap();
        let (own_tx, own_rx) = own_channel().unwrap();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let stats = Arc::new(Stats::default());
        let mut c = Collector::spawn(
            r,
            own_rx,
            Vec::new(),
            out_tx,
            Duration::from_millis(50),
            stats.clone(),
        )
        .unwrap();
        let base = now_ns();
        // Reported out of order, within the window.
        rep.send(&Event::new(base + 3, 1, 10, Kind::GetWait));
        rep.send(&Event::new(base + 2, 0, 11, Kind::PutWait).with_item("url_1"));
        own_tx.event(Event::new(
            base + 1,
            0,
            11,
            Kind::Spawn {
                name: "writer-1".into(),
                role: Role::Writer,
            },
        ));
        let names: Vec<_> = events(&out_rx, 3).iter().map(|e| e.kind.name()).collect();
        assert_eq!(names, ["spawn", "put_wait", "get_wait"]);
        c.stop();
        assert_eq!(stats.late.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_recv_is_held_until_the_send_of_its_message_even_when_the_send_is_late() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let rep = Reporter::new(w).unwrap();
        let (_own_tx, own_rx) = own_channel().unwrap();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let stats = Arc::new(Stats::default());
        let mut c = Collector::spawn(
            r,
            own_rx,
            Vec::new(),
            out_tx,
            Duration::from_millis(5),
            stats,
        )
        .unwrap();
        let base = now_ns();
        rep.send(
            &Event::new(base, 1, 10, Kind::Recv)
                .with_item("url_0")
                .with_seq(1),
        );
        // The send arrives long after the window: the recv must wait for it.
        std::thread::sleep(Duration::from_millis(60));
        rep.send(
            &Event::new(base, 0, 11, Kind::Send)
                .with_item("url_0")
                .with_seq(1),
        );
        let names: Vec<_> = events(&out_rx, 2).iter().map(|e| e.kind.name()).collect();
        assert_eq!(names, ["send", "recv"]);
        c.stop();
    }

    #[test]
    fn ticks_mark_time_passing_while_nothing_happens() {
        let (r, _w) = nix::unistd::pipe().unwrap();
        let (_own_tx, own_rx) = own_channel().unwrap();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let mut c = Collector::spawn(
            r,
            own_rx,
            Vec::new(),
            out_tx,
            Duration::from_millis(5),
            Arc::new(Stats::default()),
        )
        .unwrap();
        let mut ticks = Vec::new();
        while ticks.len() < 2 {
            if let Body::Tick(t) = out_rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                ticks.push(t);
            }
        }
        assert!(ticks[1] > ticks[0]);
        c.stop();
    }
}
