"""Pipe: a sender sends url_0..url_9, a receiver receives until EOFError.
管道：发送进程发送 url_0..url_9，接收进程一直接收，直到 EOFError。

Pipe(duplex=False) is one-way: the first end only receives, the second
only sends. Pipe() is duplex: both ends send and receive.
Pipe(duplex=False) 是单向的：第一个端口只收，第二个只发；
Pipe() 是双向的：两端都能收发。
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
    conn.close()  # done: close this end / 发完了：关闭这一端


def receive(conn, send_end):
    send_end.close()  # the copy this process inherited / 关掉本进程继承的发送端副本
    while True:
        try:
            url = conn.recv()  # one whole message, or wait / 收一条完整消息，没有就等
        except EOFError:  # every copy of the send end is closed / 发送端的所有副本都关了
            print(f"Process({os.getpid()}) recv: EOFError, nothing more will come", flush=True)
            break
        print(f"Process({os.getpid()}) recv: {url}", flush=True)
        time.sleep(random.random())


if __name__ == "__main__":
    recv_end, send_end = Pipe(duplex=False)  # one-way / 单向
    ps = Process(target=send, args=(send_end,))
    pr = Process(target=receive, args=(recv_end, send_end))
    ps.start()
    pr.start()
    send_end.close()  # the parent's copy: without this, no EOF / 父进程的副本：不关就没有 EOF
    ps.join()
    pr.join()
