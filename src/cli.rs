//! The command line (clap): scenarios (`queue`, the default, `pipe`,
//! `counter`), lessons, the benchmark and the hidden child roles, turned
//! into one [`Invocation`].
//!
//! Options the user leaves out stay `None` here and are filled from the
//! scenario's table for the chosen mode ([`QueueConfig::defaults`] etc.), so
//! the defaults live in one place. A bad value is a clap error (exit 2) with a
//! reason, never a panic; that includes an output file that cannot be
//! written ([`outfile::check`]) and more processes than a run can have
//! ([`MAX_PROCS`]), so nothing starts on bad input.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::{PathBufValueParser, StringValueParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::bench::BenchOptions;
use crate::child::HiddenRole;
use crate::config::{
    CounterConfig, DelayRange, Lang, MAX_CELLS, MAX_INCREMENTS, MAX_ITEMS, MAX_MAXSIZE,
    MAX_MESSAGES, MAX_PROCS, Mode, PipeConfig, QueueConfig, RunConfig, Scenario, Then,
    parse_timeout,
};
use crate::lesson::Library;
use crate::outfile::{self, Existing, What};
use crate::recording::export::Format;
use crate::stream::lesson::Lesson;
use crate::text::{cli_words, words};

mod localize;

pub use localize::{CliError, Localized};

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Run(RunConfig),
    /// `ipcscope lesson NAME`: a lesson, resolved, to run.
    Lesson(LessonRun),
    /// `ipcscope lesson`: a menu of the lessons, to open one (or the
    /// listing, when there is no terminal).
    LessonMenu(LessonMenuOptions),
    /// `ipcscope lesson --list` (or `lesson --headless` with no name): print
    /// the lessons.
    LessonList(LessonListOptions),
    /// `ipcscope lesson --check FILE`: check one lesson file.
    LessonCheck(LessonCheckOptions),
    Replay(ReplayOptions),
    Export(ExportOptions),
    Bench(BenchOptions),
    Child(HiddenRole),
}

/// `ipcscope lesson NAME`: the lesson and how to run it.
#[derive(Debug, Clone)]
pub struct LessonRun {
    pub lesson: Lesson,
    pub mode: Mode,
    /// The language of captions, questions and ipcscope's own words.
    pub lang: Lang,
    pub seed: u64,
    pub ascii: bool,
    /// The projector's layout (`--classroom`).
    pub classroom: bool,
    pub trace: Option<PathBuf>,
    pub record: Option<PathBuf>,
}

impl LessonRun {
    /// The run of the lesson's scenario, as `ipcscope queue ...` would
    /// make it.
    pub fn run_config(&self) -> RunConfig {
        RunConfig {
            scenario: self.lesson.scenario.clone(),
            seed: self.seed,
            mode: self.mode,
            trace: self.trace.clone(),
            record: self.record.clone(),
            ascii: self.ascii,
            lang: self.lang,
            classroom: self.classroom,
        }
    }
}

/// `ipcscope lesson`: the menu's lessons, and how the one chosen runs
/// (the options `ipcscope lesson NAME` takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonMenuOptions {
    pub library: Library,
    pub lang: Lang,
    pub seed: u64,
    pub ascii: bool,
    /// The projector's layout, for the menu and the lesson it opens.
    pub classroom: bool,
    pub trace: Option<PathBuf>,
    pub record: Option<PathBuf>,
}

impl LessonMenuOptions {
    /// The run of `lesson`, chosen from the menu: as `ipcscope lesson NAME`
    /// with the same options would make it.
    pub fn run(&self, lesson: Lesson) -> LessonRun {
        LessonRun {
            lesson,
            mode: Mode::Tui,
            lang: self.lang,
            seed: self.seed,
            ascii: self.ascii,
            classroom: self.classroom,
            trace: self.trace.clone(),
            record: self.record.clone(),
        }
    }

    /// The listing of the same lessons, for when there is no terminal.
    pub fn listing(&self) -> LessonListOptions {
        LessonListOptions {
            library: self.library.clone(),
            lang: self.lang,
        }
    }
}

/// `ipcscope lesson --list`: which lessons, in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonListOptions {
    pub library: Library,
    pub lang: Lang,
}

/// `ipcscope lesson --check FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonCheckOptions {
    pub file: PathBuf,
    pub lang: Lang,
}

/// `ipcscope replay FILE`: what to replay, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayOptions {
    pub file: PathBuf,
    /// Print the recorded run's transcript instead of opening the visualizer.
    pub headless: bool,
    pub ascii: bool,
    pub lang: Lang,
}

/// `ipcscope export FILE --format F -o OUT`: what to export, how, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The recording.
    pub file: PathBuf,
    pub format: Format,
    pub output: PathBuf,
    /// Overwrite an existing output.
    pub force: bool,
}

/// Parses the process's arguments; on bad input prints the error and
/// exits 2 (`--help` and `--version` print and exit 0), in the language
/// asked for.
pub fn parse_args() -> Invocation {
    let args: Vec<OsString> = std::env::args_os().collect();
    // The help, the errors and our reasons inside them (a file that cannot
    // be written) are told in the language asked for, found before clap
    // has parsed it.
    crate::text::set_lang(lang_in(&args).unwrap_or_else(env_lang));
    invocation_from(args).unwrap_or_else(|e| e.exit())
}

/// The language the environment asks for ([`Lang::from_locale`] of
/// `LC_ALL`, `LC_MESSAGES`, `LANG`): the default of `--lang`.
pub fn env_lang() -> Lang {
    let var = |name| std::env::var_os(name).and_then(|v| v.into_string().ok());
    Lang::from_locale(
        var("LC_ALL").as_deref(),
        var("LC_MESSAGES").as_deref(),
        var("LANG").as_deref(),
    )
}

/// A valid `--lang X` or `--lang=X` among `args` (the last one given), for
/// the messages printed while the command line is parsed.
fn lang_in(args: &[OsString]) -> Option<Lang> {
    let mut found = None;
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next(),
            Some(v) => v.strip_prefix('='),
            None => continue,
        };
        found = value.and_then(parse_lang).or(found);
    }
    found
}

fn parse_lang(s: &str) -> Option<Lang> {
    match s {
        "en" => Some(Lang::En),
        "zh" => Some(Lang::Zh),
        _ => None,
    }
}

/// The value parser of `--lang`: `en` or `zh`.
fn lang_parser() -> impl TypedValueParser<Value = Lang> {
    clap::builder::PossibleValuesParser::new(["en", "zh"])
        .map(|s| parse_lang(&s).unwrap_or_default())
}

/// Parses `args` (the first one is the program name), for tests and
/// [`parse_args`]. The help and the errors speak the thread's language
/// ([`crate::text::lang`]).
pub fn invocation_from<I, T>(args: I) -> Result<Invocation, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let w = cli_words();
    let mut cmd = command(w);
    let said =
        |e: clap::Error, cmd: &clap::Command| localize::error(e, cmd, w, localize::help_width());
    let matches = cmd
        .try_get_matches_from_mut(args)
        .map_err(|e| said(e, &cmd))?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| said(e, &cmd))?;
    cli.validate(&cmd)?;
    cli.into_invocation(&cmd)
}

/// The command line, built, speaking `w`: every about, option help,
/// default and value from the table (see `cli::localize`).
pub fn command(w: &dyn crate::text::CliWords) -> clap::Command {
    localize::command(Cli::command(), w)
}

/// `cmd`'s subcommand `name` (`cmd` itself when there is none), for the
/// usage an error shows.
fn sub<'a>(cmd: &'a clap::Command, name: &str) -> &'a clap::Command {
    cmd.find_subcommand(name).unwrap_or(cmd)
}

/// `ipcscope [SCENARIO] [OPTIONS]`. With no scenario the queue options are
/// accepted at the top level (`ipcscope --writers 3`); they cannot be mixed
/// with a scenario name (`ipcscope --writers 3 pipe` is an error).
#[derive(Debug, Parser)]
#[command(
    name = "ipcscope",
    version,
    about = "See inter-process communication: real processes, a real Queue, Pipe and shared Value, live",
    override_usage = "ipcscope [SCENARIO] [OPTIONS]",
    subcommand_value_name = "SCENARIO",
    subcommand_help_heading = "Scenarios",
    args_conflicts_with_subcommands = true,
    after_help = "With no SCENARIO, `queue` runs: `ipcscope --writers 3` is `ipcscope queue --writers 3`."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    queue: QueueArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writers put urls on a Queue, readers get them (the default)
    Queue {
        #[command(flatten)]
        args: QueueArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A sender and a receiver on a Pipe
    Pipe {
        #[command(flatten)]
        args: PipeArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Processes incrementing one shared Value, with or without its lock
    Counter {
        #[command(flatten)]
        args: CounterArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A guided lesson: a Python program, its run, scenes and questions (no NAME: a menu; --list prints them)
    Lesson(LessonArgs),
    /// Replay a recording (made with --record) in the visualizer, with a timeline
    Replay(ReplayArgs),
    /// Export a recording for Perfetto / chrome://tracing (JSON) or a spreadsheet (CSV)
    Export(ExportArgs),
    /// Measure our Queue and Pipe (optionally against Python's multiprocessing)
    Bench(BenchArgs),
    /// Internal: run as a child process role.
    #[command(name = "__child", hide = true)]
    Child {
        #[command(subcommand)]
        role: HiddenRole,
    },
    /// Watch your own Python program: `run PROG.py [ARGS]`, or `run [OPTIONS] -- PYTHON PROG.py [ARGS]`
    #[command(
        override_usage = "ipcscope run [OPTIONS] PROG.py [ARGS]...\n       ipcscope run [OPTIONS] -- PYTHON PROG.py [ARGS]..."
    )]
    Run(RunArgs),
}

/// `ipcscope run`: someone's program, and how to watch it.
#[derive(Debug, Args)]
struct RunArgs {
    /// The program and its arguments (run by python3 from PATH)
    #[arg(value_name = "PROG.py [ARGS]", required_unless_present = "command")]
    program: Vec<String>,
    /// After `--`: the interpreter, the program and its arguments
    #[arg(value_name = "PYTHON PROG.py [ARGS]", last = true)]
    command: Vec<String>,
    /// Show only what the kernel sees (processes, their states, the pipes they hold): no instrumentation
    #[arg(long)]
    no_instrument: bool,
    /// Stop the program (SIGTERM, then SIGKILL) after S seconds [default: never]
    #[arg(long, value_name = "S", value_parser = parse_timeout)]
    timeout: Option<f64>,
    #[command(flatten)]
    common: CommonArgs,
}

impl RunArgs {
    /// The program's run: `python3` from PATH unless an interpreter came
    /// after `--`.
    fn config(self) -> RunConfig {
        let (python, argv) = if self.command.is_empty() {
            ("python3".to_string(), self.program)
        } else {
            let mut c = self.command;
            let python = c.remove(0);
            (python, c)
        };
        let cwd = std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_else(|_| ".".into());
        let p = crate::stream::ProgramConfig {
            python,
            argv,
            cwd,
            instrument: !self.no_instrument,
            timeout: self.timeout.filter(|t| *t > 0.0),
        };
        match run(self.common, |_| Scenario::Program(p)) {
            Invocation::Run(cfg) => cfg,
            _ => unreachable!("run() makes a run"),
        }
    }
}

/// Options every scenario takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Common options")]
struct CommonArgs {
    /// Seed for the random delays: same seed, same delays [default: random]
    #[arg(long, value_name = "N", value_parser = number::<u64>(0, u64::MAX))]
    seed: Option<u64>,
    /// Print the transcript instead of opening the visualizer
    #[arg(long)]
    headless: bool,
    /// Write every event to FILE, one JSON object per line (an existing FILE is overwritten)
    #[arg(long, value_name = "FILE", value_parser = output_path(What::Trace))]
    trace: Option<PathBuf>,
    /// Record every record of the run's stream to FILE (replay it with `ipcscope replay FILE`)
    #[arg(long, value_name = "FILE", value_parser = output_path(What::Recording))]
    record: Option<PathBuf>,
    /// Draw without box-drawing or other Unicode glyphs
    #[arg(long)]
    ascii: bool,
    /// Language of the screen, the transcript and the command line: en or zh [default: from LC_ALL, LC_MESSAGES or LANG]
    #[arg(long, value_name = "LANG", value_parser = lang_parser())]
    lang: Option<Lang>,
    /// For a projector: a bigger stage and program, each process's name, PID and state only, telemetry only when something is dropped or late, a log a class can read, high contrast (the visualizer only)
    #[arg(long)]
    classroom: bool,
}

impl CommonArgs {
    fn mode(&self) -> Mode {
        if self.headless {
            Mode::Headless
        } else {
            Mode::Tui
        }
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Queue options")]
struct QueueArgs {
    /// Writer processes, 1 or more; writers + readers at most 255 [default: 2]
    #[arg(long, value_name = "N", value_parser = number::<u32>(1, u64::from(MAX_PROCS)))]
    writers: Option<u32>,
    /// Reader processes, 0 or more; writers + readers at most 255 [default: 1]
    #[arg(long, value_name = "N", value_parser = number::<u32>(0, u64::from(MAX_PROCS)))]
    readers: Option<u32>,
    /// Items per writer, 0 = unlimited [default: 3 with --headless, else 0]
    #[arg(long, value_name = "N", value_parser = number::<u64>(0, MAX_ITEMS))]
    items: Option<u64>,
    /// Writer's random delay between puts, in seconds [default: 0..1]
    #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
    delay: Option<DelayRange>,
    /// Reader's random delay between gets, in seconds [default: 0..0]
    #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
    reader_delay: Option<DelayRange>,
    /// Queue capacity, 0 = unbounded, up to 65536 [default: 0]
    #[arg(long, value_name = "N", value_parser = number::<u32>(0, u64::from(MAX_MAXSIZE)), conflicts_with = "python_feeder")]
    maxsize: Option<u32>,
    /// Seconds a put waits for space before Full (then retries), 0-3600; 0 raises at once [default: forever]
    #[arg(long, value_name = "S", value_parser = parse_timeout, allow_hyphen_values = true)]
    put_timeout: Option<f64>,
    /// Seconds a get waits for an item before Empty (then retries), 0-3600; 0 raises at once [default: forever]
    #[arg(long, value_name = "S", value_parser = parse_timeout, allow_hyphen_values = true)]
    get_timeout: Option<f64>,
    /// Writers put with block=False: Full at once when the queue is full [default: false]
    #[arg(long, conflicts_with = "put_timeout")]
    nowait_put: bool,
    /// Readers get with block=False: Empty at once when the queue is empty [default: false]
    #[arg(long, conflicts_with = "get_timeout")]
    nowait_get: bool,
    /// After queue.Full a writer gives its item up and goes on with the next (except queue.Full: continue) [default: it tries the same item again]
    #[arg(long)]
    give_up_put: bool,
    /// After queue.Empty a reader stops reading and ends (except queue.Empty: break) [default: it gets again]
    #[arg(long)]
    give_up_get: bool,
    /// As Python's Queue(): put() only appends to the writer's own buffer and a feeder thread flushes it into the pipe; a writer with unflushed items cannot exit
    #[arg(long, conflicts_with_all = ["put_timeout", "nowait_put", "give_up_put"])]
    python_feeder: bool,
    /// With --python-feeder: how many items the pipe holds (Python's holds 64 KiB), 1-65536 [default: 8]
    #[arg(long, value_name = "N", value_parser = number::<u32>(1, u64::from(MAX_MAXSIZE)), requires = "python_feeder")]
    pipe_holds: Option<u32>,
    /// With --readers 0 and --items N the parent reads the items itself: after joining the writers (as the guideline warns against), or with this flag before (the fix)
    #[arg(long)]
    drain_first: bool,
}

/// [`Then::GiveUp`] when the flag is given, else the default.
fn give_up(flag: bool, d: Then) -> Then {
    if flag { Then::GiveUp } else { d }
}

impl QueueArgs {
    fn resolve(self, mode: Mode) -> QueueConfig {
        let d = QueueConfig::defaults(mode);
        QueueConfig {
            writers: self.writers.unwrap_or(d.writers),
            readers: self.readers.unwrap_or(d.readers),
            items: self.items.unwrap_or(d.items),
            delay: self.delay.unwrap_or(d.delay),
            reader_delay: self.reader_delay.unwrap_or(d.reader_delay),
            // With the feeder, the queue stands for Python's pipe.
            maxsize: match self.python_feeder {
                true => self.pipe_holds.unwrap_or(QueueConfig::PIPE_HOLDS),
                false => self.maxsize.unwrap_or(d.maxsize),
            },
            put_timeout: self.put_timeout.or(d.put_timeout),
            get_timeout: self.get_timeout.or(d.get_timeout),
            put_nowait: self.nowait_put || d.put_nowait,
            get_nowait: self.nowait_get || d.get_nowait,
            on_full: give_up(self.give_up_put, d.on_full),
            on_empty: give_up(self.give_up_get, d.on_empty),
            feeder: self.python_feeder,
            drain_first: self.drain_first,
        }
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Pipe options")]
struct PipeArgs {
    /// Messages to send, url_0, url_1, ..., 0-100000 [default: 10]
    #[arg(long, value_name = "N", value_parser = number::<u32>(0, u64::from(MAX_MESSAGES)))]
    messages: Option<u32>,
    /// Sender's random delay between sends, in seconds [default: 0..1]
    #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
    delay: Option<DelayRange>,
    /// Receiver's random delay between receives, in seconds [default: 0..1]
    #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
    reader_delay: Option<DelayRange>,
    /// Two-way pipe, as Pipe(duplex=True) [default: true]
    #[arg(long, value_name = "BOOL")]
    duplex: Option<bool>,
    /// The parent keeps its copy of the send end: the receiver never sees EOF
    #[arg(long)]
    forget_close: bool,
    /// Each child keeps copies of both ends, as a forked Python child does: the receiver's own copy of the send end keeps it waiting forever
    #[arg(long)]
    inherit: bool,
    /// With --inherit: each child closes the end it does not use (the fix)
    #[arg(long, requires = "inherit")]
    close_unused: bool,
    /// The receiver replies to each message through its own end and the sender waits for each reply (a duplex pipe)
    #[arg(long)]
    echo: bool,
    /// As --echo, but the sender calls recv() first: both ends wait in recv(), a deadlock (a duplex pipe)
    #[arg(long)]
    both_recv: bool,
}

impl PipeArgs {
    fn resolve(self, mode: Mode) -> PipeConfig {
        let d = PipeConfig::defaults(mode);
        PipeConfig {
            messages: self.messages.unwrap_or(d.messages),
            delay: self.delay.unwrap_or(d.delay),
            reader_delay: self.reader_delay.unwrap_or(d.reader_delay),
            duplex: self.duplex.unwrap_or(d.duplex),
            forget_close: self.forget_close || d.forget_close,
            inherit: self.inherit || d.inherit,
            close_unused: self.close_unused || d.close_unused,
            echo: self.echo || d.echo,
            both_recv: self.both_recv || d.both_recv,
        }
    }
}

/// `--lock` and `--no-lock` override each other: the last one given wins.
#[derive(Debug, Args)]
#[command(next_help_heading = "Counter options")]
struct CounterArgs {
    /// Incrementing processes, 1-255 [default: 4]
    #[arg(long, value_name = "N", value_parser = number::<u32>(1, u64::from(MAX_PROCS)))]
    procs: Option<u32>,
    /// Increments per process, 1-100000000 [default: 100000]
    #[arg(long, value_name = "N", value_parser = number::<u64>(1, MAX_INCREMENTS))]
    increments: Option<u64>,
    /// Hold the Value's lock around each increment (last of --lock/--no-lock wins)
    #[arg(long, overrides_with = "no_lock")]
    lock: bool,
    /// Increment without the lock: the race [default]
    #[arg(long, overrides_with = "lock")]
    no_lock: bool,
    /// Pause after each step of an increment (read, add, write), in seconds, each step shown [default: 0.05..0.15; none with --headless]
    #[arg(
        long,
        value_name = "A..B",
        allow_hyphen_values = true,
        conflicts_with = "full_speed"
    )]
    step_delay: Option<DelayRange>,
    /// No pause between steps: lost updates counted from the value, not told one by one [default with --headless]
    #[arg(long)]
    full_speed: bool,
    /// An Array of N cells instead of a Value, 1-16: counter k increments cell (k-1) mod N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_CELLS as i64))]
    array: Option<u32>,
}

impl CounterArgs {
    fn resolve(self, mode: Mode) -> CounterConfig {
        let d = CounterConfig::defaults(mode);
        let lock = match (self.lock, self.no_lock) {
            (true, _) => true,
            (_, true) => false,
            _ => d.lock,
        };
        CounterConfig {
            procs: self.procs.unwrap_or(d.procs),
            increments: self.increments.unwrap_or(d.increments),
            lock,
            step_delay: match (self.full_speed, self.step_delay) {
                (true, _) => None,
                (_, Some(d)) => Some(d),
                _ => d.step_delay,
            },
            array: self.array.unwrap_or(d.array),
        }
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Lesson options")]
struct LessonArgs {
    /// The lesson to run; without it, a menu to choose one (see --list)
    #[arg(value_name = "NAME", conflicts_with_all = ["list", "check"])]
    name: Option<String>,
    /// Print the lessons (name, scenes, title) and exit
    #[arg(long, conflicts_with = "check")]
    list: bool,
    /// Check one lesson file and the program it names; exit 0 if it is good, else 2 with the problem
    #[arg(long, value_name = "FILE")]
    check: Option<PathBuf>,
    /// Take the lessons from DIR (NAME.toml and the .py each names) instead of the built-in ones
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    lessons: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
struct ReplayArgs {
    /// The recording (a file written by --record or --trace)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the recorded run's transcript instead of opening the visualizer
    #[arg(long)]
    headless: bool,
    /// Draw without box-drawing or other Unicode glyphs
    #[arg(long)]
    ascii: bool,
    /// Language of the screen, the transcript and the command line: en or zh [default: from LC_ALL, LC_MESSAGES or LANG]
    #[arg(long, value_name = "LANG", value_parser = lang_parser())]
    lang: Option<Lang>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// The recording (a file written by --record)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// What to write
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Perfetto)]
    format: Format,
    /// Where to write the export (an existing file is refused unless --force)
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Overwrite OUT if it exists
    #[arg(long)]
    force: bool,
}

impl ExportArgs {
    /// Refuses an output that cannot be written, or that is the recording
    /// itself, before anything is read.
    fn validate(&self, cmd: &clap::Command) -> Result<(), CliError> {
        let policy = if self.force {
            Existing::Overwrite
        } else {
            Existing::Refuse
        };
        let usage_error = |message| localize::usage_error(cmd, message);
        outfile::check(&self.output, What::Export, policy)
            .map_err(|e| usage_error(e.to_string()))?;
        if outfile::same_file(&self.file, &self.output) {
            return Err(usage_error(words().export_onto_recording(&self.output)));
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// Also run the Python baseline (multiprocessing.Queue / Pipe) and print ratios
    #[arg(long)]
    python: bool,
    /// Print one JSON object per case
    #[arg(long)]
    json: bool,
    /// Items per case, 1-100000000 [default: sized per case]
    #[arg(long, value_name = "N", value_parser = number::<u64>(1, 100_000_000))]
    items: Option<u64>,
}

impl Cli {
    /// Checks what no single option's parser can: how many processes the
    /// queue options add up to (defaults included), and that `--trace` and
    /// `--record` are different files.
    fn validate(&self, cmd: &clap::Command) -> Result<(), CliError> {
        // A reply goes back through the receiver's end: a one-way pipe's
        // receive end only receives.
        if let Some(Command::Pipe { args, .. }) = &self.command
            && args.duplex == Some(false)
        {
            for (on, option) in [(args.echo, "--echo"), (args.both_recv, "--both-recv")] {
                if on {
                    return Err(localize::usage_error(
                        sub(cmd, "pipe"),
                        words().needs_duplex(option),
                    ));
                }
            }
        }
        let (queue, common, cmd) = match &self.command {
            None => (Some(&self.queue), &self.common, cmd),
            Some(Command::Queue { args, common }) => (Some(args), common, sub(cmd, "queue")),
            Some(Command::Pipe { common, .. }) => (None, common, sub(cmd, "pipe")),
            Some(Command::Counter { common, .. }) => (None, common, sub(cmd, "counter")),
            Some(Command::Lesson(LessonArgs { common, .. })) => (None, common, sub(cmd, "lesson")),
            Some(Command::Export(a)) => return a.validate(sub(cmd, "export")),
            Some(Command::Run(a)) => (None, &a.common, sub(cmd, "run")),
            Some(Command::Bench(_) | Command::Replay(_) | Command::Child { .. }) => return Ok(()),
        };
        let usage_error = |message| localize::usage_error(cmd, message);
        if let Some(q) = queue {
            let d = QueueConfig::defaults(common.mode());
            let (w, r) = (
                q.writers.unwrap_or(d.writers),
                q.readers.unwrap_or(d.readers),
            );
            if w + r > MAX_PROCS {
                return Err(usage_error(words().too_many_processes(w, r, MAX_PROCS)));
            }
        }
        if let (Some(t), Some(r)) = (&common.trace, &common.record)
            && outfile::same_file(t, r)
        {
            return Err(usage_error(words().same_trace_and_record(t)));
        }
        Ok(())
    }

    fn into_invocation(self, cmd: &clap::Command) -> Result<Invocation, CliError> {
        Ok(match self.command {
            None => run(self.common, |mode| {
                Scenario::Queue(self.queue.resolve(mode))
            }),
            Some(Command::Queue { args, common }) => {
                run(common, |mode| Scenario::Queue(args.resolve(mode)))
            }
            Some(Command::Pipe { args, common }) => {
                run(common, |mode| Scenario::Pipe(args.resolve(mode)))
            }
            Some(Command::Counter { args, common }) => {
                run(common, |mode| Scenario::Counter(args.resolve(mode)))
            }
            Some(Command::Replay(a)) => Invocation::Replay(ReplayOptions {
                file: a.file,
                headless: a.headless,
                ascii: a.ascii,
                lang: a.lang.unwrap_or_else(env_lang),
            }),
            Some(Command::Export(a)) => Invocation::Export(ExportOptions {
                file: a.file,
                format: a.format,
                output: a.output,
                force: a.force,
            }),
            Some(Command::Bench(a)) => Invocation::Bench(BenchOptions {
                python: a.python,
                json: a.json,
                items: a.items,
            }),
            Some(Command::Child { role }) => Invocation::Child(role),
            Some(Command::Run(a)) => Invocation::Run(a.config()),
            Some(Command::Lesson(a)) => return a.into_invocation(sub(cmd, "lesson")),
        })
    }
}

impl LessonArgs {
    /// Resolves the lesson named (an unknown name or a broken lesson file
    /// is a usage error, exit 2), or the listing or the check asked for.
    fn into_invocation(self, cmd: &clap::Command) -> Result<Invocation, CliError> {
        let usage_error = |message| localize::usage_error(cmd, message);
        let lang = self.common.lang.unwrap_or_else(env_lang);
        if let Some(file) = self.check {
            return Ok(Invocation::LessonCheck(LessonCheckOptions { file, lang }));
        }
        let library = self.lessons.map_or(Library::BuiltIn, Library::Dir);
        let common = self.common;
        let Some(name) = self.name.filter(|_| !self.list) else {
            if self.list || common.headless {
                return Ok(Invocation::LessonList(LessonListOptions { library, lang }));
            }
            return Ok(Invocation::LessonMenu(LessonMenuOptions {
                library,
                lang,
                seed: common.seed.unwrap_or_else(rand::random::<u64>),
                ascii: common.ascii,
                classroom: common.classroom,
                trace: common.trace,
                record: common.record,
            }));
        };
        let lesson = match library.find(&name) {
            Ok(Some(checked)) => checked.lesson,
            Ok(None) => {
                let names = library.names().map_err(|e| usage_error(e.to_string()))?;
                return Err(usage_error(cli_words().no_lesson_named(
                    &name,
                    &library.describe(),
                    &names,
                )));
            }
            Err(e) => return Err(usage_error(e.to_string())),
        };
        Ok(Invocation::Lesson(LessonRun {
            lesson,
            mode: common.mode(),
            lang,
            seed: common.seed.unwrap_or_else(rand::random::<u64>),
            ascii: common.ascii,
            classroom: common.classroom,
            trace: common.trace,
            record: common.record,
        }))
    }
}

/// A run of the scenario built for the mode the common options choose; a
/// random seed when none is given.
fn run(common: CommonArgs, scenario: impl FnOnce(Mode) -> Scenario) -> Invocation {
    let mode = common.mode();
    Invocation::Run(RunConfig {
        scenario: scenario(mode),
        seed: common.seed.unwrap_or_else(rand::random::<u64>),
        mode,
        trace: common.trace,
        record: common.record,
        ascii: common.ascii,
        lang: common.lang.unwrap_or_else(env_lang),
        classroom: common.classroom,
    })
}

/// The value parser of an output file option: any path (UTF-8 or not) that
/// [`outfile::check`] accepts, an existing file being overwritten. The run
/// opens it with [`outfile::create`].
fn output_path(what: What) -> impl TypedValueParser<Value = PathBuf> {
    PathBufValueParser::new()
        .try_map(move |path| outfile::check(&path, what, Existing::Overwrite).map(|()| path))
}

/// A whole number from `lo` to `hi` in plain digits (`T` holds `hi`); any
/// other text is refused in our words ([`BadNumber`]), in the language
/// asked for.
fn number<T>(lo: u64, hi: u64) -> impl TypedValueParser<Value = T>
where
    T: TryFrom<u64> + Clone + Send + Sync + 'static,
{
    StringValueParser::new().try_map(move |text| {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadNumber::NotANumber(text));
        }
        match text.parse::<u64>().ok().filter(|n| (lo..=hi).contains(n)) {
            Some(n) => T::try_from(n).map_err(|_| BadNumber::OutOfRange { text, lo, hi }),
            None => Err(BadNumber::OutOfRange { text, lo, hi }),
        }
    })
}

/// A number a count option refused (it displays as a sentence in the
/// current language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadNumber {
    /// Not plain digits.
    NotANumber(String),
    /// Digits, outside `lo..=hi`.
    OutOfRange { text: String, lo: u64, hi: u64 },
}

impl std::fmt::Display for BadNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = cli_words();
        match self {
            BadNumber::NotANumber(text) => f.write_str(&w.not_a_whole_number(text)),
            BadNumber::OutOfRange { text, lo, hi } => {
                f.write_str(&w.number_out_of_range(text, *lo, *hi))
            }
        }
    }
}

impl std::error::Error for BadNumber {}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// The error text for `args`, which must be a usage error (exit 2).
    fn rejected(args: &[&str]) -> String {
        let argv = std::iter::once("ipcscope").chain(args.iter().copied());
        match invocation_from(argv) {
            Ok(inv) => panic!("{args:?} should be rejected, got {inv:?}"),
            Err(e) => {
                assert_eq!(e.exit_code(), 2, "{args:?}: {e}");
                e.to_string()
            }
        }
    }

    fn parse(args: &[&str]) -> Invocation {
        let argv = std::iter::once("ipcscope").chain(args.iter().copied());
        invocation_from(argv).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    fn run_config(args: &[&str]) -> RunConfig {
        match parse(args) {
            Invocation::Run(cfg) => cfg,
            other => panic!("{args:?}: expected a run, got {other:?}"),
        }
    }

    fn queue(args: &[&str]) -> QueueConfig {
        match run_config(args).scenario {
            Scenario::Queue(q) => q,
            other => panic!("{args:?}: expected queue, got {other:?}"),
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_args_is_the_tui_queue_with_its_defaults() {
        let cfg = run_config(&[]);
        assert_eq!(cfg.mode, Mode::Tui);
        assert_eq!(
            cfg.scenario,
            Scenario::Queue(QueueConfig::defaults(Mode::Tui))
        );
        let Scenario::Queue(q) = cfg.scenario else {
            unreachable!()
        };
        assert_eq!((q.writers, q.readers, q.items), (2, 1, 0));
        assert_eq!(cfg.trace, None);
        assert_eq!(cfg.record, None);
        assert!(!cfg.ascii);
    }

    #[test]
    fn headless_queue_defaults_to_the_lessons_three_items() {
        let cfg = run_config(&["--headless"]);
        assert_eq!(cfg.mode, Mode::Headless);
        assert_eq!(
            cfg.scenario,
            Scenario::Queue(QueueConfig::defaults(Mode::Headless))
        );
        assert_eq!(queue(&["queue", "--headless"]).items, 3);
    }

    #[test]
    fn queue_options_without_a_scenario_mean_queue() {
        let q = queue(&["--writers", "3"]);
        assert_eq!(q.writers, 3);
        assert_eq!(q.readers, 1);
    }

    #[test]
    fn queue_options_cannot_precede_another_scenario() {
        let argv = ["ipcscope", "--writers", "3", "pipe"];
        assert!(invocation_from(argv).is_err());
    }

    #[test]
    fn queue_given_values_are_kept_exactly() {
        let cfg = run_config(&["queue", "--delay", "0.5..0.5", "--seed", "7"]);
        assert_eq!(cfg.seed, 7);
        let Scenario::Queue(q) = cfg.scenario else {
            panic!("expected queue")
        };
        assert_eq!(q.delay, DelayRange::fixed(0.5));
        assert_eq!(q.reader_delay, DelayRange::ZERO);
    }

    #[test]
    fn queue_all_options_are_parsed() {
        let q = queue(&[
            "queue",
            "--writers",
            "64",
            "--readers",
            "0",
            "--items",
            "1000000",
            "--reader-delay",
            "0.1..0.2",
            "--maxsize",
            "65536",
            "--put-timeout",
            "0.5",
            "--get-timeout",
            "3600",
        ]);
        assert_eq!(
            q,
            QueueConfig {
                writers: 64,
                readers: 0,
                items: 1_000_000,
                delay: DelayRange::LESSON,
                reader_delay: DelayRange { lo: 0.1, hi: 0.2 },
                maxsize: 65536,
                put_timeout: Some(0.5),
                get_timeout: Some(3600.0),
                put_nowait: false,
                get_nowait: false,
                on_full: Then::Retry,
                on_empty: Then::Retry,
                feeder: false,
                drain_first: false,
            }
        );
    }

    #[test]
    fn python_feeder_makes_the_queue_the_pipe_holding_eight_items_unless_told() {
        let q = queue(&["--python-feeder", "--readers", "0", "--items", "20"]);
        assert!(q.feeder && !q.drain_first && q.parent_reads());
        assert_eq!(q.maxsize, QueueConfig::PIPE_HOLDS);
        let q = queue(&["--python-feeder", "--pipe-holds", "3", "--drain-first"]);
        assert_eq!((q.maxsize, q.drain_first), (3, true));
    }

    #[test]
    fn python_feeder_refuses_a_maxsize_and_the_put_policies_it_does_not_model() {
        for extra in [
            &["--maxsize", "2"][..],
            &["--put-timeout", "1"],
            &["--nowait-put"],
            &["--give-up-put"],
        ] {
            let mut args = vec!["queue", "--python-feeder"];
            args.extend_from_slice(extra);
            let argv = std::iter::once("ipcscope").chain(args.iter().copied());
            assert!(invocation_from(argv).is_err(), "{args:?}");
        }
        assert!(
            invocation_from(["ipcscope", "queue", "--pipe-holds", "3"]).is_err(),
            "--pipe-holds without --python-feeder"
        );
    }

    #[test]
    fn timeouts_of_zero_are_accepted() {
        let q = queue(&["--put-timeout", "0", "--get-timeout", "0"]);
        assert_eq!((q.put_timeout, q.get_timeout), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn timeouts_negative_or_malformed_are_rejected_with_a_reason() {
        for (args, reason) in [
            (["--put-timeout", "-1"], "'-1' is negative"),
            (["--get-timeout", "-0.5"], "'-0.5' is negative"),
            (["--put-timeout", "3601"], "'3601' is out of range"),
            (["--get-timeout", "1e3"], "'1e3' is not a number of seconds"),
            (["--put-timeout", "nan"], "'nan' is not a number of seconds"),
        ] {
            let e = rejected(&args);
            assert!(e.contains(reason) && e.contains(args[0]), "{args:?}: {e}");
        }
    }

    #[test]
    fn nowait_flags_are_parsed_and_default_off() {
        let q = queue(&["--nowait-put"]);
        assert!(q.put_nowait && !q.get_nowait);
        let q = queue(&["queue", "--nowait-get", "--put-timeout", "2"]);
        assert!(!q.put_nowait && q.get_nowait);
        assert_eq!(q.put_timeout, Some(2.0));
        let q = queue(&[]);
        assert!(!q.put_nowait && !q.get_nowait);
    }

    #[test]
    fn nowait_conflicts_with_the_matching_timeout() {
        for args in [
            ["--nowait-put", "--put-timeout", "1"],
            ["--get-timeout", "1", "--nowait-get"],
        ] {
            let e = rejected(&args);
            assert!(e.contains("cannot be used with"), "{args:?}: {e}");
        }
    }

    #[test]
    fn writers_and_readers_together_are_limited_to_max_procs() {
        let q = queue(&["--writers", "64", "--readers", "64"]);
        assert_eq!((q.writers, q.readers), (64, 64));
        let max = MAX_PROCS.to_string();
        let q = queue(&["--writers", &max, "--readers", "0"]);
        assert_eq!(q.writers, MAX_PROCS);
        let below = (MAX_PROCS - 1).to_string();
        assert_eq!(queue(&["--writers", &below]).readers, 1);

        let e = rejected(&["--writers", &max]);
        assert!(
            e.contains(&format!(
                "{MAX_PROCS} writers and 1 reader make {} processes; a run has at most {MAX_PROCS} at once",
                MAX_PROCS + 1
            )),
            "{e}"
        );
        let e = rejected(&[
            "queue",
            "--headless",
            "--writers",
            "200",
            "--readers",
            "100",
        ]);
        assert!(e.contains("make 300 processes"), "{e}");
        let over = (MAX_PROCS + 1).to_string();
        assert!(rejected(&["--readers", &over]).contains(&over));
    }

    #[test]
    fn counter_procs_are_limited_to_max_procs() {
        let max = MAX_PROCS.to_string();
        match run_config(&["counter", "--procs", &max]).scenario {
            Scenario::Counter(c) => assert_eq!(c.procs, MAX_PROCS),
            other => panic!("expected counter, got {other:?}"),
        }
        let over = (MAX_PROCS + 1).to_string();
        assert!(rejected(&["counter", "--procs", &over]).contains(&format!("1..={MAX_PROCS}")));
    }

    /// The help texts state the limit in words; they cannot use the constant.
    #[test]
    fn help_texts_state_max_procs() {
        let cmd = Cli::command();
        let q = cmd.find_subcommand("queue").unwrap();
        let c = cmd.find_subcommand("counter").unwrap();
        for (sub, id) in [(q, "writers"), (q, "readers"), (c, "procs")] {
            let arg = sub.get_arguments().find(|a| a.get_id() == id).unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(help.contains(&MAX_PROCS.to_string()), "--{id}: {help}");
        }
    }

    #[test]
    fn common_options_are_accepted_after_a_scenario_and_without_one() {
        for args in [
            &["--trace", "t.jsonl", "--ascii", "--seed", "1"][..],
            &["queue", "--trace", "t.jsonl", "--ascii", "--seed", "1"],
            &["pipe", "--trace", "t.jsonl", "--ascii", "--seed", "1"],
            &["counter", "--trace", "t.jsonl", "--ascii", "--seed", "1"],
        ] {
            let cfg = run_config(args);
            assert_eq!(cfg.trace, Some(PathBuf::from("t.jsonl")), "{args:?}");
            assert!(cfg.ascii, "{args:?}");
            assert_eq!(cfg.seed, 1, "{args:?}");
        }
    }

    #[test]
    fn pipe_duplex_false_and_forget_close_are_parsed() {
        let cfg = run_config(&["pipe", "--duplex", "false", "--forget-close"]);
        let Scenario::Pipe(p) = cfg.scenario else {
            panic!("expected pipe")
        };
        assert!(!p.duplex);
        assert!(p.forget_close);
        assert_eq!(p.messages, 10);
    }

    #[test]
    fn pipe_defaults_come_from_the_table() {
        let cfg = run_config(&["pipe"]);
        assert_eq!(
            cfg.scenario,
            Scenario::Pipe(PipeConfig::defaults(Mode::Tui))
        );
    }

    #[test]
    fn counter_lock_is_parsed_and_the_last_of_lock_and_no_lock_wins() {
        let lock = |args: &[&str]| match run_config(args).scenario {
            Scenario::Counter(c) => c.lock,
            other => panic!("expected counter, got {other:?}"),
        };
        assert!(lock(&["counter", "--lock"]));
        assert!(!lock(&["counter"]));
        assert!(!lock(&["counter", "--no-lock"]));
        assert!(!lock(&["counter", "--lock", "--no-lock"]));
        assert!(lock(&["counter", "--no-lock", "--lock"]));
    }

    #[test]
    fn counter_defaults_come_from_the_table() {
        let cfg = run_config(&["counter", "--headless"]);
        assert_eq!(
            cfg.scenario,
            Scenario::Counter(CounterConfig::defaults(Mode::Headless))
        );
    }

    #[test]
    fn bench_flags_are_parsed() {
        match parse(&["bench", "--python", "--json"]) {
            Invocation::Bench(o) => {
                assert!(o.python && o.json);
                assert_eq!(o.items, None);
            }
            other => panic!("expected bench, got {other:?}"),
        }
    }

    #[test]
    fn export_takes_a_file_an_output_and_defaults_to_perfetto() {
        let out = std::env::temp_dir().join(format!("ipcscope-cli-export-{}", std::process::id()));
        let o = out.to_str().unwrap();
        match parse(&["export", "r.jsonl", "-o", o]) {
            Invocation::Export(e) => assert_eq!(
                e,
                ExportOptions {
                    file: PathBuf::from("r.jsonl"),
                    format: Format::Perfetto,
                    output: out.clone(),
                    force: false,
                }
            ),
            other => panic!("expected export, got {other:?}"),
        }
        match parse(&[
            "export", "r.jsonl", "--format", "csv", "--output", o, "--force",
        ]) {
            Invocation::Export(e) => assert!(e.format == Format::Csv && e.force),
            other => panic!("expected export, got {other:?}"),
        }
        assert!(rejected(&["export", "r.jsonl"]).contains("--output"));
        assert!(rejected(&["export", "r.jsonl", "-o", o, "--format", "pdf"]).contains("'pdf'"));
    }

    #[test]
    fn export_refuses_an_existing_output_unless_forced() {
        let out = std::env::temp_dir().join(format!("ipcscope-cli-exists-{}", std::process::id()));
        std::fs::write(&out, "keep").unwrap();
        let o = out.to_str().unwrap();
        let e = rejected(&["export", "r.jsonl", "-o", o]);
        assert!(e.contains("already exists (give --force"), "{e}");
        assert!(matches!(
            parse(&["export", "r.jsonl", "-o", o, "--force"]),
            Invocation::Export(_)
        ));
        let e = rejected(&["export", o, "-o", o, "--force"]);
        assert!(e.contains("the recording being exported"), "{e}");
        let _ = std::fs::remove_file(&out);
    }

    #[test]
    fn hidden_child_role_parses() {
        match parse(&["__child", "test-reader", "--queue-fd", "3"]) {
            Invocation::Child(_) => {}
            other => panic!("expected a child role, got {other:?}"),
        }
    }

    #[test]
    fn delay_is_parsed_strictly_naming_the_text() {
        assert_eq!(
            queue(&["--delay", "0.5..1"]).delay,
            DelayRange { lo: 0.5, hi: 1.0 }
        );
        for bad in [
            "1...2", "1..", "..2", "1..2..3", " 1..2", "+1..2", "1e400..2",
        ] {
            let e = rejected(&["--delay", bad]);
            assert!(e.contains(&format!("'{bad}' is not a delay")), "{bad}: {e}");
        }
        let e = rejected(&["pipe", "--reader-delay", "1...2"]);
        assert!(e.contains("--reader-delay") && e.contains("'1...2'"), "{e}");
    }

    #[test]
    fn trace_and_record_are_stored_and_must_differ() {
        let cfg = run_config(&["--record", "r.ipcs", "--trace", "t.jsonl"]);
        assert_eq!(cfg.trace, Some(PathBuf::from("t.jsonl")));
        assert_eq!(cfg.record, Some(PathBuf::from("r.ipcs")));
        let cfg = run_config(&["counter", "--headless", "--record", "r.ipcs"]);
        assert_eq!(
            (cfg.trace, cfg.record),
            (None, Some(PathBuf::from("r.ipcs")))
        );
        let e = rejected(&["--trace", "same.jsonl", "--record", "same.jsonl"]);
        assert!(
            e.contains("--trace and --record both name same.jsonl"),
            "{e}"
        );
        rejected(&["--trace", "t.jsonl", "--record", "./t.jsonl"]);
        rejected(&["pipe", "--trace", "src/../t.jsonl", "--record", "t.jsonl"]);
    }

    #[test]
    fn bad_output_paths_are_usage_errors_naming_the_file() {
        for opt in ["--trace", "--record"] {
            let e = rejected(&[opt, "/dev/full"]);
            assert!(
                e.contains(opt) && e.contains("/dev/full: it is a character device"),
                "{e}"
            );
            let e = rejected(&["pipe", opt, "/nope/t.jsonl"]);
            assert!(e.contains("the directory /nope does not exist"), "{e}");
        }
        assert!(
            rejected(&["--trace", "/dev/null"]).contains("cannot write the trace to /dev/null")
        );
        assert!(
            rejected(&["--record", "/dev/null"])
                .contains("cannot write the recording to /dev/null")
        );
    }

    /// The `[default: ...]` in each help text matches the table it is filled
    /// from, so the two cannot drift apart.
    #[test]
    fn help_texts_state_the_table_defaults() {
        let q = QueueConfig::defaults(Mode::Tui);
        let p = PipeConfig::defaults(Mode::Tui);
        let c = CounterConfig::defaults(Mode::Tui);
        let h = QueueConfig::defaults(Mode::Headless);
        let cases = [
            ("queue", "writers", q.writers.to_string()),
            ("queue", "readers", q.readers.to_string()),
            (
                "queue",
                "items",
                format!("{} with --headless, else {}", h.items, q.items),
            ),
            ("queue", "delay", q.delay.to_string()),
            ("queue", "reader_delay", q.reader_delay.to_string()),
            ("queue", "maxsize", q.maxsize.to_string()),
            ("pipe", "messages", p.messages.to_string()),
            ("pipe", "delay", p.delay.to_string()),
            ("pipe", "reader_delay", p.reader_delay.to_string()),
            ("pipe", "duplex", p.duplex.to_string()),
            ("counter", "procs", c.procs.to_string()),
            ("counter", "increments", c.increments.to_string()),
            ("queue", "put_timeout", secs_or_forever(q.put_timeout)),
            ("queue", "get_timeout", secs_or_forever(q.get_timeout)),
            ("queue", "nowait_put", q.put_nowait.to_string()),
            ("queue", "nowait_get", q.get_nowait.to_string()),
        ];
        let cmd = Cli::command();
        for (sub, id, default) in cases {
            let arg = cmd
                .find_subcommand(sub)
                .and_then(|s| s.get_arguments().find(|a| a.get_id() == id))
                .unwrap_or_else(|| panic!("{sub} --{id} missing"));
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                help.contains(&format!("[default: {default}]")),
                "{sub} --{id}: {help:?} should say [default: {default}]"
            );
        }
        assert!(!c.lock, "--no-lock's help calls itself the default");
    }

    fn lesson_run(args: &[&str]) -> LessonRun {
        match parse(args) {
            Invocation::Lesson(run) => run,
            other => panic!("{args:?}: expected a lesson, got {other:?}"),
        }
    }

    /// Each built-in lesson resolves into a run of its scenario, in both
    /// modes, keeping the common options.
    #[test]
    fn every_built_in_lesson_resolves_into_its_run() {
        for b in crate::lesson::BUILTIN {
            let run = lesson_run(&["lesson", b.name, "--seed", "5", "--lang", "zh"]);
            assert_eq!(run.lesson.name, b.name);
            assert_eq!((run.mode, run.lang, run.seed), (Mode::Tui, Lang::Zh, 5));
            let cfg = run.run_config();
            assert_eq!(cfg.scenario, run.lesson.scenario);
            assert_eq!((cfg.seed, cfg.mode), (5, Mode::Tui));
            let run = lesson_run(&["lesson", b.name, "--headless", "--ascii", "--lang", "en"]);
            assert_eq!(
                (run.mode, run.lang, run.ascii),
                (Mode::Headless, Lang::En, true)
            );
            assert_eq!(run.run_config().mode, Mode::Headless);
        }
    }

    #[test]
    fn classroom_is_a_common_option_of_every_scenario_and_of_a_lesson() {
        assert!(!run_config(&[]).classroom, "off unless asked for");
        for args in [
            &["--classroom"][..],
            &["queue", "--classroom"],
            &["pipe", "--classroom", "--lang", "zh"],
            &["counter", "--classroom"],
        ] {
            assert!(run_config(args).classroom, "{args:?}");
        }
        let run = lesson_run(&["lesson", "queue", "--classroom", "--lang", "zh"]);
        assert!(run.classroom && run.run_config().classroom);
        assert!(!lesson_run(&["lesson", "queue"]).run_config().classroom);
        // Headless takes it and ignores it.
        let cfg = run_config(&["--headless", "--classroom"]);
        assert_eq!((cfg.mode, cfg.classroom), (Mode::Headless, true));
        let help = Cli::command()
            .get_arguments()
            .find(|a| a.get_id() == "classroom")
            .and_then(|a| a.get_help().map(|h| h.to_string()))
            .unwrap_or_default();
        assert!(help.contains("projector"), "{help}");
    }

    #[test]
    fn lesson_list_check_and_no_name() {
        let list = |args: &[&str]| match parse(args) {
            Invocation::LessonList(o) => o,
            other => panic!("{args:?}: expected a listing, got {other:?}"),
        };
        assert_eq!(
            list(&["lesson", "--list", "--lang", "zh"]),
            LessonListOptions {
                library: Library::BuiltIn,
                lang: Lang::Zh
            }
        );
        assert_eq!(
            list(&["lesson", "--headless", "--lang", "en"]).lang,
            Lang::En
        );
        assert_eq!(
            list(&["lesson", "--list", "--lessons", "my/dir"]).library,
            Library::Dir(PathBuf::from("my/dir"))
        );
        match parse(&["lesson", "--check", "x.toml", "--lang", "zh"]) {
            Invocation::LessonCheck(o) => assert_eq!(
                o,
                LessonCheckOptions {
                    file: PathBuf::from("x.toml"),
                    lang: Lang::Zh
                }
            ),
            other => panic!("expected a check, got {other:?}"),
        }
    }

    /// `lesson` with no name is the menu, keeping the options the lesson
    /// chosen runs with, and runs it as `lesson NAME` would.
    #[test]
    fn lesson_without_a_name_is_the_menu_with_the_lessons_options() {
        let menu = match parse(&[
            "lesson",
            "--lang",
            "zh",
            "--seed",
            "7",
            "--ascii",
            "--classroom",
            "--lessons",
            "my/dir",
        ]) {
            Invocation::LessonMenu(o) => o,
            other => panic!("expected the menu, got {other:?}"),
        };
        assert_eq!(
            menu,
            LessonMenuOptions {
                library: Library::Dir(PathBuf::from("my/dir")),
                lang: Lang::Zh,
                seed: 7,
                ascii: true,
                classroom: true,
                trace: None,
                record: None,
            }
        );
        let queue = Library::BuiltIn.find("queue").unwrap().unwrap().lesson;
        assert!(menu.run(queue).classroom, "the lesson too");
        assert_eq!(
            menu.listing(),
            LessonListOptions {
                library: Library::Dir(PathBuf::from("my/dir")),
                lang: Lang::Zh
            }
        );
        let menu = match parse(&["lesson", "--seed", "7", "--record", "r.ipcs"]) {
            Invocation::LessonMenu(o) => o,
            other => panic!("expected the menu, got {other:?}"),
        };
        let lesson = lesson_run(&["lesson", "maxsize"]).lesson;
        let chosen = menu.run(lesson.clone());
        let named = lesson_run(&["lesson", "maxsize", "--seed", "7", "--record", "r.ipcs"]);
        assert_eq!(chosen.run_config(), named.run_config());
        assert_eq!((chosen.lesson, chosen.mode), (lesson, Mode::Tui));
    }

    #[test]
    fn lesson_bad_usage_is_an_error_with_a_reason() {
        let e = rejected(&["lesson", "nope"]);
        assert!(
            e.contains(
                "no lesson named 'nope' in the built-in lessons; the lessons are queue, maxsize,"
            ),
            "{e}"
        );
        assert!(rejected(&["lesson", "queue", "--list"]).contains("cannot be used with"));
        assert!(
            rejected(&["lesson", "queue", "--check", "x.toml"]).contains("cannot be used with")
        );
        assert!(rejected(&["lesson", "--lang", "fr"]).contains("[possible values: en, zh]"));
        let e = rejected(&["lesson", "queue", "--lessons", "/nonexistent"]);
        assert!(
            e.contains("/nonexistent: cannot read the lessons folder"),
            "{e}"
        );
    }

    fn secs_or_forever(t: Option<f64>) -> String {
        t.map_or("forever".to_string(), |s| s.to_string())
    }

    #[test]
    fn lang_is_a_common_option_and_a_replay_option() {
        assert_eq!(run_config(&["--lang", "zh"]).lang, Lang::Zh);
        assert_eq!(run_config(&["pipe", "--lang=zh"]).lang, Lang::Zh);
        assert_eq!(run_config(&["counter", "--lang", "en"]).lang, Lang::En);
        match parse(&["replay", "run.rec", "--lang", "zh"]) {
            Invocation::Replay(o) => assert_eq!(o.lang, Lang::Zh),
            other => panic!("{other:?}"),
        }
        let e = rejected(&["--lang", "fr"]);
        assert!(e.contains("fr") && e.contains("zh"), "{e}");
    }

    #[test]
    fn lang_in_finds_the_last_valid_lang_before_parsing() {
        let args = |v: &[&str]| -> Vec<OsString> { v.iter().map(OsString::from).collect() };
        assert_eq!(
            lang_in(&args(&["ipcscope", "--lang", "zh"])),
            Some(Lang::Zh)
        );
        assert_eq!(
            lang_in(&args(&["ipcscope", "pipe", "--lang=zh"])),
            Some(Lang::Zh)
        );
        assert_eq!(
            lang_in(&args(&["ipcscope", "--lang", "zh", "--lang", "en"])),
            Some(Lang::En)
        );
        assert_eq!(lang_in(&args(&["ipcscope", "--lang", "fr"])), None);
        assert_eq!(lang_in(&args(&["ipcscope", "--lang"])), None);
        assert_eq!(lang_in(&args(&["ipcscope", "--language=zh"])), None);
    }
}
