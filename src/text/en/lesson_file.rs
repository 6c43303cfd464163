//! What is wrong with a lesson file, in English.

use std::fmt::Display;

use super::En;
use crate::lesson::{Bound, Found, Never, Syntax, Want, roles_of};
use crate::model::ScenarioKind;
use crate::stream::Role;
use crate::stream::lesson::{ACTION_FORMS, LineMismatch, Op, ProgramRole, REVEAL_FORMS, TextError};
use crate::text::words::{LessonFileWords, NoticeWords};

/// `a`, `b` and `c` in backticks.
fn keys(names: &[String]) -> String {
    let ticked: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match ticked.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl LessonFileWords for En {
    fn cannot_read_lesson(&self, why: &str) -> String {
        format!("cannot read the lesson file: {why}")
    }

    fn cannot_read_lessons_folder(&self, why: &str) -> String {
        format!("cannot read the lessons folder: {why}")
    }

    fn cannot_read_program(&self, path: &str, why: &str) -> String {
        format!("cannot read the program {path} (named beside the lesson file): {why}")
    }

    fn not_the_built_in_program(&self, file: &str, named: &str) -> String {
        format!("a built-in lesson's program is {file} (beside it), not {named}")
    }

    fn toml_syntax(&self, s: &Syntax) -> String {
        let what = match s {
            Syntax::FullWidth { found, ascii } => format!(
                "`{found}` is a full-width (Chinese) character; outside quotes TOML needs \
                 the plain `{ascii}`"
            ),
            Syntax::Unquoted => "a text must be in quotes, like \"maxsize 2\" \
                                 (numbers, true and false need none)"
                .into(),
            Syntax::MissingComma => "a comma `,` is missing between two items".into(),
            Syntax::NoValue => {
                "this key has no `= value` (a key is one word: use `_`, not spaces)".into()
            }
            Syntax::UnclosedString { quote } => {
                format!("this string is not closed: end it with `{quote}` on the same line")
            }
            Syntax::Unclosed { close } => {
                format!("`{close}` is missing: something opened above is not closed before here")
            }
            Syntax::Other(detail) => format!("toml says \"{detail}\""),
        };
        format!("TOML syntax: {what}")
    }

    fn duplicate_key(&self, key: &str) -> String {
        format!("`{key}` is given twice: a key is written once in its table")
    }

    fn unknown_key(&self, key: &str, allowed: &[String]) -> String {
        if allowed.is_empty() {
            format!("unknown key `{key}`: nothing goes here")
        } else {
            format!("unknown key `{key}`: the keys here are {}", keys(allowed))
        }
    }

    fn missing_key(&self, key: &str) -> String {
        format!("missing key `{key}`: this table needs it")
    }

    fn wrong_kind(&self, key: Option<&str>, want: Want, found: &Found) -> String {
        let found = self.found(found);
        match key {
            Some(k) => format!("`{k}` should be {}, not {found}", self.want(want)),
            None => format!("this should be {}, not {found}", self.want(want)),
        }
    }

    fn want(&self, want: Want) -> &'static str {
        match want {
            Want::Text => "a text: { en = \"...\", zh = \"...\" }",
            Want::Sentence => "a sentence in quotes",
            Want::WholeNumber => "a whole number",
            Want::Seconds => "a number of seconds",
            Want::Delay => "a delay: \"A..B\" in seconds (like \"0.5..1\") or a number of seconds",
            Want::TrueFalse => "true or false",
            Want::FileName => "the program's file name in quotes, like \"queue_demo.py\"",
            Want::Action => "an action in quotes, like \"maxsize 2\"",
            Want::Actions => "a list of actions, like [\"maxsize 2\", \"add_reader\"]",
            Want::Reveal => "a reveal condition in quotes, like \"writer blocks in put\"",
            Want::Scenario => {
                "a table: [scenario.queue], [scenario.pipe] or [scenario.counter], \
                 with its options below it"
            }
            Want::Options => "a table of the scenario's options, like maxsize = 2",
            Want::Lines => "a table of the program's parts, like writer = { put = 6 }",
            Want::PartLines => "a table of operations' line numbers, like { put = 6, sleep = 7 }",
            Want::Scenes => "a list of scenes: [[scenes]] tables, each with a caption",
            Want::Scene => "a scene: a [[scenes]] table with a caption",
            Want::Question => {
                "a question: a [scenes.question] table with prompt, choices, answer and reveal"
            }
            Want::Choices => "a list of 2 to 4 texts",
            Want::Lesson => "a lesson: title, program, [scenario] and [[scenes]]",
        }
    }

    fn found(&self, found: &Found) -> String {
        match found {
            Found::WholeNumber(n) => format!("the whole number {n}"),
            Found::Number(x) => format!("the number {x}"),
            Found::TrueFalse(b) => b.clone(),
            Found::Str(s) => format!("the string {s}"),
            Found::List => "a list".into(),
            Found::Table => "a table".into(),
            Found::Other => "something else".into(),
        }
    }

    fn unreadable(&self, detail: &str) -> String {
        format!("cannot read this value (toml says: \"{detail}\")")
    }

    fn unreadable_number(&self, key: Option<&str>) -> String {
        let what = "a number TOML cannot read (too big, or not written as a number)";
        match key {
            Some(k) => format!("`{k}` holds {what}"),
            None => format!("this is {what}"),
        }
    }

    fn text_problem(&self, e: TextError) -> String {
        let both = "every text is written in English (en) and Chinese (zh)";
        match e {
            TextError::Neither => format!("this text has neither `en` nor `zh`: {both}"),
            TextError::Missing(l) => format!("this text has no `{}`: {both}", l.code()),
            TextError::Empty(l) => format!("this text's `{}` is empty: {both}", l.code()),
        }
    }

    fn scenario_count(&self, n: usize) -> String {
        let which = "[scenario.queue], [scenario.pipe] or [scenario.counter]";
        if n == 0 {
            format!("give exactly one scenario: {which}")
        } else {
            format!("give exactly one scenario, not {n}: {which}")
        }
    }

    fn option_out_of_range(&self, key: &str, value: i128, lo: u64, hi: u64) -> String {
        format!("{key} = {value} is out of range: {lo} to {hi}")
    }

    fn close_unused_needs_inherit(&self) -> &'static str {
        "close_unused needs inherit = true: without it no child holds an end it does not use"
    }

    fn option_needs_duplex(&self, option: &str) -> String {
        format!(
            "{option} = true needs duplex = true: a reply goes back through the receiver's end, \
             and a one-way pipe's receive end only receives"
        )
    }

    fn drain_first_needs_parent_reads(&self) -> &'static str {
        "'drain_first' needs readers = 0 and items in [scenario.queue]: only then does the \
         parent read the queue itself"
    }

    fn feeder_with_maxsize(&self) -> &'static str {
        "maxsize cannot be used with python_feeder = true: the feeder models Python's Queue() \
         (unbounded), and how many items its pipe holds is pipe_holds"
    }

    fn full_speed_with_step_delay(&self) -> &'static str {
        "full_speed = true cannot be used with step_delay: at full speed there is no pause \
         between steps"
    }

    fn nowait_with_timeout(&self, op: &str) -> String {
        format!(
            "nowait_{op} = true cannot be used with {op}_timeout: \
             block=False never waits, so it has no timeout"
        )
    }

    fn bad_seconds(&self, key: &str, why: &dyn Display) -> String {
        format!("{key}: {why}")
    }

    fn no_program_name(&self) -> String {
        "program is empty: name the .py file beside the lesson".into()
    }

    fn empty_program(&self, name: &str) -> String {
        format!("{name} is empty")
    }

    fn unknown_part(&self, name: &str, parts: &[&str]) -> String {
        format!(
            "[lines] has no part `{name}`: a program's parts are {}",
            parts.join(", ")
        )
    }

    fn no_such_op(&self, role: ProgramRole, op: &str, ops: &[&str]) -> String {
        format!(
            "a {role} has no `{op}` in a line map: its operations are {}",
            ops.join(", ")
        )
    }

    fn line_from_one(&self, role: ProgramRole, op: Op, line: i128) -> String {
        format!("lines.{role}.{op} = {line}: lines count from 1")
    }

    fn line_past_end(
        &self,
        role: ProgramRole,
        op: Op,
        line: i128,
        program: &str,
        count: usize,
    ) -> String {
        format!("lines.{role}.{op} = {line} is past the end of {program} ({count} lines)")
    }

    fn line_lacks_call(&self, m: &LineMismatch, program: &str) -> String {
        let wants: Vec<String> = m.expected.iter().map(|e| format!("`{e}`")).collect();
        let what = if wants.is_empty() {
            "a line of code".to_string()
        } else {
            format!("a line with {}", wants.join(" or "))
        };
        format!(
            "lines.{}.{} = {}: line {} of {program} is `{}`, not {what}",
            m.role, m.op, m.line, m.line, m.text
        )
    }

    fn no_scenes(&self) -> String {
        "a lesson has at least one scene ([[scenes]] with a caption)".into()
    }

    fn choice_count(&self, n: usize) -> String {
        format!("a question has 2 to 4 choices; this one has {n}")
    }

    fn answer_out_of_range(&self, answer: i128, choices: usize) -> String {
        format!(
            "answer = {answer} is out of range: choose 1 to {choices} (the choices count from 1)"
        )
    }

    fn not_an_action(&self, phrase: &str) -> String {
        format!("'{phrase}' is not an action: write one of {ACTION_FORMS}")
    }

    fn maxsize_takes(&self, phrase: &str, max: u32) -> String {
        format!("'{phrase}': maxsize takes a whole number from 0 (unbounded) to {max}")
    }

    fn array_takes(&self, phrase: &str, max: u32) -> String {
        format!("'{phrase}': array takes a number of cells from 1 to {max} (0: a Value)")
    }

    fn policy_takes(&self, phrase: &str, max: f64) -> String {
        format!(
            "'{phrase}': write block, nowait (block=False) or timeout S, \
             with S in seconds from 0 (raise at once) to {max}"
        )
    }

    fn then_takes(&self, phrase: &str) -> String {
        format!("'{phrase}': write retry or give_up")
    }

    fn slow_motion_takes(&self, phrase: &str, lo: f64, hi: f64) -> String {
        format!("'{phrase}': slow_motion takes a factor from {lo} to {hi}")
    }

    fn not_a_role(&self, phrase: &str, word: &str, roles: &[&str]) -> String {
        let (last, rest) = roles.split_last().unwrap_or((&"", &[]));
        format!(
            "'{phrase}': '{word}' is not a role: {} or {last}",
            rest.join(", ")
        )
    }

    fn action_needs_option(&self, action: &str, option: &str) -> String {
        let why = if option == "inherit" {
            "without it no child holds an end it does not use"
        } else {
            "otherwise the parent closes its copy right after starting the children"
        };
        format!("'{action}' needs {option} = true in [scenario.pipe]: {why}")
    }

    fn action_needs(&self, action: &str, needs: ScenarioKind, is: ScenarioKind) -> String {
        format!(
            "'{action}' needs a {} run; this lesson's is {}",
            self.scenario_name(needs),
            self.scenario_name(is)
        )
    }

    fn no_such_process(&self, scenario: ScenarioKind, role: Role) -> String {
        let names: Vec<&str> = roles_of(scenario).iter().map(|r| r.as_str()).collect();
        format!(
            "a {} run has no {}: its processes are {}",
            self.scenario_name(scenario),
            role.as_str(),
            names.join(" and ")
        )
    }

    fn action_no_such_process(&self, action: &str, scenario: ScenarioKind, role: Role) -> String {
        format!("'{action}': {}", self.no_such_process(scenario, role))
    }

    fn not_a_reveal(&self, phrase: &str) -> String {
        format!("'{phrase}' is not a reveal condition: write one of {REVEAL_FORMS}")
    }

    fn blocks_in(&self, phrase: &str, role: Role, op: Op, written: &str) -> String {
        let r = role.as_str();
        format!("'{phrase}': a {r} blocks in {op}, not in '{written}' (write: {r} blocks in {op})")
    }

    fn never_blocks(&self, phrase: &str, role: Role) -> String {
        format!("'{phrase}': a {} never blocks", role.as_str())
    }

    fn not_a_count(&self, phrase: &str, word: &str) -> String {
        format!("'{phrase}': '{word}' is not a whole number (0 or more)")
    }

    fn never_holds(&self, reveal: &str, why: &Never) -> String {
        let run = |k: ScenarioKind| self.scenario_name(k);
        let why = match why {
            Never::NoSuchProcess { scenario, role } => self.no_such_process(*scenario, *role),
            Never::PutNowait => {
                "the writers put with block=False (nowait_put) or timeout 0 at this scene, \
                 which never waits"
                    .into()
            }
            Never::Unbounded => "the queue is unbounded (maxsize 0) at this scene, so a put \
                                 never waits; set maxsize in [scenario.queue] or a `maxsize N` \
                                 action first"
                .into(),
            Never::GetNowait => {
                "the readers get with block=False (nowait_get) or timeout 0 at this scene, \
                 which never waits"
                    .into()
            }
            Never::NoReader => "no reader runs at this scene (add one with `add_reader`)".into(),
            Never::PutWaitsForever => {
                "the writers wait for room forever at this scene; give put_timeout or \
                 nowait_put, or switch them with a put_policy action"
                    .into()
            }
            Never::UnboundedFull => {
                "the queue is unbounded (maxsize 0) at this scene; set maxsize".into()
            }
            Never::GetWaitsForever => {
                "the readers wait for an item forever at this scene; give get_timeout or \
                 nowait_get, or switch them with a get_policy action"
                    .into()
            }
            Never::NotAQueue(k) => format!(
                "queue.Full and queue.Empty are raised by a queue; this lesson's run is {}",
                run(*k)
            ),
            Never::ForgetClose => "forget_close keeps the parent's copy of the send end open, \
                                   so recv never sees EOF (a `close_parent_end` action closes it)"
                .into(),
            Never::OwnSendEnd => "the receiver keeps the copy of the send end it inherited \
                                  (inherit without close_unused), so recv never sees EOF \
                                  (a `close_unused on` action is the fix)"
                .into(),
            Never::OneWayTraffic => "on this pipe the sender only sends and the receiver only \
                                     receives; give echo = true (or both_recv = true) for the \
                                     other way"
                .into(),
            Never::NotAPipe(k) => format!(
                "EOFError is raised by a pipe's recv; this lesson's run is {}",
                run(*k)
            ),
            Never::LockHeld => {
                "the counters hold the Value's lock at this scene (`lock off` first)".into()
            }
            Never::OneCounter => "one counter alone loses no update; give procs = 2 or more".into(),
            Never::OwnCells { procs, cells } => format!(
                "{procs} counters on an Array of {cells} cells each have a cell of their own"
            ),
            Never::NotACounter(k) => format!(
                "lost updates happen to a shared Value; this lesson's run is {}",
                run(*k)
            ),
            Never::AtMost { most, bound } => match bound {
                Bound::Items { writers, items } => {
                    format!("at most {most} items are put ({writers} writers x {items} items)")
                }
                Bound::Messages => format!("at most {most} messages are sent"),
                Bound::Increments { procs, increments } => {
                    format!("at most {most} increments are made ({procs} x {increments})")
                }
            },
        };
        format!("'{reveal}' can never hold here: {why}")
    }
}
