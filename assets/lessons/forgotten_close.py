"""The pipe example as the class wrote it: the receiver never ends.
课上写的管道例子：接收进程永远不会结束。

recv() raises EOFError only when every copy of the other end is closed,
in every process. Here the parent keeps its copy of `a` (and the receiver
keeps the copy it inherited), so after url_9 recv() waits forever and
pr.join() never returns. Stop it with Ctrl-C. The fix is in pipe.py.
只有当另一端的所有副本（在所有进程中）都关闭时，recv() 才抛出 EOFError。
这里父进程一直持有 `a`（接收进程也持有继承来的副本），所以收完 url_9 后
recv() 永远等待，pr.join() 永远不返回。用 Ctrl-C 结束。改法见 pipe.py。
"""

import os
import random
import time
from multiprocessing import Pipe, Process


def send(conn):
    for i in range(10):
        url = f"url_{i}"
        print(f"Process({os.getpid()}) send: {url}", flush=True)
        conn.send(url)
        time.sleep(random.random())


def receive(conn):
    while True:
        url = conn.recv()  # after url_9: waits here forever / 收完 url_9 后永远等在这里
        print(f"Process({os.getpid()}) recv: {url}", flush=True)
        time.sleep(random.random())


if __name__ == "__main__":
    a, b = Pipe()  # duplex: both ends send and receive / 双向：两端都能收发
    ps = Process(target=send, args=(a,))
    pr = Process(target=receive, args=(b,))
    ps.start()
    pr.start()
    ps.join()
    pr.join()  # never returns: `a` is still open here / 永远不返回：这里的 `a` 还开着
