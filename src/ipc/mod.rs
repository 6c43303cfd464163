//! The real IPC objects: a shared-memory queue, pipes, shared values.

pub mod pipe;
pub mod queue;
pub mod shm;
pub mod sync;
pub mod value;
