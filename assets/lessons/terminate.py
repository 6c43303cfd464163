"""terminate() and kill() while a process is using a Queue or a Pipe.
在进程使用 Queue 或 Pipe 时调用 terminate() 和 kill()。

1. A reader terminated while it waits in get() dies holding the queue's
   read lock: no later get() can take it, so other readers raise
   queue.Empty (or hang) while items wait in the queue.
2. A sender killed after sending: its messages stay in the pipe, and once
   its end is closed (it died) recv() raises EOFError.
1. 在 get() 中等待时被终止的读进程，死时还拿着队列的读锁：之后的 get()
   再也拿不到锁，其他读进程抛出 queue.Empty（或卡住），而数据还在队列里。
2. 发送后被杀死的发送进程：已发的消息还在管道里；它死后它那端关闭，
   recv() 抛出 EOFError。
"""

import os
import queue
import time
from multiprocessing import Event, Pipe, Process, Queue


def write(q, urls):
    print(f"Process({os.getpid()}) is writing...", flush=True)
    for url in urls:
        print(f"Put {url} to queue...", flush=True)
        q.put(url)


def read(q, ready):
    print(f"Process({os.getpid()}) is reading...", flush=True)
    ready.set()
    try:
        url = q.get(timeout=2)  # holds the read lock while it waits / 等待时拿着读锁
    except queue.Empty:
        print(f"Process({os.getpid()}) queue.Empty, yet the queue holds {q.qsize()} items", flush=True)
        return
    print(f"Get {url} from queue.", flush=True)


def send(conn, sent):
    for i in range(3):
        url = f"url_{i}"
        print(f"Process({os.getpid()}) send: {url}", flush=True)
        conn.send(url)
    sent.set()
    time.sleep(3600)  # busy with something else / 在忙别的事


if __name__ == "__main__":
    # 1. Queue: terminate a reader inside get() / 终止正在 get() 中等待的读进程
    q = Queue()
    ready = Event()
    pr1 = Process(target=read, args=(q, ready))
    pr1.start()
    ready.wait()
    time.sleep(0.5)  # by now it waits inside get() / 此时它正在 get() 里等待
    pr1.terminate()  # SIGTERM
    pr1.join()
    print(f"Process({pr1.pid}) was terminated (exit code {pr1.exitcode})", flush=True)
    pw = Process(target=write, args=(q, ["url_1", "url_2"]))
    pw.start()
    pw.join()
    pr2 = Process(target=read, args=(q, Event()))
    pr2.start()
    pr2.join()

    # 2. Pipe: kill a sender after it sent / 发送之后杀死发送进程
    recv_end, send_end = Pipe(duplex=False)
    sent = Event()
    ps = Process(target=send, args=(send_end, sent))
    ps.start()
    send_end.close()  # the parent's copy / 父进程的副本
    sent.wait()
    ps.kill()  # SIGKILL: no chance to clean up / 没有清理的机会
    ps.join()
    print(f"Process({ps.pid}) was killed (exit code {ps.exitcode})", flush=True)
    while True:
        try:
            url = recv_end.recv()  # what it sent is still there / 已发送的还在
        except EOFError:  # its end closed when it died / 它死后那端就关了
            print("recv: EOFError, the killed sender's end is closed", flush=True)
            break
        print(f"Process({os.getpid()}) recv: {url}", flush=True)
