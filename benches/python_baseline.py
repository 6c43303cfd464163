"""Python baseline for `ipcscope bench --python`.

The same work as ipcscope's benchmark roles, with Python's own
multiprocessing: one writer process, one reader process, small string items
("url_1", "url_2", ...), both started together at a barrier; the reader times
from the barrier to its last item. Prints one JSON object per case.

    python3 python_baseline.py --case queue_unbounded --items 200000
"""

import argparse
import json
import multiprocessing as mp
import time


def q_writer(q, barrier, n):
    barrier.wait()
    for i in range(1, n + 1):
        q.put(f"url_{i}")


def q_reader(q, barrier, n, result):
    barrier.wait()
    start = time.perf_counter()
    for _ in range(n):
        q.get()
    result.value = time.perf_counter() - start


def p_writer(conn, barrier, n):
    barrier.wait()
    for i in range(1, n + 1):
        conn.send(f"url_{i}")
    conn.close()


def p_reader(conn, barrier, n, result):
    barrier.wait()
    start = time.perf_counter()
    for _ in range(n):
        conn.recv()
    result.value = time.perf_counter() - start


def run(case, n):
    barrier = mp.Barrier(2)
    result = mp.Value("d", 0.0)
    if case.startswith("queue"):
        q = mp.Queue(2 if case == "queue_maxsize2" else 0)
        procs = [
            mp.Process(target=q_writer, args=(q, barrier, n)),
            mp.Process(target=q_reader, args=(q, barrier, n, result)),
        ]
    else:
        duplex = case == "pipe_duplex"
        recv_end, send_end = mp.Pipe(duplex)
        procs = [
            mp.Process(target=p_writer, args=(send_end, barrier, n)),
            mp.Process(target=p_reader, args=(recv_end, barrier, n, result)),
        ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    seconds = result.value
    return {"case": case, "items": n, "seconds": seconds, "items_per_s": n / seconds}


if __name__ == "__main__":
    mp.set_start_method("fork")
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True,
                    choices=["queue_unbounded", "queue_maxsize2", "pipe_duplex", "pipe_oneway"])
    ap.add_argument("--items", type=int, required=True)
    args = ap.parse_args()
    print(json.dumps(run(args.case, args.items)), flush=True)
