"""Queue: two writers put urls, one reader gets them.
队列：两个写进程放入 url，一个读进程取出。

Run it:  python3 queue_demo.py
(Not named queue.py: that would hide Python's own queue module.)
（文件不叫 queue.py：那样会遮住 Python 自带的 queue 模块。）
flush=True prints each line at once, even into a pipe.
flush=True 让每行立即输出，即使输出到管道。
"""

import os
import random
import time
from multiprocessing import Process, Queue


def write(q, urls):
    # Each writer puts its own urls, resting 0-1 s after each put.
    # 每个写进程放入自己的 url，每次放完随机休息 0–1 秒。
    print(f"Process({os.getpid()}) is writing...", flush=True)
    for url in urls:
        print(f"Put {url} to queue...", flush=True)
        q.put(url)
        time.sleep(random.random())


def read(q):
    # The reader waits in get() until an item comes; it never stops by itself.
    # 读进程在 get() 里等待数据；它自己永远不会停下。
    print(f"Process({os.getpid()}) is reading...", flush=True)
    while True:
        url = q.get(True)
        print(f"Get {url} from queue.", flush=True)


if __name__ == "__main__":
    q = Queue()  # the parent makes the queue / 父进程创建队列
    pw1 = Process(target=write, args=(q, ["url_1", "url_2", "url_3"]))
    pw2 = Process(target=write, args=(q, ["url_4", "url_5", "url_6"]))
    pr = Process(target=read, args=(q,))
    pw1.start()
    pw2.start()
    pr.start()
    pw1.join()  # wait for both writers / 等两个写进程结束
    pw2.join()
    pr.terminate()  # the reader loops forever: stop it / 读进程是死循环，只能强行终止
