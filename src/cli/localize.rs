//! The command line in the language asked for: the derive's
//! `clap::Command` with every help text taken from the tables
//! ([`CliWords`], keyed by what the text belongs to: [`help_key`],
//! [`arg_key`]), its `--help` finished here (clap's own headings and
//! `Usage:` said in the language, lines wrapped by display width so a
//! Chinese sentence breaks between characters and never past the
//! terminal), and clap's errors said in our words by [`Localized`].
//!
//! clap is built without `wrap_help` (it would wrap only at ASCII spaces,
//! so a Chinese sentence would run past the edge): clap lays the help out
//! unwrapped and [`finish_help`] wraps each line that is too long under
//! its own help column.

use std::fmt::Write as _;

use clap::builder::{StyledStr, Styles};
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, Command};

use crate::text::CliWords;
use crate::text::words::{Conflicting, Similar};
use crate::ui::width;

/// A usage error (exit 2), a help or the version (exit 0), said in the
/// thread's language ([`crate::text::lang`]) when it is printed.
pub type CliError = clap::error::Error<Localized>;

/// The widest help we print, even on a wider terminal: longer lines are
/// hard to read.
pub const MAX_HELP_WIDTH: usize = 100;

/// The help's width when stdout is not a terminal and `COLUMNS` is not
/// set (a file, a pipe, a test).
pub const DEFAULT_HELP_WIDTH: usize = 80;

/// The command line speaking `w`: `cmd` (the derive's) built, then every
/// about, help and value said from the table. A text the table lacks
/// stays as the derive says it (the tests make sure none does).
pub fn command(mut cmd: Command, w: &dyn CliWords) -> Command {
    // Built first, so clap's own `--help`, `--version` and `help` exist
    // to be said too.
    cmd.build();
    localize(cmd, w)
}

/// The table's key of `cmd`'s about: its name (`ipcscope`, `queue`).
pub fn help_key(cmd: &Command) -> String {
    cmd.get_name().to_string()
}

/// The table's key of `arg` in `cmd`: `Struct.field`, the struct of
/// `cli.rs` that declares it (clap's group of that struct; a struct that
/// flattens another gets an empty group, so an argument in no group
/// belongs to the command's one empty group), or `command.id` when no
/// struct is known. clap's own `--help` and `--version` are `--help`
/// (`--help/more` and `--help/summary` when there is a long help) and
/// `--version`.
pub fn arg_key(cmd: &Command, arg: &Arg) -> String {
    let id = arg.get_id().as_str();
    match (id, arg.get_long()) {
        ("help", Some("help")) if arg.get_long_help().is_some() => return "--help/more".into(),
        ("help", Some("help")) => return "--help".into(),
        ("version", Some("version")) => return "--version".into(),
        _ => {}
    }
    let declared = cmd
        .get_groups()
        .find(|g| g.get_args().any(|a| a == arg.get_id()));
    let owner = declared.or_else(|| {
        let mut empty = cmd.get_groups().filter(|g| g.get_args().next().is_none());
        match (empty.next(), empty.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    });
    let owner = owner.map_or(cmd.get_name(), |g| g.get_id().as_str());
    format!("{owner}.{id}")
}

/// `cmd` and every command under it, said by `w`.
fn localize(cmd: Command, w: &dyn CliWords) -> Command {
    let key = help_key(&cmd);
    let mut cmd = cmd;
    if cmd.get_about().is_some()
        && let Some(about) = w.help_text(&key)
    {
        cmd = cmd.about(about).long_about(None);
    }
    if cmd.get_after_help().is_some()
        && let Some(after) = w.help_text(&format!("{key}/after"))
    {
        cmd = cmd.after_help(after);
    }
    // Keys first: the closure below owns each argument in turn.
    let keys: Vec<String> = cmd.get_arguments().map(|a| arg_key(&cmd, a)).collect();
    let long = cmd.get_arguments().any(lists_values);
    let mut keys = keys.into_iter();
    cmd = cmd.mut_args(|arg| {
        let key = keys.next().unwrap_or_default();
        localize_arg(arg, &key, w, long)
    });
    cmd.mut_subcommands(|sub| localize(sub, w))
}

/// Whether `arg`'s long help lists its values one per line, each with its
/// help (clap does that for values that have a help; so do we).
fn lists_values(arg: &Arg) -> bool {
    !arg.is_hide_set()
        && !arg.is_hide_possible_values_set()
        && arg
            .get_possible_values()
            .iter()
            .any(|v| !v.is_hide_set() && v.get_help().is_some())
}

/// `arg`'s help from the table, with its default and its values said in
/// the language after it (clap's own `[default: ...]` and `[possible
/// values: ...]` are hidden: they are English). In a command whose
/// `--help` is long (`long`), the long help puts them on lines of their
/// own, as clap does.
fn localize_arg(arg: Arg, key: &str, w: &dyn CliWords, long: bool) -> Arg {
    if arg.is_hide_set() {
        return arg;
    }
    let text = match w.help_text(key) {
        Some(t) => t.to_string(),
        None => arg.get_help().map(|h| h.to_string()).unwrap_or_default(),
    };
    let mut specs = Vec::new();
    let defaults = arg.get_default_values();
    if arg.get_action().takes_values() && !arg.is_hide_default_value_set() && !defaults.is_empty() {
        let values: Vec<String> = defaults
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        specs.push(w.default_value(&values.join(" ")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let names: Vec<&str> = values.iter().map(String::as_str).collect();
    let listed = !arg.is_hide_possible_values_set() && !values.is_empty();
    let list = lists_values(&arg).then(|| value_list(&arg, key, w));

    let mut short = text.clone();
    let mut short_specs = specs.clone();
    if listed {
        short_specs.push(w.possible_values(&names));
    }
    for s in &short_specs {
        if !short.is_empty() {
            short.push(' ');
        }
        short.push_str(s);
    }
    let mut arg = arg
        .help(short)
        .hide_default_value(true)
        .hide_possible_values(true);
    if key == "--help/more"
        && let Some(summary) = w.help_text("--help/summary")
    {
        arg = arg.long_help(summary);
    }
    if long && (list.is_some() || !short_specs.is_empty()) {
        let mut paragraphs = vec![text];
        match list {
            Some(list) => paragraphs.push(list),
            None if listed => specs.push(w.possible_values(&names)),
            None => {}
        }
        if !specs.is_empty() {
            paragraphs.push(specs.join("\n"));
        }
        paragraphs.retain(|p| !p.is_empty());
        arg = arg.long_help(paragraphs.join("\n\n"));
    }
    arg
}

/// The long help's list of `arg`'s values, each with its help (from the
/// table, keyed `key/value`), aligned as clap aligns them.
fn value_list(arg: &Arg, key: &str, w: &dyn CliWords) -> String {
    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let longest = values
        .iter()
        .map(|v| width::width(v.get_name()))
        .max()
        .unwrap_or(0);
    let mut out = w.label(w.heading("Possible values").unwrap_or("Possible values"));
    for v in &values {
        let name = v.get_name();
        let _ = write!(out, "\n- {name}");
        let help = w
            .help_text(&format!("{key}/{name}"))
            .map(str::to_string)
            .or_else(|| v.get_help().map(|h| h.to_string()));
        if let Some(help) = help {
            let pad = longest - width::width(name);
            let _ = write!(out, ": {:pad$}{help}", "");
        }
    }
    out
}

/// A help clap rendered (`ansi`, styled) finished in `w`'s words: clap's
/// own headings (`Options:`) and the usage's `Usage:` said in the
/// language, every line at most `width` columns (wrapped under its help
/// column), no trailing spaces.
pub fn finish_help(ansi: &str, w: &dyn CliWords, width: usize) -> String {
    let mut out = String::new();
    // In the usage: its further lines go under its first's command.
    let mut usage = false;
    for line in ansi.lines() {
        let plain = strip_ansi(line);
        let said = match heading_line(&plain, w) {
            Some(heading) => {
                usage = false;
                heading
            }
            None if plain.starts_with("Usage:") => {
                usage = true;
                say_usage(line, w)
            }
            None if usage && !plain.trim().is_empty() => under_usage(line, w),
            None => {
                usage = false;
                line.to_string()
            }
        };
        for wrapped in wrap_line(said.trim_end(), width) {
            out.push_str(wrapped.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `plain` as a heading of `w`'s (`Queue options:` is `队列选项：`),
/// styled as clap styles headings; `None` when it is not a heading.
fn heading_line(plain: &str, w: &dyn CliWords) -> Option<String> {
    let name = plain.strip_suffix(':')?;
    if name.starts_with(' ') {
        return None;
    }
    let said = w.heading(name)?;
    let styles = Styles::default();
    let header = styles.get_header();
    Some(format!("{header}{}{header:#}", w.label(said)))
}

/// A usage line (`Usage: ipcscope queue [OPTIONS]`, styled) with its
/// label said by `w`.
pub fn say_usage(ansi: &str, w: &dyn CliWords) -> String {
    let Some((before, after)) = ansi.split_once("Usage:") else {
        return ansi.to_string();
    };
    let label = w.label(w.heading("Usage").unwrap_or("Usage"));
    // The space after the label (escapes hold none) is the language's.
    let after = after.replacen(' ', w.label_space(), 1);
    // clap puts a usage's further lines under `Usage: `'s command.
    let mut lines = after.split('\n');
    let mut out = format!("{before}{label}{}", lines.next().unwrap_or_default());
    for line in lines {
        out.push('\n');
        out.push_str(&under_usage(line, w));
    }
    out
}

/// How far clap indents a usage's further lines: the width of `Usage: `.
const USAGE_INDENT: usize = "Usage: ".len();

/// A usage's further line (`       ipcscope run [OPTIONS] -- PYTHON ...`)
/// indented as wide as `w`'s label and its space, so its command stands
/// under the first line's (`用法：` is 6 columns, not 7).
fn under_usage(line: &str, w: &dyn CliWords) -> String {
    let Some(rest) = line.strip_prefix(&" ".repeat(USAGE_INDENT)) else {
        return line.to_string();
    };
    let label = w.label(w.heading("Usage").unwrap_or("Usage"));
    let indent = width::width(&label) + width::width(w.label_space());
    format!("{}{rest}", " ".repeat(indent))
}

/// `s` without its ANSI escape sequences (what the terminal shows).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, then a final byte in '@'..='~'.
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// One line of help (styled) in lines of at most `width` columns: the
/// part before its help column kept as clap drew it, the rest wrapped
/// under that column.
fn wrap_line(line: &str, width: usize) -> Vec<String> {
    let plain = strip_ansi(line);
    if width::width(&plain) <= width {
        return vec![line.to_string()];
    }
    let col = help_column(&plain, width);
    let (prefix, rest) = split_at_column(line, col);
    let rest = strip_ansi(rest);
    let mut lines = wrap_text(rest.trim(), width - col).into_iter();
    let mut out = vec![format!("{prefix}{}", lines.next().unwrap_or_default())];
    out.extend(lines.map(|l| format!("{:col$}{l}", "")));
    out
}

/// Where the text that wraps starts in `plain`: after an option's (or a
/// command's) name and the spaces clap aligns helps with, after the
/// `- ` of a listed value, else at the line's indent. A column that
/// leaves less than 20 columns falls back to the indent.
fn help_column(plain: &str, width: usize) -> usize {
    let lead = plain.len() - plain.trim_start_matches(' ').len();
    let body = &plain[lead..];
    let col = if body.starts_with("- ") {
        lead + 2
    } else if let Some(gap) = body.find("  ") {
        let spaces = body[gap..].len() - body[gap..].trim_start_matches(' ').len();
        lead + width::width(&body[..gap]) + spaces
    } else {
        lead
    };
    if width.saturating_sub(col) < 20 {
        lead.min(width.saturating_sub(20))
    } else {
        col
    }
}

/// `line` (styled) cut where `col` columns of it are shown.
fn split_at_column(line: &str, col: usize) -> (&str, &str) {
    let mut shown = 0;
    let mut in_escape = false;
    for (i, c) in line.char_indices() {
        if in_escape {
            in_escape = !('@'..='~').contains(&c) || c == '[';
            continue;
        }
        if c == '\u{1b}' {
            in_escape = true;
            continue;
        }
        if shown >= col {
            return (&line[..i], &line[i..]);
        }
        shown += width::width(c.encode_utf8(&mut [0; 4]));
    }
    (line, "")
}

/// `text` in lines of at most `width` columns ([`width::wrap`]: at spaces
/// and between Chinese characters), its trailing notes (`[default: 2]`,
/// `[默认：2]`) each kept whole on a line when it fits.
fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let (body, notes) = trailing_notes(text);
    let mut lines = if body.is_empty() {
        Vec::new()
    } else {
        width::wrap(body, width)
    };
    for note in notes {
        match lines.last_mut() {
            Some(last) if width::width(last) + 1 + width::width(note) <= width => {
                last.push(' ');
                last.push_str(note);
            }
            _ => lines.extend(width::wrap(note, width)),
        }
    }
    lines
}

/// `text` split into its body and the bracketed notes that end it, each
/// after a space: `("Seed", ["[default: random]"])`.
fn trailing_notes(text: &str) -> (&str, Vec<&str>) {
    let mut body = text.trim_end();
    let mut notes = Vec::new();
    while body.ends_with(']') {
        let mut depth = 0;
        let mut open = None;
        for (i, c) in body.char_indices().rev() {
            match c {
                ']' => depth += 1,
                '[' => {
                    depth -= 1;
                    if depth == 0 {
                        open = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        match open {
            Some(i) if i == 0 || body[..i].ends_with(' ') => {
                notes.push(&body[i..]);
                body = body[..i].trim_end();
            }
            _ => break,
        }
    }
    notes.reverse();
    (body, notes)
}

/// clap's error `e` (or help) for printing in the thread's language: a
/// help is finished ([`finish_help`], `width` columns), anything else is
/// said by [`Localized`] when printed.
pub fn error(e: clap::Error, cmd: &Command, w: &dyn CliWords, width: usize) -> CliError {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let help = finish_help(&e.render().ansi().to_string(), w, width);
            let mut out = CliError::new(e.kind()).with_cmd(cmd);
            out.insert(
                ContextKind::Custom,
                ContextValue::StyledStr(StyledStr::from(help)),
            );
            out
        }
        _ => e.apply::<Localized>(),
    }
}

/// A usage error found after parsing (exit 2, as clap's own): `message`,
/// then `cmd`'s usage.
pub fn usage_error(cmd: &Command, message: String) -> CliError {
    let mut e = CliError::new(ErrorKind::ArgumentConflict).with_cmd(cmd);
    e.insert(ContextKind::Custom, ContextValue::String(message));
    e.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(cmd.clone().render_usage()),
    );
    e
}

/// The help's width: the terminal's when stdout is one, else `COLUMNS`,
/// else [`DEFAULT_HELP_WIDTH`]; at most [`MAX_HELP_WIDTH`] (and at least
/// 40).
pub fn help_width() -> usize {
    use std::io::IsTerminal;
    let terminal = std::io::stdout()
        .is_terminal()
        .then(ratatui::crossterm::terminal::size)
        .and_then(Result::ok)
        .map(|(columns, _)| usize::from(columns));
    let columns = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
    };
    terminal
        .or_else(columns)
        .unwrap_or(DEFAULT_HELP_WIDTH)
        .clamp(40, MAX_HELP_WIDTH)
}

/// clap's errors in our words, in the thread's language
/// ([`crate::text::cli_words`]), laid out as clap lays them out: the
/// error, tips, the usage, where to read more.
pub struct Localized;

impl ErrorFormatter for Localized {
    fn format_error(e: &CliError) -> StyledStr {
        if let Some(ContextValue::StyledStr(help)) = e.get(ContextKind::Custom) {
            return help.clone();
        }
        let w = crate::text::cli_words();
        let styles = Styles::default();
        let error = styles.get_error();
        let literal = styles.get_literal();
        let mut out = format!(
            "{error}{}{error:#}{}",
            w.label(w.error_label()),
            w.label_space()
        );
        out.push_str(&message(e, w, &styles));
        out.push_str(&tips(e, w, &styles));
        if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
            out.push_str("\n\n");
            out.push_str(&say_usage(&usage.ansi().to_string(), w));
        }
        let help = format!("{literal}--help{literal:#}");
        let _ = write!(out, "\n\n{}\n", w.try_help(&help));
        StyledStr::from(out)
    }
}

/// A context value as a list of strings (one string is a list of one).
fn strings(e: &CliError, kind: ContextKind) -> Option<Vec<String>> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(vec![s.clone()]),
        ContextValue::Strings(v) => Some(v.clone()),
        _ => None,
    }
}

fn string(e: &CliError, kind: ContextKind) -> Option<&str> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.as_str()),
        _ => None,
    }
}

fn number(e: &CliError, kind: ContextKind) -> Option<usize> {
    match e.get(kind)? {
        &ContextValue::Number(n) => usize::try_from(n).ok(),
        _ => None,
    }
}

/// What went wrong, from the error's kind and context.
fn message(e: &CliError, w: &dyn CliWords, styles: &Styles) -> String {
    if let Some(custom) = string(e, ContextKind::Custom) {
        return custom.to_string();
    }
    let (invalid, literal, valid) = (
        styles.get_invalid(),
        styles.get_literal(),
        styles.get_valid(),
    );
    let bad = |s: &str| format!("{invalid}{s}{invalid:#}");
    let code = |s: &str| format!("{literal}{s}{literal:#}");
    let good = |s: &str| format!("{valid}{s}{valid:#}");
    let arg = string(e, ContextKind::InvalidArg);
    let value = string(e, ContextKind::InvalidValue);
    match (e.kind(), arg, value) {
        (ErrorKind::ArgumentConflict, Some(a), _) => {
            let prior = e.get(ContextKind::PriorArg);
            if prior == Some(&ContextValue::String(a.to_string())) {
                w.used_more_than_once(&bad(a))
            } else {
                let with: Vec<String> = strings(e, ContextKind::PriorArg)
                    .unwrap_or_default()
                    .iter()
                    .map(|p| bad(p))
                    .collect();
                w.cannot_be_used_with(Conflicting::Arg(&bad(a)), &with)
            }
        }
        (ErrorKind::ArgumentConflict, None, _) => match string(e, ContextKind::InvalidSubcommand) {
            Some(sub) => {
                let with: Vec<String> = strings(e, ContextKind::PriorArg)
                    .unwrap_or_default()
                    .iter()
                    .map(|p| bad(p))
                    .collect();
                w.cannot_be_used_with(Conflicting::Subcommand(&bad(sub)), &with)
            }
            None => w.bad_command_line(),
        },
        (ErrorKind::InvalidValue, Some(a), Some(v)) => {
            let mut s = if v.is_empty() {
                w.value_required(&bad(a))
            } else {
                w.invalid_value(&bad(v), &code(a), None)
            };
            if let Some(values) = strings(e, ContextKind::ValidValue)
                && !values.is_empty()
            {
                let values: Vec<String> = values.iter().map(|v| good(v)).collect();
                let names: Vec<&str> = values.iter().map(String::as_str).collect();
                let _ = write!(s, "\n  {}", w.possible_values(&names));
            }
            s
        }
        (ErrorKind::ValueValidation, Some(a), Some(v)) => {
            let why = std::error::Error::source(e).map(|s| s.to_string());
            w.invalid_value(&bad(v), &code(a), why.as_deref())
        }
        (ErrorKind::UnknownArgument, Some(a), _) => w.unexpected_argument(&bad(a)),
        (ErrorKind::NoEquals, Some(a), _) => w.equals_needed(&bad(a)),
        (ErrorKind::TooManyValues, Some(a), Some(v)) => w.unexpected_value(&bad(v), &code(a)),
        (ErrorKind::TooFewValues, Some(a), _) => w.values_required(
            &code(a),
            number(e, ContextKind::MinValues).unwrap_or(0),
            number(e, ContextKind::ActualNumValues).unwrap_or(0),
            true,
        ),
        (ErrorKind::WrongNumberOfValues, Some(a), _) => w.values_required(
            &code(a),
            number(e, ContextKind::ExpectedNumValues).unwrap_or(0),
            number(e, ContextKind::ActualNumValues).unwrap_or(0),
            false,
        ),
        (ErrorKind::InvalidSubcommand, ..) => match string(e, ContextKind::InvalidSubcommand) {
            Some(sub) => w.unrecognized_subcommand(&bad(sub)),
            None => w.bad_command_line(),
        },
        (ErrorKind::MissingRequiredArgument, ..) => {
            let args: Vec<String> = strings(e, ContextKind::InvalidArg)
                .unwrap_or_default()
                .iter()
                .map(|a| good(a))
                .collect();
            w.required_not_given(&args)
        }
        (ErrorKind::MissingSubcommand, ..) => {
            let subs: Vec<String> = strings(e, ContextKind::ValidSubcommand)
                .unwrap_or_default()
                .iter()
                .map(|s| good(s))
                .collect();
            let command = string(e, ContextKind::InvalidSubcommand).unwrap_or("ipcscope");
            w.subcommand_required(&bad(command), &subs)
        }
        (ErrorKind::InvalidUtf8, ..) => w.not_utf8(),
        _ => match std::error::Error::source(e) {
            Some(source) => source.to_string(),
            None => w.bad_command_line(),
        },
    }
}

/// The tips after the error: names close to what was typed, and clap's
/// suggestions (said in the language when we know them, else as clap
/// says them).
fn tips(e: &CliError, w: &dyn CliWords, styles: &Styles) -> String {
    let valid = styles.get_valid();
    let good = |s: &str| format!("{valid}{s}{valid:#}");
    let tip = |text: String| {
        format!(
            "\n  {valid}{}{valid:#}{}{text}",
            w.label(w.tip_label()),
            w.label_space()
        )
    };
    let mut out = String::new();
    let mut suggested = false;
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, Similar::Subcommand),
        (ContextKind::SuggestedArg, Similar::Argument),
        (ContextKind::SuggestedValue, Similar::Value),
    ] {
        let Some(names) = strings(e, kind).filter(|n| !n.is_empty()) else {
            continue;
        };
        if !suggested {
            out.push('\n');
            suggested = true;
        }
        let names: Vec<String> = names.iter().map(|n| good(n)).collect();
        out.push_str(&tip(w.similar(what, &names)));
    }
    if let Some(ContextValue::StyledStrs(list)) = e.get(ContextKind::Suggested)
        && !list.is_empty()
    {
        if !suggested {
            out.push('\n');
        }
        for s in list.iter() {
            out.push_str(&tip(suggestion(s, w, &good)));
        }
    }
    out
}

/// One of clap's suggestions in the language: the ones clap makes are
/// recognised by their English shape; any other is kept as clap says it.
fn suggestion(s: &StyledStr, w: &dyn CliWords, good: &dyn Fn(&str) -> String) -> String {
    let plain = s.to_string();
    // "to pass 'X' as a value, use 'Y'"
    if let Some(rest) = plain.strip_prefix("to pass '")
        && let Some((value, rest)) = rest.split_once("' as a value, use '")
        && let Some(write) = rest.strip_suffix('\'')
    {
        return w.pass_as_value(value, &good(write));
    }
    // "subcommand 'X' exists; to use it, remove the '--' before it"
    if let Some(rest) = plain.strip_prefix("subcommand '")
        && let Some(name) = rest.strip_suffix("' exists; to use it, remove the '--' before it")
    {
        return w.remove_double_dash(&good(name));
    }
    // "'SUB --flag' exists"
    if let Some(rest) = plain.strip_prefix('\'')
        && let Some(usage) = rest.strip_suffix("' exists")
    {
        return w.exists_in(&good(usage));
    }
    s.ansi().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_ansi_leaves_what_the_terminal_shows() {
        assert_eq!(
            strip_ansi("\u{1b}[1m\u{1b}[4mUsage:\u{1b}[0m x"),
            "Usage: x"
        );
        assert_eq!(strip_ansi("队列"), "队列");
    }

    #[test]
    fn trailing_notes_are_kept_apart_from_the_text() {
        assert_eq!(
            trailing_notes("Seed [default: random]"),
            ("Seed", vec!["[default: random]"])
        );
        assert_eq!(
            trailing_notes("语言 [默认：取自 LANG] [可选值：en、zh]"),
            ("语言", vec!["[默认：取自 LANG]", "[可选值：en、zh]"])
        );
        assert_eq!(trailing_notes("a[b]"), ("a[b]", vec![]));
        assert_eq!(trailing_notes("[默认]"), ("", vec!["[默认]"]));
    }

    #[test]
    fn a_long_line_wraps_under_its_help_column_and_keeps_notes_whole() {
        let line = "      --writers <N>  写进程数，至少 1 个；写进程加读进程最多 255 个 [默认：2]";
        let lines = wrap_line(line, 44);
        assert_eq!(
            lines,
            [
                "      --writers <N>  写进程数，至少 1 个；写",
                "                     进程加读进程最多 255 个",
                "                     [默认：2]",
            ]
        );
        for l in &lines {
            assert!(width::width(l) <= 44, "{l}");
        }
        // Too little room beside the option: under the line's indent.
        assert_eq!(wrap_line(line, 30)[1], "      至少 1 个；写进程加读进");
        // A listed value wraps after its "- ".
        let lines = wrap_line("  - csv: one row per event, in the RFC 4180 dialect", 30);
        assert_eq!(lines[1], "    the RFC 4180 dialect");
    }

    #[test]
    fn a_styled_line_keeps_the_style_before_its_help_column() {
        let line = "  \u{1b}[1m--ascii\u{1b}[0m  绘制时不用制表符或其他 Unicode 图形字符";
        let lines = wrap_line(line, 32);
        assert!(
            lines[0].starts_with("  \u{1b}[1m--ascii\u{1b}[0m  "),
            "{lines:?}"
        );
        assert_eq!(strip_ansi(&lines[0]), "  --ascii  绘制时不用制表符或其");
        assert_eq!(lines[1], "           他 Unicode 图形字符");
    }

    /// Every option of every command, and every command's about, has its
    /// words in both tables (none falls back to the derive's English).
    #[test]
    fn every_option_and_command_has_help_in_both_languages() {
        use clap::CommandFactory;
        fn walk(cmd: &mut Command, missing: &mut Vec<String>, w: &dyn CliWords) {
            cmd.build();
            // The hidden `child` command is ipcscope talking to itself.
            if cmd.is_hide_set() {
                return;
            }
            if w.help_text(&help_key(cmd)).is_none() {
                missing.push(help_key(cmd));
            }
            for arg in cmd.get_arguments() {
                let key = arg_key(cmd, arg);
                if !arg.is_hide_set() && w.help_text(&key).is_none() {
                    missing.push(key);
                }
            }
            for sub in cmd.get_subcommands_mut() {
                walk(sub, missing, w);
            }
        }
        for lang in crate::text::Lang::ALL {
            let mut missing = Vec::new();
            walk(
                &mut crate::cli::Cli::command(),
                &mut missing,
                crate::text::cli_table(lang),
            );
            assert!(missing.is_empty(), "{lang:?}: no words for {missing:?}");
        }
    }

    #[test]
    fn headings_and_usage_are_said_in_the_language() {
        let zh = crate::text::cli_table(crate::text::Lang::Zh);
        let en = crate::text::cli_table(crate::text::Lang::En);
        let styled = "\u{1b}[1m\u{1b}[4mUsage:\u{1b}[0m \u{1b}[1mipcscope\u{1b}[0m [OPTIONS]";
        assert_eq!(
            strip_ansi(&say_usage(styled, zh)),
            "用法：ipcscope [OPTIONS]"
        );
        assert_eq!(
            strip_ansi(&say_usage(styled, en)),
            "Usage: ipcscope [OPTIONS]"
        );
        assert_eq!(
            strip_ansi(&finish_help("Options:\n  -h  Print help   \n", zh, 80)),
            "选项：\n  -h  Print help\n"
        );
        assert_eq!(heading_line("  Options:", zh), None);
        assert_eq!(heading_line("Not a heading:", zh), None);
    }

    /// The usage's second line starts where the first line's command
    /// does, in every language (`用法：` is one column narrower than
    /// `Usage: `), in a help and in an error's usage alike.
    #[test]
    fn a_usage_s_further_lines_stand_under_its_first_line_s_command_in_every_language() {
        let usage = "\u{1b}[1m\u{1b}[4mUsage:\u{1b}[0m \u{1b}[1mipcscope run\u{1b}[0m A\n       \u{1b}[1mipcscope run\u{1b}[0m B\n\nOptions:\n       -x  seven spaces, not the usage\n";
        for lang in [crate::text::Lang::En, crate::text::Lang::Zh] {
            let w = crate::text::cli_table(lang);
            for said in [
                finish_help(usage, w, 80),
                say_usage(usage.split("\n\n").next().unwrap(), w),
            ] {
                let plain = strip_ansi(&said);
                let lines: Vec<&str> = plain.lines().collect();
                let col = |l: &str| width::width(&l[..l.find("ipcscope").unwrap()]);
                assert_eq!(col(lines[0]), col(lines[1]), "{lang:?}:\n{plain}");
                if let Some(opt) = lines.iter().find(|l| l.contains("-x")) {
                    assert!(opt.starts_with("       -x"), "{lang:?}: {opt}");
                }
            }
        }
    }
}
