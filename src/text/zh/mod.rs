//! Simplified Chinese (简体中文): every sentence ipcscope says, one file
//! per subject, in the words a teacher uses in class.
//!
//! Terms, kept the same everywhere: 进程 (process), 写进程 / 读进程
//! (writer / reader), 发送进程 / 接收进程 (sender / receiver), 计数进程
//! (counter), 父进程 (the parent), 队列, 管道, 共享 Value, 数据项 / 项
//! (item), 阻塞 (blocked), 冻结 / 恢复 (freeze / resume), 单步 (step),
//! 杀死 (SIGKILL), 终止 (SIGTERM), 锁, 深度 (a queue's depth), 环形缓冲区
//! (an unbounded queue's ring), 发送端 / 接收端 (a pipe's ends), 回放
//! (replay), 录制文件 (recording), 演示 (a scenario: queue, pipe,
//! counter), 课程 / 场景 (a lesson / its scenes). Python names stay as code: `put`,
//! `get`, `send`, `recv`, `queue.Full`, `EOFError`, `maxsize`,
//! `Process(PID)`, `v.value += 1`; so do signal names. Full-width
//! punctuation, and a space between Chinese and Latin words or numbers.

mod attach;
mod cli;
mod errors;
mod feeder;
mod lesson;
mod lesson_file;
mod notices;
mod parent;
mod pipes;
mod policy;
mod race;
mod screen;
mod stage;
mod transcript;
mod waits;

/// The Simplified Chinese table.
#[derive(Debug, Clone, Copy)]
pub struct Zh;

/// A list as Chinese enumerates it: `url_2、url_5`.
fn list(items: &[String]) -> String {
    items.join("、")
}
