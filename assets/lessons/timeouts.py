"""Timeouts, queue.Full and queue.Empty, block=False.
超时、queue.Full 与 queue.Empty、block=False。

put(item, timeout=t) waits at most t seconds for room, then raises
queue.Full; get(timeout=t) waits at most t seconds for an item, then
raises queue.Empty. block=False never waits at all.
put(item, timeout=t) 最多等 t 秒空位，然后抛出 queue.Full；
get(timeout=t) 最多等 t 秒数据，然后抛出 queue.Empty；
block=False 完全不等待。
What comes after queue.Full or queue.Empty is the program's choice, in
its except clause: try again, or give up and go on.
queue.Full / queue.Empty 之后怎么办由程序决定，写在 except 里：
重试，或者放弃并继续。
"""

import os
import queue  # where Full and Empty live / Full 和 Empty 定义在这里
import time
from multiprocessing import Process, Queue


def write(q, urls):
    print(f"Process({os.getpid()}) is writing...", flush=True)
    for url in urls:
        while True:
            try:
                q.put(url, timeout=0.5)  # wait at most 0.5 s / 最多等 0.5 秒
                print(f"Put {url} to queue...", flush=True)
                break
            except queue.Full:  # still no room / 仍然没有空位
                print(f"queue.Full: no room for {url} after 0.5 s, trying again", flush=True)


def read(q):
    print(f"Process({os.getpid()}) is reading...", flush=True)
    while True:
        time.sleep(1)  # a slow reader / 读得慢
        try:
            url = q.get(timeout=1)  # wait at most 1 s / 最多等 1 秒
        except queue.Empty:  # nothing came / 没有等到数据
            print("queue.Empty: nothing came in 1 s, the reader stops", flush=True)
            break
        print(f"Get {url} from queue.", flush=True)


if __name__ == "__main__":
    q = Queue(maxsize=1)  # room for one item / 只能放一个
    pw = Process(target=write, args=(q, ["url_1", "url_2", "url_3"]))
    pr = Process(target=read, args=(q,))
    pw.start()
    pr.start()
    pw.join()
    pr.join()
    try:
        q.get(block=False)  # block=False: no waiting at all / 完全不等待
    except queue.Empty:
        print("get(block=False) on an empty queue: queue.Empty at once", flush=True)
    try:
        q.get(timeout=0)  # timeout=0 raises at once too / timeout=0 也立刻抛出
    except queue.Empty:
        print("get(timeout=0) on an empty queue: queue.Empty at once", flush=True)
    q.put("url_4")  # the queue is full again / 队列又满了
    for url in ["url_5", "url_6"]:
        try:
            q.put(url, block=False)  # never waits / 从不等待
        except queue.Full:  # give this url up and go on / 放弃这个 url，继续
            print(f"put({url}, block=False) on a full queue: queue.Full at once, {url} given up", flush=True)
            continue
