//! The stage's tests: snapshots and the behaviour of each lesson's picture.

use super::counter::{big_digits, group_thousands};
use super::queue::plan_slots;
use super::*;
use crate::config::{CounterConfig, Mode, PipeConfig, QueueConfig};
use crate::model::flights::Flight;
use crate::stream::{Ended, Event, Holder, Kind, SUPERVISOR};
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
        let tail = t.find(text::words().stage_tail()).unwrap();
        let head = t.find(text::words().stage_head()).unwrap();
        assert!(tail < head, "tail on the left, head on the right:\n{t}");
        assert!(t.contains("depth 3/3 FULL"), "{t}");
    }
}

#[test]
fn stage_queue_shows_writer_2_blocked_with_its_item() {
    // Fewer words on a narrow stage (the tube says FULL), all of them on a
    // wide one.
    for (w, h, state) in [
        (80, 8, "■ BLOCKED put"),
        (160, 16, "■ BLOCKED put: queue full"),
    ] {
        let t = text_of(&queue_app(), w, h);
        let name = row_of(&t, "writer-2");
        let blocked = row_of(&t, state);
        assert_eq!(blocked, name + 1, "the state under its name:\n{t}");
        assert!(t.contains("pressing url_6"), "{t}");
    }
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
    // url_3 (item 7) was just put: halfway from writer-1 to its slot.
    app.scene.flights.list.push(Flight {
        label: "url_3".into(),
        seq: Some(7),
        from: Spot::Proc(0),
        to: Spot::QueueTail,
        start_ns: app.now_ns - 200_000_000,
        dur_ns: 400_000_000,
        by: 0,
    });
    let theme = Theme::plain();
    let (buf, spots) = draw_with(&app, &theme, 160, 16);
    let from = spots.anchor(Spot::Proc(0)).unwrap().at;
    let to = spots.places[&7].at;
    let dot = (0..16u16)
        .flat_map(|y| (0..160u16).map(move |x| (x, y)))
        .find(|&p| buf[p].symbol() == "●")
        .expect("the flight's dot");
    assert!(from.0 < dot.0 && dot.0 < to.0, "{from:?} {dot:?} {to:?}");
    assert_eq!(dot.1, to.1, "halfway, it goes in along the tube's row");
    let label: String = (dot.0 - 5..dot.0)
        .map(|x| buf[(x, dot.1)].symbol())
        .collect();
    assert_eq!(label, "url_3", "the label trails its dot");
    let t = text_of(&app, 160, 16);
    let writer = t.lines().nth(from.1 as usize).unwrap();
    assert!(writer.contains("│▶ active"), "the card is left whole:\n{t}");
    assert!(
        t.contains("■│           │   url_5   │   url_2   │"),
        "its slot waits for it, the others stay:\n{t}"
    );
}

#[test]
fn stage_flight_goes_from_the_head_slot_to_the_reader() {
    let mut app = queue_app();
    app.scene.flights.list.push(Flight {
        label: "url_4".into(),
        seq: Some(2),
        from: Spot::QueueHead,
        to: Spot::Proc(2),
        start_ns: app.now_ns,
        dur_ns: 400_000_000,
        by: 2,
    });
    let (_, spots) = draw_with(&app, &Theme::plain(), 160, 16);
    let flight = &app.scene.flights.list[0];
    let (head, reader) = spots.flight_ends(flight).unwrap();
    let tube = spots.tube.unwrap();
    assert_eq!(head, spots.exit.unwrap(), "it leaves from the head slot");
    let Align::In { x, w } = head.align else {
        panic!("{head:?}")
    };
    assert_eq!(x + w, tube.x0 + tube.plan.width() - 1, "the rightmost slot");
    assert!(head.at.0 < reader.at.0, "readers sit right of the head");
    assert_eq!(
        reader.align,
        Align::EndsAt,
        "its label stays left of the card"
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

/// In a flood a reader blocks and wakes thousands of times a second; its
/// last report ("BLOCKED get: queue empty") beside a queue thousands deep
/// would be false: a wait that recent is shown at work, one that lasts
/// is shown as a wait.
#[test]
fn in_a_flood_a_wait_too_brief_to_show_is_not_drawn_as_blocked() {
    let mut app = queue_app();
    apply(&mut app, 2, 4103, Kind::GetWait);
    for n in 0..200 {
        let ev = Event::new(app.now_ns, 0, 4101, Kind::Put).with_item(format!("url_{n}"));
        app.apply(ev);
    }
    assert!(app.scene.fast());
    let reader = app.scene.world.by_pid(4103).unwrap().clone();
    assert!(app.scene.briefly_blocked(&reader));
    let t = text_of(&app, 100, 9);
    let row = t.lines().find(|l| l.contains("reader-1")).unwrap_or("");
    assert!(!t.contains("BLOCKED get"), "{t}");
    assert!(!row.contains("forever"), "{t}");
    // The same wait, lasting: shown.
    app.tick(app.now_ns / 1_000_000 + 600);
    let reader = app.scene.world.by_pid(4103).unwrap().clone();
    assert!(!app.scene.briefly_blocked(&reader));
}

/// A process stopped from outside (a SIGSTOP that is not ours) is shown
/// stopped, as the kernel says, not as its last report ("BLOCKED put")
/// said before it stopped.
#[test]
fn a_process_stopped_from_outside_is_shown_stopped_as_the_kernel_says() {
    let mut app = queue_app();
    let t = text_of(&app, 100, 9);
    assert!(t.contains("BLOCKED put"), "{t}");
    app.observe(crate::stream::Observation {
        kernel: Some(vec![crate::ui::testkit::row(
            1,
            4102,
            'T',
            crate::stream::KernelWait::Stopped,
        )]),
        ..Default::default()
    });
    let t = text_of(&app, 100, 9);
    assert!(!t.contains("BLOCKED put"), "{t}");
    assert!(t.contains("stopped (SIGSTOP)"), "{t}");
}

#[test]
fn stage_cards_show_a_delay_scale_other_than_1() {
    let mut app = queue_app();
    apply(&mut app, 0, 4101, Kind::DelayScaled { scale: 2.25 });
    let t = text_of(&app, 100, 9);
    assert!(t.contains("writer-1 #### delay x2.25"), "{t}");
    for (w, h) in [(80, 8), (160, 16)] {
        let t = text_of(&app, w, h);
        assert!(t.contains("writer-1 #### x2.25"), "{t}");
    }
    assert!(
        !t.contains("writer-2 #### x"),
        "only where it is not 1:\n{t}"
    );
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
fn stage_bounded_queue_too_long_counts_the_slots_not_drawn_outside_the_tube() {
    let mut app = queue_app();
    app.scene.maxsize = 32;
    for (w, h) in [(80, 8), (160, 16)] {
        let t = text_of(&app, w, h);
        let (_, spots) = draw_with(&app, &Theme::plain(), w, h);
        let plan = spots.tube.unwrap().plan;
        assert!(plan.hidden > 0, "{plan:?}");
        assert_eq!(plan.shown + plan.hidden, 32);
        assert!(t.contains("depth 3/32"), "{t}");
        let more = format!("+{} slots", plan.hidden);
        let label_row = row_of(&t, &more);
        assert_eq!(label_row, row_of(&t, "tail"), "over the tail end:\n{t}");
        let tube_row = row_of(&t, "url_2");
        assert!(!t.lines().nth(tube_row).unwrap().contains('+'), "{t}");
    }
    // An empty one says so too, and no slot pretends to hold "+N".
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 32;
    let t = text_of(&empty(Scenario::Queue(q)), 100, 8);
    let tube_row = t
        .lines()
        .find(|l| l.contains('│') && l.contains('→'))
        .unwrap();
    assert!(!tube_row.contains('+'), "{t}");
    assert!(t.contains(" slots"), "{t}");
}

#[test]
fn stage_bounded_queue_draws_exactly_maxsize_slots() {
    for maxsize in [1, 2, 3, 5, 8] {
        let plan = plan_slots(maxsize, 60);
        assert_eq!((plan.shown, plan.hidden), (maxsize as usize, 0));
        assert!(plan.width() <= 60);
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
    app.tick(60_000);
    let t = text_of(&app, 80, 8);
    assert!(t.contains("depth 40 (unbounded)"), "{t}");
    let (_, spots) = draw_with(&app, &Theme::plain(), 80, 8);
    let shown = spots.tube.unwrap().plan.shown;
    assert!(t.contains(&format!("tail +{} more", 40 - shown)), "{t}");
    let row = t.lines().find(|l| l.contains("url_1 ")).unwrap();
    assert!(row.rfind("url_1 ").unwrap() > row.find("url_2").unwrap());
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
        let row = t.lines().find(|l| l.contains("send end) held by")).unwrap();
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
        assert!(t.contains("b (recv end) held by: receiver"), "{t}");
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

/// A paced run's cards take more room; a figure that does not fit is
/// squeezed or left out, never cut short.
#[test]
fn stage_counter_paced_never_cuts_a_figure_short() {
    let mut app = counter_app();
    if let Scenario::Counter(c) = &mut app.scene.cfg.scenario {
        c.step_delay = Some(CounterConfig::STEP_DELAY);
    }
    for (w, h) in [(80, 8), (100, 10), (160, 16)] {
        let t = text_of(&app, w, h);
        for line in t.lines() {
            if let Some(at) = line.find("actual ") {
                let digits: String = line[at + 7..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                assert_eq!(digits, "231415", "{w}x{h}:\n{t}");
            }
            if let Some(at) = line.find("lost ") {
                let digits: String = line[at + 5..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                assert!(digits.is_empty() || digits == "168585", "{w}x{h}:\n{t}");
            }
        }
        assert!(t.contains("168585"), "{w}x{h}: the lost count stays\n{t}");
    }
}

#[test]
fn stage_counter_without_the_lock_says_an_update_was_lost_only_when_one_was() {
    let t = text_of(&counter_app(), 80, 8);
    assert!(t.contains("full speed: lost updates counted"), "{t}");
    let mut app = counter_app();
    app.observe(crate::stream::Observation {
        value: Some(crate::stream::ValueView {
            value: 400_000,
            expected: 400_000,
        }),
        ..Default::default()
    });
    let t = text_of(&app, 80, 8);
    assert!(t.contains("lost 0 updates (0.0%)"), "{t}");
    assert!(t.contains("no lock: two may read the same value"), "{t}");
    assert!(!t.contains("+1 lost"), "{t}");
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
        contrast: false,
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
    let mut over = lowered_app();
    over.scene.maxsize = 1;
    let apps = [
        queue_app(),
        frozen,
        pipe_app(),
        parent,
        counter_app(),
        moving_app(),
        lowered_app(),
        over,
        flooded_pipe_app(),
    ];
    for app in apps {
        for (w, h) in [(80, 8), (100, 9), (160, 16), (40, 5)] {
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
    assert!(t.contains(text::words().stage_nobody()), "{t}");
}

/// The queue lesson a moment later: reader-1 took url_2 from the head at
/// 2.8 s, which let writer-2 put url_6 (item 10) at 2.81 s; at 2.9 s both
/// are on their way.
fn moving_app() -> Fixture {
    let mut app = queue_app();
    app.item(2800, 2, 4103, Kind::Get, "url_2", 4);
    app.item(2810, 1, 4102, Kind::Put, "url_6", 10);
    app.tick(2900);
    app
}

/// A queue with no reader and 10 items, whose maxsize was then lowered to
/// 2: writer-1 waits to put url_11.
fn lowered_app() -> Fixture {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 0;
    let mut app = empty(Scenario::Queue(q));
    spawn(&mut app, 0, 4101, "writer-1", Role::Writer);
    for n in 1..=10 {
        app.item(n * 100, 0, 4101, Kind::Put, &format!("url_{n}"), n);
    }
    app.ev(1500, SUPERVISOR, 4000, Kind::MaxsizeSet { maxsize: 2 });
    let wait = Event::new(1600 * 1_000_000, 0, 4101, Kind::PutWait)
        .with_item("url_11")
        .with_depth(10);
    app.apply(wait);
    app.tick(3000);
    app
}

/// The text of the stage between the two sides' cards (the middle and
/// the column of space either side of it), one row a line.
fn middle_text(app: &Fixture, w: u16, h: u16) -> String {
    let (buf, spots) = draw_with(app, &Theme::plain(), w, h);
    let m = spots.middle;
    (m.y..m.bottom())
        .map(|y| {
            (m.x - 1..=m.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A one-way pipe flooded with 2,000 messages, of which the receiver has
/// taken 4: the model follows only the newest 1,024 one by one.
fn flooded_pipe_app() -> Fixture {
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.duplex = false;
    let mut app = empty(Scenario::Pipe(p));
    spawn(&mut app, 0, 952, "sender", Role::Sender);
    spawn(&mut app, 1, 953, "receiver", Role::Receiver);
    for n in 1..=2000 {
        app.item(n, 0, 952, Kind::Send, &format!("url_{}", n - 1), n);
    }
    for n in 1..=4 {
        app.item(3000 + n, 1, 953, Kind::Recv, &format!("url_{}", n - 1), n);
    }
    app.tick(5000);
    app
}

const MS: u64 = 1_000_000;

/// How many times `needle` is drawn in the stage's middle (the cards say
/// the last item each process handled: they are left out).
fn drawn(app: &Fixture, w: u16, h: u16, needle: &str) -> usize {
    middle_text(app, w, h).matches(needle).count()
}

/// An unbounded queue, one writer and one reader waiting to get: the
/// reader takes url_1 a moment after it is put, while it is still on its
/// way in.
fn quick_app(slow_motion: Option<f64>) -> Fixture {
    let mut q = QueueConfig::defaults(Mode::Tui);
    q.maxsize = 0;
    let mut app = empty(Scenario::Queue(q));
    spawn(&mut app, 0, 4101, "writer-1", Role::Writer);
    spawn(&mut app, 1, 4103, "reader-1", Role::Reader);
    if let Some(factor) = slow_motion {
        app.ev(50, SUPERVISOR, 4000, Kind::SlowMotion { factor });
    }
    app.ev(60, 1, 4103, Kind::GetWait);
    app.item(100, 0, 4101, Kind::Put, "url_1", 1);
    app
}

#[test]
fn stage_an_item_moving_in_or_out_is_drawn_once() {
    // url_6 is on its way into its slot while url_2 leaves the head.
    let mut app = moving_app();
    for t in (2810..3200).step_by(10) {
        app.now_ns = t * MS;
        for (w, h) in [(96, 9), (160, 16)] {
            for label in ["url_6", "url_2"] {
                let n = drawn(&app, w, h, label);
                assert!(
                    n <= 1,
                    "{label} drawn {n} times at {t} ms:\n{}",
                    text_of(&app, w, h)
                );
            }
        }
        let m = middle_text(&app, 160, 16);
        assert_eq!(m.matches("url_6").count(), 1, "at {t} ms:\n{m}");
        // url_2 leaves from the head slot, where url_5 now rests: it shows
        // once out of it, never over it.
        if (2850..3150).contains(&t) {
            assert_eq!(m.matches("url_2").count(), 1, "at {t} ms:\n{m}");
        }
        assert_eq!(m.matches("url_5").count(), 1, "at {t} ms:\n{m}");
    }
    // Once arrived, url_6 rests in its slot: the tail's, two from the head.
    app.now_ns = 3200 * MS;
    let (buf, spots) = draw_with(&app, &Theme::plain(), 160, 16);
    let slot = spots.places[&10];
    let Align::In { x, w } = slot.align else {
        panic!("{slot:?}")
    };
    let cells: String = (x..x + w).map(|cx| buf[(cx, slot.at.1)].symbol()).collect();
    assert_eq!(cells.trim(), "url_6");
    assert_eq!(x, spots.tube.unwrap().slot_x(2));
}

#[test]
fn stage_an_item_taken_while_on_its_way_in_goes_through_its_slot_once() {
    let mut app = quick_app(None);
    app.item(105, 1, 4103, Kind::Get, "url_1", 1);
    let flights = &app.scene.flights.list;
    assert_eq!(flights.len(), 2);
    let (put_end, get_start) = (flights[0].arrives_ns(), flights[1].start_ns);
    assert_eq!(get_start, put_end, "the get leaves when the put arrives");
    for t in (100..=(put_end / MS + 340)).step_by(5) {
        app.now_ns = t * MS;
        let m = middle_text(&app, 160, 16);
        assert_eq!(m.matches("url_1").count(), 1, "at {t} ms:\n{m}");
    }
}

#[test]
fn stage_slow_motion_keeps_an_item_on_its_way_longer() {
    let mut app = quick_app(Some(4.0));
    let slot_text = |app: &Fixture| {
        let (buf, spots) = draw_with(app, &Theme::plain(), 160, 16);
        let slot = spots.places[&1];
        let Align::In { x, w } = slot.align else {
            panic!("{slot:?}")
        };
        (x..x + w)
            .map(|cx| buf[(cx, slot.at.1)].symbol())
            .collect::<String>()
    };
    // At normal speed it would rest in its slot by now; slowed 4 times it
    // is halfway.
    app.now_ns = (100 + 2 * 350) * MS;
    assert!(
        !slot_text(&app).contains("url_1"),
        "{}",
        text_of(&app, 160, 16)
    );
    assert_eq!(drawn(&app, 160, 16, "url_1"), 1);
    app.now_ns = (100 + 4 * 350 + 1) * MS;
    assert_eq!(slot_text(&app).trim(), "url_1");
    assert_eq!(drawn(&app, 160, 16, "url_1"), 1);
}

#[test]
fn stage_tube_geometry_depends_only_on_the_area_and_maxsize() {
    let long_labels = || {
        let mut app = queue_app();
        app.item(2800, 2, 4103, Kind::Get, "url_2", 4);
        app.item(2810, 2, 4103, Kind::Get, "url_5", 5);
        app.item(2820, 0, 4101, Kind::Put, "url_12345", 11);
        app.item(2830, 1, 4102, Kind::Put, "a_much_longer_label_than_any", 12);
        app.tick(4000);
        app
    };
    let mut bare = empty(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
    spawn(&mut bare, 0, 4101, "writer-1", Role::Writer);
    let mut long_flight = queue_app();
    long_flight.scene.flights.list.push(Flight {
        label: "an_item_with_a_long_name_99999".into(),
        seq: Some(99),
        from: Spot::Proc(0),
        to: Spot::QueueTail,
        start_ns: long_flight.now_ns,
        dur_ns: 400 * MS,
        by: 0,
    });
    for maxsize in [0, 3, 32] {
        let mut scenes = [
            bare.clone(),
            queue_app(),
            long_labels(),
            moving_app(),
            long_flight.clone(),
        ];
        for s in &mut scenes {
            s.scene.maxsize = maxsize;
        }
        for (w, h) in [(80, 8), (96, 9), (160, 16)] {
            let tube = |app: &Fixture| draw_with(app, &Theme::plain(), w, h).1.tube.unwrap();
            // The top wall's corners and dividers, where nothing flies.
            let walls = |app: &Fixture| {
                let t = text_of(app, w, h);
                let (_, spots) = draw_with(app, &Theme::plain(), w, h);
                let m = spots.middle;
                let y = tube(app).walls.unwrap().0 as usize;
                let row: Vec<char> = t.lines().nth(y).unwrap().chars().collect();
                row.iter()
                    .enumerate()
                    .filter(|(i, _)| (m.x as usize..m.right() as usize).contains(i))
                    .filter(|(_, c)| matches!(c, '╭' | '┬' | '╮'))
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
            };
            let first = tube(&scenes[0]);
            for app in &scenes {
                assert_eq!(tube(app), first, "maxsize {maxsize} at {w}x{h}");
            }
            for app in &scenes[..3] {
                assert_eq!(
                    walls(app),
                    walls(&scenes[0]),
                    "maxsize {maxsize} at {w}x{h}"
                );
            }
        }
    }
    // Longer labels are cut to the slot, keeping their end.
    let t = text_of(&long_labels(), 80, 8);
    assert!(t.contains("│…han_any│…l_12345│"), "{t}");
    assert!(!t.contains("a_much"), "{t}");
}

#[test]
fn stage_maxsize_lowered_under_the_depth_shows_the_items_over_it_and_why_puts_wait() {
    let app = lowered_app();
    let t = text_of(&app, 160, 16);
    let row = t.lines().find(|l| l.contains("url_1 ")).expect("the tube");
    // From the head leftwards: url_1, url_2 in the tube, then past its tail
    // wall, in dashed slots, url_3, url_4... and a count of the rest.
    let mut at = row.len();
    let mut shown = 0;
    for n in 1..=10 {
        let Some(x) = row[..at].rfind(&format!("url_{n} ")) else {
            break;
        };
        at = x;
        shown = n;
    }
    assert!(shown >= 3, "{t}");
    let (tube_part, over_part) = row.split_at(row.find("url_2").unwrap());
    assert!(over_part.contains('│') && tube_part.contains('┆'), "{row}");
    if shown < 10 {
        let rest = format!("+{} over", 10 - shown);
        assert!(row.contains(&rest), "the rest counted:\n{t}");
    }
    assert!(t.contains("depth 10/2 FULL: 8 over maxsize"), "{t}");
    assert!(t.contains("BLOCKED put: queue full"), "{t}");
    // A narrower stage counts them all the same.
    let t = text_of(&app, 100, 9);
    assert!(t.contains("+8") && t.contains("8 over maxsize"), "{t}");
}

#[test]
fn stage_pipe_flood_counts_what_is_not_followed_and_never_labels_it() {
    let app = flooded_pipe_app();
    let inside = &app.scene.world.pipe.inside;
    assert_eq!(inside.untracked, 972, "a flood the model does not follow");
    for (w, h) in [(80, 8), (100, 9), (160, 16)] {
        let t = text_of(&app, w, h);
        let row = t.lines().find(|l| l.contains("972 more")).expect("counted");
        let more = row.find("972 more").unwrap();
        // Every label drawn is one the model follows, oldest on the right,
        // and all left of the count.
        let labels: Vec<(usize, u64)> = row
            .match_indices("url_")
            .map(|(i, _)| {
                let n: String = row[i + 4..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (i, n.parse().unwrap())
            })
            .collect();
        assert!(!labels.is_empty(), "{t}");
        for w in labels.windows(2) {
            assert!(w[0].1 > w[1].1, "newest on the left: {row}");
        }
        for (i, n) in labels {
            assert!(
                i < more && n >= 976,
                "url_{n} is not known to be there: {row}"
            );
        }
    }
}

// ------------------------------------------- pipe ends, replies, deadlock --

#[test]
fn stage_inherited_ends_name_the_receivers_own_copy_of_the_send_end() {
    let app = crate::ui::testkit::inherited_app();
    for (w, h) in [(98, 9), (160, 16)] {
        let t = text_of(&app, w, h);
        let send = t
            .lines()
            .find(|l| l.contains("a (send end) held by:"))
            .unwrap_or_else(|| panic!("{t}"));
        assert!(send.contains("receiver ###"), "{t}");
        assert!(
            send.contains("the receiver's own copy: its recv never sees EOF"),
            "{t}"
        );
        assert!(t.contains("b (recv end) held by: receiver ###"), "{t}");
        // The ends are labelled as the program names them.
        assert!(row_of(&t, "a (send end)") < row_of(&t, "sender ###"), "{t}");
    }
    insta::assert_snapshot!(text_of(&app, 98, 9));
}

#[test]
fn stage_inherited_ends_with_the_parent_too_say_no_eof_while_any_is_open() {
    let mut app = crate::ui::testkit::inherited_app();
    if let Some(p) = app.scene.pipe.as_mut() {
        p.send_holders.push(Holder {
            pid: 940,
            proc: None,
        });
    }
    let t = text_of(&app, 160, 16);
    assert!(
        t.contains(
            "receiver ###, parent (ipcscope) 940  ← recv never sees EOF while these are open"
        ),
        "{t}"
    );
}

#[test]
fn stage_deadlock_shows_the_chain_of_waits_and_both_ends_blocked() {
    let app = crate::ui::testkit::deadlock_app();
    let t = text_of(&app, 98, 9);
    let first = row_of(&t, "DEADLOCK: sender ### waits in recv() for receiver ###");
    let second = row_of(&t, "receiver ### waits in recv() for sender ###");
    assert_eq!(second, first + 1, "{t}");
    // Each end of the tube is marked blocked: both wait there.
    let mid = t.lines().nth(row_of(&t, "BLOCKED recv")).unwrap();
    assert_eq!(mid.matches('■').count(), 4, "{t}");
    insta::assert_snapshot!(t);
}

/// The wait-for view on the cards: who each blocked process waits for,
/// and, when nobody will ever give it (a cycle, or only copies that never
/// send), that it waits forever.
#[test]
fn stage_cards_say_whom_a_blocked_process_waits_for_and_when_it_is_forever() {
    let t = text_of(&crate::ui::testkit::deadlock_app(), 98, 9);
    assert!(t.contains("forever ← receiver"), "{t}");
    assert!(t.contains("forever ← sender"), "{t}");
    let t = text_of(&crate::ui::testkit::inherited_app(), 98, 9);
    assert!(t.contains("forever ← itself"), "{t}");
    // A reader waiting while a writer runs: not forever, and not said at
    // all for a writer in put with a reader running (its item is shown).
    let t = text_of(&queue_app(), 98, 9);
    assert!(!t.contains("forever"), "{t}");
}

#[test]
fn stage_echo_draws_the_reply_on_its_way_back_near_the_sender() {
    let app = crate::ui::testkit::echo_app();
    let t = text_of(&app, 98, 9);
    let mid = t
        .lines()
        .find(|l| l.contains("ok url_1"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(
        mid.contains("→│ ok url_1"),
        "the reply rests at the sender's end: {t}"
    );
    assert!(t.contains("received 2, last url_1"), "{t}");
    assert_eq!(app.scene.world.pipe.back.count(), 1);
    assert_eq!(app.scene.world.pipe.inside.count(), 0);
    // A reply's flight goes from the receiver's card into the tube's right
    // end, and rests at the sender's end.
    let mut app = app;
    app.item(2100, 1, 953, Kind::Reply, "ok url_2", 3);
    let f = app.scene.flights.list.last().unwrap();
    assert_eq!((f.from, f.to), (Spot::Proc(1), Spot::PipeBackIn));
    let (_, spots) = draw_with(&app, &Theme::plain(), 98, 9);
    let (from, to) = spots.flight_ends(f).unwrap();
    assert!(from.at.0 > to.at.0, "it travels leftwards");
    assert_eq!(Some(to), spots.back_places.get(&3).copied());
}

#[test]
fn stage_one_way_pipe_ends_are_named_send_end_and_recv_end() {
    let mut p = PipeConfig::defaults(Mode::Tui);
    p.duplex = false;
    let mut app = empty(Scenario::Pipe(p));
    spawn(&mut app, 0, 952, "sender", Role::Sender);
    spawn(&mut app, 1, 953, "receiver", Role::Receiver);
    let t = text_of(&app, 160, 16);
    assert!(row_of(&t, "send_end") < row_of(&t, "sender ###"), "{t}");
    assert!(t.contains("recv_end"), "{t}");
    assert!(t.contains("send_end held by:"), "{t}");
}

/// The queue mid-run with the writers switched to `put(url, block=False)`
/// giving items up: writer-1 raised `queue.Full` for url_8 just now
/// (`ms_ago`), and the readers `get(timeout=1)` retry.
fn raised_app(ms_ago: u64) -> Fixture {
    use crate::config::{Policy, Then, Wait};
    let mut app = queue_app();
    let give_up = Policy {
        wait: Wait::Nowait,
        then: Then::GiveUp,
    };
    let retry = Policy {
        wait: Wait::Timeout(1.0),
        then: Then::Retry,
    };
    for (role, policy) in [(Role::Writer, give_up), (Role::Reader, retry)] {
        apply(&mut app, SUPERVISOR, 1, Kind::PolicySet { role, policy });
    }
    let t = app.now_ns;
    let full = Kind::PutFull {
        wait: Some(Wait::Nowait),
        then: Then::GiveUp,
    };
    app.apply(
        Event::new(t, 0, 4101, full)
            .with_item("url_8")
            .with_depth(3),
    );
    app.tick(t / 1_000_000 + ms_ago);
    app
}

#[test]
fn queue_full_flashes_at_the_writer_that_raised_it_with_what_it_does_next() {
    for (w, h) in [(80, 8), (100, 12), (160, 16)] {
        let t = text_of(&raised_app(100), w, h);
        let row = row_of(&t, "queue.Full");
        let line = t.lines().nth(row).unwrap();
        assert!(line.contains("gives up"), "{w}x{h}:\n{t}");
        // At writer-1's card, on the writers' side, under its name.
        let name = row_of(&t, "writer-1");
        assert!(row > name && row <= name + 3, "{w}x{h}:\n{t}");
        assert!(line.find("queue.Full").unwrap() < w as usize / 3, "{t}");
    }
    // Where the side has room, the item given up is named.
    let zh = crate::text::with_lang(crate::config::Lang::Zh, || {
        text_of(&raised_app(100), 100, 12)
    });
    assert!(zh.contains("✗ queue.Full → 放弃 url_8"), "{zh}");
}

#[test]
fn the_flash_is_gone_after_a_second_or_so_and_the_card_says_its_state_again() {
    let t = text_of(&raised_app(100), 160, 16);
    assert!(t.contains("✗ queue.Full"), "{t}");
    let t = text_of(
        &raised_app(crate::model::policy::FLASH_NS / 1_000_000 + 1),
        160,
        16,
    );
    assert!(!t.contains("✗"), "{t}");
    let card = t.lines().nth(row_of(&t, "writer-1") + 1).unwrap();
    assert!(card.contains("active"), "{t}");
}

#[test]
fn the_stage_edge_names_each_roles_call_and_except_clause() {
    let t = text_of(&raised_app(100), 100, 12);
    let last = t.lines().last().unwrap();
    assert!(
        last.contains("put(url, block=False) · except queue.Full: give up"),
        "{t}"
    );
    assert!(
        last.contains("get(timeout=1) · except queue.Empty: retry"),
        "{t}"
    );
    // Narrow: the calls stay, the except clauses go first.
    let t = text_of(&raised_app(100), 60, 12);
    let last = t.lines().last().unwrap();
    assert!(last.contains("put(url, block=False)"), "{t}");
    assert!(
        last.contains("get(timeout=1)") && !last.contains("except"),
        "{t}"
    );
    // Plain blocking calls on both sides: nothing to say.
    let t = text_of(&queue_app(), 100, 12);
    assert!(!t.lines().last().unwrap().contains("put("), "{t}");
}

#[test]
fn stage_raised_snapshots_in_both_languages_with_wide_glyphs_whole() {
    use crate::config::Lang;
    use crate::ui::testkit::assert_buffer_glyphs_whole;
    let app = raised_app(100);
    for lang in Lang::ALL {
        for (w, h) in [(80, 10), (100, 12)] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            crate::text::with_lang(lang, || {
                draw(&app.view(), &Theme::plain(), buf.area, &mut buf)
            });
            let t = assert_buffer_glyphs_whole(&buf);
            insta::assert_snapshot!(format!("stage_raised_{}_{w}x{h}", lang.code()), t);
        }
    }
}
