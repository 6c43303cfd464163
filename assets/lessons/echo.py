"""A reply channel: one duplex Pipe() carries messages both ways.
回复通道：一个双向 Pipe() 在两个方向上传递消息。

Pipe() gives two ends, a and b, that both send and receive. The sender
sends each url on a and waits in recv() for the answer; the receiver gets
it on b and replies through the same end. When the sender is done it
closes a, and the receiver's next recv() raises EOFError: each child
closed the end it does not use, or that EOF would never come (see
inherited_ends.py).
With Pipe(duplex=False) this cannot work: the receiving end only receives
(send() on it raises OSError: connection is read-only).
Pipe() 返回的两个端口 a 和 b 都能收发。发送进程在 a 上发送每个 url，
然后在 recv() 中等回复；接收进程在 b 上收到后，通过同一个端口回复。
发送进程发完后关闭 a，接收进程的下一次 recv() 抛出 EOFError：
每个子进程都关闭了自己用不到的端口，否则这个 EOF 永远不会来（见 inherited_ends.py）。
换成 Pipe(duplex=False) 就不行：接收端只能接收
（在它上面调用 send() 会抛出 OSError: connection is read-only）。
"""

import os
import random
import time
from multiprocessing import Pipe, Process


def send(conn, other):
    other.close()  # b: not this process's end / 不是本进程的端口
    for i in range(5):
        url = f"url_{i}"
        print(f"Process({os.getpid()}) send: {url}", flush=True)
        conn.send(url)
        reply = conn.recv()  # waits for the answer / 等待回复
        print(f"Process({os.getpid()}) recv: {reply}", flush=True)
    conn.close()  # done: the receiver gets EOFError / 发完了：接收进程收到 EOFError


def receive(conn, other):
    other.close()  # a: without this, no EOF / 不关就没有 EOF
    while True:
        try:
            url = conn.recv()
        except EOFError:
            print(f"Process({os.getpid()}) recv: EOFError, the sender is done", flush=True)
            break
        print(f"Process({os.getpid()}) recv: {url}", flush=True)
        time.sleep(random.random())  # works on it / 处理一下
        reply = f"ok {url}"
        print(f"Process({os.getpid()}) send: {reply}", flush=True)
        conn.send(reply)  # back through the same end / 从同一个端口发回


if __name__ == "__main__":
    a, b = Pipe()  # duplex: both ends send and receive / 双向：两端都能收发
    ps = Process(target=send, args=(a, b))
    pr = Process(target=receive, args=(b, a))
    ps.start()
    pr.start()
    a.close()  # the parent's copies / 父进程的副本
    b.close()
    ps.join()
    pr.join()
