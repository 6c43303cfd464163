//! `--trace FILE`: one JSON object per event and line, flushed as it goes
//! (the format is documented in the README).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::event::{ChildId, Event, Kind, Role, SUPERVISOR};

pub struct TraceWriter {
    out: BufWriter<File>,
    start_ns: u64,
    names: HashMap<ChildId, (String, Role)>,
}

impl TraceWriter {
    pub fn create(path: &Path, start_ns: u64) -> io::Result<TraceWriter> {
        Ok(TraceWriter {
            out: BufWriter::new(File::create(path)?),
            start_ns,
            names: HashMap::new(),
        })
    }

    pub fn set_start(&mut self, start_ns: u64) {
        self.start_ns = start_ns;
    }

    /// The JSON object for one event.
    pub fn record(&mut self, ev: &Event) -> Value {
        if let Kind::Spawn { name, role } = &ev.kind {
            self.names.insert(ev.child, (name.clone(), *role));
        }
        let (name, role) = if ev.child == SUPERVISOR {
            ("supervisor".to_string(), Role::Supervisor)
        } else {
            self.names
                .get(&ev.child)
                .cloned()
                .unwrap_or_else(|| (format!("child-{}", ev.child), Role::Supervisor))
        };
        let t = ev.t_ns.saturating_sub(self.start_ns) as f64 / 1e9;
        let mut m = Map::new();
        m.insert("t".into(), json!((t * 1e6).round() / 1e6));
        m.insert("pid".into(), json!(ev.pid));
        m.insert("name".into(), json!(name));
        m.insert("role".into(), json!(role.as_str()));
        m.insert("ev".into(), json!(ev.kind.name()));
        m.insert("item".into(), json!(ev.item));
        m.insert("depth".into(), json!(ev.depth));
        if let Some(s) = ev.seq {
            m.insert("seq".into(), json!(s));
        }
        match &ev.kind {
            Kind::Exit { code, signal } => {
                m.insert("code".into(), json!(code));
                m.insert("signal".into(), json!(signal));
            }
            Kind::Kill { target, signal } => {
                m.insert("target".into(), json!(target));
                m.insert("signal".into(), json!(signal));
            }
            Kind::LockRecovered { dead, lost } | Kind::Recovered { dead, lost } => {
                m.insert("dead".into(), json!(dead));
                m.insert("lost".into(), json!(lost));
            }
            Kind::Count { done, value } => {
                m.insert("done".into(), json!(done));
                m.insert("value".into(), json!(value));
            }
            Kind::Stuck { reason } => {
                m.insert("reason".into(), json!(reason));
            }
            Kind::Output { text } => {
                m.insert("text".into(), json!(text));
            }
            _ => {}
        }
        Value::Object(m)
    }

    /// Writes and flushes one line.
    pub fn write(&mut self, ev: &Event) -> io::Result<()> {
        let v = self.record(ev);
        serde_json::to_writer(&mut self.out, &v)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_carry_the_documented_fields() {
        let dir = std::env::temp_dir().join(format!("ipcscope-trace-{}", std::process::id()));
        let mut w = TraceWriter::create(&dir, 1_000_000_000).unwrap();
        w.record(&Event::new(
            1_000_000_000,
            0,
            42,
            Kind::Spawn {
                name: "writer-1".into(),
                role: Role::Writer,
            },
        ));
        let v = w.record(
            &Event::new(1_500_000_000, 0, 42, Kind::Put)
                .with_item("url_1")
                .with_depth(1),
        );
        assert_eq!(v["t"], 0.5);
        assert_eq!(v["name"], "writer-1");
        assert_eq!(v["role"], "writer");
        assert_eq!(v["ev"], "put");
        assert_eq!(v["item"], "url_1");
        assert_eq!(v["depth"], 1);
        let e = w.record(&Event::new(
            2_000_000_000,
            0,
            42,
            Kind::Exit {
                code: None,
                signal: Some(15),
            },
        ));
        assert_eq!(e["signal"], 15);
        assert!(e["item"].is_null());
        let _ = std::fs::remove_file(dir);
    }
}
