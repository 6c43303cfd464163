//! Export: a recording written out for the tools people already use —
//! Chrome trace-event JSON that ui.perfetto.dev and chrome://tracing open
//! ([`perfetto`]), and CSV, one row per event ([`csv`]).
//!
//! Both formats read the same [`Index`] of the recording: where its time
//! starts (the first run's start, so `t` is 0 there), which run each record
//! belongs to, and each process's name and role (from its `spawn`, wherever
//! that is in the file). A recording may hold several runs (a restart in
//! the visualizer starts a new one): times stay on one clock, so the runs
//! follow one another; the trace gives each run's processes their own
//! tracks, the CSV numbers the run in its `run` column.

pub mod csv;
pub mod perfetto;

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::outfile::{self, Existing, OutputError, What};
use crate::recording::{self, ReadError};
use crate::stream::{Body, Kind, ProcId, Record, Role, RunInfo, SUPERVISOR};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Chrome trace-event JSON, for ui.perfetto.dev and chrome://tracing.
    Perfetto,
    /// One row per event, RFC 4180.
    Csv,
}

/// Why an export was not written (in the current language).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The recording cannot be read (the error names the file and line).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The output cannot be opened (it exists and `--force` was not given,
    /// it is a FIFO, its directory is missing, ...).
    #[error(transparent)]
    Open(OutputError),
    /// Writing the output failed part way (a full disk); the partial file
    /// was removed.
    #[error(transparent)]
    Write(OutputError),
    /// The output is the recording itself: writing would destroy it.
    #[error("{}", crate::text::words().export_onto_recording(.0))]
    SameFile(PathBuf),
}

impl ExportError {
    /// 2 for bad input or a refused output (nothing was written), 1 when
    /// writing failed part way.
    pub fn exit_code(&self) -> i32 {
        match self {
            ExportError::Write(_) => 1,
            _ => 2,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    /// Records read from the recording.
    pub records: usize,
    /// Trace events (Perfetto) or data rows (CSV) written.
    pub written: usize,
}

/// Reads the recording at `input` and writes it to `output` as `format`.
/// `existing` says what to do with an output that already exists
/// ([`Existing::Refuse`] unless `--force`). On a write failure the partial
/// output is removed.
pub fn export(
    input: &Path,
    format: Format,
    output: &Path,
    existing: Existing,
) -> Result<Exported, ExportError> {
    if outfile::same_file(input, output) {
        return Err(ExportError::SameFile(output.to_path_buf()));
    }
    let rec = recording::load(input)?;
    let file = outfile::create(output, What::Export, existing).map_err(ExportError::Open)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let written = write(&rec.records, format, &mut out)
        .and_then(|n| out.flush().map(|()| n))
        .map_err(|e| {
            drop(out);
            let _ = std::fs::remove_file(output);
            ExportError::Write(OutputError::write_failed(What::Export, output, &e))
        })?;
    Ok(Exported {
        records: rec.records.len(),
        written,
    })
}

/// Writes `records` as `format` to `out`; returns the number of trace
/// events or rows written. An export is data for other tools, with its
/// own English vocabulary (slice names, column values), so the sentences
/// it borrows from [`crate::text`] (a note's words) are English too,
/// whatever language ipcscope speaks.
pub fn write(records: &[Record], format: Format, out: &mut impl Write) -> io::Result<usize> {
    crate::text::with_lang(crate::config::Lang::En, || match format {
        Format::Perfetto => perfetto::write(records, out),
        Format::Csv => csv::write(records, out),
    })
}

/// `ipcscope export FILE --format F -o OUT [--force]`: exports, says what
/// it wrote, and returns the exit code (errors go to stderr).
pub fn run(opts: &crate::cli::ExportOptions) -> i32 {
    let existing = if opts.force {
        Existing::Overwrite
    } else {
        Existing::Refuse
    };
    match export(&opts.file, opts.format, &opts.output, existing) {
        Ok(done) => {
            let what = match opts.format {
                Format::Perfetto => format!(
                    "{} trace events; open it at https://ui.perfetto.dev",
                    done.written
                ),
                Format::Csv => format!("{} rows", done.written),
            };
            let _ = writeln!(
                io::stdout(),
                "ipcscope: exported {} records of {} to {} ({what})",
                done.records,
                opts.file.display(),
                opts.output.display()
            );
            0
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "ipcscope export: {e}");
            e.exit_code()
        }
    }
}

/// What both formats need to know about a recording before writing any of
/// it.
#[derive(Debug, Clone)]
pub struct Index {
    /// Time zero (CLOCK_MONOTONIC ns): the first run's start, or the
    /// earliest event or observation if one is earlier.
    pub base_ns: u64,
    /// The runs, in order. Records before the first `run` record belong to
    /// the first run (a recording opens with one, so these are at most
    /// ticks).
    pub runs: Vec<RunMeta>,
    procs: HashMap<(usize, ProcId, i32), (String, Role)>,
}

/// One run of a recording.
#[derive(Debug, Clone, Default)]
pub struct RunMeta {
    /// The run's description, when the recording has it.
    pub info: Option<RunInfo>,
    /// The latest time any of its records carries.
    pub end_ns: u64,
}

impl Index {
    pub fn of(records: &[Record]) -> Index {
        let mut ix = Index {
            base_ns: u64::MAX,
            runs: Vec::new(),
            procs: HashMap::new(),
        };
        for (run, r) in RunIter::new(records) {
            if ix.runs.len() <= run {
                ix.runs.push(RunMeta::default());
            }
            let meta = &mut ix.runs[run];
            match &r.body {
                Body::Run(info) => {
                    ix.base_ns = ix.base_ns.min(info.start_ns);
                    meta.info = Some(info.clone());
                }
                Body::Event(e) => {
                    ix.base_ns = ix.base_ns.min(e.t_ns);
                    match &e.kind {
                        Kind::Spawn { name, role } => {
                            ix.procs
                                .insert((run, e.child, e.pid), (name.clone(), *role));
                        }
                        // A watched program's child says its multiprocessing
                        // name (`Process-1`) once it runs: named so, as on
                        // screen.
                        Kind::Program(crate::stream::ProgramOp::Begin { name, .. }) => {
                            if let Some(p) = ix.procs.get_mut(&(run, e.child, e.pid)) {
                                p.0 = name.clone();
                            }
                        }
                        _ => {}
                    }
                }
                Body::Observation(o) => ix.base_ns = ix.base_ns.min(o.t_ns),
                Body::Tick(_) | Body::Gap(_) => {}
            }
            if let Some(t) = r.t_ns() {
                meta.end_ns = meta.end_ns.max(t);
            }
        }
        if ix.base_ns == u64::MAX {
            ix.base_ns = 0; // nothing in it has a time
        }
        ix
    }

    /// Nanoseconds since time zero (0 for anything earlier).
    pub fn rel_ns(&self, t_ns: u64) -> u64 {
        t_ns.saturating_sub(self.base_ns)
    }

    /// A process's name and role in a run: from its `spawn`; the supervisor
    /// is `supervisor`; a process whose spawn the recording lacks (a gap)
    /// is `proc-N`, role unknown.
    pub fn proc(&self, run: usize, child: ProcId, pid: i32) -> (String, Option<Role>) {
        if child == SUPERVISOR {
            return ("supervisor".into(), Some(Role::Supervisor));
        }
        match self.procs.get(&(run, child, pid)) {
            Some((name, role)) => (name.clone(), Some(*role)),
            None => (format!("proc-{child}"), None),
        }
    }

    /// Whether the recording holds several runs (names then say which).
    pub fn several_runs(&self) -> bool {
        self.runs.len() > 1
    }
}

/// The records with the index of the run each belongs to (0-based).
pub struct RunIter<'a> {
    records: std::slice::Iter<'a, Record>,
    runs_seen: usize,
}

impl<'a> RunIter<'a> {
    pub fn new(records: &'a [Record]) -> RunIter<'a> {
        RunIter {
            records: records.iter(),
            runs_seen: 0,
        }
    }
}

impl<'a> Iterator for RunIter<'a> {
    type Item = (usize, &'a Record);

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.records.next()?;
        if matches!(r.body, Body::Run(_)) {
            self.runs_seen += 1;
        }
        Some((self.runs_seen.saturating_sub(1), r))
    }
}

/// Microseconds with three decimals (exact nanoseconds): `1234.567`.
pub fn micros(rel_ns: u64) -> String {
    format!("{}.{:03}", rel_ns / 1000, rel_ns % 1000)
}
