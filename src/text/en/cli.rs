//! The command line, in English: the help says what the doc comments in
//! `cli.rs` say (a test compares them), and the usage errors what clap
//! says.

use std::path::Path;

use super::En;
use crate::text::words::{CliWords, Conflicting, Similar};

impl CliWords for En {
    fn help_text(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            // The program and its commands.
            "ipcscope" => {
                "See inter-process communication: real processes, a real Queue, Pipe and shared Value, live"
            }
            "ipcscope/after" => {
                "With no SCENARIO, `queue` runs: `ipcscope --writers 3` is `ipcscope queue --writers 3`."
            }
            "queue" => "Writers put urls on a Queue, readers get them (the default)",
            "pipe" => "A sender and a receiver on a Pipe",
            "counter" => "Processes incrementing one shared Value, with or without its lock",
            "lesson" => {
                "A guided lesson: a Python program, its run, scenes and questions (no NAME: a menu; --list prints them)"
            }
            "replay" => {
                "Replay a recording (made with --record) in the visualizer, with a timeline"
            }
            "export" => {
                "Export a recording for Perfetto / chrome://tracing (JSON) or a spreadsheet (CSV)"
            }
            "bench" => "Measure our Queue and Pipe (optionally against Python's multiprocessing)",
            "run" => {
                "Watch your own Python program: `run PROG.py [ARGS]`, or `run [OPTIONS] -- PYTHON PROG.py [ARGS]`"
            }
            "help" => "Print this message or the help of the given subcommand(s)",

            // Common options.
            "CommonArgs.seed" => {
                "Seed for the random delays: same seed, same delays [default: random]"
            }
            "CommonArgs.headless" => "Print the transcript instead of opening the visualizer",
            "CommonArgs.trace" => {
                "Write every event to FILE, one JSON object per line (an existing FILE is overwritten)"
            }
            "CommonArgs.record" => {
                "Record every record of the run's stream to FILE (replay it with `ipcscope replay FILE`)"
            }
            "CommonArgs.ascii" | "ReplayArgs.ascii" => {
                "Draw without box-drawing or other Unicode glyphs"
            }
            "CommonArgs.lang" | "ReplayArgs.lang" => {
                "Language of the screen, the transcript and the command line: en or zh [default: from LC_ALL, LC_MESSAGES or LANG]"
            }
            "CommonArgs.classroom" => {
                "For a projector: a bigger stage and program, each process's name, PID and state only, telemetry only when something is dropped or late, a log a class can read, high contrast (the visualizer only)"
            }

            // Queue options.
            "QueueArgs.writers" => {
                "Writer processes, 1 or more; writers + readers at most 255 [default: 2]"
            }
            "QueueArgs.readers" => {
                "Reader processes, 0 or more; writers + readers at most 255 [default: 1]"
            }
            "QueueArgs.items" => {
                "Items per writer, 0 = unlimited [default: 3 with --headless, else 0]"
            }
            "QueueArgs.delay" => "Writer's random delay between puts, in seconds [default: 0..1]",
            "QueueArgs.reader_delay" => {
                "Reader's random delay between gets, in seconds [default: 0..0]"
            }
            "QueueArgs.maxsize" => "Queue capacity, 0 = unbounded, up to 65536 [default: 0]",
            "QueueArgs.put_timeout" => {
                "Seconds a put waits for space before Full (then retries), 0-3600; 0 raises at once [default: forever]"
            }
            "QueueArgs.get_timeout" => {
                "Seconds a get waits for an item before Empty (then retries), 0-3600; 0 raises at once [default: forever]"
            }
            "QueueArgs.nowait_put" => {
                "Writers put with block=False: Full at once when the queue is full [default: false]"
            }
            "QueueArgs.nowait_get" => {
                "Readers get with block=False: Empty at once when the queue is empty [default: false]"
            }

            "QueueArgs.give_up_put" => {
                "After queue.Full a writer gives its item up and goes on with the next (except queue.Full: continue) [default: it tries the same item again]"
            }
            "QueueArgs.give_up_get" => {
                "After queue.Empty a reader stops reading and ends (except queue.Empty: break) [default: it gets again]"
            }
            "QueueArgs.python_feeder" => {
                "As Python's Queue(): put() only appends to the writer's own buffer and a feeder thread flushes it into the pipe; a writer with unflushed items cannot exit"
            }
            "QueueArgs.pipe_holds" => {
                "With --python-feeder: how many items the pipe holds (Python's holds 64 KiB), 1-65536 [default: 8]"
            }
            "QueueArgs.drain_first" => {
                "With --readers 0 and --items N the parent reads the items itself: after joining the writers (as the guideline warns against), or with this flag before (the fix)"
            }

            // Pipe options.
            "PipeArgs.messages" => "Messages to send, url_0, url_1, ..., 0-100000 [default: 10]",
            "PipeArgs.delay" => "Sender's random delay between sends, in seconds [default: 0..1]",
            "PipeArgs.reader_delay" => {
                "Receiver's random delay between receives, in seconds [default: 0..1]"
            }
            "PipeArgs.duplex" => "Two-way pipe, as Pipe(duplex=True) [default: true]",
            "PipeArgs.forget_close" => {
                "The parent keeps its copy of the send end: the receiver never sees EOF"
            }
            "PipeArgs.inherit" => {
                "Each child keeps copies of both ends, as a forked Python child does: the receiver's own copy of the send end keeps it waiting forever"
            }
            "PipeArgs.close_unused" => {
                "With --inherit: each child closes the end it does not use (the fix)"
            }
            "PipeArgs.echo" => {
                "The receiver replies to each message through its own end and the sender waits for each reply (a duplex pipe)"
            }
            "PipeArgs.both_recv" => {
                "As --echo, but the sender calls recv() first: both ends wait in recv(), a deadlock (a duplex pipe)"
            }

            // Counter options.
            "CounterArgs.procs" => "Incrementing processes, 1-255 [default: 4]",
            "CounterArgs.increments" => "Increments per process, 1-100000000 [default: 100000]",
            "CounterArgs.lock" => {
                "Hold the Value's lock around each increment (last of --lock/--no-lock wins)"
            }
            "CounterArgs.no_lock" => "Increment without the lock: the race [default]",
            "CounterArgs.step_delay" => {
                "Pause after each step of an increment (read, add, write), in seconds, each step shown [default: 0.05..0.15; none with --headless]"
            }
            "CounterArgs.full_speed" => {
                "No pause between steps: lost updates counted from the value, not told one by one [default with --headless]"
            }
            "CounterArgs.array" => {
                "An Array of N cells instead of a Value, 1-16: counter k increments cell (k-1) mod N"
            }

            // Lesson options.
            "LessonArgs.name" => "The lesson to run; without it, a menu to choose one (see --list)",
            "LessonArgs.list" => "Print the lessons (name, scenes, title) and exit",
            "LessonArgs.check" => {
                "Check one lesson file and the program it names; exit 0 if it is good, else 2 with the problem"
            }
            "LessonArgs.lessons" => {
                "Take the lessons from DIR (NAME.toml and the .py each names) instead of the built-in ones"
            }

            // Replay.
            "ReplayArgs.file" => "The recording (a file written by --record or --trace)",
            "ReplayArgs.headless" => {
                "Print the recorded run's transcript instead of opening the visualizer"
            }

            // Export.
            "ExportArgs.file" => "The recording (a file written by --record)",
            "ExportArgs.format" => "What to write",
            "ExportArgs.format/perfetto" => {
                "Chrome trace-event JSON, for ui.perfetto.dev and chrome://tracing"
            }
            "ExportArgs.format/csv" => "One row per event, RFC 4180",
            "ExportArgs.output" => {
                "Where to write the export (an existing file is refused unless --force)"
            }
            "ExportArgs.force" => "Overwrite OUT if it exists",

            // Run.
            "RunArgs.program" => "The program and its arguments (run by python3 from PATH)",
            "RunArgs.command" => "After `--`: the interpreter, the program and its arguments",
            "RunArgs.no_instrument" => {
                "Show only what the kernel sees (processes, their states, the pipes they hold): no instrumentation"
            }
            "RunArgs.timeout" => {
                "Stop the program (SIGTERM, then SIGKILL) after S seconds [default: never]"
            }

            // Bench.
            "BenchArgs.python" => {
                "Also run the Python baseline (multiprocessing.Queue / Pipe) and print ratios"
            }
            "BenchArgs.json" => "Print one JSON object per case",
            "BenchArgs.items" => "Items per case, 1-100000000 [default: sized per case]",

            // clap's own.
            "--help" => "Print help",
            "--help/more" => "Print help (see more with '--help')",
            "--help/summary" => "Print help (see a summary with '-h')",
            "--version" => "Print version",
            _ => return None,
        })
    }

    fn heading(&self, heading: &str) -> Option<&'static str> {
        Some(match heading {
            "Usage" => "Usage",
            "Options" => "Options",
            "Arguments" => "Arguments",
            "Commands" => "Commands",
            "Possible values" => "Possible values",
            "Scenarios" => "Scenarios",
            "Common options" => "Common options",
            "Queue options" => "Queue options",
            "Pipe options" => "Pipe options",
            "Counter options" => "Counter options",
            "Lesson options" => "Lesson options",
            _ => return None,
        })
    }

    fn label(&self, word: &str) -> String {
        format!("{word}:")
    }

    fn label_space(&self) -> &'static str {
        " "
    }

    fn default_value(&self, value: &str) -> String {
        format!("[default: {value}]")
    }

    fn possible_values(&self, values: &[&str]) -> String {
        format!("[possible values: {}]", values.join(", "))
    }

    fn error_label(&self) -> &'static str {
        "error"
    }

    fn tip_label(&self) -> &'static str {
        "tip"
    }

    fn try_help(&self, flag: &str) -> String {
        format!("For more information, try '{flag}'.")
    }

    fn unexpected_argument(&self, arg: &str) -> String {
        format!("unexpected argument '{arg}' found")
    }

    fn unrecognized_subcommand(&self, name: &str) -> String {
        format!("unrecognized subcommand '{name}'")
    }

    fn invalid_value(&self, value: &str, arg: &str, reason: Option<&str>) -> String {
        match reason {
            Some(why) => format!("invalid value '{value}' for '{arg}': {why}"),
            None => format!("invalid value '{value}' for '{arg}'"),
        }
    }

    fn value_required(&self, arg: &str) -> String {
        format!("a value is required for '{arg}' but none was supplied")
    }

    fn equals_needed(&self, arg: &str) -> String {
        format!("equal sign is needed when assigning values to '{arg}'")
    }

    fn unexpected_value(&self, value: &str, arg: &str) -> String {
        format!("unexpected value '{value}' for '{arg}' found; no more were expected")
    }

    fn values_required(&self, arg: &str, required: usize, given: usize, at_least: bool) -> String {
        let were = if given > 1 { "were" } else { "was" };
        if at_least {
            format!("{required} values required by '{arg}'; only {given} {were} provided")
        } else {
            format!("{required} values required for '{arg}' but {given} {were} provided")
        }
    }

    fn cannot_be_used_with(&self, what: Conflicting, with: &[String]) -> String {
        let what = match what {
            Conflicting::Arg(a) => format!("the argument '{a}'"),
            Conflicting::Subcommand(s) => format!("the subcommand '{s}'"),
        };
        match with {
            [] => {
                format!("{what} cannot be used with one or more of the other specified arguments")
            }
            [one] => format!("{what} cannot be used with '{one}'"),
            many => format!("{what} cannot be used with:\n  {}", many.join("\n  ")),
        }
    }

    fn used_more_than_once(&self, arg: &str) -> String {
        format!("the argument '{arg}' cannot be used multiple times")
    }

    fn required_not_given(&self, args: &[String]) -> String {
        format!(
            "the following required arguments were not provided:\n  {}",
            args.join("\n  ")
        )
    }

    fn subcommand_required(&self, command: &str, subcommands: &[String]) -> String {
        format!(
            "'{command}' requires a subcommand but one was not provided\n  [subcommands: {}]",
            subcommands.join(", ")
        )
    }

    fn not_utf8(&self) -> String {
        "invalid UTF-8 was detected in one or more arguments".into()
    }

    fn bad_command_line(&self) -> String {
        "the command line is not one ipcscope takes".into()
    }

    fn similar(&self, what: Similar, names: &[String]) -> String {
        let what = match what {
            Similar::Argument => "argument",
            Similar::Subcommand => "subcommand",
            Similar::Value => "value",
        };
        let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        match quoted.as_slice() {
            [one] => format!("a similar {what} exists: {one}"),
            many => format!("some similar {what}s exist: {}", many.join(", ")),
        }
    }

    fn pass_as_value(&self, value: &str, write: &str) -> String {
        format!("to pass '{value}' as a value, use '{write}'")
    }

    fn exists_in(&self, usage: &str) -> String {
        format!("'{usage}' exists")
    }

    fn remove_double_dash(&self, name: &str) -> String {
        format!("subcommand '{name}' exists; to use it, remove the '--' before it")
    }

    fn not_a_whole_number(&self, text: &str) -> String {
        format!("'{text}' is not a whole number")
    }

    fn number_out_of_range(&self, text: &str, lo: u64, hi: u64) -> String {
        format!("{text} is not in {lo}..={hi}")
    }

    fn no_lesson_named(&self, name: &str, library: &str, names: &[String]) -> String {
        if names.is_empty() {
            format!(
                "no lesson named '{name}' in {library}; there are none (a lesson is a NAME.toml file)"
            )
        } else {
            format!(
                "no lesson named '{name}' in {library}; the lessons are {}",
                names.join(", ")
            )
        }
    }

    fn lesson_library(&self, dir: Option<&Path>) -> String {
        match dir {
            None => "the built-in lessons".into(),
            Some(d) => format!("the lessons in {}", d.display()),
        }
    }
}
