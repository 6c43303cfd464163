//! Pipe (stub, being written).
