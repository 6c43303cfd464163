"""Blocking and maxsize: Queue(maxsize=2) holds at most two items.
阻塞与 maxsize：Queue(maxsize=2) 最多容纳两个数据。

Fast writers fill the queue; put() then waits until the slow reader
takes an item. get() waits while the queue is empty.
写得快的进程把队列塞满后，put() 会等待，直到慢的读进程取走一个；
队列为空时 get() 等待。
"""

import os
import time
from multiprocessing import Process, Queue


def write(q, urls):
    print(f"Process({os.getpid()}) is writing...", flush=True)
    for url in urls:
        print(f"Put {url} to queue...", flush=True)
        started = time.monotonic()
        q.put(url)  # full queue: wait for a free slot / 队列满：等待空位
        waited = time.monotonic() - started
        if waited > 0.1:
            print(f"Process({os.getpid()}) waited {waited:.1f} s in put: the queue was full", flush=True)
        time.sleep(0.1)  # a fast writer / 写得快


def read(q, count):
    print(f"Process({os.getpid()}) is reading...", flush=True)
    for _ in range(count):
        time.sleep(1)  # a slow reader: one item a second / 读得慢：每秒一个
        url = q.get()  # empty queue: wait for an item / 队列空：等待数据
        print(f"Get {url} from queue.", flush=True)


if __name__ == "__main__":
    q = Queue(maxsize=2)  # at most 2 items inside / 最多 2 个
    pw1 = Process(target=write, args=(q, ["url_1", "url_2", "url_3"]))
    pw2 = Process(target=write, args=(q, ["url_4", "url_5", "url_6"]))
    pr = Process(target=read, args=(q, 6))  # it knows how many will come / 它知道会来几个
    pw1.start()
    pw2.start()
    pr.start()
    pw1.join()
    pw2.join()
    pr.join()
