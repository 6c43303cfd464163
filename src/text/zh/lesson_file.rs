//! 课程文件哪里写错了（中文）。TOML 的键、Python 名称、动作和揭示条件照原样
//! 写成代码。

use std::fmt::Display;

use super::{Zh, list};
use crate::lesson::{Bound, Found, Never, Syntax, Want, roles_of};
use crate::model::ScenarioKind;
use crate::stream::Role;
use crate::stream::lesson::{ACTION_FORMS, LineMismatch, Op, ProgramRole, REVEAL_FORMS, TextError};
use crate::text::words::{LessonFileWords, NoticeWords, ScreenWords};

/// `a`、`b`、`c`，加反引号。
fn keys(names: &[String]) -> String {
    list(&names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>())
}

/// 代码名称之间用顿号：writer、reader。
fn names(items: &[&str]) -> String {
    items.join("、")
}

/// `s` after a Chinese word: a space first when it starts with a Latin
/// letter or a digit (`应该是 true 或 false`).
fn spaced(s: &str) -> String {
    if s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!(" {s}")
    } else {
        s.to_string()
    }
}

impl Zh {
    /// 进程角色：中文名加代码名，例如「写进程（writer）」。
    fn role(&self, role: Role) -> String {
        format!("{}（{}）", self.role_name(role), role.as_str())
    }

    /// 场景类型：例如「队列（queue）」。
    fn run(&self, kind: ScenarioKind) -> String {
        let code = match kind {
            ScenarioKind::Queue => "queue",
            ScenarioKind::Pipe => "pipe",
            ScenarioKind::Counter => "counter",
            ScenarioKind::Program => "program",
        };
        format!("{}（{code}）", self.scenario_name(kind))
    }
}

impl LessonFileWords for Zh {
    fn cannot_read_lesson(&self, why: &str) -> String {
        format!("无法读取课程文件：{why}")
    }

    fn cannot_read_lessons_folder(&self, why: &str) -> String {
        format!("无法读取课程文件夹：{why}")
    }

    fn cannot_read_program(&self, path: &str, why: &str) -> String {
        format!("无法读取程序 {path}（课程文件指定的、放在它旁边的程序）：{why}")
    }

    fn not_the_built_in_program(&self, file: &str, named: &str) -> String {
        format!("内置课程的程序是它旁边的 {file}，不是 {named}")
    }

    fn toml_syntax(&self, s: &Syntax) -> String {
        let what = match s {
            Syntax::FullWidth { found, ascii } => format!(
                "`{found}` 是全角（中文）符号；引号外面 TOML 只认半角符号，这里请写 `{ascii}`"
            ),
            Syntax::Unquoted => {
                "文字要放在引号里，例如 \"maxsize 2\"（数字、true 和 false 不用引号）".into()
            }
            Syntax::MissingComma => "两项之间少了逗号 `,`".into(),
            Syntax::NoValue => {
                "这个键后面缺少 `= 值`（键是一个词：用 `_` 连接，不要用空格）".into()
            }
            Syntax::UnclosedString { quote } => {
                format!("这个字符串没有结束：请在同一行用 `{quote}` 结束它")
            }
            Syntax::Unclosed { close } => {
                format!("缺少 `{close}`：前面打开的括号在这里之前没有关上")
            }
            Syntax::Other(detail) => format!("toml 的原话是 \"{detail}\""),
        };
        format!("TOML 语法错误：{what}")
    }

    fn duplicate_key(&self, key: &str) -> String {
        format!("`{key}` 写了两次：同一个表里每个键只能写一次")
    }

    fn unknown_key(&self, key: &str, allowed: &[String]) -> String {
        if allowed.is_empty() {
            format!("未知的键 `{key}`：这里不能写任何键")
        } else {
            format!("未知的键 `{key}`：这里可以写的键是 {}", keys(allowed))
        }
    }

    fn missing_key(&self, key: &str) -> String {
        format!("缺少键 `{key}`：这个表必须写它")
    }

    fn wrong_kind(&self, key: Option<&str>, want: Want, found: &Found) -> String {
        let (want, found) = (spaced(self.want(want)), spaced(&self.found(found)));
        match key {
            Some(k) => format!("`{k}` 应该是{want}，而这里是{found}"),
            None => format!("这里应该是{want}，而不是{found}"),
        }
    }

    fn want(&self, want: Want) -> &'static str {
        match want {
            Want::Text => "一段文本：{ en = \"...\", zh = \"...\" }",
            Want::Sentence => "引号里的一句话",
            Want::WholeNumber => "整数",
            Want::Seconds => "秒数",
            Want::Delay => "延时：引号里的秒数范围 \"A..B\"（例如 \"0.5..1\"），或一个秒数",
            Want::TrueFalse => "true 或 false",
            Want::FileName => "引号里的程序文件名，例如 \"queue_demo.py\"",
            Want::Action => "引号里的动作，例如 \"maxsize 2\"",
            Want::Actions => "动作列表，例如 [\"maxsize 2\", \"add_reader\"]",
            Want::Reveal => "引号里的揭示条件，例如 \"writer blocks in put\"",
            Want::Scenario => {
                "一个表：[scenario.queue]、[scenario.pipe] 或 [scenario.counter]，\
                 选项写在它下面"
            }
            Want::Options => "场景选项的表，例如 maxsize = 2",
            Want::Lines => "程序各部分的表，例如 writer = { put = 6 }",
            Want::PartLines => "各操作所在行号的表，例如 { put = 6, sleep = 7 }",
            Want::Scenes => "场景列表：一个个 [[scenes]] 表，每个都有 caption",
            Want::Scene => "一个场景：带 caption 的 [[scenes]] 表",
            Want::Question => {
                "一道题：写有 prompt、choices、answer 和 reveal 的 [scenes.question] 表"
            }
            Want::Choices => "2 到 4 段文本的列表",
            Want::Lesson => "一个课程：title、program、[scenario] 和 [[scenes]]",
        }
    }

    fn found(&self, found: &Found) -> String {
        match found {
            Found::WholeNumber(n) => format!("整数 {n}"),
            Found::Number(x) => format!("小数 {x}"),
            Found::TrueFalse(b) => format!("布尔值 {b}"),
            Found::Str(s) => format!("字符串 {s}"),
            Found::List => "列表".into(),
            Found::Table => "表".into(),
            Found::Other => "别的内容".into(),
        }
    }

    fn unreadable(&self, detail: &str) -> String {
        format!("无法读取这个值（toml 的原话：\"{detail}\"）")
    }

    fn unreadable_number(&self, key: Option<&str>) -> String {
        let why = "TOML 无法读取（太大，或者写法不是数字）";
        match key {
            Some(k) => format!("`{k}` 的数字 {why}"),
            None => format!("这个数字 {why}"),
        }
    }

    fn text_problem(&self, e: TextError) -> String {
        let both = "每段文本都要写英文（en）和中文（zh）两种";
        match e {
            TextError::Neither => format!("这段文本既没有 `en` 也没有 `zh`：{both}"),
            TextError::Missing(l) => format!("这段文本缺少 `{}`：{both}", l.code()),
            TextError::Empty(l) => format!("这段文本的 `{}` 是空的：{both}", l.code()),
        }
    }

    fn scenario_count(&self, n: usize) -> String {
        let which = "[scenario.queue]、[scenario.pipe] 或 [scenario.counter]";
        if n == 0 {
            format!("请写且只写一个场景类型：{which}")
        } else {
            format!("只能写一个场景类型，这里写了 {n} 个：{which}")
        }
    }

    fn option_out_of_range(&self, key: &str, value: i128, lo: u64, hi: u64) -> String {
        format!("{key} = {value} 超出范围：应为 {lo} 到 {hi}")
    }

    fn close_unused_needs_inherit(&self) -> &'static str {
        "close_unused 需要 inherit = true：不继承的话，没有子进程持有它不用的那一端"
    }

    fn option_needs_duplex(&self, option: &str) -> String {
        format!(
            "{option} = true 需要 duplex = true：回复要从接收方那一端发回去，而单向管道的接收端只能接收"
        )
    }

    fn drain_first_needs_parent_reads(&self) -> &'static str {
        "'drain_first' 需要在 [scenario.queue] 里写 readers = 0 和 items：只有这样父进程才会自己读队列"
    }

    fn feeder_with_maxsize(&self) -> &'static str {
        "maxsize 不能和 python_feeder = true 一起用：feeder 模拟的是 Python 的 Queue()（不限大小），\
         管道能放多少项由 pipe_holds 决定"
    }

    fn full_speed_with_step_delay(&self) -> &'static str {
        "full_speed = true 不能和 step_delay 一起用：全速运行时步骤之间没有停顿"
    }

    fn nowait_with_timeout(&self, op: &str) -> String {
        format!(
            "nowait_{op} = true 不能和 {op}_timeout 一起用：\
             block=False 从不等待，所以没有超时"
        )
    }

    fn bad_seconds(&self, key: &str, why: &dyn Display) -> String {
        format!("{key}：{why}")
    }

    fn no_program_name(&self) -> String {
        "program 是空的：请写上课程文件旁边的 .py 文件名".into()
    }

    fn empty_program(&self, name: &str) -> String {
        format!("{name} 是空文件")
    }

    fn unknown_part(&self, name: &str, parts: &[&str]) -> String {
        format!("[lines] 里不能写 `{name}`：程序的部分只有 {}", names(parts))
    }

    fn no_such_op(&self, role: ProgramRole, op: &str, ops: &[&str]) -> String {
        format!("行号表里的 `{role}` 没有 `{op}`：它的操作是 {}", names(ops))
    }

    fn line_from_one(&self, role: ProgramRole, op: Op, line: i128) -> String {
        format!("lines.{role}.{op} = {line}：行号从 1 开始")
    }

    fn line_past_end(
        &self,
        role: ProgramRole,
        op: Op,
        line: i128,
        program: &str,
        count: usize,
    ) -> String {
        format!("lines.{role}.{op} = {line} 超出了 {program} 的末尾（共 {count} 行）")
    }

    fn line_lacks_call(&self, m: &LineMismatch, program: &str) -> String {
        let wants: Vec<String> = m.expected.iter().map(|e| format!("`{e}`")).collect();
        let what = if wants.is_empty() {
            "一行代码".to_string()
        } else {
            format!("含有 {} 的行", wants.join(" 或 "))
        };
        format!(
            "lines.{}.{} = {}：{program} 的第 {} 行是 `{}`，不是{what}",
            m.role, m.op, m.line, m.line, m.text
        )
    }

    fn no_scenes(&self) -> String {
        "一个课程至少要有一个场景（带 caption 的 [[scenes]]）".into()
    }

    fn choice_count(&self, n: usize) -> String {
        format!("一道题要有 2 到 4 个选项；这道题有 {n} 个")
    }

    fn answer_out_of_range(&self, answer: i128, choices: usize) -> String {
        format!("answer = {answer} 超出范围：请选 1 到 {choices}（选项从 1 开始数）")
    }

    fn not_an_action(&self, phrase: &str) -> String {
        format!("'{phrase}' 不是动作：请写以下之一：{ACTION_FORMS}")
    }

    fn maxsize_takes(&self, phrase: &str, max: u32) -> String {
        format!("'{phrase}'：maxsize 后面要写 0（不限大小）到 {max} 的整数")
    }

    fn array_takes(&self, phrase: &str, max: u32) -> String {
        format!("'{phrase}'：array 后面要写 1 到 {max} 的格数（0 表示 Value）")
    }

    fn policy_takes(&self, phrase: &str, max: f64) -> String {
        format!(
            "'{phrase}'：后面要写 block、nowait（block=False）或 timeout S，\
             S 是 0（立刻抛出）到 {max} 的秒数"
        )
    }

    fn then_takes(&self, phrase: &str) -> String {
        format!("'{phrase}'：后面要写 retry 或 give_up")
    }

    fn slow_motion_takes(&self, phrase: &str, lo: f64, hi: f64) -> String {
        format!("'{phrase}'：slow_motion 后面要写 {lo} 到 {hi} 之间的倍数")
    }

    fn not_a_role(&self, phrase: &str, word: &str, roles: &[&str]) -> String {
        format!("'{phrase}'：'{word}' 不是进程角色：可以写 {}", names(roles))
    }

    fn action_needs_option(&self, action: &str, option: &str) -> String {
        let why = if option == "inherit" {
            "不继承的话，没有子进程持有它不用的那一端"
        } else {
            "否则父进程在启动子进程后马上就关掉了自己的副本"
        };
        format!("'{action}' 需要在 [scenario.pipe] 里写 {option} = true：{why}")
    }

    fn action_needs(&self, action: &str, needs: ScenarioKind, is: ScenarioKind) -> String {
        format!(
            "'{action}' 只能用于{}场景；这个课程是{}场景",
            self.run(needs),
            self.run(is)
        )
    }

    fn no_such_process(&self, scenario: ScenarioKind, role: Role) -> String {
        let there: Vec<String> = roles_of(scenario).iter().map(|r| self.role(*r)).collect();
        format!(
            "{}场景里没有{}：它的进程是{}",
            self.run(scenario),
            self.role(role),
            there.join("和")
        )
    }

    fn action_no_such_process(&self, action: &str, scenario: ScenarioKind, role: Role) -> String {
        format!("'{action}'：{}", self.no_such_process(scenario, role))
    }

    fn not_a_reveal(&self, phrase: &str) -> String {
        format!("'{phrase}' 不是揭示条件：请写以下之一：{REVEAL_FORMS}")
    }

    fn blocks_in(&self, phrase: &str, role: Role, op: Op, written: &str) -> String {
        let r = role.as_str();
        format!(
            "'{phrase}'：{}阻塞在 {op}，不是 '{written}'（请写：{r} blocks in {op}）",
            self.role(role)
        )
    }

    fn never_blocks(&self, phrase: &str, role: Role) -> String {
        format!("'{phrase}'：{}从不阻塞", self.role(role))
    }

    fn not_a_count(&self, phrase: &str, word: &str) -> String {
        format!("'{phrase}'：'{word}' 不是整数（要写 0 或更大的整数）")
    }

    fn never_holds(&self, reveal: &str, why: &Never) -> String {
        let why = match why {
            Never::NoSuchProcess { scenario, role } => self.no_such_process(*scenario, *role),
            Never::PutNowait => {
                "这个场景里写进程用 block=False（nowait_put）或 timeout 0 放入，从不等待".into()
            }
            Never::Unbounded => "这个场景里队列不限大小（maxsize 0），put 从不等待；\
                                 请先在 [scenario.queue] 里设置 maxsize，或用 `maxsize N` 动作"
                .into(),
            Never::GetNowait => {
                "这个场景里读进程用 block=False（nowait_get）或 timeout 0 取出，从不等待".into()
            }
            Never::NoReader => "这个场景里没有读进程在运行（可以用 `add_reader` 加一个）".into(),
            Never::PutWaitsForever => {
                "这个场景里写进程会一直等到队列有空位；请设置 put_timeout 或 nowait_put，\
                 或用 put_policy 动作切换"
                    .into()
            }
            Never::UnboundedFull => "这个场景里队列不限大小（maxsize 0）；请设置 maxsize".into(),
            Never::GetWaitsForever => {
                "这个场景里读进程会一直等到有数据项；请设置 get_timeout 或 nowait_get，\
                 或用 get_policy 动作切换"
                    .into()
            }
            Never::NotAQueue(k) => format!(
                "queue.Full 和 queue.Empty 由队列抛出；这个课程是{}场景",
                self.run(*k)
            ),
            Never::ForgetClose => {
                "forget_close 让父进程一直留着发送端的副本，所以 recv 永远等不到 EOF\
                                   （`close_parent_end` 动作会关掉它）"
                    .into()
            }
            Never::OwnSendEnd => {
                "接收进程留着它继承来的发送端副本（inherit 而没有 close_unused），\
                                  所以 recv 永远等不到 EOF（`close_unused on` 动作就是解决办法）"
                    .into()
            }
            Never::OneWayTraffic => "这个管道上发送方只发送、接收方只接收；\
                                     要反方向通信，请写 echo = true（或 both_recv = true）"
                .into(),
            Never::NotAPipe(k) => format!(
                "EOFError 由管道的 recv 抛出；这个课程是{}场景",
                self.run(*k)
            ),
            Never::LockHeld => "这个场景里计数进程持有 Value 的锁（先用 `lock off`）".into(),
            Never::OneCounter => "只有一个计数进程不会丢失更新；请设置 procs = 2 或更多".into(),
            Never::OwnCells { procs, cells } => {
                format!("{procs} 个计数进程、Array 有 {cells} 格：每个进程各有自己的一格")
            }
            Never::NotACounter(k) => format!(
                "丢失更新发生在共享 Value 上；这个课程是{}场景",
                self.run(*k)
            ),
            Never::AtMost { most, bound } => match bound {
                Bound::Items { writers, items } => {
                    format!("最多只会放入 {most} 个数据项（{writers} 个写进程 x 每个 {items} 项）")
                }
                Bound::Messages => format!("最多只会发送 {most} 条消息"),
                Bound::Increments { procs, increments } => {
                    format!("最多只会加一 {most} 次（{procs} 个计数进程 x 每个 {increments} 次）")
                }
            },
        };
        format!("'{reveal}' 在这里永远不会成立：{why}")
    }
}
