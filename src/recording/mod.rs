//! Recordings: the stream written to a file as it happens (`--record`,
//! `--trace`), read back (`ipcscope replay`, `export`), and replayed into
//! the same model with a timeline.
//!
//! The format is JSON lines: a header line
//! `{"ipcscope":"recording","version":1}`, then one
//! [`Record`](crate::stream::Record) per line,
//! in stream order (the README documents every field).

pub mod export;
pub mod reader;
pub mod writer;

pub use reader::{ReadError, Recording, load};
pub use writer::{Recorder, record_in};

/// The first line of every recording.
pub const MAGIC: &str = "recording";
/// The format's version; a reader refuses any other.
pub const VERSION: u32 = 1;

/// The header line's fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub ipcscope: String,
    pub version: u32,
}

impl Header {
    pub fn current() -> Header {
        Header {
            ipcscope: MAGIC.into(),
            version: VERSION,
        }
    }
}
