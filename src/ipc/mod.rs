//! The real IPC objects: a shared-memory queue, pipes, shared values.

pub mod pipe;
