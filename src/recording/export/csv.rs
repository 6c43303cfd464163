//! CSV (RFC 4180): a header, then one row per event of the recording, in
//! the recording's order, lines ending CRLF. A field holding a comma, a
//! double quote, CR or LF is quoted, its quotes doubled; nothing else is.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or CR before one) as a formula, and an item's label, a line a
//! program printed or a note is text anyone could have chosen. So a text
//! column's field that starts with one of those gets a `'` in front and is
//! quoted (OWASP's advice against CSV injection): `"'=1+2"`. The numeric
//! columns are written as they are, so a negative number stays a number.
//!
//! | column | what |
//! | --- | --- |
//! | `run` | which run of the recording, from 1 |
//! | `n` | the record's number in the recording |
//! | `t_us` | microseconds since the recording's first run started, 3 decimals |
//! | `proc` | the process's number in its run (empty for the supervisor) |
//! | `name` | `writer-1`, `reader-1`, `sender`, `counter-3`, `supervisor` |
//! | `role` | `writer`, `reader`, `sender`, `receiver`, `counter`, `supervisor` (empty if the spawn is missing) |
//! | `pid` | the process's pid |
//! | `ev` | the event's kind, as in the recording (`put`, `get_wait`, `recv_eof`, ...) |
//! | `item` | the item's label, if any |
//! | `seq` | puts/gets: the item's number; sends/recvs: the message's number |
//! | `depth` | queue depth right after the event, where known |
//! | `detail` | the rest, by kind: `code=0`, `signal=15 (SIGTERM)`, `target=PID signal=...`, `done=N value=V`, a note in words, a printed line |
//!
//! A gap (records the recording had to leave out) is a row too: `ev` is
//! `gap`, `t_us` empty, `detail` `left_out=N`. Empty means "none".

use std::borrow::Cow;
use std::io::{self, Write};

use super::{Index, RunIter, micros};
use crate::stream::{Body, Ended, Event, Kind, Note, PipeCall, PipeEnd, Record, SUPERVISOR};
use crate::text::{note_text, signal_name};

/// The header row.
pub const COLUMNS: [&str; 12] = [
    "run", "n", "t_us", "proc", "name", "role", "pid", "ev", "item", "seq", "depth", "detail",
];

/// Which columns hold text (`name`, `role`, `ev`, `item`, `detail`): only
/// these are guarded against formula injection ([`text_field`]).
const TEXT: [bool; 12] = [
    false, false, false, false, true, true, false, true, true, false, false, true,
];

/// Writes the CSV of `records` to `out`; returns the number of data rows.
pub fn write(records: &[Record], out: &mut impl Write) -> io::Result<usize> {
    let ix = Index::of(records);
    write_row(out, COLUMNS.iter().map(|c| quote(c)))?;
    let mut rows = 0;
    for (run, r) in RunIter::new(records) {
        let row = match &r.body {
            Body::Event(e) => event_row(&ix, run, r.n, e),
            Body::Gap(left) => {
                let mut row: [String; 12] = Default::default();
                row[0] = (run + 1).to_string();
                row[1] = r.n.to_string();
                row[7] = "gap".into();
                row[11] = format!("left_out={left}");
                row
            }
            Body::Run(_) | Body::Observation(_) | Body::Tick(_) => continue,
        };
        let fields = row
            .iter()
            .zip(TEXT)
            .map(|(f, text)| if text { text_field(f) } else { quote(f) });
        write_row(out, fields)?;
        rows += 1;
    }
    Ok(rows)
}

fn event_row(ix: &Index, run: usize, n: u64, e: &Event) -> [String; 12] {
    let (name, role) = ix.proc(run, e.child, e.pid);
    let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    [
        (run + 1).to_string(),
        n.to_string(),
        micros(ix.rel_ns(e.t_ns)),
        if e.child == SUPERVISOR {
            String::new()
        } else {
            e.child.to_string()
        },
        name,
        role.map_or("", |r| r.as_str()).to_string(),
        e.pid.to_string(),
        e.kind.name().to_string(),
        e.item.clone().unwrap_or_default(),
        opt(e.seq),
        opt(e.depth.map(u64::from)),
        detail(&e.kind),
    ]
}

/// The `detail` column: what the kind carries beyond the other columns.
pub fn detail(kind: &Kind) -> String {
    let sig = |s: i32| format!("signal={s} ({})", signal_name(s));
    match kind {
        Kind::Exit {
            ended: Ended::Code(c),
        } => format!("code={c}"),
        Kind::Exit {
            ended: Ended::Signal(s),
        } => sig(*s),
        Kind::Kill { target, signal } => format!("target={target} {}", sig(*signal)),
        Kind::Recovered {
            dead,
            by,
            held_lock,
            lost,
        } => {
            let mut d = format!("dead={dead} by={by} held_lock={held_lock}");
            if let Some(l) = lost {
                d.push_str(&format!(" lost={l}"));
            }
            d
        }
        Kind::Count { done, value } => format!("done={done} value={value}"),
        Kind::Output { text } => text.clone(),
        Kind::Note { note } => format!("{}: {}", note_tag(note), note_text(note)),
        Kind::MaxsizeSet { maxsize } => format!("maxsize={maxsize}"),
        Kind::DelayScaled { scale } => format!("scale={scale}"),
        Kind::SlowMotion { factor } => format!("factor={factor}"),
        Kind::Missed { puts, gets } => format!("puts={puts} gets={gets}"),
        Kind::Program(op) => op.detail(),
        Kind::EndClosed { end } => format!("end={}", end_name(*end)),
        Kind::WrongWay { call, error } => format!("call={} error={error}", call_name(*call)),
        Kind::ValueRead {
            cell,
            value,
            locked,
        } => format!("cell={cell} value={value} locked={locked}"),
        Kind::ValueAdd { register } => format!("register={register}"),
        Kind::ValueWrite { cell, value, old } => format!(
            "cell={cell} value={value} old={old} lost={}",
            old.wrapping_sub(*value).wrapping_add(1)
        ),
        Kind::LockWait { holder } => format!("holder={holder}"),
        Kind::FlushWait { left } => format!("left={left}"),
        Kind::LockSet { on } => format!("on={on}"),
        Kind::LockRecovered { dead } => format!("dead={dead}"),
        Kind::PutFull { wait, then } | Kind::GetEmpty { wait, then } => match wait {
            Some(w) => format!("wait={w} then={}", then.name()),
            None => format!("then={}", then.name()),
        },
        Kind::PolicySet { role, policy } => format!(
            "role={} wait={} then={}",
            role.as_str(),
            policy.wait,
            policy.then.name()
        ),
        Kind::Join { target } | Kind::Joined { target } => format!("target={target}"),
        Kind::ParentHold { on } => format!("on={on}"),
        Kind::LockTaken
        | Kind::Spawn { .. }
        | Kind::PutWait
        | Kind::Put
        | Kind::Buffered
        | Kind::GetWait
        | Kind::Get
        | Kind::Send
        | Kind::SendWait
        | Kind::Recv
        | Kind::RecvWait
        | Kind::RecvEof
        | Kind::Exiting
        | Kind::GaveUp
        | Kind::Frozen
        | Kind::Resumed
        | Kind::Stepped
        | Kind::Reply
        | Kind::GotReply => String::new(),
    }
}

fn end_name(end: PipeEnd) -> &'static str {
    match end {
        PipeEnd::Send => "send",
        PipeEnd::Recv => "recv",
    }
}

fn call_name(call: PipeCall) -> &'static str {
    match call {
        PipeCall::Send => "send",
        PipeCall::Recv => "recv",
    }
}

/// A note's name in the recording.
fn note_tag(note: &Note) -> &'static str {
    match note {
        Note::Interrupted => "interrupted",
        Note::DrainTimeout { .. } => "drain_timeout",
        Note::ForgottenSendEnd { .. } => "forgotten_send_end",
        Note::NoProgress { .. } => "no_progress",
        Note::CouldNotDo { .. } => "could_not_do",
        Note::Failed { .. } => "failed",
        Note::AtLimit { .. } => "at_limit",
        Note::NoSlotLeft { .. } => "no_slot_left",
        Note::OwnSendEnd { .. } => "own_send_end",
        Note::Deadlock { .. } => "deadlock",
        Note::JoinBeforeDrain { .. } => "join_before_drain",
        Note::BufferLost { .. } => "buffer_lost",
    }
}

fn write_row<'a>(
    out: &mut impl Write,
    fields: impl Iterator<Item = Cow<'a, str>>,
) -> io::Result<()> {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(f.as_bytes())?;
    }
    out.write_all(b"\r\n")
}

/// A field as RFC 4180 writes it: quoted (quotes doubled) when it holds a
/// comma, a double quote, CR or LF; as is otherwise.
pub fn quote(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

/// A text column's field, safe to open in a spreadsheet: one that starts
/// with `=`, `+`, `-`, `@`, a tab or CR gets a `'` in front and is quoted,
/// its quotes doubled (OWASP's advice against CSV injection), so the cell
/// shows the text instead of running it; others as [`quote`] writes them.
pub fn text_field(field: &str) -> Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("\"'{}\"", field.replace('"', "\"\"")))
    } else {
        quote(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Role;

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted_and_others_not() {
        assert_eq!(quote("url_1"), "url_1");
        assert_eq!(quote(""), "");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn text_starting_like_a_formula_gets_a_quote_in_front_and_is_quoted() {
        for (field, want) in [
            ("=1+2", "\"'=1+2\""),
            ("+1", "\"'+1\""),
            ("-1", "\"'-1\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            (
                "=HYPERLINK(\"x\",\"y\")",
                "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
            ),
        ] {
            assert_eq!(text_field(field), want, "{field:?}");
        }
        // Elsewhere in the text, or not at the start: as RFC 4180 has it.
        assert_eq!(text_field("url_1"), "url_1");
        assert_eq!(text_field("a=b"), "a=b");
        assert_eq!(text_field(" =1"), " =1");
        assert_eq!(text_field(""), "");
        assert_eq!(text_field("a,-b"), "\"a,-b\"");
    }

    #[test]
    fn a_negative_number_in_a_numeric_column_stays_a_number_and_text_beside_it_is_guarded() {
        let recs = vec![Record {
            n: 0,
            body: Body::Event(
                Event::new(0, 0, -1, Kind::Output { text: "-1".into() }).with_item("=cmd"),
            ),
        }];
        let mut out = Vec::new();
        write(&recs, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let row = text.split("\r\n").nth(1).unwrap();
        assert_eq!(row, "1,0,0.000,0,proc-0,,-1,output,\"'=cmd\",,,\"'-1\"");
    }

    #[test]
    fn rows_name_the_process_from_its_spawn_even_when_it_comes_later() {
        let recs = vec![
            Record {
                n: 0,
                body: Body::Event(
                    Event::new(2_500, 0, 42, Kind::Put)
                        .with_item("url_1")
                        .with_seq(1),
                ),
            },
            Record {
                n: 1,
                body: Body::Event(Event::new(
                    3_000,
                    0,
                    42,
                    Kind::Spawn {
                        name: "writer-1".into(),
                        role: Role::Writer,
                    },
                )),
            },
            Record {
                n: 2,
                body: Body::Gap(3),
            },
        ];
        let mut out = Vec::new();
        assert_eq!(write(&recs, &mut out).unwrap(), 3);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(lines[1], "1,0,0.000,0,writer-1,writer,42,put,url_1,1,,");
        assert_eq!(lines[2], "1,1,0.500,0,writer-1,writer,42,spawn,,,,");
        assert_eq!(lines[3], "1,2,,,,,,gap,,,,left_out=3");
        assert_eq!(lines[4], "", "the last row ends with CRLF too");
    }

    #[test]
    fn detail_says_how_a_process_ended_and_what_a_signal_was() {
        assert_eq!(
            detail(&Kind::Exit {
                ended: Ended::Signal(15)
            }),
            "signal=15 (SIGTERM)"
        );
        assert_eq!(
            detail(&Kind::Kill {
                target: 7,
                signal: 9
            }),
            "target=7 signal=9 (SIGKILL)"
        );
        assert!(
            detail(&Kind::Note {
                note: Note::DrainTimeout { left: 2 }
            })
            .starts_with("drain_timeout: ")
        );
    }
}
