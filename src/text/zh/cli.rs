//! The command line, in Chinese: the help of every command and option
//! (keyed as in `en/cli.rs`) and the usage errors. Options, value names
//! (`<N>`, `FILE`), commands and values stay as typed.

use std::path::Path;

use super::Zh;
use crate::text::words::{CliWords, Conflicting, Similar};

impl CliWords for Zh {
    fn help_text(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            // The program and its commands.
            "ipcscope" => "看见进程间通信：真实的进程，真实的 Queue、Pipe 和共享 Value，实时呈现",
            "ipcscope/after" => {
                "不给 SCENARIO 时运行 `queue`：`ipcscope --writers 3` 就是 `ipcscope queue --writers 3`。"
            }
            "queue" => "写进程把 url 放进 Queue，读进程把它们取出（默认）",
            "pipe" => "一个发送进程和一个接收进程，通过 Pipe 通信",
            "counter" => "几个进程给同一个共享 Value 加 1，持锁或不持锁",
            "lesson" => {
                "引导式课程：一个 Python 程序、它的运行、场景和提问（不给 NAME：打开菜单；--list 列出课程）"
            }
            "replay" => "在可视化界面中回放录制文件（用 --record 录制），带时间轴",
            "export" => "导出录制文件，给 Perfetto / chrome://tracing（JSON）或电子表格（CSV）使用",
            "bench" => "测量我们的 Queue 和 Pipe（也可以与 Python 的 multiprocessing 对比）",
            "run" => {
                "观察你自己的 Python 程序：`run PROG.py [ARGS]`，或 `run [OPTIONS] -- PYTHON PROG.py [ARGS]`"
            }
            "help" => "打印这段帮助，或所给子命令的帮助",

            // Common options.
            "CommonArgs.seed" => "随机延时的种子：种子相同，延时就相同 [默认：随机]",
            "CommonArgs.headless" => "打印文字记录，不打开可视化界面",
            "CommonArgs.trace" => "把每个事件写到 FILE，每行一个 JSON 对象（已有的 FILE 会被覆盖）",
            "CommonArgs.record" => {
                "把这次运行的数据流中的每条记录录制到 FILE（用 `ipcscope replay FILE` 回放）"
            }
            "CommonArgs.ascii" | "ReplayArgs.ascii" => "绘制时不用制表符或其他 Unicode 图形字符",
            "CommonArgs.lang" | "ReplayArgs.lang" => {
                "界面、文字记录和命令行的语言：en 或 zh [默认：取自 LC_ALL、LC_MESSAGES 或 LANG]"
            }
            "CommonArgs.classroom" => {
                "投影用：更大的舞台和程序，每个进程只显示名称、PID 和状态，有丢弃或迟到时才显示遥测，\
                 全班看得懂的日志，高对比度（仅可视化界面）"
            }

            // Queue options.
            "QueueArgs.writers" => "写进程数，至少 1 个；写进程加读进程最多 255 个 [默认：2]",
            "QueueArgs.readers" => "读进程数，可以是 0；写进程加读进程最多 255 个 [默认：1]",
            "QueueArgs.items" => {
                "每个写进程放入的项数，0 = 不限 [默认：加 --headless 时为 3，否则为 0]"
            }
            "QueueArgs.delay" => "写进程两次 put 之间的随机延时，单位秒 [默认：0..1]",
            "QueueArgs.reader_delay" => "读进程两次 get 之间的随机延时，单位秒 [默认：0..0]",
            "QueueArgs.maxsize" => "队列容量，0 = 无界，最大 65536 [默认：0]",
            "QueueArgs.put_timeout" => {
                "put 等待空位的秒数，到时抛出 Full（然后重试），0-3600；0 表示立即抛出 [默认：一直等]"
            }
            "QueueArgs.get_timeout" => {
                "get 等待数据项的秒数，到时抛出 Empty（然后重试），0-3600；0 表示立即抛出 [默认：一直等]"
            }
            "QueueArgs.nowait_put" => {
                "写进程用 block=False 调用 put：队列满时立即抛出 Full [默认：false]"
            }
            "QueueArgs.nowait_get" => {
                "读进程用 block=False 调用 get：队列空时立即抛出 Empty [默认：false]"
            }

            "QueueArgs.give_up_put" => {
                "queue.Full 之后写进程放弃这一项，接着放下一项（except queue.Full: continue）[默认：再试同一项]"
            }
            "QueueArgs.give_up_get" => {
                "queue.Empty 之后读进程不再读取并结束（except queue.Empty: break）[默认：再次 get]"
            }
            "QueueArgs.python_feeder" => {
                "像 Python 的 Queue() 那样：put() 只把数据追加到写进程自己的缓冲区，由 feeder 线程把缓冲区冲进管道；缓冲区里还有数据的写进程无法退出"
            }
            "QueueArgs.pipe_holds" => {
                "与 --python-feeder 一起用：管道能放多少项（Python 的管道能放 64 KiB），1-65536 [默认：8]"
            }
            "QueueArgs.drain_first" => {
                "在 --readers 0 且 --items N 时由父进程自己读取数据：先 join 写进程再读（正是编程指南警告的做法），或加上此选项先读再 join（修正）"
            }

            // Pipe options.
            "PipeArgs.messages" => "要发送的消息数（url_0、url_1……），0-100000 [默认：10]",
            "PipeArgs.delay" => "发送进程两次 send 之间的随机延时，单位秒 [默认：0..1]",
            "PipeArgs.reader_delay" => "接收进程两次 recv 之间的随机延时，单位秒 [默认：0..1]",
            "PipeArgs.duplex" => "双向管道，即 Pipe(duplex=True) [默认：true]",
            "PipeArgs.forget_close" => "父进程留着自己那份发送端：接收进程永远等不到 EOF",
            "PipeArgs.inherit" => {
                "每个子进程都留着两端的副本，和 fork 出来的 Python 子进程一样：接收进程自己那份发送端让它永远等下去"
            }
            "PipeArgs.close_unused" => "配合 --inherit：每个子进程关掉自己不用的那一端（解决办法）",
            "PipeArgs.echo" => {
                "接收进程通过自己那一端回复每条消息，发送进程等待每条回复（需要双向管道）"
            }
            "PipeArgs.both_recv" => {
                "和 --echo 一样，但发送进程先调用 recv()：两端都在 recv() 里等待，形成死锁（需要双向管道）"
            }

            // Counter options.
            "CounterArgs.procs" => "加 1 的进程数，1-255 [默认：4]",
            "CounterArgs.increments" => "每个进程加 1 的次数，1-100000000 [默认：100000]",
            "CounterArgs.lock" => {
                "每次加 1 都持有 Value 的锁（--lock 和 --no-lock 以最后给出的为准）"
            }
            "CounterArgs.no_lock" => "不持锁加 1：竞争条件 [默认]",
            "CounterArgs.step_delay" => {
                "加 1 的每一步（读、加、写）之后停顿的秒数，每一步都显示 [默认：0.05..0.15；加 --headless 时不停顿]"
            }
            "CounterArgs.full_speed" => {
                "步骤之间不停顿：丢失的更新由数值算出，不逐个说明 [加 --headless 时默认如此]"
            }
            "CounterArgs.array" => {
                "用 N 格的 Array 代替 Value，1-16：第 k 个计数进程给第 (k-1) mod N 格加 1"
            }

            // Lesson options.
            "LessonArgs.name" => "要上的课程；不给时打开菜单来选（见 --list）",
            "LessonArgs.list" => "列出课程（名称、场景数、标题）后退出",
            "LessonArgs.check" => {
                "检查一个课程文件和它指定的程序；没有问题时退出码为 0，否则为 2 并说明问题"
            }
            "LessonArgs.lessons" => "从 DIR 读取课程（NAME.toml 以及各自指定的 .py），不用内置课程",

            // Replay.
            "ReplayArgs.file" => "录制文件（由 --record 或 --trace 写出的文件）",
            "ReplayArgs.headless" => "打印所录运行的文字记录，不打开可视化界面",

            // Export.
            "ExportArgs.file" => "录制文件（由 --record 写出的文件）",
            "ExportArgs.format" => "导出成什么格式",
            "ExportArgs.format/perfetto" => {
                "Chrome 的 trace-event JSON，用于 ui.perfetto.dev 和 chrome://tracing"
            }
            "ExportArgs.format/csv" => "每个事件一行，符合 RFC 4180",
            "ExportArgs.output" => "导出写到哪里（文件已存在时拒绝，除非加 --force）",
            "ExportArgs.force" => "OUT 已存在时覆盖它",

            // Run.
            "RunArgs.program" => "程序及其参数（用 PATH 中的 python3 运行）",
            "RunArgs.command" => "`--` 之后：解释器、程序及其参数",
            "RunArgs.no_instrument" => {
                "只显示内核看到的内容（进程、它们的状态、它们持有的管道）：不插桩"
            }
            "RunArgs.timeout" => "S 秒后停止程序（先 SIGTERM，再 SIGKILL）[默认：不限]",

            // Bench.
            "BenchArgs.python" => {
                "同时运行 Python 的基准（multiprocessing.Queue / Pipe）并打印两者之比"
            }
            "BenchArgs.json" => "每个用例打印一个 JSON 对象",
            "BenchArgs.items" => "每个用例的项数，1-100000000 [默认：按用例而定]",

            // clap's own.
            "--help" => "打印帮助",
            "--help/more" => "打印帮助（用 '--help' 看完整说明）",
            "--help/summary" => "打印帮助（用 '-h' 看摘要）",
            "--version" => "打印版本",
            _ => return None,
        })
    }

    fn heading(&self, heading: &str) -> Option<&'static str> {
        Some(match heading {
            "Usage" => "用法",
            "Options" => "选项",
            "Arguments" => "参数",
            "Commands" => "命令",
            "Possible values" => "可选值",
            "Scenarios" => "演示与命令",
            "Common options" => "通用选项",
            "Queue options" => "队列选项",
            "Pipe options" => "管道选项",
            "Counter options" => "计数选项",
            "Lesson options" => "课程选项",
            _ => return None,
        })
    }

    fn label(&self, word: &str) -> String {
        format!("{word}：")
    }

    fn label_space(&self) -> &'static str {
        ""
    }

    fn default_value(&self, value: &str) -> String {
        format!("[默认：{value}]")
    }

    fn possible_values(&self, values: &[&str]) -> String {
        format!("[可选值：{}]", values.join("、"))
    }

    fn error_label(&self) -> &'static str {
        "错误"
    }

    fn tip_label(&self) -> &'static str {
        "提示"
    }

    fn try_help(&self, flag: &str) -> String {
        format!("想了解更多，请试试 '{flag}'。")
    }

    fn unexpected_argument(&self, arg: &str) -> String {
        format!("这里不接受参数 '{arg}'")
    }

    fn unrecognized_subcommand(&self, name: &str) -> String {
        format!("没有叫 '{name}' 的演示或命令")
    }

    fn invalid_value(&self, value: &str, arg: &str, reason: Option<&str>) -> String {
        match reason {
            Some(why) => format!("'{arg}' 的值 '{value}' 无效：{why}"),
            None => format!("'{arg}' 的值 '{value}' 无效"),
        }
    }

    fn value_required(&self, arg: &str) -> String {
        format!("'{arg}' 需要一个值，但没有给出")
    }

    fn equals_needed(&self, arg: &str) -> String {
        format!("给 '{arg}' 赋值要用等号")
    }

    fn unexpected_value(&self, value: &str, arg: &str) -> String {
        format!("'{arg}' 多出了值 '{value}'：不需要更多的值")
    }

    fn values_required(&self, arg: &str, required: usize, given: usize, at_least: bool) -> String {
        if at_least {
            format!("'{arg}' 至少需要 {required} 个值，只给了 {given} 个")
        } else {
            format!("'{arg}' 需要 {required} 个值，却给了 {given} 个")
        }
    }

    fn cannot_be_used_with(&self, what: Conflicting, with: &[String]) -> String {
        let what = match what {
            Conflicting::Arg(a) => format!("参数 '{a}'"),
            Conflicting::Subcommand(s) => format!("'{s}'"),
        };
        match with {
            [] => format!("{what} 不能与已给出的其他参数一起使用"),
            [one] => format!("{what} 不能与 '{one}' 一起使用"),
            many => format!("{what} 不能与下列参数一起使用：\n  {}", many.join("\n  ")),
        }
    }

    fn used_more_than_once(&self, arg: &str) -> String {
        format!("参数 '{arg}' 只能给一次")
    }

    fn required_not_given(&self, args: &[String]) -> String {
        format!("缺少下列必需的参数：\n  {}", args.join("\n  "))
    }

    fn subcommand_required(&self, command: &str, subcommands: &[String]) -> String {
        format!(
            "'{command}' 后面需要一个子命令，但没有给出\n  [子命令：{}]",
            subcommands.join("、")
        )
    }

    fn not_utf8(&self) -> String {
        "有参数不是有效的 UTF-8".into()
    }

    fn bad_command_line(&self) -> String {
        "ipcscope 不接受这样的命令行".into()
    }

    fn similar(&self, what: Similar, names: &[String]) -> String {
        let what = match what {
            Similar::Argument => "参数",
            Similar::Subcommand => "演示或命令",
            Similar::Value => "值",
        };
        let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        format!("有相近的{what}：{}", quoted.join("、"))
    }

    fn pass_as_value(&self, value: &str, write: &str) -> String {
        format!("要把 '{value}' 当作值传入，请写 '{write}'")
    }

    fn exists_in(&self, usage: &str) -> String {
        format!("可以用 '{usage}'")
    }

    fn remove_double_dash(&self, name: &str) -> String {
        format!("'{name}' 是子命令；要使用它，请去掉它前面的 '--'")
    }

    fn not_a_whole_number(&self, text: &str) -> String {
        format!("'{text}' 不是整数")
    }

    fn number_out_of_range(&self, text: &str, lo: u64, hi: u64) -> String {
        format!("{text} 不在 {lo}..={hi} 之内")
    }

    fn no_lesson_named(&self, name: &str, library: &str, names: &[String]) -> String {
        if names.is_empty() {
            format!(
                "{library}中没有叫 '{name}' 的课程；那里一个课程也没有（一个课程是一个 NAME.toml 文件）"
            )
        } else {
            format!(
                "{library}中没有叫 '{name}' 的课程；课程有：{}",
                names.join("、")
            )
        }
    }

    fn lesson_library(&self, dir: Option<&Path>) -> String {
        match dir {
            None => "内置课程".into(),
            Some(d) => format!("{} 里的课程", d.display()),
        }
    }
}
