"""The race, step by step: v.value += 1 is three steps.
竞争，一步一步看：v.value += 1 其实是三步。

tmp = v.value reads the shared number into the process's own variable,
tmp += 1 adds one to that copy, v.value = tmp writes the copy back. A
process that writes between another's read and write has its update
overwritten: it is lost. with v.get_lock(): makes the three steps one.
Each cell of an Array is shared memory of its own.
tmp = v.value 把共享的数读进进程自己的变量，tmp += 1 在这个副本上加 1，
v.value = tmp 再把副本写回。如果一个进程在另一个进程读和写之间写入，
它的更新会被覆盖，也就丢了。with v.get_lock(): 把三步变成一步。
Array 的每个元素各是一块共享内存。
"""

import os
import time
from multiprocessing import Array, Process, Value

PROCS = 4
N = 300  # additions per process / 每个进程加的次数
PAUSE = 0.001  # a pause after each step, so the race shows / 每步之后停一下，让竞争显现出来


def add(v, n):
    print(f"Process({os.getpid()}) is counting...", flush=True)
    for _ in range(n):
        tmp = v.value  # 1. read into its own tmp / 读进自己的 tmp
        time.sleep(PAUSE)
        tmp += 1  # 2. add, on its own copy / 在自己的副本上加 1
        time.sleep(PAUSE)
        v.value = tmp  # 3. write back / 写回
        time.sleep(PAUSE)


def add_locked(v, n):
    print(f"Process({os.getpid()}) is counting with the lock...", flush=True)
    for _ in range(n):
        with v.get_lock():  # the others wait here / 其他进程在这里等待
            tmp = v.value
            time.sleep(PAUSE)
            tmp += 1
            time.sleep(PAUSE)
            v.value = tmp
        time.sleep(PAUSE)


def add_cell(arr, i, n):
    print(f"Process({os.getpid()}) is counting on arr[{i}]...", flush=True)
    for _ in range(n):
        tmp = arr[i]  # only cell i / 只读写第 i 个元素
        time.sleep(PAUSE)
        tmp += 1
        time.sleep(PAUSE)
        arr[i] = tmp
        time.sleep(PAUSE)


def run(target, args_of):
    ps = [Process(target=target, args=args_of(k)) for k in range(PROCS)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()


def lost(total, got):
    return f"{got} of {total}, {total - got} updates lost"


if __name__ == "__main__":
    total = PROCS * N
    v = Value("i", 0)  # a shared int / 共享的整数
    run(add, lambda k: (v, N))
    print(f"without the lock: {lost(total, v.value)}", flush=True)

    v = Value("i", 0)
    run(add_locked, lambda k: (v, N))
    print(f"with get_lock(): {lost(total, v.value)}", flush=True)

    arr = Array("i", PROCS)  # a cell each / 每个进程一个元素
    run(add_cell, lambda k: (arr, k, N))
    print(f"Array, a cell each: {list(arr)}, {lost(total, sum(arr))}", flush=True)

    arr = Array("i", 2)  # two processes per cell / 每个元素两个进程
    run(add_cell, lambda k: (arr, k % 2, N))
    print(f"Array, two per cell: {list(arr)}, {lost(total, sum(arr))}", flush=True)
