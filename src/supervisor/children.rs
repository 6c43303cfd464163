//! The scenario's shared objects and how the engine starts each kind of
//! child: the role's arguments (one definition, in `child::args`), the fds
//! it inherits, its slot in the control block, its captured output.

use std::io::BufRead;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::engine::{Engine, Running};
use super::sampler::PipeWatch;
use super::{ChildInfo, Life};
use crate::child::args::{CommonArgs, CounterArgs, PipeEndArgs, ReaderArgs, WriterArgs};
use crate::child::lesson::LessonRole;
use crate::config::{MAX_PROCS, QueueConfig, RunConfig, Scenario};
use crate::control::{Control, SLOTS};
use crate::ipc::pipe::{Connection, pipe};
use crate::ipc::queue::{Queue, QueueObserver};
use crate::ipc::value::SharedArray;
use crate::proc::spawn::{self, Output, Spec};
use crate::stream::{Event, Kind, Note, ProcId, Role};
use crate::telemetry::collect::Feed;
use crate::telemetry::now_ns;

// The process limit the command line states is what the queue can serve.
const _: () = assert!(MAX_PROCS as usize == crate::ipc::queue::RECORDS - 1);

/// Children run a little nicer than the supervisor: with many busy
/// children on two cores the screen and the keys still answer.
const CHILD_NICE: i32 = 10;

/// The scenario's shared objects, owned by the engine.
pub(crate) struct Objects {
    pub queue: Option<Queue>,
    pub pipe_ends: Option<(Connection, Connection)>,
    pub value: Option<SharedArray>,
}

impl Objects {
    pub fn create(cfg: &RunConfig) -> Result<Objects, String> {
        let mut o = Objects {
            queue: None,
            pipe_ends: None,
            value: None,
        };
        match &cfg.scenario {
            Scenario::Queue(q) => {
                let queue = Queue::new(q.maxsize as i64).map_err(|e| e.to_string())?;
                // Shared numbers continue after every initial writer's block.
                queue.set_next_label_number(q.writers as u64 * block(q) + 1);
                o.queue = Some(queue);
            }
            Scenario::Pipe(p) => {
                o.pipe_ends = Some(pipe(p.duplex).map_err(|e| e.to_string())?);
            }
            Scenario::Counter(c) => {
                let cells = c.cells() as usize;
                o.value = Some(SharedArray::new(cells, true).map_err(|e| e.to_string())?);
            }
            // Someone's program runs under the attach source, not here.
            Scenario::Program(_) => {
                return Err("a Python program runs with `ipcscope run`".into());
            }
        }
        Ok(o)
    }

    /// A read-only observer of the queue, if there is one.
    pub fn queue_observer(&self) -> Result<Option<QueueObserver>, String> {
        self.queue
            .as_ref()
            .map(|q| q.observer().map_err(|e| e.to_string()))
            .transpose()
    }

    /// A second mapping of the shared value, for reading it.
    pub fn value_reader(&self) -> Result<Option<SharedArray>, String> {
        self.value
            .as_ref()
            .map(|v| {
                let fd = nix::unistd::dup(v.fd()).map_err(|e| e.to_string())?;
                SharedArray::from_fd(fd).map_err(|e| e.to_string())
            })
            .transpose()
    }

    /// Sources the collector polls besides the children's reports: the
    /// queue's op log.
    pub fn feeds(&self, control: &std::sync::Arc<Control>) -> Result<Vec<Box<dyn Feed>>, String> {
        let mut feeds: Vec<Box<dyn Feed>> = Vec::new();
        if let Some(q) = self.queue_observer()? {
            feeds.push(Box::new(super::oplog::QueueFeed::new(q, control.clone())));
        }
        Ok(feeds)
    }
}

/// Labels in each initial writer's own block: its items, or the lesson's 3
/// before an unlimited writer takes shared numbers.
fn block(q: &QueueConfig) -> u64 {
    if q.items > 0 {
        q.items
    } else {
        QueueConfig::LESSON_ITEMS
    }
}

impl Engine {
    /// Starts the scenario's initial processes; for a pipe, says what to
    /// watch of it.
    pub(super) fn spawn_initial(&mut self) -> std::io::Result<Option<PipeWatch>> {
        match self.cfg.scenario.clone() {
            Scenario::Queue(q) => {
                for _ in 0..q.writers {
                    self.spawn_writer(true)?;
                }
                for _ in 0..q.readers {
                    self.spawn_reader()?;
                }
                Ok(None)
            }
            Scenario::Pipe(p) => {
                let (recv_end, send_end) = self
                    .objects
                    .pipe_ends
                    .take()
                    .ok_or_else(|| std::io::Error::other("pipe already used"))?;
                let rfd = recv_end.raw_fd().unwrap_or(-1);
                let sfd = send_end.raw_fd().unwrap_or(-1);
                let inode = |c: &Connection| c.inode().unwrap_or(0);
                let (recv_inode, send_inode) = (inode(&recv_end), inode(&send_end));
                // With --inherit each child also holds the other end, as a
                // forked child does: both fds stay open across its exec.
                let end = |fd, other: RawFd, messages, delay| PipeEndArgs {
                    fd,
                    duplex: p.duplex,
                    messages,
                    delay,
                    other_fd: p.inherit.then_some(other),
                    close_unused: p.inherit && p.close_unused,
                    echo: p.replies(),
                    recv_first: false,
                };
                let keep = |own: RawFd, other: RawFd| {
                    if p.inherit {
                        vec![own, other]
                    } else {
                        vec![own]
                    }
                };
                let sender = self.spawn_role(
                    Role::Sender,
                    "sender".into(),
                    |common| LessonRole::Sender {
                        common,
                        args: PipeEndArgs {
                            recv_first: p.both_recv,
                            ..end(sfd, rfd, p.messages, p.delay)
                        },
                    },
                    &keep(sfd, rfd),
                )?;
                let receiver = self.spawn_role(
                    Role::Receiver,
                    "receiver".into(),
                    |common| LessonRole::Receiver {
                        common,
                        args: end(rfd, sfd, 0, p.reader_delay),
                    },
                    &keep(rfd, sfd),
                )?;
                drop(recv_end);
                if p.forget_close {
                    self.held_send_end = Some(send_end);
                } else {
                    drop(send_end);
                }
                Ok(Some(PipeWatch {
                    duplex: p.duplex,
                    recv_inode,
                    send_inode,
                    recv_fd: rfd,
                    send_fd: sfd,
                    receiver,
                    sender,
                }))
            }
            Scenario::Counter(c) => {
                for _ in 0..c.procs {
                    self.spawn_counter()?;
                }
                Ok(None)
            }
            Scenario::Program(_) => Ok(None),
        }
    }

    fn next_number(&mut self, role: Role) -> u32 {
        let n = self.counts.entry(role).or_insert(0);
        *n += 1;
        *n
    }

    /// Whether another process may start: at most [`MAX_PROCS`] at once,
    /// and [`SLOTS`] over the run's life.
    fn room_for_one(&self) -> bool {
        let live = self.running.len() as u32;
        if live >= MAX_PROCS {
            self.note(Note::AtLimit { limit: MAX_PROCS });
            return false;
        }
        let started = self.shared.table.lock().map_or(0, |t| t.len());
        if started >= SLOTS {
            self.note(Note::NoSlotLeft {
                slots: SLOTS as u32,
            });
            return false;
        }
        true
    }

    pub(super) fn spawn_writer(&mut self, initial: bool) -> std::io::Result<Option<ProcId>> {
        let Scenario::Queue(q) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no queue in this scenario"));
        };
        if !self.room_for_one() {
            return Ok(None);
        }
        let queue_fd = self.queue_fd()?;
        let k = self.next_number(Role::Writer);
        let b = block(&q);
        let (first, own_block) = if initial {
            ((k as u64 - 1) * b + 1, b)
        } else {
            (1, 0)
        };
        let args = WriterArgs {
            queue_fd,
            writer: k,
            items: q.items,
            first,
            block: own_block,
            delay: q.delay,
            // block=False raises Full at once, as a zero timeout does.
            put_timeout: if q.put_nowait {
                Some(0.0)
            } else {
                q.put_timeout
            },
            feeder: q.feeder,
        };
        self.spawn_role(
            Role::Writer,
            format!("writer-{k}"),
            |common| LessonRole::Writer { common, args },
            &[queue_fd],
        )
        .map(Some)
    }

    pub(super) fn spawn_reader(&mut self) -> std::io::Result<Option<ProcId>> {
        let Scenario::Queue(q) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no queue in this scenario"));
        };
        if !self.room_for_one() {
            return Ok(None);
        }
        let queue_fd = self.queue_fd()?;
        let k = self.next_number(Role::Reader);
        let args = ReaderArgs {
            queue_fd,
            delay: q.reader_delay,
            get_timeout: if q.get_nowait {
                Some(0.0)
            } else {
                q.get_timeout
            },
        };
        self.spawn_role(
            Role::Reader,
            format!("reader-{k}"),
            |common| LessonRole::Reader { common, args },
            &[queue_fd],
        )
        .map(Some)
    }

    pub(super) fn spawn_counter(&mut self) -> std::io::Result<Option<ProcId>> {
        let Scenario::Counter(c) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no shared value in this scenario"));
        };
        if !self.room_for_one() {
            return Ok(None);
        }
        let value_fd = self
            .objects
            .value
            .as_ref()
            .map(|v| v.fd().as_raw_fd())
            .ok_or_else(|| std::io::Error::other("no shared value"))?;
        let k = self.next_number(Role::Counter);
        let cell = c.cell_of(k);
        let args = CounterArgs {
            value_fd,
            procs: c.procs,
            increments: c.increments,
            cell,
            step_delay: c.step_delay,
        };
        let id = self.spawn_role(
            Role::Counter,
            format!("counter-{k}"),
            |common| LessonRole::Counter { common, args },
            &[value_fd],
        )?;
        // For the sampler, which counts each cell's increments.
        self.control.slot(id as usize).set_cell(cell);
        Ok(Some(id))
    }

    fn queue_fd(&self) -> std::io::Result<RawFd> {
        self.objects
            .queue
            .as_ref()
            .map(|q| q.fd().as_raw_fd())
            .ok_or_else(|| std::io::Error::other("no queue"))
    }

    /// Starts `ipcscope __child <role> ...` in the next control slot and
    /// reports it.
    fn spawn_role(
        &mut self,
        role: Role,
        name: String,
        lesson: impl FnOnce(CommonArgs) -> LessonRole,
        keep: &[RawFd],
    ) -> std::io::Result<ProcId> {
        let id = self.shared.table.lock().map(|t| t.len()).unwrap_or(SLOTS);
        if id >= SLOTS {
            return Err(std::io::Error::other(format!(
                "a run can start at most {SLOTS} processes over its life"
            )));
        }
        let id = id as ProcId;
        let slot = self.control.slot(id as usize);
        slot.set_delay_scale(self.slow_motion * self.scales.get(&id).copied().unwrap_or(1.0));
        slot.set_lock(self.lock);
        if let Some(p) = self.policies.get(&role) {
            slot.set_policy(*p);
        }
        if self.frozen {
            slot.close_gate();
        }
        let (out_r, out_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let control_fd = self.control.fd().as_raw_fd();
        let telemetry_fd = self.tel_w.as_raw_fd();
        let common = CommonArgs {
            control_fd,
            slot: id,
            telemetry_fd,
            seed: self.cfg.seed.wrapping_add(id as u64),
        };
        let (sub, role_args) = lesson(common).command_line();
        let args = ["__child".to_string(), sub.to_string()]
            .into_iter()
            .chain(role_args);
        let mut spec = Spec::new(args)
            .keep_fd(control_fd)
            .keep_fd(telemetry_fd)
            .stdout(Output::Fd(out_w.as_raw_fd()))
            .stderr(Output::Fd(out_w.as_raw_fd()))
            .nice(CHILD_NICE);
        for &fd in keep {
            spec = spec.keep_fd(fd);
        }
        let t = now_ns();
        let child = spawn::spawn(&self.exe, &spec)?;
        drop(out_w);
        let pid = child.id() as i32;
        self.forward_output(id, pid, out_r);
        if let Ok(mut table) = self.shared.table.lock() {
            table.push(ChildInfo {
                id,
                name: name.clone(),
                role,
                pid,
                life: Life::Running,
            });
        }
        self.running.push(Running { id, child });
        self.emit(Event::new(t, id, pid, Kind::Spawn { name, role }));
        Ok(id)
    }

    /// Turns a child's printed lines into events.
    fn forward_output(&self, id: ProcId, pid: i32, r: OwnedFd) {
        let own = self.own.clone();
        let _ = std::thread::Builder::new()
            .name(format!("output-{id}"))
            .spawn(move || {
                let reader = std::io::BufReader::new(std::fs::File::from(r));
                for line in reader.lines() {
                    let Ok(text) = line else { break };
                    let ev = Event::new(now_ns(), id, pid, Kind::Output { text });
                    if !own.event(ev) {
                        break;
                    }
                }
            });
    }
}
