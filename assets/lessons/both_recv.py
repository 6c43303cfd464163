"""Both ends call recv() first: a deadlock.
两端都先调用 recv()：死锁。

The sender waits for a greeting before it sends anything; the receiver
waits for the first url before it answers. Each waits in recv() for a
message only the other could send, so neither ever sends: both wait
forever, and so does the parent in join(). Stop it with Ctrl-C.
The fix is a rule of the conversation: one side speaks first.
发送进程要先收到问候才开始发送；接收进程要先收到第一个 url 才回复。
两个进程都在 recv() 中等一条只有对方才能发送的消息，所以谁都不会发送：
两个都永远等下去，父进程的 join() 也一样。用 Ctrl-C 结束。
改法是对话的规则：必须有一方先开口。
"""

import os
from multiprocessing import Pipe, Process


def send(conn, other):
    other.close()  # each child closes the end it does not use / 关掉用不到的端口
    print(f"Process({os.getpid()}) waits in recv() for a greeting", flush=True)
    greeting = conn.recv()  # waits for the receiver / 等接收进程先说话
    for i in range(5):
        conn.send(f"url_{i}")
        print(f"Process({os.getpid()}) recv: {conn.recv()}", flush=True)


def receive(conn, other):
    other.close()
    print(f"Process({os.getpid()}) waits in recv() for the first url", flush=True)
    while True:
        url = conn.recv()  # waits for the sender / 等发送进程先说话
        conn.send(f"ok {url}")


if __name__ == "__main__":
    a, b = Pipe()  # duplex / 双向
    ps = Process(target=send, args=(a, b))
    pr = Process(target=receive, args=(b, a))
    ps.start()
    pr.start()
    a.close()
    b.close()
    ps.join()  # never returns: both wait in recv() / 永远不返回：两端都在 recv() 中等待
    pr.join()
