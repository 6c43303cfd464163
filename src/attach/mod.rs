//! Watching someone's Python program (`ipcscope run -- python3 prog.py`):
//! its real processes, its real Queue, Pipe and Value, the line each
//! process is on and why it is blocked, in the same stream the built-in
//! scenarios make.
//!
//! How: ipcscope starts a guard ([`guard`]: a subreaper, so the program's
//! whole tree ends with ipcscope on every path), which starts the program
//! with the instrumentation ([`hook`], `assets/python`) on its PYTHONPATH.
//! One thread (`attach`) then reads, with one `poll`, what the program's
//! processes report (JSON lines on a FIFO), what they print (stdout and
//! stderr, line by line), what the guard says (how each process ended),
//! and every 100 ms looks at /proc ([`sample`]). Everything is held for a
//! short window and taken in time order by the translator ([`translate`]),
//! which turns it into the stream's records. Commands (freeze, a signal,
//! slow motion, stop) come back on a channel; only `crate::proc` sends the
//! signals.

pub mod guard;
pub mod headless;
pub mod hook;
pub mod lost;
pub mod sample;
pub mod translate;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::Signal;

use crate::config::RunConfig;
use crate::proc::spawn::{self, Output, Spec};
use crate::proc::tree;
use crate::stream::{
    Body, Command, Ended, Event, Kind, Observation, ProgramConfig, ProgramNote, ProgramOp, RunInfo,
    SUPERVISOR, Sig, TelemetryView,
};
use crate::telemetry::now_ns;
use crate::telemetry::wire::Lines;

use hook::Hook;
use sample::Sampler;
use translate::{Translator, note};

/// How often /proc is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(100);
/// How long a process has to end after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(2);
/// How long every process must have been blocked before the run is said
/// to be stuck.
const STUCK_AFTER: Duration = Duration::from_secs(3);
/// Longest line of output kept whole (longer ones are cut).
const MAX_OUTPUT: usize = 4096;

/// Why a program could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{}", crate::text::words().run_no_python(.0))]
    NoPython(String),
    #[error("{}", crate::text::words().run_no_program(.0, &.1.to_string()))]
    NoProgram(String, NoProgram),
    #[error("{}", crate::text::words().run_cannot_start(.0))]
    Io(String),
}

impl From<std::io::Error> for StartError {
    fn from(e: std::io::Error) -> StartError {
        StartError::Io(e.to_string())
    }
}

/// What goes to the attach thread.
enum Ctl {
    Do(Command),
    /// Stop the program (SIGTERM, then SIGKILL after the grace), noting why.
    Stop(Option<Kind>),
}

/// A watched program, running.
pub struct Attach {
    records: Receiver<Body>,
    ctl: Sender<Ctl>,
    thread: Option<JoinHandle<()>>,
    leftover: Vec<Body>,
    main_ended: Arc<Mutex<Option<Ended>>>,
}

/// Why the program's file cannot be run, said in the current language
/// (other failures as the system says them).
#[derive(Debug)]
pub enum NoProgram {
    NotFound,
    Denied,
    Directory,
    Os(String),
}

impl NoProgram {
    fn of(e: &std::io::Error) -> NoProgram {
        match e.kind() {
            std::io::ErrorKind::NotFound => NoProgram::NotFound,
            std::io::ErrorKind::PermissionDenied => NoProgram::Denied,
            std::io::ErrorKind::IsADirectory => NoProgram::Directory,
            _ => NoProgram::Os(plain_io(e)),
        }
    }
}

impl std::fmt::Display for NoProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = crate::text::words();
        f.write_str(&match self {
            NoProgram::NotFound => t.run_no_such_file(),
            NoProgram::Denied => t.permission_denied(),
            NoProgram::Directory => t.not_regular(crate::outfile::Kind::Directory),
            NoProgram::Os(why) => why.clone(),
        })
    }
}

/// Where the interpreter is: a path as given, or the first match in PATH.
pub fn find_python(python: &str) -> Option<PathBuf> {
    if python.contains('/') {
        let p = PathBuf::from(python);
        return is_executable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(python))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Checks what can be checked before anything starts: the interpreter and
/// the program's file.
pub fn check(p: &ProgramConfig) -> Result<PathBuf, StartError> {
    let python = find_python(&p.python).ok_or_else(|| StartError::NoPython(p.python.clone()))?;
    let prog = p.program();
    if !prog.is_empty() && prog != "-c" && prog != "-m" {
        let path = Path::new(&p.cwd).join(prog);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                return Err(StartError::NoProgram(
                    prog.to_string(),
                    NoProgram::Directory,
                ));
            }
            Ok(_) => {
                if let Err(e) = std::fs::File::open(&path) {
                    return Err(StartError::NoProgram(prog.to_string(), NoProgram::of(&e)));
                }
            }
            Err(e) => return Err(StartError::NoProgram(prog.to_string(), NoProgram::of(&e))),
        }
    }
    Ok(python)
}

/// The OS's words for an error, without Rust's `(os error 2)`.
fn plain_io(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl Attach {
    /// Starts the program of `cfg`; `window` is how long records are held
    /// to be put in time order; the guard is `exe` re-executed (`None`:
    /// this process's own executable).
    pub fn start(
        cfg: &RunConfig,
        window: Duration,
        exe: Option<PathBuf>,
    ) -> Result<Attach, StartError> {
        let crate::config::Scenario::Program(p) = &cfg.scenario else {
            return Err(StartError::Io("not a program".into()));
        };
        let python = check(p)?;
        let exe = match exe {
            Some(e) => e,
            None => spawn::self_exe()?,
        };
        let hook = if p.instrument {
            Some(Hook::create(&std::env::temp_dir())?)
        } else {
            None
        };
        let (out_r, out_w) = pipe()?;
        let (err_r, err_w) = pipe()?;
        let (status_r, status_w) = pipe()?;
        let (life_r, life_w) = pipe()?;
        let mut args: Vec<String> = vec![
            "__child".into(),
            "attach-guard".into(),
            "--lifeline".into(),
            life_r.as_raw_fd().to_string(),
            "--status".into(),
            status_w.as_raw_fd().to_string(),
            "--cwd".into(),
            p.cwd.clone(),
            "--".into(),
            python.to_string_lossy().into_owned(),
        ];
        args.extend(p.argv.iter().cloned());
        // With the instrumentation, standard output goes into the reports'
        // FIFO: what the program prints and what it does keep their order.
        let out_fd = hook
            .as_ref()
            .map_or(out_w.as_raw_fd(), |h| h.output.as_raw_fd());
        let mut spec = Spec::new(args)
            .keep_fd(life_r.as_raw_fd())
            .keep_fd(status_w.as_raw_fd())
            .stdout(Output::Fd(out_fd))
            .stderr(Output::Fd(err_w.as_raw_fd()))
            .outlive_parent();
        if let Some(h) = &hook {
            spec = spec.keep_fd(h.writer.as_raw_fd());
            for (k, v) in h.env() {
                spec = spec.env(k, v);
            }
        }
        // Python writes its own output as it goes (a traceback whole and in
        // its place).
        spec = spec.env("PYTHONUNBUFFERED", "1");
        let guard = spawn::spawn(&exe, &spec)?;
        // The guard is not one of the children a panic kills at once: it
        // must live to stop the program's tree (it does when our end of
        // the lifeline closes).
        spawn::registry::remove(guard.id() as i32);
        drop((out_w, err_w, status_w, life_r));
        let out_r = if hook.is_some() { None } else { Some(out_r) };
        let own_inodes = [out_r.as_ref(), Some(&err_r)]
            .into_iter()
            .flatten()
            .filter_map(|fd| nix::sys::stat::fstat(fd).ok().map(|s| s.st_ino))
            .chain(hook.as_ref().map(|h| h.inode))
            .collect();
        let (tx, records) = crossbeam_channel::bounded(65_536);
        let (ctl, ctl_rx) = crossbeam_channel::unbounded();
        let main_ended = Arc::new(Mutex::new(None));
        let mut run = Run {
            cfg: cfg.clone(),
            p: p.clone(),
            window_ns: window.as_nanos() as u64,
            out: tx,
            ctl: ctl_rx,
            guard,
            lifeline: Some(life_w),
            stdout: out_r,
            stderr: Some(err_r),
            status: Some(status_r),
            hook,
            tr: Translator::new(Path::new(&p.cwd)),
            sampler: Sampler::new(own_inodes),
            heap: BinaryHeap::new(),
            arrivals: 0,
            main_ended: main_ended.clone(),
            stopping: None,
            blocked_since: None,
            told_blocked: false,
            last_report: Instant::now(),
            started: Instant::now(),
            frozen: false,
            lines: [Lines::default(), Lines::default(), Lines::default()],
            partial: [String::new(), String::new()],
            fifo: Vec::new(),
            fifo_t: 0,
            last_tick: 0,
            last_kernel: Vec::new(),
            last_objects: Vec::new(),
            telemetry: TelemetryView::default(),
            finished: false,
        };
        let start_ns = now_ns();
        run.emit(Body::Run(RunInfo {
            start_ns,
            pid: std::process::id() as i32,
            config: cfg.clone(),
        }));
        let mut first = Vec::new();
        run.tr.announce_main(start_ns, p.program(), &mut first);
        if !p.instrument {
            first.push(note(start_ns, ProgramNote::NotInstrumented));
        }
        for b in first {
            run.emit(b);
        }
        let thread = std::thread::Builder::new()
            .name("attach".into())
            .spawn(move || run.run())?;
        Ok(Attach {
            records,
            ctl,
            thread: Some(thread),
            leftover: Vec::new(),
            main_ended,
        })
    }

    /// The run's records, in order; disconnected once the run is over.
    pub fn records(&self) -> &Receiver<Body> {
        &self.records
    }

    /// Carries out a command on the program's processes.
    pub fn send(&self, c: Command) {
        let _ = self.ctl.send(Ctl::Do(c));
    }

    /// Stops the program, saying why (an event of ipcscope's: a note).
    pub fn stop(&self, why: Option<Kind>) {
        let _ = self.ctl.send(Ctl::Stop(why));
    }

    /// How the program's main process ended, once it has.
    pub fn main_ended(&self) -> Option<Ended> {
        self.main_ended.lock().map(|m| *m).unwrap_or(None)
    }

    /// Stops the program (if it runs) and waits until its whole tree is
    /// gone; the records not yet taken are kept for [`Attach::take_leftover`].
    pub fn shutdown(&mut self) {
        let Some(t) = self.thread.take() else {
            return;
        };
        let _ = self.ctl.send(Ctl::Stop(None));
        while !t.is_finished() {
            if let Ok(b) = self.records.recv_timeout(Duration::from_millis(5)) {
                self.leftover.push(b);
            }
        }
        let _ = t.join();
        self.leftover.extend(self.records.try_iter());
    }

    /// Records that came while shutting down.
    pub fn take_leftover(&mut self) -> Vec<Body> {
        std::mem::take(&mut self.leftover)
    }
}

impl Drop for Attach {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?)
}

/// Something to take in, in time order.
enum Input {
    Report(serde_json::Value),
    Out { text: String, err: bool },
    Status(serde_json::Value),
    Look(Box<sample::Look>),
    Own(Kind),
    Note(ProgramNote),
}

struct Pending {
    t: u64,
    arrival: u64,
    input: Input,
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

/// Stopping the program: when SIGTERM went, whether SIGKILL did.
struct Stopping {
    since: Instant,
    killed: bool,
}

/// The attach thread's state.
struct Run {
    cfg: RunConfig,
    p: ProgramConfig,
    window_ns: u64,
    out: Sender<Body>,
    ctl: Receiver<Ctl>,
    guard: std::process::Child,
    lifeline: Option<OwnedFd>,
    stdout: Option<OwnedFd>,
    stderr: Option<OwnedFd>,
    status: Option<OwnedFd>,
    hook: Option<Hook>,
    tr: Translator,
    sampler: Sampler,
    heap: BinaryHeap<Reverse<Pending>>,
    arrivals: u64,
    main_ended: Arc<Mutex<Option<Ended>>>,
    stopping: Option<Stopping>,
    blocked_since: Option<Instant>,
    told_blocked: bool,
    last_report: Instant,
    started: Instant,
    frozen: bool,
    /// Line splitters: reports, stdout, stderr.
    lines: [Lines; 3],
    /// Output lines not yet ended by a newline.
    partial: [String; 2],
    /// Bytes of the FIFO not yet ended by a newline.
    fifo: Vec<u8>,
    /// The latest report time read from the FIFO.
    fifo_t: u64,
    last_tick: u64,
    last_kernel: Vec<crate::stream::KernelRow>,
    last_objects: Vec<crate::stream::ObjectView>,
    telemetry: TelemetryView,
    finished: bool,
}

impl Run {
    fn emit(&mut self, b: Body) {
        let _ = self.out.send(b);
    }

    fn push(&mut self, t: u64, input: Input) {
        self.arrivals += 1;
        self.heap.push(Reverse(Pending {
            t,
            arrival: self.arrivals,
            input,
        }));
    }

    fn run(mut self) {
        let mut next_look = Instant::now();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            self.read_all(&mut buf);
            while let Ok(c) = self.ctl.try_recv() {
                self.control(c);
            }
            if Instant::now() >= next_look {
                next_look = Instant::now() + LOOK_EVERY;
                self.look();
            }
            self.stop_step();
            let cutoff = now_ns().saturating_sub(self.window_ns);
            self.release(cutoff);
            if cutoff >= self.last_tick + 100_000_000 {
                self.last_tick = cutoff;
                self.emit(Body::Tick(cutoff));
            }
            if self.over() {
                break;
            }
        }
        self.finish(&mut buf);
    }

    /// Reads what is there on every input (waits up to 10 ms).
    fn read_all(&mut self, buf: &mut [u8]) {
        let reports = self.hook.as_ref().map(|h| &h.reports);
        let srcs: [Option<&OwnedFd>; 4] = [
            reports,
            self.stdout.as_ref(),
            self.stderr.as_ref(),
            self.status.as_ref(),
        ];
        let mut fds: Vec<PollFd> = Vec::new();
        let mut which = Vec::new();
        for (i, s) in srcs.iter().enumerate() {
            if let Some(fd) = s {
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
                which.push(i);
            }
        }
        let _ = poll(&mut fds, PollTimeout::from(10u16));
        let ready: Vec<usize> = fds
            .iter()
            .zip(&which)
            .filter(|(f, _)| {
                f.revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP))
            })
            .map(|(_, &i)| i)
            .collect();
        drop(fds);
        for i in ready {
            self.read_one(i, buf);
        }
        self.flush_partial(false);
    }

    /// Reads input `i` (0 reports, 1 stdout, 2 stderr, 3 the guard).
    fn read_one(&mut self, i: usize, buf: &mut [u8]) {
        for _ in 0..16 {
            let fd = match i {
                0 => self.hook.as_ref().map(|h| &h.reports),
                1 => self.stdout.as_ref(),
                2 => self.stderr.as_ref(),
                _ => self.status.as_ref(),
            };
            let Some(fd) = fd else { return };
            let n = match nix::unistd::read(fd, buf) {
                Ok(0) => {
                    // End of file: the program's output is closed.
                    match i {
                        1 => self.stdout = None,
                        2 => self.stderr = None,
                        3 => self.status = None,
                        _ => {}
                    }
                    if i == 1 || i == 2 {
                        self.flush_partial(true);
                    }
                    return;
                }
                Ok(n) => n,
                Err(_) => return,
            };
            let now = now_ns();
            match i {
                0 => self.read_fifo(&buf[..n], now),
                1 | 2 => {
                    let k = i - 1;
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let mut part = std::mem::take(&mut self.partial[k]);
                    part.push_str(&text);
                    let mut rest = part.as_str();
                    let mut done = Vec::new();
                    while let Some(j) = rest.find('\n') {
                        done.push(rest[..j].trim_end_matches('\r').to_string());
                        rest = &rest[j + 1..];
                    }
                    let mut keep = rest.to_string();
                    if keep.len() > MAX_OUTPUT {
                        done.push(std::mem::take(&mut keep));
                    }
                    self.partial[k] = keep;
                    for text in done {
                        self.push(now, Input::Out { text, err: k == 1 });
                    }
                }
                _ => {
                    let mut got = Vec::new();
                    self.lines[2].feed(&buf[..n], |l| got.push(l.to_vec()));
                    for l in got {
                        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&l) {
                            self.push(now, Input::Status(v));
                        }
                    }
                }
            }
            if n < buf.len() {
                return;
            }
        }
    }

    /// The FIFO holds reports (a record separator, a JSON line) and the
    /// program's standard output, in the order they were written. A line
    /// the program prints gets a time right after the reports before it.
    fn read_fifo(&mut self, bytes: &[u8], now: u64) {
        self.fifo.extend_from_slice(bytes);
        let data = std::mem::take(&mut self.fifo);
        let mut rest: &[u8] = &data;
        while let Some(j) = rest.iter().position(|&b| b == b'\n') {
            let seg = &rest[..j];
            rest = &rest[j + 1..];
            match seg.iter().position(|&b| b == 0x1e) {
                Some(k) => {
                    // A report, maybe after part of a line of output.
                    if k > 0 {
                        self.partial[0].push_str(&String::from_utf8_lossy(&seg[..k]));
                    }
                    match serde_json::from_slice::<serde_json::Value>(&seg[k + 1..]) {
                        Ok(v) => {
                            let t = v.get("t_ns").and_then(|t| t.as_u64()).unwrap_or(now);
                            self.fifo_t = self.fifo_t.max(t);
                            self.last_report = Instant::now();
                            self.push(t, Input::Report(v));
                        }
                        Err(_) => self.tr.garbled += 1,
                    }
                }
                None => {
                    let mut text = std::mem::take(&mut self.partial[0]);
                    text.push_str(&String::from_utf8_lossy(seg));
                    let text = text.trim_end_matches('\r').to_string();
                    let t = (self.fifo_t + 1)
                        .max(now.saturating_sub(50_000_000))
                        .min(now);
                    self.fifo_t = self.fifo_t.max(t);
                    self.push(t, Input::Out { text, err: false });
                }
            }
        }
        self.fifo = rest.to_vec();
        if self.fifo.len() > MAX_OUTPUT {
            // A very long line of output: passed on in pieces.
            let piece = std::mem::take(&mut self.fifo);
            self.partial[0].push_str(&String::from_utf8_lossy(&piece));
        }
    }

    /// A line the program has not ended yet is passed on at the end of its
    /// output (`all`), or once it is alone for a while (a prompt).
    fn flush_partial(&mut self, all: bool) {
        for k in 0..2 {
            if !self.partial[k].is_empty() && (all || self.heap.is_empty()) {
                let text = std::mem::take(&mut self.partial[k]);
                if all {
                    self.push(now_ns(), Input::Out { text, err: k == 1 });
                } else {
                    self.partial[k] = text;
                }
            }
        }
    }

    /// A command from the screen.
    fn control(&mut self, c: Ctl) {
        match c {
            Ctl::Stop(why) => {
                if let Some(k) = why {
                    self.push(now_ns(), Input::Own(k));
                }
                self.begin_stop();
            }
            Ctl::Do(c) => self.command(c),
        }
    }

    fn command(&mut self, c: Command) {
        let t = now_ns();
        match c {
            Command::Freeze => {
                self.frozen = true;
                self.signal_tree(Signal::SIGSTOP);
                self.push(t, Input::Own(Kind::Frozen));
            }
            Command::Resume => {
                self.frozen = false;
                self.signal_tree(Signal::SIGCONT);
                self.push(t, Input::Own(Kind::Resumed));
            }
            Command::Signal(id, sig) => {
                let Some(pid) = self.tr.pid_of(id) else {
                    return;
                };
                let (s, n) = match sig {
                    Sig::Kill => (Signal::SIGKILL, crate::stream::SIGKILL),
                    Sig::Term => (Signal::SIGTERM, crate::stream::SIGTERM),
                };
                let _ = spawn::signal(pid, s);
                if self.frozen {
                    let _ = spawn::signal(pid, Signal::SIGCONT);
                }
                self.push(
                    t,
                    Input::Own(Kind::Kill {
                        target: pid,
                        signal: n,
                    }),
                );
            }
            Command::SetSlowMotion(f) => {
                if let Some(h) = &mut self.hook {
                    h.set_slow_motion(f);
                }
                self.push(t, Input::Own(Kind::SlowMotion { factor: f }));
            }
            _ => {}
        }
    }

    /// Every process under the guard (followed or not).
    fn tree(&self) -> Vec<i32> {
        tree::descendants(self.guard.id() as i32)
    }

    fn signal_tree(&self, sig: Signal) {
        tree::signal_all(&self.tree(), sig);
    }

    fn begin_stop(&mut self) {
        if self.stopping.is_some() {
            return;
        }
        self.stopping = Some(Stopping {
            since: Instant::now(),
            killed: false,
        });
        let pids = self.tree();
        tree::signal_all(&pids, Signal::SIGTERM);
        tree::signal_all(&pids, Signal::SIGCONT);
    }

    /// While stopping: SIGKILL after the grace, naming who ignored SIGTERM.
    fn stop_step(&mut self) {
        let Some(s) = &mut self.stopping else {
            return;
        };
        if s.killed || s.since.elapsed() < GRACE {
            return;
        }
        s.killed = true;
        let pids: Vec<i32> = self
            .tree()
            .into_iter()
            .filter(|&p| tree::stat(p).is_some_and(|s| s.state != 'Z'))
            .collect();
        let t = now_ns();
        for &pid in &pids {
            if self.tr.procs.get(&pid).is_some_and(|p| !p.ended) {
                self.push(t, Input::Note(ProgramNote::IgnoredTerm { pid }));
            }
        }
        tree::kill_descendants(self.guard.id() as i32, 20);
    }

    /// One look at /proc, and what follows from it: a stuck program, a
    /// timeout, processes left behind by the main one.
    fn look(&mut self) {
        let unnamed = !self.p.instrument;
        let look = self.sampler.look(self.guard.id() as i32, &self.tr, unnamed);
        let t = now_ns();
        // Stuck: every process blocked, none reporting, for a while.
        if look.all_blocked && !self.frozen {
            let since = *self.blocked_since.get_or_insert_with(Instant::now);
            let quiet = since.elapsed().min(self.last_report.elapsed());
            if quiet >= STUCK_AFTER && !self.told_blocked {
                self.told_blocked = true;
                let waited_ms = self.last_report.elapsed().as_millis() as u64;
                self.push(t, Input::Note(ProgramNote::AllBlocked { waited_ms }));
            }
        } else {
            self.blocked_since = None;
            if !look.all_blocked {
                self.told_blocked = false;
            }
        }
        if let Some(secs) = self.p.timeout
            && self.stopping.is_none()
            && self.started.elapsed().as_secs_f64() >= secs
        {
            self.push(t, Input::Note(ProgramNote::TimedOut { secs: secs as u64 }));
            self.begin_stop();
        }
        self.push(t, Input::Look(Box::new(look)));
    }

    /// Takes in, in time order, what is due.
    fn release(&mut self, cutoff: u64) {
        while self.heap.peek().is_some_and(|Reverse(p)| p.t <= cutoff) {
            let Some(Reverse(p)) = self.heap.pop() else {
                break;
            };
            let mut out = Vec::new();
            self.take(p.t, p.input, &mut out);
            for b in out {
                self.emit(b);
            }
        }
    }

    fn take(&mut self, t: u64, input: Input, out: &mut Vec<Body>) {
        match input {
            Input::Report(v) => self.tr.report(&v, out),
            Input::Out { text, err } => {
                let kind = if err {
                    Kind::Program(ProgramOp::Stderr { text })
                } else {
                    Kind::Output { text }
                };
                out.push(Body::Event(Event::new(t, SUPERVISOR, 0, kind)));
            }
            Input::Status(v) => {
                if let Some(why) = self.tr.status(t, &v, out) {
                    // The interpreter could not be started at all.
                    let text = crate::text::words().run_cannot_start(&why);
                    out.push(Body::Event(Event::new(
                        t,
                        SUPERVISOR,
                        0,
                        Kind::Program(ProgramOp::Stderr { text }),
                    )));
                    self.main_ended_now(Ended::Code(127));
                }
                if let Some(e) = self.tr.main_ended {
                    self.main_ended_now(e);
                }
            }
            Input::Look(look) => self.take_look(t, *look, out),
            Input::Own(kind) => {
                out.push(Body::Event(Event::new(
                    t,
                    SUPERVISOR,
                    std::process::id() as i32,
                    kind,
                )));
            }
            Input::Note(n) => out.push(note(t, n)),
        }
    }

    fn main_ended_now(&mut self, e: Ended) {
        if let Ok(mut m) = self.main_ended.lock()
            && m.is_none()
        {
            *m = Some(e);
        }
    }

    fn take_look(&mut self, t: u64, look: sample::Look, out: &mut Vec<Body>) {
        for (pid, ppid, name) in look.seen {
            self.tr.proc(t, pid, ppid, name.as_deref(), out);
        }
        for (pid, how) in look.gone {
            self.tr.ended(t, pid, how.unwrap_or(Ended::Code(-1)), out);
        }
        for (ino, socket) in look.unnamed {
            self.tr.discovered(t, ino, socket, out);
        }
        let mut obs = Observation {
            t_ns: t,
            ..Observation::default()
        };
        let mut any = false;
        let kernel: Vec<_> = look
            .kernel
            .into_iter()
            .filter(|r| self.tr.procs.get(&r.pid).is_some_and(|p| p.id == r.proc))
            .collect();
        if kernel != self.last_kernel {
            self.last_kernel = kernel.clone();
            obs.kernel = Some(kernel);
            any = true;
        }
        if look.objects != self.last_objects {
            self.last_objects = look.objects.clone();
            obs.objects = Some(look.objects);
            any = true;
        }
        let tel = TelemetryView {
            lag_ms: (self.window_ns / 1_000_000),
            dropped: self.tr.dropped,
            late: 0,
        };
        if tel != self.telemetry {
            self.telemetry = tel;
            obs.telemetry = Some(tel);
            any = true;
        }
        if any {
            out.push(Body::Observation(Box::new(obs)));
        }
    }

    /// Whether the run is over: the main process ended and nothing it
    /// started is left (those left are stopped first, and said so).
    fn over(&mut self) -> bool {
        if self.finished {
            return true;
        }
        let main_done = self.tr.main_ended.is_some() || self.status.is_none();
        if !main_done {
            return false;
        }
        let left: Vec<i32> = self
            .tree()
            .into_iter()
            .filter(|&p| tree::stat(p).is_some_and(|s| s.state != 'Z'))
            .collect();
        if left.is_empty() {
            return true;
        }
        if self.stopping.is_none() {
            let count = left.len() as u32;
            self.push(now_ns(), Input::Note(ProgramNote::LeftBehind { count }));
            self.begin_stop();
        }
        // Give up waiting well after SIGKILL: the guard reaps the rest.
        self.stopping
            .as_ref()
            .is_some_and(|s| s.since.elapsed() > GRACE * 3)
    }

    /// The end: the guard stops whatever is left and exits; what is still
    /// held is taken in; the stream ends.
    fn finish(&mut self, buf: &mut [u8]) {
        self.finished = true;
        // Closing the lifeline tells the guard to stop everything and go.
        self.lifeline = None;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            self.read_all(buf);
            match self.guard.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() < deadline => {}
                Ok(None) => {
                    let _ = self.guard.kill();
                    let _ = self.guard.wait();
                    break;
                }
            }
        }
        // What the guard said last, and the output's last lines.
        let until = Instant::now() + Duration::from_millis(200);
        while Instant::now() < until && (self.status.is_some() || self.stdout.is_some()) {
            self.read_all(buf);
        }
        let tail = std::mem::take(&mut self.fifo);
        self.partial[0].push_str(&String::from_utf8_lossy(&tail));
        self.flush_partial(true);
        let mut last = Vec::new();
        // Every process still followed has ended with the tree.
        let t = now_ns();
        let live: Vec<i32> = self.tr.live().into_iter().map(|(_, pid)| pid).collect();
        self.release(u64::MAX);
        for pid in live {
            if self.tr.procs.get(&pid).is_some_and(|p| !p.ended) {
                self.tr
                    .ended(t, pid, Ended::Signal(libc::SIGKILL), &mut last);
            }
        }
        if let Some(e) = self.tr.main_ended {
            self.main_ended_now(e);
        }
        if !self.tr.used_multiprocessing() && self.p.instrument {
            last.push(note(t, ProgramNote::NoMultiprocessing));
        }
        for b in last {
            self.emit(b);
        }
        self.emit(Body::Tick(now_ns()));
        let _ = &self.cfg;
    }
}
