//! /proc probe (stub, being written).
