//! Writing a recording as the run goes: records are handed to a writer
//! thread through a bounded buffer, so recording never slows the run; when
//! the buffer is full a record is left out and counted, and the file says
//! where (a gap record). A write error (disk full) is reported once and the
//! run goes on without the file.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Sender, TrySendError};

use super::Header;
use crate::outfile::{self, Existing, OutputError, What};
use crate::stream::{Body, Record};

/// Records the buffer holds before the recording starts leaving some out.
const BUFFER: usize = 1 << 16;

/// A recording being written.
pub struct Recorder {
    tx: Option<Sender<Record>>,
    join: Option<JoinHandle<()>>,
    path: PathBuf,
    /// Records left out since the last one written (buffer full).
    pending_gap: u64,
    /// The number the next record will carry.
    next_n: u64,
    /// Records left out in all.
    pub dropped: u64,
    failed: Arc<Mutex<Option<String>>>,
    reported: bool,
}

/// Records `rec` in each recorder; returns what to tell the user: each
/// recording that failed (the run goes on without it) and, once
/// (`told_gaps`), a recording that has gaps.
pub fn record_in(recorders: &mut [Recorder], rec: &Record, told_gaps: &mut bool) -> Vec<String> {
    let mut say = Vec::new();
    for r in recorders {
        r.record(rec);
        if let Some(e) = r.take_failure() {
            say.push(crate::text::words().goes_on_without(&e));
        }
        if r.dropped > 0 && !*told_gaps {
            *told_gaps = true;
            say.push(crate::text::words().recording_gaps(r.path()));
        }
    }
    say
}

impl Recorder {
    /// Opens `path` (see [`outfile`] for what is refused) and starts the
    /// writer thread.
    pub fn create(path: &Path, what: What) -> Result<Recorder, OutputError> {
        let file = outfile::create(path, what, Existing::Overwrite)?;
        let (tx, rx) = crossbeam_channel::bounded::<Record>(BUFFER);
        let failed = Arc::new(Mutex::new(None));
        let failed2 = failed.clone();
        let path2 = path.to_path_buf();
        let join = std::thread::Builder::new()
            .name("recorder".into())
            .spawn(move || {
                let mut out = BufWriter::with_capacity(1 << 16, file);
                let write = |out: &mut BufWriter<std::fs::File>, line: &[u8]| {
                    out.write_all(line).and_then(|_| out.write_all(b"\n"))
                };
                let header = serde_json::to_vec(&Header::current()).unwrap_or_default();
                let mut result = write(&mut out, &header);
                while result.is_ok() {
                    let Ok(rec) = rx.recv() else { break };
                    let line = serde_json::to_vec(&rec).unwrap_or_default();
                    result = write(&mut out, &line);
                    // Flush when the buffer runs dry, so the file is useful
                    // while the run goes on.
                    if result.is_ok() && rx.is_empty() {
                        result = out.flush();
                    }
                }
                if result.is_ok() {
                    result = out.flush();
                }
                if let Err(e) = result {
                    let msg = OutputError::write_failed(what, &path2, &e).to_string();
                    if let Ok(mut f) = failed2.lock() {
                        *f = Some(msg);
                    }
                }
            })
            .map_err(|e| OutputError::write_failed(what, path, &e))?;
        Ok(Recorder {
            tx: Some(tx),
            join: Some(join),
            path: path.to_path_buf(),
            pending_gap: 0,
            next_n: 0,
            dropped: 0,
            failed,
            reported: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Hands a record to the writer; never blocks.
    pub fn record(&mut self, rec: &Record) {
        self.next_n = rec.n + 1;
        let Some(tx) = &self.tx else { return };
        if self.pending_gap > 0 {
            let gap = Record {
                n: rec.n.saturating_sub(self.pending_gap),
                body: Body::Gap(self.pending_gap),
            };
            if tx.try_send(gap).is_err() {
                self.pending_gap += 1;
                self.dropped += 1;
                return;
            }
            self.pending_gap = 0;
        }
        match tx.try_send(rec.clone()) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.pending_gap += 1;
                self.dropped += 1;
            }
            Err(TrySendError::Disconnected(_)) => self.tx = None,
        }
    }

    /// A write error not yet reported (once): the run goes on without the file.
    pub fn take_failure(&mut self) -> Option<String> {
        if self.reported {
            return None;
        }
        let f = self.failed.lock().ok().and_then(|f| f.clone());
        if f.is_some() {
            self.reported = true;
            self.tx = None;
        }
        f
    }

    /// Writes what is buffered (and a final gap, if records were left out),
    /// and closes the file.
    pub fn finish(&mut self) {
        if let Some(tx) = self.tx.take()
            && self.pending_gap > 0
        {
            let _ = tx.send(Record {
                n: self.next_n - self.pending_gap,
                body: Body::Gap(self.pending_gap),
            });
        }
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish();
    }
}
