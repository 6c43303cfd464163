//! The lines the lesson's Python programs print themselves, exactly as
//! they print them, in every language: the transcript mirrors the
//! programs, so a student can lay the two side by side.
//!
//! ```python
//! print('Process(%s) is writing...' % os.getpid())
//! print('Put %s to queue...' % value)
//! print('Process(%s) is reading...' % os.getpid())
//! print('Get %s from queue.' % value)
//! print('Process(%s) send: %s' % (os.getpid(), url))
//! print('Process(%s) recv: %s' % (os.getpid(), url))
//! ```
//!
//! The pipe program prints no line when its processes start, so a
//! sender's or a receiver's first line, and a counter's, are ipcscope's own
//! words (in the tables).

/// A writer starts.
pub fn writing(pid: i32) -> String {
    format!("Process({pid}) is writing...")
}

/// A reader starts.
pub fn reading(pid: i32) -> String {
    format!("Process({pid}) is reading...")
}

/// A writer put `item`.
pub fn put(item: &str) -> String {
    format!("Put {item} to queue...")
}

/// A reader got `item`.
pub fn get(item: &str) -> String {
    format!("Get {item} from queue.")
}

/// A sender sent `item`.
pub fn send(pid: i32, item: &str) -> String {
    format!("Process({pid}) send: {item}")
}

/// A receiver received `item`.
pub fn recv(pid: i32, item: &str) -> String {
    format!("Process({pid}) recv: {item}")
}
