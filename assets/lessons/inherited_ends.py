"""Pipe ends as fork leaves them: every child gets a copy of both ends.
管道端口的继承：每个子进程都拿到两端的副本。

A child process starts with a copy of every end its parent holds. Here
each child is even handed both, so the receiver holds a copy of `a`, the
send end. When the sender is done and the parent has closed its copies,
the receiver's own copy still keeps `a` open: recv() waits forever for a
message only the receiver itself could send. Stop it with Ctrl-C.
The fix: each child closes the end it does not use. Run it as
`python3 inherited_ends.py --close-unused` and recv() raises EOFError.
子进程一开始就持有父进程所有端口的副本。这里每个子进程还被显式传入两端，
所以接收进程也持有发送端 `a` 的副本。发送进程结束、父进程关闭自己的副本后，
接收进程自己的副本仍让 `a` 开着：recv() 永远在等一条只有它自己才能发送的消息。
用 Ctrl-C 结束。改法：每个子进程关闭自己用不到的端口。
用 `python3 inherited_ends.py --close-unused` 运行，recv() 就会抛出 EOFError。
"""

import os
import random
import sys
import time
from multiprocessing import Pipe, Process

CLOSE_UNUSED = "--close-unused" in sys.argv  # the fix / 改法


def send(conn, other):
    if CLOSE_UNUSED:
        other.close()  # b: this process only sends / 只发送，关掉 b
    for i in range(5):
        url = f"url_{i}"
        print(f"Process({os.getpid()}) send: {url}", flush=True)
        conn.send(url)
        time.sleep(random.random())
    conn.close()


def receive(conn, other):
    if CLOSE_UNUSED:
        other.close()  # a: this process only receives / 只接收，关掉 a
    while True:
        try:
            url = conn.recv()  # without the fix: waits here forever / 不改就永远等在这里
        except EOFError:
            print(f"Process({os.getpid()}) recv: EOFError, nothing more will come", flush=True)
            break
        print(f"Process({os.getpid()}) recv: {url}", flush=True)
        time.sleep(random.random())


if __name__ == "__main__":
    a, b = Pipe()  # a for the sender, b for the receiver / a 给发送进程，b 给接收进程
    ps = Process(target=send, args=(a, b))  # both ends, as fork leaves them / 两端都在
    pr = Process(target=receive, args=(b, a))
    ps.start()
    pr.start()
    a.close()  # the parent's copies: closed / 父进程的副本：已关闭
    b.close()
    ps.join()
    pr.join()  # without the fix: never returns / 不改就永远不返回
