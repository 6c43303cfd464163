//! The kernel's view of each process next to what the process reported,
//! and how long the two have disagreed.

use std::collections::BTreeMap;

use super::world::{Activity, Proc, World};
use crate::stream::{KernelRow, KernelWait, ProcId};

/// How long a report and the kernel must disagree before the screen says
/// so (a single sample can catch a process between the two).
pub const DISAGREE_AFTER_NS: u64 = 300_000_000;

/// A process's state as the kernel shows it, with how long the report and
/// the kernel have disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelState {
    pub row: KernelRow,
    /// Since when the kernel view contradicts the process's report.
    pub disagree_since: Option<u64>,
}

impl KernelState {
    pub fn disagrees_at(&self, now_ns: u64) -> bool {
        self.disagree_since
            .is_some_and(|s| now_ns >= s + DISAGREE_AFTER_NS)
    }
}

/// Takes in a new kernel sample; returns whether anything visible changed.
pub fn update(
    states: &mut BTreeMap<ProcId, KernelState>,
    rows: &[KernelRow],
    world: &World,
    now_ns: u64,
) -> bool {
    let mut next = BTreeMap::new();
    for row in rows {
        let prev = states.get(&row.proc).and_then(|k| k.disagree_since);
        let disagree = world
            .proc(row.proc)
            .is_some_and(|p| disagrees(p, &row.wait));
        next.insert(
            row.proc,
            KernelState {
                row: row.clone(),
                disagree_since: disagree.then(|| prev.unwrap_or(now_ns)),
            },
        );
    }
    // A disagreement becomes visible some time after it starts.
    let changed = next != *states || next.values().any(|k| k.disagree_since.is_some());
    *states = next;
    changed
}

/// Whether the kernel contradicts what the process reported: it says it is
/// blocked on data but the kernel shows it not waiting for data, and so on.
/// A stopped process (frozen) contradicts nothing.
fn disagrees(p: &Proc, k: &KernelWait) -> bool {
    if matches!(
        k,
        KernelWait::Stopped | KernelWait::Gone | KernelWait::Zombie
    ) {
        return false;
    }
    match &p.activity {
        Activity::WaitingToGet { .. } | Activity::WaitingToRecv { .. } => {
            !matches!(k, KernelWait::WaitingForData | KernelWait::Running)
        }
        Activity::WaitingToPut { .. } | Activity::WaitingToSend { .. } => {
            !matches!(k, KernelWait::WaitingForSpace | KernelWait::Running)
        }
        Activity::WaitingForLock { .. } => {
            !matches!(k, KernelWait::WaitingForLock | KernelWait::Running)
        }
        _ => false,
    }
}
