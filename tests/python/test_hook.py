"""The instrumentation (assets/python/ipcscope_hook) on its own: run by
`cargo test` (tests/attach.rs) as `python3 -m unittest discover -s
tests/python`, with assets/python on PYTHONPATH.

Each test that needs the hook installed runs a child interpreter with the
environment ipcscope would give it, its reports going into a pipe the test
reads.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "assets", "python")


def run_hooked(program, extra_path=None, timeout=60):
    """Runs `program` with the hook, returns (status, stdout, stderr, reports)."""
    r, w = os.pipe()
    os.set_blocking(w, False)
    env = dict(os.environ)
    env["PYTHONPATH"] = ASSETS + (os.pathsep + extra_path if extra_path else "")
    env["IPCSCOPE_FD"] = str(w)
    env["IPCSCOPE_INO"] = str(os.fstat(w).st_ino)
    env.pop("IPCSCOPE_FIFO", None)
    env.pop("IPCSCOPE_SHM", None)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "prog.py")
        with open(path, "w") as f:
            f.write(textwrap.dedent(program))
        p = subprocess.Popen(
            [sys.executable, path],
            env=env,
            pass_fds=[w],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(w)
        chunks = []
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            chunks.append(b)
        out, err = p.communicate(timeout=timeout)
        os.close(r)
    reports = []
    for line in b"".join(chunks).split(b"\n"):
        if line.startswith(b"\x1e"):
            reports.append(json.loads(line[1:]))
    return p.returncode, out, err, reports


class Floods(unittest.TestCase):
    """The flood counts in this interpreter, reporting into a pipe of the
    test's own."""

    def setUp(self):
        import ipcscope_hook as h
        from json.encoder import encode_basestring_ascii

        self.h = h
        self.r, self.w = os.pipe()
        os.set_blocking(self.w, False)
        self.saved = dict(h._state), h._now, h._quote
        h._state.update(on=True, fd=self.w, pid=os.getpid(), dropped=0, ino=os.fstat(self.w).st_ino)
        h._now = __import__("time").monotonic_ns
        h._quote = encode_basestring_ascii
        h._burst.clear()

    def tearDown(self):
        h = self.h
        state, h._now, h._quote = self.saved
        h._state.clear()
        h._state.update(state)
        h._burst.clear()
        os.close(self.r)
        os.close(self.w)

    def reports(self):
        data = b""
        os.set_blocking(self.r, False)
        try:
            while True:
                data += os.read(self.r, 65536)
        except BlockingIOError:
            pass
        return [json.loads(l[1:]) for l in data.split(b"\n") if l.startswith(b"\x1e")]

    def test_a_count_that_meets_a_full_pipe_is_told_later_whole(self):
        h = self.h
        try:  # fill the reporting pipe
            while True:
                os.write(self.w, b"x" * 4096)
        except BlockingIOError:
            pass
        for _ in range(500):
            h._count("put", "q1.1")
        h._flush_burst()
        self.assertEqual(h._burst, {("put", "q1.1"): 500}, "kept for the next flush")
        self.assertEqual(h._state["dropped"], 0, "kept, so not a drop")
        self.reports()  # the reader catches up
        h._count("put", "q1.1")
        h._flush_burst()
        many = [r for r in self.reports() if r["ev"] == "many"]
        self.assertEqual([(m["op"], m["n"]) for m in many], [("put", 501)])
        self.assertEqual(h._burst, {})


class Labels(unittest.TestCase):
    def setUp(self):
        import ipcscope_hook as h
        from json.encoder import encode_basestring_ascii

        h._quote = encode_basestring_ascii
        self.h = h

    def label(self, obj):
        return json.loads(self.h._label(obj))

    def test_a_label_is_a_short_repr(self):
        self.assertEqual(self.label("url_1"), "'url_1'")
        self.assertEqual(self.label(42), "42")
        self.assertLessEqual(len(self.label("x" * 10_000)), 40)

    def test_a_big_container_is_named_by_its_size_not_printed(self):
        self.assertEqual(self.label(list(range(1_000_000))), "list[1000000]")
        self.assertEqual(self.label({i: i for i in range(100)}), "dict[100]")

    def test_a_repr_that_raises_does_not_break_the_program(self):
        class Bad:
            def __repr__(self):
                raise RuntimeError("no")

        self.assertEqual(self.label(Bad()), "<Bad>")


class Hooked(unittest.TestCase):
    def test_put_and_get_are_reported_with_the_callers_line(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            if __name__ == "__main__":
                q = mp.Queue(maxsize=3)
                q.put("a")
                print(q.get())
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "a")
        by = {r["ev"]: r for r in reports}
        self.assertEqual(by["object"]["type"], "Queue")
        self.assertEqual(by["object"]["maxsize"], 3)
        self.assertEqual(by["object"]["name"], "q")
        self.assertEqual(by["put"]["line"], 4)
        self.assertEqual(by["put"]["item"], "'a'")
        self.assertEqual(by["get"]["line"], 5)
        self.assertEqual(by["flushed"]["item"], "'a'")
        self.assertTrue(by["put"]["file"].endswith("prog.py"))

    def test_exceptions_are_unchanged_and_tracebacks_show_no_hook_frames(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp, queue
            if __name__ == "__main__":
                q = mp.Queue()
                try:
                    q.get(timeout=0.01)
                except queue.Empty as e:
                    print(type(e).__name__)
                q.get(timeout=0.01)
            """
        )
        self.assertEqual(status, 1)
        self.assertEqual(out.strip(), "Empty")
        self.assertIn("_queue.Empty", err)
        self.assertIn('prog.py", line 8', err)
        self.assertNotIn("ipcscope_hook", err)
        self.assertIn("get_empty", [r["ev"] for r in reports])

    def test_an_existing_sitecustomize_still_runs(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "sitecustomize.py"), "w") as f:
                f.write("import builtins\nbuiltins.CHAINED = True\n")
            status, out, err, _ = run_hooked("print(CHAINED)\n", extra_path=d)
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "True")

    def test_a_full_reporting_pipe_drops_reports_and_never_blocks(self):
        # Nobody reads the pipe until the program ends: 64 KiB fill it.
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            if __name__ == "__main__":
                q = mp.SimpleQueue()
                for i in range(20_000):
                    q.put(i)
                    q.get()
                print("done")
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "done")

    def test_a_flood_is_counted_exactly_in_many_reports(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            if __name__ == "__main__":
                q = mp.Queue()
                for i in range(3000):
                    q.put(i)
                for i in range(3000):
                    q.get()
                print("done")
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "done")

        def told(op):
            alone = sum(1 for r in reports if r["ev"] == op)
            counted = sum(r["n"] for r in reports if r["ev"] == "many" and r["op"] == op)
            return alone, counted

        for op in ["put", "get", "flushed"]:
            alone, counted = told(op)
            self.assertEqual(alone + counted, 3000, op)
            self.assertGreater(counted, 0, f"{op}: a flood is counted, not told one by one")

    def test_an_object_is_named_only_by_a_line_that_assigns_it(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            if __name__ == "__main__":
                q = mp.Queue()
                qs = [mp.Queue()]
                v = mp.Value("i", 0)
                n = len([mp.Array("i", 3)])
                r, w = mp.Pipe()
            """
        )
        self.assertEqual(status, 0, err)
        names = [r["name"] for r in reports if r["ev"] == "object"]
        self.assertEqual(names, ["q", "", "v", "", "r,w"])

    def test_after_a_flood_a_get_that_waits_is_told_after_the_counts(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            import time

            def late(q):
                time.sleep(0.5)
                q.put("late")

            if __name__ == "__main__":
                q = mp.Queue()
                for i in range(3000):
                    q.put(i)
                for i in range(3000):
                    q.get()
                p = mp.Process(target=late, args=(q,))
                p.start()
                print(q.get())
                p.join()
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "late")
        main = reports[0]["pid"]
        mine = [r for r in reports if r["pid"] == main]
        wait = next(i for i, r in enumerate(mine) if r["ev"] == "get_wait")
        before = mine[:wait]
        alone = sum(1 for r in before if r["ev"] == "get")
        counted = sum(r["n"] for r in before if r["ev"] == "many" and r["op"] == "get")
        self.assertEqual(alone + counted, 3000, "every get counted is told before the wait")
        got = [r for r in mine[wait:] if r["ev"] == "get"]
        self.assertEqual([g["item"] for g in got], ["'late'"])

    def test_q10b_in_a_flood_a_get_on_slots_a_killed_writer_leaked_tells_its_wait(self):
        # The semaphore still counts the killed writer's items (their slots
        # leaked): the get must not trust it, and its wait tells the count.
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            import queue
            import time

            def write(q, ready):
                for i in range(2000):
                    q.put("x" * 200)
                ready.set()
                time.sleep(3600)

            if __name__ == "__main__":
                q = mp.Queue()
                ready = mp.Event()
                w = mp.Process(target=write, args=(q, ready))
                w.start()
                ready.wait()
                w.kill()
                w.join()
                got = 0
                try:
                    while True:
                        q.get(timeout=1)
                        got += 1
                except queue.Empty:
                    print(got)
            """
        )
        self.assertEqual(status, 0, err)
        got = int(out.strip())
        main = reports[0]["pid"]
        mine = [r for r in reports if r["pid"] == main]
        wait = next(i for i, r in enumerate(mine) if r["ev"] == "get_wait")
        told = sum(1 for r in mine[:wait] if r["ev"] == "get") + sum(
            r["n"] for r in mine[:wait] if r["ev"] == "many" and r["op"] == "get"
        )
        self.assertEqual(told, got, "every get before the wait is told first")
        self.assertEqual(mine[wait]["sem"], 2000 - got, "the semaphore's count: the lost items")

    def test_after_a_flood_a_put_that_waits_on_a_full_queue_is_told(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            import time

            def late(q):
                time.sleep(0.5)
                q.get()

            if __name__ == "__main__":
                q = mp.Queue(maxsize=1)
                for i in range(3000):
                    q.put(i)
                    q.get()
                q.put("first")
                p = mp.Process(target=late, args=(q,))
                p.start()
                q.put("second")
                print("put")
                p.join()
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.strip(), "put")
        main = reports[0]["pid"]
        mine = [r for r in reports if r["pid"] == main]
        waits = [r for r in mine if r["ev"] == "put_wait"]
        self.assertEqual([w["item"] for w in waits], ["'second'"], "the wait is told")
        wait = mine.index(waits[0])
        counted = sum(r["n"] for r in mine[:wait] if r["ev"] == "many" and r["op"] == "put")
        self.assertGreater(counted, 0, "a flood before it, counted")

    def test_after_a_flood_a_recv_that_waits_and_its_eof_are_told(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            import time

            def late(w):
                time.sleep(0.5)
                w.send("late")
                w.close()

            if __name__ == "__main__":
                r, w = mp.Pipe(duplex=False)
                for i in range(3000):
                    w.send(i)
                    r.recv()
                p = mp.Process(target=late, args=(w,))
                p.start()
                w.close()
                print(r.recv())
                p.join()
                try:
                    r.recv()
                except EOFError:
                    print("eof")
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split(), ["late", "eof"])
        main = reports[0]["pid"]
        mine = [r for r in reports if r["pid"] == main]
        evs = [r["ev"] for r in mine]
        self.assertIn("recv_wait", evs, "the wait after the flood is told")
        self.assertIn("recv_eof", evs, "so is the EOF")
        wait = evs.index("recv_wait")
        got = [r for r in mine[wait:] if r["ev"] == "recv"]
        self.assertEqual([g["item"] for g in got], ["'late'"])

    def test_a_pipe_reports_its_ends_and_eof(self):
        status, out, err, reports = run_hooked(
            """\
            import multiprocessing as mp
            if __name__ == "__main__":
                r, w = mp.Pipe(duplex=False)
                w.send([1, 2])
                w.close()
                print(r.recv())
                try:
                    r.recv()
                except EOFError:
                    print("eof")
            """
        )
        self.assertEqual(status, 0, err)
        self.assertEqual(out.split(), ["[1,", "2]", "eof"])
        evs = [r["ev"] for r in reports]
        for ev in ["object", "send", "closed", "recv", "recv_eof"]:
            self.assertIn(ev, evs)
        obj = next(r for r in reports if r["ev"] == "object")
        self.assertEqual(obj["name"], "r,w")
        self.assertFalse(obj["duplex"])

    def test_without_ipcscopes_environment_nothing_is_wrapped(self):
        env = dict(os.environ, PYTHONPATH=ASSETS)
        env.pop("IPCSCOPE_FD", None)
        out = subprocess.run(
            [sys.executable, "-c", "import multiprocessing.queues as q; print(q.Queue.put.__module__)"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout
        self.assertEqual(out.strip(), "multiprocessing.queues")


if __name__ == "__main__":
    unittest.main()
