"""Joining a process that uses a queue before draining the queue: a deadlock.
先 join 使用队列的进程、后取空队列：死锁。

A Queue's put() does not write into the queue's pipe: it appends the item
to a buffer of this process and returns at once; a background "feeder"
thread writes the buffer into the pipe. The pipe holds 64 KiB. Before a
process that has put items can exit, its feeder must have written them
all. Here the writer puts far more than 64 KiB, and the parent joins it
first and gets the items after: the writer waits for someone to read the
pipe, the parent waits for the writer to end. Nothing moves. Stop it with
Ctrl-C. The fix: get the items, then join. Run it as
`python3 join_before_drain.py --drain-first`.
Queue 的 put() 并不写进队列的管道：它把数据追加到本进程的缓冲区后立即返回，
由后台的 feeder 线程把缓冲区写进管道。管道只能放 64 KiB。放过数据的进程要退出，
必须先等 feeder 把数据全部写完。这里写进程放入的数据远超 64 KiB，而父进程先
join 它、之后才取数据：写进程等人读管道，父进程等写进程结束，谁也动不了。
用 Ctrl-C 结束。改法：先取数据，再 join。
用 `python3 join_before_drain.py --drain-first` 运行。
"""

import os
import sys
from multiprocessing import Process, Queue

DRAIN_FIRST = "--drain-first" in sys.argv  # the fix / 改法
N = 20000  # far more than the pipe's 64 KiB / 远超管道的 64 KiB


def write(q, n):
    print(f"Process({os.getpid()}) is writing...", flush=True)
    for i in range(n):
        q.put(f"url_{i}")  # returns at once: the url waits in this process's buffer / 立即返回
    print(f"Process({os.getpid()}) put {n} urls: it exits once its feeder has flushed them", flush=True)


def drain(q, n):
    return [q.get() for _ in range(n)]  # the parent reads the queue / 父进程读取队列


if __name__ == "__main__":
    q = Queue()
    pw = Process(target=write, args=(q, N))
    pw.start()
    urls = drain(q, N) if DRAIN_FIRST else None  # the fix: drain first / 改法：先取空
    pw.join()  # without the fix: waits forever for the writer / 不改就永远等写进程
    if urls is None:
        urls = drain(q, N)  # too late: never reached / 太晚了：永远到不了
    print(f"Got {len(urls)} urls, the last {urls[-1]}.", flush=True)
