//! Benchmark roles: one writer and one reader moving small items as fast as
//! they can, started together at a shared-memory barrier; the reader prints
//! the seconds from the barrier to its last item.

use std::io::Write;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use clap::Subcommand;

use super::{ChildResult, inherited, inherited_connection};
use crate::ipc::queue::{Item, Queue};
use crate::ipc::value::SharedArray;

#[derive(Debug, Subcommand)]
pub enum BenchRole {
    BenchQueuePut {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long)]
        barrier_fd: RawFd,
        #[arg(long)]
        count: u64,
    },
    BenchQueueGet {
        #[arg(long)]
        queue_fd: RawFd,
        #[arg(long)]
        barrier_fd: RawFd,
        #[arg(long)]
        count: u64,
    },
    BenchPipeSend {
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
        #[arg(long)]
        barrier_fd: RawFd,
        #[arg(long)]
        count: u64,
    },
    BenchPipeRecv {
        #[arg(long)]
        fd: RawFd,
        #[arg(long)]
        duplex: bool,
        #[arg(long)]
        barrier_fd: RawFd,
        #[arg(long)]
        count: u64,
    },
}

const BARRIER_TIMEOUT: Duration = Duration::from_secs(60);

pub fn run(role: BenchRole) -> ChildResult {
    match role {
        BenchRole::BenchQueuePut {
            queue_fd,
            barrier_fd,
            count,
        } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            let barrier = SharedArray::from_fd(inherited(barrier_fd)?)?;
            barrier.barrier_wait(2, BARRIER_TIMEOUT)?;
            let mut item = Item::new(String::new(), 1, 0);
            for n in 1..=count {
                item.label.clear();
                write_label(&mut item.label, n);
                item.seq = n;
                q.put(&item, true, None)?;
            }
        }
        BenchRole::BenchQueueGet {
            queue_fd,
            barrier_fd,
            count,
        } => {
            let mut q = Queue::from_fd(inherited(queue_fd)?)?;
            let barrier = SharedArray::from_fd(inherited(barrier_fd)?)?;
            barrier.barrier_wait(2, BARRIER_TIMEOUT)?;
            let start = Instant::now();
            for n in 1..=count {
                let got = q.get(true, None)?;
                if got.item.item.seq != n {
                    return Err(format!("item {n} arrived as {}", got.item.item.seq).into());
                }
            }
            report(start, q.waits())?;
        }
        BenchRole::BenchPipeSend {
            fd,
            duplex,
            barrier_fd,
            count,
        } => {
            let mut c = inherited_connection(fd, duplex, true, duplex)?;
            let barrier = SharedArray::from_fd(inherited(barrier_fd)?)?;
            barrier.barrier_wait(2, BARRIER_TIMEOUT)?;
            let mut label = String::new();
            for n in 1..=count {
                label.clear();
                write_label(&mut label, n);
                c.send(label.as_bytes())?;
            }
        }
        BenchRole::BenchPipeRecv {
            fd,
            duplex,
            barrier_fd,
            count,
        } => {
            let mut c = inherited_connection(fd, true, duplex, duplex)?;
            let barrier = SharedArray::from_fd(inherited(barrier_fd)?)?;
            barrier.barrier_wait(2, BARRIER_TIMEOUT)?;
            let start = Instant::now();
            for _ in 0..count {
                c.recv()?;
            }
            report(start, 0)?;
        }
    }
    Ok(())
}

fn write_label(s: &mut String, n: u64) {
    use std::fmt::Write as _;
    let _ = write!(s, "url_{n}");
}

fn report(start: Instant, waits: u64) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:.9} {waits}", start.elapsed().as_secs_f64())?;
    out.flush()
}
