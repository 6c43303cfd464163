//! A process tree as /proc shows it: every descendant of a process (its
//! children, theirs, and orphans a subreaper took in), a process's parent
//! and command line, how a zombie ended, and the signals that stop a whole
//! tree. For `ipcscope run`, whose program starts processes ipcscope did
//! not spawn itself (forked children, a forkserver's children).

use std::collections::{HashMap, VecDeque};
use std::fs;

use nix::sys::signal::Signal;

use super::probe::proc_dir;
use crate::stream::Ended;

/// Fields of `/proc/PID/stat` after the command name: state, ppid, and
/// (field 52) the exit status of a zombie, as `waitpid` would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub state: char,
    pub ppid: i32,
    pub exit_status: Option<i32>,
}

/// Parses `/proc/PID/stat` (the command name may hold spaces and `)`).
pub fn parse_stat(text: &str) -> Option<Stat> {
    let close = text.rfind(')')?;
    let mut f = text[close + 1..].split_ascii_whitespace();
    let state = f.next()?.chars().next()?;
    let ppid = f.next()?.parse().ok()?;
    // Fields 5.. : 52 is the 50th after state (3) and ppid (4).
    let exit_status = f.nth(47).and_then(|s| s.parse().ok());
    Some(Stat {
        state,
        ppid,
        exit_status,
    })
}

/// The stat of `pid`, `None` when it is gone.
pub fn stat(pid: i32) -> Option<Stat> {
    fs::read_to_string(proc_dir(pid).join("stat"))
        .ok()
        .and_then(|t| parse_stat(&t))
}

/// How a zombie ended (its exit status), while it waits to be reaped.
pub fn zombie_ended(pid: i32) -> Option<Ended> {
    let s = stat(pid)?;
    if s.state != 'Z' {
        return None;
    }
    let st = s.exit_status?;
    Some(if st & 0x7f == 0 {
        Ended::Code((st >> 8) & 0xff)
    } else {
        Ended::Signal(st & 0x7f)
    })
}

/// Every process's parent, from one pass over /proc.
pub fn parents() -> HashMap<i32, i32> {
    let mut out = HashMap::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if let Some(s) = stat(pid) {
            out.insert(pid, s.ppid);
        }
    }
    out
}

/// Every descendant of `root` (not `root` itself), parents before their
/// children.
pub fn descendants(root: i32) -> Vec<i32> {
    descendants_in(&parents(), root)
}

/// As [`descendants`], from a map of parents.
pub fn descendants_in(parents: &HashMap<i32, i32>, root: i32) -> Vec<i32> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for (&pid, &ppid) in parents {
        children.entry(ppid).or_default().push(pid);
    }
    for v in children.values_mut() {
        v.sort_unstable();
    }
    let mut out = Vec::new();
    let mut todo = VecDeque::from([root]);
    while let Some(p) = todo.pop_front() {
        if let Some(kids) = children.get(&p) {
            for &k in kids {
                if k != root && !out.contains(&k) {
                    out.push(k);
                    todo.push_back(k);
                }
            }
        }
    }
    out
}

/// The command line of `pid` (arguments split at NUL), empty when gone.
pub fn cmdline(pid: i32) -> Vec<String> {
    fs::read(proc_dir(pid).join("cmdline"))
        .map(|b| {
            b.split(|&c| c == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Sends `sig` to each of `pids` (one gone already is not an error).
pub fn signal_all(pids: &[i32], sig: Signal) {
    for &p in pids {
        let _ = super::spawn::signal(p, sig);
    }
}

/// Makes this process a subreaper: orphans among its descendants become
/// its children (so it can reap them and see how they ended).
pub fn become_subreaper() -> std::io::Result<()> {
    // SAFETY: prctl with integer arguments.
    let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Kills every descendant of `root` with SIGKILL until none is left (a
/// process forking meanwhile is caught on the next pass), at most `passes`
/// times. Returns how many were killed.
pub fn kill_descendants(root: i32, passes: u32) -> usize {
    let mut killed = 0;
    for _ in 0..passes {
        let all = descendants(root);
        let live: Vec<i32> = all
            .into_iter()
            .filter(|&p| stat(p).is_some_and(|s| s.state != 'Z'))
            .collect();
        if live.is_empty() {
            break;
        }
        killed += live.len();
        // Stop first, so none forks between the list and its kill.
        signal_all(&live, Signal::SIGSTOP);
        signal_all(&live, Signal::SIGKILL);
    }
    killed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_gives_state_parent_and_a_zombies_exit_status() {
        let mut fields = vec!["0"; 50];
        fields[47] = "3840";
        let text = format!("4242 (py (x)) Z 17 {}\n", fields.join(" "));
        let s = parse_stat(&text).unwrap();
        assert_eq!((s.state, s.ppid, s.exit_status), ('Z', 17, Some(3840)));
    }

    #[test]
    fn descendants_include_grandchildren_and_never_the_root() {
        let parents = HashMap::from([(10, 1), (11, 10), (12, 11), (13, 10), (20, 1)]);
        assert_eq!(descendants_in(&parents, 10), [11, 13, 12]);
        assert!(descendants_in(&parents, 12).is_empty());
    }

    #[test]
    fn this_process_has_its_own_children_among_its_descendants() {
        let mut c = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = c.id() as i32;
        let found = descendants(std::process::id() as i32).contains(&pid);
        let _ = c.kill();
        let _ = c.wait();
        assert!(found);
    }
}
