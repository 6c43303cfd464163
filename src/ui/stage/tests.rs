//! The stage's tests: snapshots and the behaviour of each lesson's picture.

use super::counter::{big_digits, group_thousands};
use super::queue::plan_slots;
use super::*;
use crate::config::{Mode, PipeConfig, QueueConfig};
use crate::model::flights::Flight;
use crate::stream::{Ended, Event, Holder, Kind, QueueView, QueuedView};
use crate::ui::testkit::{Fixture, counter_app, pipe_app, queue_app, render_text};

fn text_of(app: &Fixture, w: u16, h: u16) -> String {
    render_text(app, w, h, render)
}

fn empty(scenario: Scenario) -> Fixture {
    Fixture::new(scenario)
}

fn apply(app: &mut Fixture, child: ProcId, pid: i32, kind: Kind) {
    let t = app.now_ns;
    app.apply(Event::new(t, child, pid, kind));
}

fn spawn(app: &mut Fixture, id: ProcId, pid: i32, name: &str, role: Role) {
    let kind = Kind::Spawn {
        name: name.into(),
        role,
    };
    apply(app, id, pid, kind);
}

/// Draws into a plain buffer with `theme`, returning the buffer and the spots.
fn draw_with(app: &Fixture, theme: &Theme, w: u16, h: u16) -> (Buffer, Spots) {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    let spots = draw(&app.view(), theme, buf.area, &mut buf);
    (buf, spots)
}

fn row_of(t: &str, needle: &str) -> usize {
    t.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on the stage:\n{t}"))
}

#[test]
fn stage_queue_snapshot_at_80x8() {
    insta::assert_snapshot!(text_of(&queue_app(), 80, 8));
}

#[test]
fn stage_queue_snapshot_at_160x16() {
    insta::assert_snapshot!(text_of(&queue_app(), 160, 16));
}

#[test]
fn stage_pipe_snapshot_at_80x8() {
    insta::assert_snapshot!(text_of(&pipe_app(), 80, 8));
}

#[test]
fn stage_pipe_snapshot_at_160x16() {
    insta::assert_snapshot!(text_of(&pipe_app(), 160, 16));
}

#[test]
fn stage_counter_snapshot_at_80x8() {
    insta::assert_snapshot!(text_of(&counter_app(), 80, 8));
}

#[test]
fn stage_counter_snapshot_at_160x16() {
    insta::assert_snapshot!(text_of(&counter_app(), 160, 16));
}

#[test]
fn stage_queue_tube_holds_the_queued_items_from_tail_to_head() {
    for (w, h) in [(80, 8), (160, 16)] {
        let t = text_of(&queue_app(), w, h);
        let row = t.lines().find(|l| l.contains("url_5")).unwrap();
        let p5 = row.find("url_5").unwrap();
        let p2 = row.find("url_2").expect("head item on the tube row");
        let p3 = row[..p5].rfind("url_3").expect("tail item left of url_5");
        assert!(p3 < p5 && p5 < p2, "tail url_3, url_5, head url_2:\n{t}");
        let tail = t.find(text::stage_tail()).unwrap();
        let head = t.find(text::stage_head()).unwrap();
        assert!(tail < head, "tail on the left, head on the right:\n{t}");
        assert!(t.contains("depth 3/3 FULL"), "{t}");
    }
}

#[test]
fn stage_queue_shows_writer_2_blocked_with_its_item() {
    let t = text_of(&queue_app(), 80, 8);
    let name = row_of(&t, "writer-2");
    let blocked = row_of(&t, "■ BLOCKED put: queue full");
    assert_eq!(blocked, name + 1, "the state under its name:\n{t}");
    assert!(t.contains("pressing url_6"), "{t}");
}

#[test]
fn stage_selected_process_is_marked_not_only_by_style() {
    let t = text_of(&queue_app(), 80, 8);
    assert!(t.contains("▸ writer-2"), "{t}");
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 8));
    render(&queue_app().view(), &Theme::plain(), buf.area, &mut buf);
    let y = row_of(&t, "▸ writer-2") as u16;
    let x = t.lines().nth(y as usize).unwrap().find('▸').unwrap();
    let x = t.lines().nth(y as usize).unwrap()[..x].chars().count() as u16;
    let style = buf[(x, y)].style();
    assert!(style.add_modifier.contains(Modifier::REVERSED));
}

#[test]
fn stage_flight_halfway_is_drawn_between_its_spots() {
    let mut app = queue_app();
    app.scene.flights.list.push(Flight {
        label: "url_7".into(),
        seq: Some(9),
        from: Spot::Proc(0),
        to: Spot::QueueTail,
        start_ns: app.now_ns - 200_000_000,
        dur_ns: 400_000_000,
        by: 0,
    });
    let theme = Theme::plain();
    let (buf, spots) = draw_with(&app, &theme, 160, 16);
    let from = spots.anchor(Spot::Proc(0)).unwrap().at;
    let to = spots.anchor(Spot::QueueTail).unwrap().at;
    let dot = (0..16u16)
        .flat_map(|y| (0..160u16).map(move |x| (x, y)))
        .find(|&p| buf[p].symbol() == "●")
        .expect("the flight's dot");
    assert!(from.0 < dot.0 && dot.0 < to.0, "{from:?} {dot:?} {to:?}");
    assert!(from.1.min(to.1) <= dot.1 && dot.1 <= from.1.max(to.1));
    let label: String = (dot.0 - 5..dot.0)
        .map(|x| buf[(x, dot.1)].symbol())
        .collect();
    assert_eq!(label, "url_7", "the label trails its dot");
    let t = text_of(&app, 160, 16);
    let writer = t.lines().nth(from.1 as usize).unwrap();
    assert!(writer.contains("│▶ active"), "the card is left whole:\n{t}");
    assert!(t.contains("■│   url_3"), "the tube is left whole:\n{t}");
}

#[test]
fn stage_flight_goes_from_the_head_to_the_reader() {
    let mut app = queue_app();
    app.scene.flights.list.push(Flight {
        label: "url_2".into(),
        seq: Some(4),
        from: Spot::QueueHead,
        to: Spot::Proc(2),
        start_ns: app.now_ns,
        dur_ns: 400_000_000,
        by: 2,
    });
    let (_, spots) = draw_with(&app, &Theme::plain(), 160, 16);
    let head = spots.anchor(Spot::QueueHead).unwrap();
    let reader = spots.anchor(Spot::Proc(2)).unwrap();
    assert!(head.at.0 < reader.at.0, "readers sit right of the head");
    assert!(
        head.reach_right && !reader.reach_right,
        "labels stay between"
    );
    assert_eq!(spot_between(head.at, reader.at, 0.0), head.at);
    assert_eq!(spot_between(head.at, reader.at, 1.0), reader.at);
}

#[test]
fn stage_fast_events_show_rates_instead_of_flights() {
    let mut app = queue_app();
    for n in 0..200 {
        let ev = Event::new(app.now_ns, 0, 4101, Kind::Put).with_item(format!("url_{n}"));
        app.apply(ev);
    }
    assert!(app.scene.fast());
    let t = text_of(&app, 80, 8);
    assert!(t.contains("fast: "), "{t}");
    assert!(!t.contains('●'), "no pretend animation:\n{t}");
}

#[test]
fn stage_frozen_world_is_tagged_in_the_title() {
    let mut app = queue_app();
    app.scene.frozen = true;
    let t = text_of(&app, 80, 8);
    let first = t.lines().next().unwrap();
    assert!(first.contains("FROZEN (SIGSTOP)"), "{first}");
    assert!(
        t.contains("stopped (SIGSTOP)"),
        "running ones are stopped:\n{t}"
    );
    assert!(t.contains("BLOCKED put"), "blocked ones stay blocked:\n{t}");
}

#[test]
fn stage_dead_process_shows_how_it_ended_and_what_was_lost() {
    let mut app = queue_app();
    let exit = Kind::Exit {
        ended: Ended::Signal(9),
    };
    apply(&mut app, 1, 4102, exit);
    let lost = Kind::Recovered {
        dead: 4102,
        by: 4103,
        held_lock: false,
        lost: Some("url_9".into()),
    };
    apply(&mut app, 1, 4102, lost);
    let t = text_of(&app, 80, 8);
    assert!(t.contains("✝ killed by SIGKILL"), "{t}");
    assert!(t.contains("url_9 lost with it"), "{t}");
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 8));
    render(&app.view(), &Theme::new(false), buf.area, &mut buf);
    let ascii = text_of(&app, 80, 8);
    assert!(ascii.contains("killed"));
}

#[test]
fn stage_more_writers_than_fit_show_plus_n_more() {
    let mut app = queue_app();
    for k in 3..=9 {
        spawn(
            &mut app,
            k as ProcId + 10,
            4200 + k,
            &format!("writer-{k}"),
            Role::Writer,
        );
    }
    let t = text_of(&app, 80, 8);
    assert!(t.contains("more"), "{t}");
    let shown = t.matches("writer-").count();
    let more: usize = t
        .split('+')
        .filter_map(|s| s.strip_suffix("").and_then(|s| s.split(' ').next()))
        .filter_map(|n| n.parse().ok())
        .next()
        .unwrap();
    assert_eq!(shown + more, 9, "{t}");
}

#[test]
fn stage_bounded_queue_too_long_shows_the_slots_that_fit_and_plus_n() {
    let mut app = queue_app();
    app.scene.maxsize = 32;
    let t = text_of(&app, 80, 8);
    assert!(t.contains("depth 3/32"), "{t}");
    let plan = plan_slots(32, 3, 5, 30);
    let more: usize = plan.more.as_deref().unwrap()[1..].parse().unwrap();
    assert_eq!(plan.shown + more, 32);
    assert!(plan.width() <= 30);
    assert!(t.contains(&format!("+{more}")), "{t}");
}

#[test]
fn stage_bounded_queue_draws_exactly_maxsize_slots() {
    for maxsize in [1, 2, 3, 5, 8] {
        let plan = plan_slots(maxsize, 0, 5, 60);
        assert_eq!((plan.shown, plan.more), (maxsize as usize, None));
    }
}

#[test]
fn stage_unbounded_queue_fills_the_tube_and_counts_what_does_not_fit() {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 0;
    let mut app = empty(Scenario::Queue(q));
    spawn(&mut app, 0, 4101, "writer-1", Role::Writer);
    spawn(&mut app, 1, 4103, "reader-1", Role::Reader);
    for n in 1..=40 {
        let put = Event::new(n * 1000, 0, 4101, Kind::Put)
            .with_item(format!("url_{n}"))
            .with_seq(n);
        app.apply(put);
    }
    app.scene.queue = Some(QueueView {
        depth: 40,
        maxsize: 0,
        capacity: 65_536,
        items: (1..=40)
            .map(|n| QueuedView {
                label: format!("url_{n}"),
                put_seq: n,
                put_pid: 4101,
            })
            .collect(),
        ..QueueView::default()
    });
    let t = text_of(&app, 80, 8);
    assert!(t.contains("depth 40 (unbounded)"), "{t}");
    let row = t.lines().find(|l| l.contains("url_1")).unwrap();
    assert!(row.contains('+'), "hidden items counted:\n{t}");
    assert!(row.rfind("url_1").unwrap() > row.find("url_2").unwrap());
}

#[test]
fn stage_pipe_names_the_parent_as_a_holder_of_the_send_end() {
    let mut app = pipe_app();
    if let Some(p) = app.scene.pipe.as_mut() {
        p.send_holders.push(Holder {
            pid: 4000,
            proc: None,
        });
    }
    for w in [80, 160] {
        let t = text_of(&app, w, 16);
        let row = t.lines().find(|l| l.contains("send end held by")).unwrap();
        assert!(row.contains("sender"), "{t}");
        assert!(row.contains("parent (ipcscope)"), "{t}");
        assert!(row.contains("recv never sees EOF"), "{t}");
    }
    let t = text_of(&app, 160, 16);
    assert!(t.contains("parent (ipcscope) 4000"), "{t}");
    assert!(t.contains("while this is open"), "{t}");
}

#[test]
fn stage_pipe_shows_messages_oldest_nearest_the_receiver_and_the_bytes() {
    for (w, h) in [(80, 8), (160, 16)] {
        let t = text_of(&pipe_app(), w, h);
        let row = t.lines().find(|l| l.contains("url_2")).unwrap();
        let (p3, p2) = (row.find("url_3").unwrap(), row.find("url_2").unwrap());
        assert!(p3 < p2, "url_2 (oldest) nearer the receiver:\n{t}");
        assert!(t.contains("18 B / 212992 B buffered"), "{t}");
        assert!(t.contains("recv end held by: receiver"), "{t}");
    }
}

#[test]
fn stage_pipe_says_duplex_or_one_way() {
    let t = text_of(&pipe_app(), 160, 16);
    assert!(t.contains("duplex: both ways") && t.contains('←'), "{t}");
    let mut app = pipe_app();
    if let Scenario::Pipe(p) = &mut app.scene.cfg.scenario {
        p.duplex = false;
    }
    let t = text_of(&app, 160, 16);
    assert!(t.contains("one-way") && !t.contains('←'), "{t}");
}

#[test]
fn stage_counter_shows_the_updates_lost() {
    for (w, h) in [(80, 8), (160, 16)] {
        let t = text_of(&counter_app(), w, h);
        assert!(t.contains("expected 400000   actual 231415"), "{t}");
        assert!(t.contains("lost 168585 updates (42.1%)"), "{t}");
        assert_eq!(t.matches("counter-").count(), 4, "{t}");
    }
}

#[test]
fn stage_counter_value_is_plain_when_there_is_no_room_for_big_digits() {
    let t = text_of(&counter_app(), 80, 5);
    assert!(t.contains("231415"), "{t}");
}

#[test]
fn stage_big_digits_are_three_rows_and_grouped() {
    assert_eq!(group_thousands(231_415), "231 415");
    assert_eq!(group_thousands(-1_000), "-1 000");
    assert_eq!(group_thousands(7), "7");
    let big = big_digits(80, true);
    assert_eq!(big, [" _   _ ", "|_| | |", "|_| |_|"].map(String::from));
    let big = big_digits(231_415, false);
    assert!(big.iter().all(|r| width(r) == width(&big[0])));
}

#[test]
fn stage_ascii_theme_draws_only_ascii() {
    let theme = Theme {
        color: false,
        ascii: true,
    };
    let mut frozen = queue_app();
    frozen.scene.frozen = true;
    frozen.scene.flights.list.push(Flight {
        label: "url_7".into(),
        seq: Some(9),
        from: Spot::Proc(0),
        to: Spot::QueueTail,
        start_ns: frozen.now_ns,
        dur_ns: 400_000_000,
        by: 0,
    });
    let mut parent = pipe_app();
    if let Some(p) = parent.scene.pipe.as_mut() {
        p.send_holders.push(Holder {
            pid: 4000,
            proc: None,
        });
    }
    for app in [queue_app(), frozen, pipe_app(), parent, counter_app()] {
        for (w, h) in [(80, 8), (160, 16), (40, 5)] {
            let (buf, _) = draw_with(&app, &theme, w, h);
            for cell in buf.content() {
                assert!(cell.symbol().is_ascii(), "{:?} at {w}x{h}", cell.symbol());
            }
        }
    }
}

#[test]
fn stage_never_panics_at_any_size_or_with_no_processes() {
    let apps = [
        queue_app(),
        pipe_app(),
        counter_app(),
        empty(Scenario::Queue(QueueConfig::defaults(Mode::Tui))),
        empty(Scenario::Pipe(PipeConfig::defaults(Mode::Tui))),
        empty(Scenario::Counter(crate::config::CounterConfig::defaults(
            Mode::Tui,
        ))),
    ];
    for app in &apps {
        for (w, h) in [(80, 8), (160, 16), (40, 5), (1, 1), (2, 2), (3, 3)] {
            text_of(app, w, h);
        }
        for w in (1..=90).step_by(7) {
            for h in 1..=12 {
                text_of(app, w, h);
            }
        }
        // Drawn away from the buffer's origin, and partly outside it.
        let mut buf = Buffer::empty(Rect::new(0, 0, 50, 10));
        render(
            &app.view(),
            &Theme::plain(),
            Rect::new(20, 4, 60, 12),
            &mut buf,
        );
    }
    let t = text_of(&apps[3], 80, 8);
    assert!(t.contains(text::stage_nobody()), "{t}");
}
