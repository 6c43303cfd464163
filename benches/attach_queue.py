"""multiprocessing.Queue throughput, for `cargo bench --bench attach`: one
writer process puts N small items (0, 1, 2, ...), the main process gets
them; prints the items per second from the first put to the last get.
Run as it is (`python3 benches/attach_queue.py 200000`) and under
`ipcscope run`, in the same bench run, to measure what the instrumentation
costs.
"""

import multiprocessing as mp
import sys
import time


def write(q, n):
    for i in range(n):
        q.put(i)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    q = mp.Queue()
    w = mp.Process(target=write, args=(q, n))
    t0 = time.perf_counter()
    w.start()
    for _ in range(n):
        q.get()
    dt = time.perf_counter() - t0
    w.join()
    print(f"items/s: {n / dt:.0f}", flush=True)
