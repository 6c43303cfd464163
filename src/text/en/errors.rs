//! ipcscope's own error messages, in English.

use std::fmt::Display;
use std::path::Path;

use super::En;
use crate::outfile::{Kind, What};
use crate::text::words::ErrorWords;

impl ErrorWords for En {
    fn output_what(&self, what: What) -> &'static str {
        match what {
            What::Trace => "the trace",
            What::Recording => "the recording",
            What::Export => "the export",
        }
    }

    fn cannot_write(&self, what: &str, path: &Path, reason: &str) -> String {
        format!("cannot write {what} to {}: {reason}", path.display())
    }

    fn is_symbolic_link(&self) -> String {
        "it is a symbolic link; give the file's real path".into()
    }

    fn not_regular(&self, kind: Kind) -> String {
        let kind = match kind {
            Kind::Directory => "a directory",
            Kind::Fifo => "a FIFO",
            Kind::Socket => "a socket",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Other => "a special file",
        };
        format!("it is {kind}, not a regular file")
    }

    fn trailing_slash(&self) -> String {
        "a file name cannot end with /".into()
    }

    fn already_exists(&self) -> String {
        "it already exists (give --force to overwrite it)".into()
    }

    fn no_directory(&self, dir: &Path) -> String {
        format!("the directory {} does not exist", dir.display())
    }

    fn not_a_directory(&self, path: &Path) -> String {
        format!("{} is not a directory", path.display())
    }

    fn permission_denied(&self) -> String {
        "permission denied".into()
    }

    fn read_only(&self) -> String {
        "the file system is read-only".into()
    }

    fn cannot_read(&self, path: &Path, why: &dyn Display) -> String {
        format!("cannot read {}: {why}", path.display())
    }

    fn recording_is_directory(&self, path: &Path) -> String {
        format!("{} is a directory, not a recording", path.display())
    }

    fn recording_empty(&self, path: &Path) -> String {
        format!("{} is empty: not a recording", path.display())
    }

    fn recording_not_a_file(
        &self,
        path: &Path,
        kind: crate::recording::reader::NotAFile,
    ) -> String {
        use crate::recording::reader::NotAFile;
        let kind = match kind {
            NotAFile::CharDevice => "a character device",
            NotAFile::BlockDevice => "a block device",
            NotAFile::Socket => "a socket",
        };
        format!("{} is {kind}, not a recording", path.display())
    }

    fn time_out_of_range(&self, ns: u64) -> String {
        format!("a time out of range ({ns} ns): a damaged record")
    }

    fn not_a_recording(&self, path: &Path) -> String {
        format!(
            "{}:1: not an ipcscope recording (it has no recording header)",
            path.display()
        )
    }

    fn recording_version(&self, path: &Path, found: u32, reads: u32) -> String {
        format!(
            "{}:1: recording version {found}; this ipcscope reads version {reads}",
            path.display()
        )
    }

    fn empty_line(&self) -> String {
        "an empty line where a record should be".into()
    }

    fn binary_line(&self) -> String {
        "not text: binary data where a record should be".into()
    }

    fn not_a_record(&self, why: &dyn Display) -> String {
        format!("not a record: {why}")
    }

    fn cut_off(&self) -> String {
        "the file ends in the middle of a record (cut off while it was written?)".into()
    }

    fn no_run(&self, path: &Path) -> String {
        format!("{}: the recording holds no run", path.display())
    }

    fn cannot_watch_signals(&self, why: &dyn Display) -> String {
        format!("cannot watch signals: {why}")
    }

    fn cannot_set_up_terminal(&self, why: &dyn Display) -> String {
        format!("cannot set up the terminal: {why}")
    }

    fn goes_on_without(&self, error: &dyn Display) -> String {
        format!("{error}; the run goes on without it")
    }

    fn cannot_create_shared(&self, why: &dyn Display) -> String {
        format!("cannot create the shared objects: {why}")
    }

    fn cannot_start_child(&self, why: &dyn Display) -> String {
        format!("cannot start a child process: {why}")
    }

    fn too_many_processes(&self, w: u32, r: u32, max: u32) -> String {
        let plural = |n: u32, word: &str| {
            if n == 1 {
                word.to_string()
            } else {
                format!("{word}s")
            }
        };
        format!(
            "{w} {} and {r} {} make {} processes; a run has at most {max} at once \
             (one queue serves {} processes and ipcscope keeps one for itself)",
            plural(w, "writer"),
            plural(r, "reader"),
            w + r,
            max + 1
        )
    }

    fn same_trace_and_record(&self, path: &Path) -> String {
        format!(
            "--trace and --record both name {}; give them different files",
            path.display()
        )
    }

    fn export_onto_recording(&self, path: &Path) -> String {
        format!(
            "cannot write the export to {}: it is the recording being exported; give another file",
            path.display()
        )
    }

    fn delay_out_of_range(&self, s: &str, max: f64) -> String {
        format!("'{s}' is out of range: a delay is 0 to {max} seconds")
    }

    fn not_a_delay(&self, s: &str) -> String {
        format!("'{s}' is not a delay: write A..B or A in plain decimal seconds, like 0..1 or 0.5")
    }

    fn empty_delay(&self, s: &str) -> String {
        format!("'{s}' is empty: the first bound must not exceed the second")
    }

    fn timeout_out_of_range(&self, s: &str, max: f64) -> String {
        format!("'{s}' is out of range: a timeout is 0 to {max} seconds")
    }

    fn negative_timeout(&self, s: &str, max: f64) -> String {
        format!("'{s}' is negative: a timeout is 0 to {max} seconds (0 raises at once)")
    }

    fn not_seconds(&self, s: &str, max: f64) -> String {
        format!("'{s}' is not a number of seconds: write a plain decimal from 0 to {max}, like 0.5")
    }
}
