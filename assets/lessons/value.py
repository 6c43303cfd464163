"""Value: four processes each add 1 to one shared number, 100,000 times.
Value：四个进程各自对同一个共享数加 1，每个加 100,000 次。

v.value += 1 reads, adds and writes in separate steps, so without the
lock two processes can write the same number and an update is lost.
with v.get_lock(): makes the three steps one.
v.value += 1 分成读、加、写几步，不加锁时两个进程可能写入同一个数，
一次更新就丢了。with v.get_lock(): 把这几步变成一步。
"""

import os
from multiprocessing import Process, Value

PROCS = 4
N = 100_000  # additions per process / 每个进程加的次数


def add(v, n):
    print(f"Process({os.getpid()}) is counting...", flush=True)
    for _ in range(n):
        v.value += 1  # read, add, write: not one step / 读、加、写：不是一步完成


def add_locked(v, n):
    print(f"Process({os.getpid()}) is counting with the lock...", flush=True)
    for _ in range(n):
        with v.get_lock():  # one process at a time / 同一时刻只有一个进程
            v.value += 1


def count(target):
    v = Value("i", 0)  # a shared int, 0 at first / 共享的整数，初值 0
    ps = [Process(target=target, args=(v, N)) for _ in range(PROCS)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    return v.value


if __name__ == "__main__":
    total = PROCS * N
    got = count(add)
    print(f"without the lock: {got} of {total}, {total - got} updates lost", flush=True)
    got = count(add_locked)
    print(f"with get_lock(): {got} of {total}, {total - got} updates lost", flush=True)
