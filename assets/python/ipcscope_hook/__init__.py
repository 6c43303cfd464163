"""ipcscope's instrumentation of Python's multiprocessing.

`ipcscope run PROG.py` starts the program with this package on its
PYTHONPATH (see `sitecustomize.py` beside it). Every process of the
program -- the main one, forked children, spawned ones, the forkserver and
its children -- installs it at start-up or right after a fork. It wraps,
without changing what they do or what they raise:

- `Queue`, `JoinableQueue`, `SimpleQueue`: put / get (and the nowait
  variants), queue.Full / queue.Empty, close, and the feeder thread's
  writes into the pipe (so items in a process's feeder buffer are told apart
  from items in the pipe);
- `Pipe()` connections: send / recv / poll / close, EOFError;
- `Value` / `Array` (with their lock): reads, writes and lock acquisitions,
  counted and reported at most every 50 ms per process;
- `Process`: start / join / terminate / kill, the child's start and end;
- `time.sleep` (the line a process rests on; scaled by slow motion).

Each operation is one JSON line (ipcscope's wire format, README "Watch your
own program"), after a record separator byte (0x1e), written with one
non-blocking write(2) to the descriptor in IPCSCOPE_FD: a full pipe counts
the line as dropped (told later), never blocks the program. The program's
standard output goes into the same FIFO (through a blocking descriptor of
its own), so ipcscope reads what it prints and what it does in the order
it happened. A line carries the process (pid), the object (a key the
same in every process: a queue or pipe by its OS pipe's inode, a value by
the process that made it), the item's label (a short repr), the phase (about
to block, done, raised) and the file and line of the program's own code that
called it.

A program that closes or reuses the descriptor is noticed (the descriptor's
inode is checked): reporting goes on through the FIFO in IPCSCOPE_FIFO and
ipcscope says so.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
MIN_VERSION = (3, 11)

# -------------------------------------------------------------- reporting --

_state = {
    "on": False,
    "fd": -1,
    "pid": 0,
    "dropped": 0,
    "ino": 0,
    "mm": None,
}
_now = None  # time.monotonic_ns (CLOCK_MONOTONIC, as ipcscope's clock)
_quote = None  # json's quoting of a str (C speed)
_write = os.write


def _open_fifo():
    path = os.environ.get("IPCSCOPE_FIFO")
    if not path:
        return -1
    try:
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return -1


def _ours(fd):
    """Whether fd is still ipcscope's reporting pipe."""
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return st.st_ino == _state["ino"] and (st.st_mode & 0o170000) == 0o010000


def _recheck(t):
    """Checks the descriptor (before every report: floods are counted, not
    told, so this is at most a few hundred fstat calls a second): a program
    that closed or reused it gets reports through a fresh one, and ipcscope
    is told."""
    fd = _state["fd"]
    if fd >= 0 and _ours(fd):
        return True
    why = "fd_closed"
    try:
        os.fstat(fd)
        why = "fd_reused"
    except OSError:
        pass
    new = _open_fifo()
    if new < 0:
        _state["on"] = False
        _state["fd"] = -1
        return False
    _state["fd"] = new
    os.environ["IPCSCOPE_FD"] = str(new)
    _raw(f'\x1e{{"t_ns":{t},"pid":{_state["pid"]},"ev":"note","what":"{why}","fd":{fd}}}\n')
    return True


def _raw(line, keep=False):
    """Writes one line, never blocking; whether it was written. A full pipe
    drops it (counted, and told with the next line written), unless the
    caller `keep`s it to write again (then it is not a drop)."""
    fd = _state["fd"]
    n = _state["dropped"]
    if n:
        line = f'\x1e{{"t_ns":{_now()},"pid":{_state["pid"]},"ev":"dropped","n":{n}}}\n' + line
    try:
        _write(fd, line.encode("utf-8", "replace"))
    except OSError as e:
        if not keep:
            _state["dropped"] += 1
        if not isinstance(e, BlockingIOError):
            _recheck(_now())
        return False
    _state["dropped"] = 0
    return True


def _send(ev, key, rest, t=None, keep=False):
    """One report: `rest` is the rest of the JSON object (`,"item":...`);
    whether it was written."""
    if t is None:
        t = _now()
    if not _recheck(t):
        return False
    return _raw(f'\x1e{{"t_ns":{t},"pid":{_state["pid"]},"ev":"{ev}","obj":"{key}"{rest}}}\n', keep)


# ------------------------------------------------------------------ floods --

# A process reports at most _LIMIT routine operations (put, get, their
# waits, the feeder's writes, send, recv) per 100 ms one by one; past that,
# until the window ends, they are counted and told as one `many` report per
# object and operation: a flood costs the program a counter, not a line.
_LIMIT = 100
_WINDOW = 100_000_000
# In a flood, a blocking get first waits this long (seconds) counted; one
# that must wait longer is told (its wait and its item), after the counts.
_PROBE = 0.05
_win = [0, 0]  # the window's start, routine operations in it
_burst = {}  # (ev, key) -> operations not told one by one


def _busy():
    """Whether this routine operation is one too many to tell alone."""
    t = _now()
    if t - _win[0] >= _WINDOW:
        if _burst:
            _flush_burst(t)
        _win[0] = t
        _win[1] = 0
    _win[1] += 1
    return _win[1] > _LIMIT


def _count(ev, key):
    k = (ev, key)
    _burst[k] = _burst.get(k, 0) + 1


def _flush_burst(t=None):
    """Tells what was only counted (at a window's end, before a sleep, at exit)."""
    if not _burst:
        return
    items = list(_burst.items())
    _burst.clear()
    for k, n in items:
        ev, key = k
        if not _send("many", key, f',"op":"{ev}","n":{n}', t, keep=True):
            # A full pipe: the count is told with the next flush, never lost.
            _burst[k] = _burst.get(k, 0) + n


# --------------------------------------------------------- where and what --

_user = {}  # code object -> quoted file name, or None for library code
_skip = ()


def _user_file(code):
    fn = code.co_filename
    if fn.startswith("<"):
        return None
    path = os.path.abspath(fn)
    if path.startswith(_skip):
        return None
    return _quote(path)


def _where(depth=2):
    """The program's own frame that called: `,"file":...,"line":N`."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return ""
    while f is not None:
        c = f.f_code
        q = _user.get(c, 0)
        if q == 0:
            q = _user[c] = _user_file(c)
        if q is not None:
            return f',"file":{q},"line":{f.f_lineno}'
        f = f.f_back
    return ""


_SHORT = 40
_simple = (int, float, bool, type(None), complex)


def _label(obj):
    """A short repr: at most 40 characters, cheap even for a huge object."""
    try:
        t = type(obj)
        if t in _simple:
            r = repr(obj)
        elif t is str or t is bytes:
            r = repr(obj[: _SHORT + 1])
        elif t in (list, tuple, dict, set, frozenset) and len(obj) > 8:
            r = f"{t.__name__}[{len(obj)}]"
        else:
            r = _reprlib(obj)
    except Exception:
        r = f"<{type(obj).__name__}>"
    if len(r) > _SHORT:
        r = r[: _SHORT - 1] + "…"
    return _quote(r)


_reprlib = repr


def _slow():
    """Slow motion: each operation waits (factor - 1) x 100 ms (at most 2 s),
    the factor read live from ipcscope's shared page."""
    mm = _state["mm"]
    if mm is None:
        return
    f = _factor()
    if f > 1.0:
        _sleep(min((f - 1.0) * 0.1, 2.0))


def _factor():
    mm = _state["mm"]
    if mm is None:
        return 1.0
    try:
        f = _unpack_d(mm, 8)[0]
    except Exception:
        return 1.0
    return f if 0.05 <= f <= 50.0 else 1.0


_sleep = None
_unpack_d = None
_unpack_i = None
_ioctl = None
_FIONREAD = 0x541B  # Linux's


# ------------------------------------------------------------------ keys --


def _ino(fd):
    try:
        return os.fstat(fd).st_ino
    except (OSError, TypeError):
        return 0


_counter = [0]


def _new_key(prefix):
    _counter[0] += 1
    return f"{prefix}{_state['pid']}.{_counter[0]}"


# `NAMES = Queue(...)`: a line that assigns the new object itself (not a
# list, a call or a Process holding it) names it.
_ASSIGNS = (
    r"\s*([A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*"
    r"(?:[A-Za-z_][\w.]*\.)?(?:Queue|SimpleQueue|JoinableQueue|Pipe|Value|Array|RawValue|RawArray)\s*\("
)


def _names(where):
    """What the creating line assigns to: `q`, `recv_end, send_end`; ""
    when the line assigns something else (`ps = [Process(args=(Queue(),))]`)."""
    if not where:
        return ""
    try:
        import linecache
        import re

        i = where.index(',"line":')
        file = __import__("json").loads(where[len(',"file":'):i])
        line = int(where[i + len(',"line":'):])
        text = linecache.getline(file, line)
        m = re.match(_ASSIGNS, text)
        return m.group(1).replace(" ", "") if m else ""
    except Exception:
        return ""


def _futex(lock):
    """The address of a multiprocessing lock's or semaphore's futex word."""
    try:
        return int(lock._semlock.handle)
    except Exception:
        return 0


# ---------------------------------------------------------------- queues --


def _install_queues(queues):
    from queue import Empty, Full

    Queue = queues.Queue
    orig_reset = Queue._reset
    orig_put = Queue.put
    orig_jput = queues.JoinableQueue.put
    orig_get = Queue.get
    orig_close = Queue.close
    orig_init = Queue.__init__
    orig_setstate = Queue.__setstate__

    def key_of(q):
        d = q.__dict__
        k = d.get("_ipcscope_key")
        if k is None:
            k = d["_ipcscope_key"] = f"q{_ino(q._reader.fileno())}"
        return k

    def mark_internal(q):
        for c in (q._reader, q._writer):
            try:
                c.__dict__["_ipcscope_internal"] = True
            except Exception:
                pass

    def futexes(q):
        return (
            f',"futex":{{"space":{_futex(q._sem)},"lock":{_futex(q._rlock)},'
            f'"wlock":{_futex(q._wlock) if q._wlock is not None else 0}}}'
        )

    def reset(self, after_fork=False):
        orig_reset(self, after_fork)
        if not _state["on"]:
            return
        _queues.add(self)
        mark_internal(self)
        k = key_of(self)
        labels = self.__dict__["_ipcscope_labels"] = __import__("collections").deque()
        send = self._send_bytes

        def send_bytes(buf, offset=0, size=None):
            # Stamped before the write starts: a get of this item is always
            # after it.
            label = labels.popleft() if labels else '""'
            if label is None or _win[1] > _LIMIT:
                _count("flushed", k)
            else:
                _send("flushed", k, f',"item":{label},"bytes":{len(buf) + 4}')
            return send(buf, offset, size)

        self._send_bytes = send_bytes

    def init(self, maxsize=0, *, ctx):
        _internal[0] += 1
        try:
            orig_init(self, maxsize, ctx=ctx)
        finally:
            _internal[0] -= 1
        if not _state["on"]:
            return
        where = _where()
        kind = type(self).__name__
        bound = self._maxsize if maxsize > 0 else 0
        _send(
            "object",
            key_of(self),
            f',"type":"{kind}","maxsize":{bound},"name":{_quote(_names(where))}{futexes(self)}{where}',
        )

    def setstate(self, state):
        orig_setstate(self, state)
        if _state["on"]:
            _send("futex", key_of(self), futexes(self))

    def depth(q):
        try:
            return q._maxsize - q._sem._semlock._get_value()
        except Exception:
            return 0

    def make_put(orig):
        def put(self, obj, block=True, timeout=None):
            if not _state["on"]:
                return orig(self, obj, block, timeout)
            _slow()
            k = key_of(self)
            if _busy():
                labels = self.__dict__.get("_ipcscope_labels")
                if labels is not None:
                    labels.append(None)  # its flush is counted too
                # A full queue: first wait a moment counted; one that must
                # wait longer is told (after the counts), as a get is.
                probe = (
                    block
                    and (timeout is None or timeout > _PROBE)
                    and self._sem._semlock._is_zero()
                )
                try:
                    if probe:
                        orig(self, obj, True, _PROBE)
                    else:
                        orig(self, obj, block, timeout)
                    _count("put", k)
                    return
                except Full:
                    if labels:
                        labels.pop()
                    _flush_burst()
                    if not probe:
                        # Raised by the program's own call: told.
                        _send("put_full", k, f',"item":{_label(obj)}{_where()}')
                        raise
                    # The probe's: it waits on, told as usual.
                    if timeout is not None:
                        timeout -= _PROBE
                except BaseException:
                    if labels:
                        labels.pop()
                    raise
            label = _label(obj)
            where = _where()
            t = _now()
            if block and (timeout is None or timeout > 0) and self._sem._semlock._is_zero():
                _send("put_wait", k, f',"item":{label},"depth":{depth(self)}{where}', t)
                t = None  # stamped when it is done
            labels = self.__dict__.get("_ipcscope_labels")
            if labels is not None:
                labels.append(label)
            try:
                orig(self, obj, block, timeout)
            except Full:
                if labels:
                    labels.pop()
                _send("put_full", k, f',"item":{label}{where}')
                raise
            except BaseException as e:
                if labels:
                    labels.pop()
                _raised("put", k, e, where)
                raise
            # Stamped before the item could reach the feeder (unless it had
            # to wait): the item's flush is always after its put.
            _send("put", k, f',"item":{label},"depth":{depth(self)}{where}', t)

        put.__wrapped__ = orig
        return put

    def get(self, block=True, timeout=None):
        if not _state["on"]:
            return orig_get(self, block, timeout)
        _slow()
        k = key_of(self)
        waited = False
        if _busy():
            # Not blocking (or hardly), or items in the pipe: no wait to
            # tell, at full speed. The semaphore's depth alone is no proof
            # items are there (a writer killed with items in its feeder
            # leaks their slots, Q10b): else a blocking get probes first,
            # and one that waits is told, with the counts before it.
            if (
                not (block and (timeout is None or timeout > _PROBE))
                or (depth(self) > 0 and has_data(self))
            ):
                try:
                    obj = orig_get(self, block, timeout)
                except Empty:
                    # Raised in a flood: told, after the counts.
                    _flush_burst()
                    _send("get_empty", k, _where())
                    raise
                _count("get", k)
                return obj
            try:
                obj = orig_get(self, True, _PROBE)
                _count("get", k)
                return obj
            except Empty:
                # It waits: what was counted is told first, then the wait
                # and the get as usual.
                _flush_burst()
                waited = True
                if timeout is not None:
                    timeout -= _PROBE
        where = _where()
        # It will wait: nothing put and not got, or nothing in the pipe
        # (slots a killed writer leaked count items that never come).
        if (
            block
            and (timeout is None or timeout > 0)
            and (waited or depth(self) <= 0 or not has_data(self))
        ):
            # `sem`: items put and not got as the queue's semaphore counts
            # them, in every process (with those a killed writer lost).
            _send("get_wait", k, f',"depth":0,"sem":{depth(self)}{where}')
        try:
            obj = orig_get(self, block, timeout)
        except Empty:
            _send("get_empty", k, where)
            raise
        except BaseException as e:
            _raised("get", k, e, where)
            raise
        _send("get", k, f',"item":{_label(obj)},"depth":{depth(self)}{where}')
        return obj

    def has_data(q):
        """Whether the queue's pipe holds something to read: one ioctl
        (FIONREAD), a few times cheaper than `poll()`, which builds a
        selector each call."""
        try:
            return _unpack_i(_ioctl(q._reader.fileno(), _FIONREAD, b"\0\0\0\0"))[0] > 0
        except Exception:
            return True

    def close(self):
        if _state["on"] and not self._closed:
            _send("closed", key_of(self), _where())
        return orig_close(self)

    get.__wrapped__ = orig_get
    Queue._reset = reset
    Queue.__init__ = init
    Queue.__setstate__ = setstate
    Queue.put = make_put(orig_put)
    queues.JoinableQueue.put = make_put(orig_jput)
    Queue.get = get
    Queue.close = close
    _install_simple(queues.SimpleQueue, key_of, mark_internal)


def _install_simple(SQ, key_of, mark_internal):
    orig_init = SQ.__init__
    orig_setstate = SQ.__setstate__
    orig_put = SQ.put
    orig_get = SQ.get

    def futexes(q):
        return f',"futex":{{"lock":{_futex(q._rlock)},"wlock":{_futex(q._wlock) if q._wlock is not None else 0}}}'

    def init(self, *, ctx):
        _internal[0] += 1
        try:
            orig_init(self, ctx=ctx)
        finally:
            _internal[0] -= 1
        if not _state["on"]:
            return
        mark_internal(self)
        where = _where()
        _send(
            "object",
            key_of(self),
            f',"type":"SimpleQueue","maxsize":0,"name":{_quote(_names(where))}{futexes(self)}{where}',
        )

    def setstate(self, state):
        orig_setstate(self, state)
        if _state["on"]:
            mark_internal(self)
            _send("futex", key_of(self), futexes(self))

    def put(self, obj):
        if not _state["on"]:
            return orig_put(self, obj)
        _slow()
        k = key_of(self)
        if _busy():
            orig_put(self, obj)
            _count("put", k)
            return
        label = _label(obj)
        where = _where()
        # No feeder: the item goes straight into the pipe (stamped before).
        _send("put", k, f',"item":{label},"direct":true{where}')
        try:
            return orig_put(self, obj)
        except BaseException as e:
            _raised("put", k, e, where)
            raise

    def get(self):
        if not _state["on"]:
            return orig_get(self)
        _slow()
        k = key_of(self)
        if _busy():
            obj = orig_get(self)
            _count("get", k)
            return obj
        where = _where()
        try:
            if not self._reader.poll():
                _send("get_wait", k, where)
        except Exception:
            pass
        try:
            obj = orig_get(self)
        except BaseException as e:
            _raised("get", k, e, where)
            raise
        _send("get", k, f',"item":{_label(obj)}{where}')
        return obj

    SQ.__init__ = init
    SQ.__setstate__ = setstate
    SQ.put = put
    SQ.get = get


_internal = [0]  # inside a queue's constructor: its pipe is not the program's


def _raised(op, key, e, where):
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    _send("raised", key, f',"op":"{op}","error":{_quote(text[:120])}{where}')


# ----------------------------------------------------------------- pipes --


def _install_connection(connection):
    Base = connection._ConnectionBase
    orig_send = Base.send
    orig_recv = Base.recv
    orig_poll = Base.poll
    orig_close = Base.close
    orig_pipe = connection.Pipe

    def key_of(c):
        d = c.__dict__
        k = d.get("_ipcscope_key")
        if k is None:
            k = d["_ipcscope_key"] = f"c{_ino(c._handle)}"
        return k

    def pipe(duplex=True):
        a, b = orig_pipe(duplex)
        if not _state["on"] or _internal[0]:
            return a, b
        where = _where()
        ka, kb = key_of(a), key_of(b)
        _send(
            "object",
            ka,
            f',"type":"Pipe","duplex":{"true" if duplex else "false"},"ends":["{ka}","{kb}"],'
            f'"name":{_quote(_names(where))}{where}',
        )
        return a, b

    def send(self, obj):
        d = self.__dict__
        if not _state["on"] or d.get("_ipcscope_internal"):
            return orig_send(self, obj)
        _slow()
        k = key_of(self)
        if _busy():
            r = orig_send(self, obj)
            _count("send", k)
            return r
        label = _label(obj)
        where = _where()
        # Stamped before the write starts (a recv is always after it).
        _send("send", k, f',"item":{label}{where}')
        try:
            return orig_send(self, obj)
        except BaseException as e:
            _raised("send", k, e, where)
            raise

    def recv(self):
        d = self.__dict__
        if not _state["on"] or d.get("_ipcscope_internal"):
            return orig_recv(self)
        _slow()
        k = key_of(self)
        if _busy():
            # Nothing there: first wait a moment counted; a recv that must
            # wait longer is told (after the counts), as a get is.
            try:
                ready = self._handle is None or not self._readable or orig_poll(self, _PROBE)
            except Exception:
                ready = True
            if ready:
                try:
                    obj = orig_recv(self)
                except EOFError:
                    _flush_burst()
                    _send("recv_eof", k, _where())
                    raise
                _count("recv", k)
                return obj
            _flush_burst()
        where = _where()
        try:
            if self._handle is not None and self._readable and not orig_poll(self):
                _send("recv_wait", k, where)
        except Exception:
            pass
        try:
            obj = orig_recv(self)
        except EOFError:
            _send("recv_eof", k, where)
            raise
        except BaseException as e:
            _raised("recv", k, e, where)
            raise
        _send("recv", k, f',"item":{_label(obj)}{where}')
        return obj

    def poll(self, timeout=0.0):
        d = self.__dict__
        if not _state["on"] or d.get("_ipcscope_internal") or timeout == 0.0:
            return orig_poll(self, timeout)
        k = key_of(self)
        where = _where()
        ready = orig_poll(self, 0.0) if self._handle is not None else False
        if not ready and (timeout is None or timeout > 0):
            _send("poll_wait", k, where)
            ready = orig_poll(self, timeout)
            _send("polled", k, f',"ready":{"true" if ready else "false"}{where}')
            return ready
        return orig_poll(self, timeout)

    def close(self):
        d = self.__dict__
        if _state["on"] and not d.get("_ipcscope_internal") and self._handle is not None:
            sends = "true" if self._writable and not self._readable else "false"
            _send("closed", key_of(self), f',"sends":{sends}{_where()}')
        return orig_close(self)

    for f, o in ((send, orig_send), (recv, orig_recv), (poll, orig_poll), (close, orig_close), (pipe, orig_pipe)):
        f.__wrapped__ = o
    Base.send = send
    Base.recv = recv
    Base.poll = poll
    Base.close = close
    connection.Pipe = pipe


# ---------------------------------------------------------- shared memory --

_values = __import__("weakref").WeakSet()  # this process's tallies
_pending_key = [None]
_EVERY_NS = 50_000_000


class _Tally:
    __slots__ = ("key", "reads", "writes", "locks", "last", "sent", "reported", "obj", "__weakref__")

    def __init__(self, key, obj):
        self.key = key
        self.obj = __import__("weakref").ref(obj)
        self.reads = self.writes = self.locks = 0
        self.last = 0  # operations so far
        self.sent = 0  # when last reported
        self.reported = -1  # operations when last reported

    def tick(self, where_depth):
        t = _now()
        if t - self.sent >= _EVERY_NS:
            self.flush(t, _where(where_depth))

    def flush(self, t=None, where=""):
        if t is None:
            t = _now()
        self.sent = t
        self.reported = self.last
        try:
            raw = self.obj()._obj
            v = _label(raw.value) if hasattr(raw, "value") else _label(list(raw[:8]))
        except Exception:
            v = '""'
        _send(
            "shared",
            self.key,
            f',"reads":{self.reads},"writes":{self.writes},"locks":{self.locks},"value":{v}{where}',
            t,
        )


def _flush_values():
    for tally in list(_values):
        if tally.reported != tally.last:
            tally.flush()


def _rebuild_sync(key, obj, lock):
    """Unpickles a Value/Array in a spawned child under its creator's key."""
    from multiprocessing import sharedctypes

    _pending_key[0] = key
    try:
        return sharedctypes.synchronized(obj, lock)
    finally:
        _pending_key[0] = None


def _install_locks(synchronize):
    """Counts acquisitions of a Value's lock (`with v.get_lock():`, and the
    wrapper's own `with v:`), as its reads and writes are."""
    SemLock = synchronize.SemLock
    orig_enter = SemLock.__enter__

    def enter(self):
        r = orig_enter(self)
        t = self.__dict__.get("_ipcscope_tally")
        if t is not None:
            t.locks += 1
            t.last += 1
        return r

    enter.__wrapped__ = orig_enter
    SemLock.__enter__ = enter


def _install_shared(sharedctypes):
    Base = sharedctypes.SynchronizedBase
    orig_init = Base.__init__
    orig_reduce = Base.__reduce__
    orig_value = sharedctypes.Value
    orig_array = sharedctypes.Array

    def tally_of(s):
        return s.__dict__.get("_ipcscope_tally")

    def init(self, obj, lock=None, ctx=None):
        orig_init(self, obj, lock, ctx)
        if not _state["on"]:
            return
        key = _pending_key[0]
        rebuilt = key is not None
        if key is None:
            key = _new_key("v")
        tally = _Tally(key, self)
        self.__dict__["_ipcscope_tally"] = tally
        _values.add(tally)
        try:
            self._lock.__dict__["_ipcscope_tally"] = tally
        except Exception:
            pass
        if rebuilt:
            _send("futex", key, f',"futex":{{"lock":{_futex(self._lock)}}}')

    def reduce(self):
        t = tally_of(self)
        if t is None:
            return orig_reduce(self)
        fn, args = orig_reduce(self)
        return _rebuild_sync, (t.key,) + tuple(args)

    def made(kind, orig):
        def make(typecode_or_type, *args, **kw):
            v = orig(typecode_or_type, *args, **kw)
            t = tally_of(v) if isinstance(v, Base) else None
            if _state["on"]:
                where = _where()
                tc = typecode_or_type if isinstance(typecode_or_type, str) else getattr(typecode_or_type, "__name__", "?")
                key = t.key if t else _new_key("v")
                lock = _futex(v._lock) if t else 0
                size = f',"size":{len(v)}' if kind == "Array" else ""
                _send(
                    "object",
                    key,
                    f',"type":"{kind}","typecode":{_quote(str(tc))},"lock":{"true" if t else "false"}{size},'
                    f'"name":{_quote(_names(where))},"futex":{{"lock":{lock}}}{where}',
                )
                if t:
                    t.flush(where=where)
            return v

        make.__wrapped__ = orig
        return make

    def prop(orig_prop, writes):
        fget, fset = orig_prop.fget, orig_prop.fset

        def get(self):
            v = fget(self)
            t = self.__dict__.get("_ipcscope_tally")
            if t is not None:
                t.reads += 1
                t.last += 1
                t.tick(3)
            return v

        def set_(self, value):
            fset(self, value)
            t = self.__dict__.get("_ipcscope_tally")
            if t is not None:
                t.writes += 1
                t.last += 1
                t.tick(3)

        return property(get, set_)

    sharedctypes.Synchronized.value = prop(sharedctypes.Synchronized.value, True)
    for cls in (sharedctypes.SynchronizedArray,):
        og, os_ = cls.__getitem__, cls.__setitem__

        def getitem(self, i, _og=og):
            v = _og(self, i)
            t = self.__dict__.get("_ipcscope_tally")
            if t is not None:
                t.reads += 1
                t.last += 1
                t.tick(3)
            return v

        def setitem(self, i, value, _os=os_):
            _os(self, i, value)
            t = self.__dict__.get("_ipcscope_tally")
            if t is not None:
                t.writes += 1
                t.last += 1
                t.tick(3)

        cls.__getitem__ = getitem
        cls.__setitem__ = setitem

    Base.__init__ = init
    Base.__reduce__ = reduce
    sharedctypes.Value = made("Value", orig_value)
    sharedctypes.Array = made("Array", orig_array)


# ------------------------------------------------------------- processes --


def _buffered():
    """Items put by this process still in its queues' feeder buffers."""
    n = 0
    for q in list(_queues):
        try:
            n += len(q._buffer)
        except Exception:
            pass
    return n


_queues = __import__("weakref").WeakSet()  # this process's queues


def _install_process(process):
    BP = process.BaseProcess
    orig_start = BP.start
    orig_join = BP.join
    orig_terminate = BP.terminate
    orig_kill = BP.kill
    orig_bootstrap = BP._bootstrap

    def target_of(p):
        t = getattr(p, "_target", None)
        return getattr(t, "__qualname__", None) or type(p).__name__ + ".run"

    def start(self):
        if not _state["on"]:
            return orig_start(self)
        try:
            _slow()
            where = _where()
            target = target_of(self)  # start() forgets it
            _flush_values()
        except Exception:
            return orig_start(self)
        orig_start(self)
        try:
            method = getattr(self._popen, "method", "") or ""
            _send(
                "started",
                "",
                f',"child":{self.pid},"name":{_quote(self.name)},"target":{_quote(target)},"method":"{method}"{where}',
            )
        except Exception:
            pass

    def join(self, timeout=None):
        if not _state["on"] or self._popen is None:
            return orig_join(self, timeout)
        where = _where()
        pid = self.pid
        waits = timeout is None or timeout > 0
        if waits and self._popen.returncode is None:
            _send("join_wait", "", f',"child":{pid}{where}')
        r = orig_join(self, timeout)
        code = self._popen.returncode
        _send("joined", "", f',"child":{pid},"code":{"null" if code is None else code}{where}')
        return r

    def signal(orig, sig):
        def f(self):
            if _state["on"] and self._popen is not None:
                _send("kill", "", f',"target":{self.pid},"signal":{sig}{_where()}')
            return orig(self)

        f.__wrapped__ = orig
        return f

    def bootstrap(self, *a, **kw):
        if _state["on"]:
            try:
                _send("begin", "", f',"name":{_quote(self.name)},"target":{_quote(target_of(self))}')
            except Exception:
                pass
        code = orig_bootstrap(self, *a, **kw)
        if _state["on"]:
            _flush_values()
            _flush_burst()
            _send("ended", "", f',"code":{code if isinstance(code, int) else 1}')
        return code

    BP.start = start
    BP.join = join
    BP.terminate = signal(orig_terminate, 15)
    BP.kill = signal(orig_kill, 9)
    BP._bootstrap = bootstrap


def _install_popen(module):
    Popen = module.Popen
    orig_poll = Popen.poll

    def poll(self, *a, **kw):
        r = orig_poll(self, *a, **kw)
        if _state["on"] and self.returncode is not None and not self.__dict__.get("_ipcscope_told"):
            self.__dict__["_ipcscope_told"] = True
            _send("reaped", "", f',"child":{self.pid},"code":{self.returncode}')
        return r

    poll.__wrapped__ = orig_poll
    Popen.poll = poll


def _install_util(util):
    """Children started with spawn and the forkserver get ipcscope's
    descriptor too (they keep only the descriptors passed to them)."""
    orig = util.spawnv_passfds

    def spawnv_passfds(path, args, passfds):
        fd = _state["fd"]
        if _state["on"] and fd >= 0 and fd not in passfds:
            passfds = list(passfds) + [fd]
        return orig(path, args, passfds)

    spawnv_passfds.__wrapped__ = orig
    util.spawnv_passfds = spawnv_passfds
    orig_exit_function = util._exit_function

    def exit_function(*a, **kw):
        # In a child, at the end of its run: what its feeders still hold
        # must reach the pipe before the process can end (join before drain).
        if _state["on"]:
            _flush_values()
            _flush_burst()
            _send("exiting", "", f',"buffered":{_buffered()}')
        return orig_exit_function(*a, **kw)

    util._exit_function = exit_function


# --------------------------------------------------------------- tracebacks --


def _strip(exc, seen=None):
    """Takes this package's frames out of a traceback before it is printed,
    so a program's traceback reads as it would without ipcscope."""
    seen = seen or set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_HERE):
            tb = tb.tb_next
        head = tb
        while tb is not None:
            nxt = tb.tb_next
            while nxt is not None and nxt.tb_frame.f_code.co_filename.startswith(_HERE):
                nxt = nxt.tb_next
            try:
                tb.tb_next = nxt
            except Exception:
                pass
            tb = nxt
        try:
            exc.__traceback__ = head
        except Exception:
            pass
        if exc.__cause__ is not None:
            _strip(exc.__cause__, seen)
        exc = exc.__context__


def _install_tracebacks():
    import traceback

    orig_hook = sys.excepthook

    def excepthook(t, v, tb):
        if v is not None:
            try:
                v.__traceback__ = tb
                _strip(v)
                tb = v.__traceback__
            except Exception:
                pass
        return orig_hook(t, v, tb)

    sys.excepthook = excepthook
    TE = traceback.TracebackException
    orig_te = TE.__init__

    def te_init(self, exc_type, exc_value, exc_traceback, *a, **kw):
        if exc_value is not None and exc_traceback is exc_value.__traceback__:
            try:
                _strip(exc_value)
                exc_traceback = exc_value.__traceback__
            except Exception:
                pass
        return orig_te(self, exc_type, exc_value, exc_traceback, *a, **kw)

    TE.__init__ = te_init


# ----------------------------------------------------------------- sleep --


def _install_sleep():
    import time

    orig = time.sleep

    def sleep(secs):
        if not _state["on"]:
            return orig(secs)
        f = _factor()
        _flush_burst()
        if secs >= 0.001 or f != 1.0:
            _send("sleep", "", f',"secs":{float(secs)!r}{_where()}')
        return orig(secs * f if f != 1.0 and secs > 0 else secs)

    sleep.__wrapped__ = orig
    time.sleep = sleep


# --------------------------------------------------------------- install --

_patch = {}  # module name -> installer(module)


class _Finder:
    """Patches multiprocessing's modules as the program imports them (a
    program that never imports multiprocessing pays nothing for it)."""

    def find_spec(self, name, path=None, target=None):
        if name not in _patch:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        orig_exec = loader.exec_module
        installer = _patch[name]

        def exec_module(module):
            orig_exec(module)
            try:
                installer(module)
            except Exception as e:  # never break the program: say it, go on
                _send("note", "", f',"what":"hook_failed","error":{_quote(f"{name}: {e}")}')

        loader.exec_module = exec_module
        return spec


def _after_fork_child():
    _state["pid"] = os.getpid()
    _burst.clear()
    _win[0] = _win[1] = 0
    for t in list(_values):  # this process's own tallies start from 0
        t.reads = t.writes = t.locks = t.last = t.sent = 0
        t.reported = 0  # nothing to tell until it uses the value
    if _state["on"]:
        _hello("fork")


def _hello(how):
    import json

    v = ".".join(str(x) for x in sys.version_info[:3])
    argv = getattr(sys, "orig_argv", sys.argv)
    _send(
        "hello",
        "",
        f',"ppid":{os.getppid()},"version":"{v}","how":"{how}","argv":{json.dumps([str(a) for a in list(argv)[:16]])}',
    )


def install():
    """Installs the instrumentation in this process (from sitecustomize)."""
    global _now, _quote, _skip, _sleep, _unpack_d, _unpack_i, _ioctl, _reprlib
    try:
        fd = int(os.environ.get("IPCSCOPE_FD", "-1"))
        ino = int(os.environ.get("IPCSCOPE_INO", "0"))
    except ValueError:
        return
    if fd < 0 or ino == 0:
        return
    import time
    from json.encoder import encode_basestring_ascii

    _now = time.monotonic_ns
    _quote = encode_basestring_ascii
    _sleep = time.sleep
    _state["pid"] = os.getpid()
    _state["ino"] = ino
    _state["fd"] = fd
    if not _ours(fd):
        # Not passed down to this process (a subprocess with close_fds, or a
        # program that closed it): through the FIFO.
        fd = _open_fifo()
        if fd < 0:
            return
        _state["fd"] = fd
        os.environ["IPCSCOPE_FD"] = str(fd)
    _state["on"] = True
    if sys.version_info < MIN_VERSION:
        _hello("start")
        _send("note", "", ',"what":"old_python"')
        _state["on"] = False
        return
    import reprlib
    import struct
    import sysconfig

    r = reprlib.Repr()
    r.maxstring = r.maxother = _SHORT
    _reprlib = r.repr
    _unpack_d = struct.Struct("<d").unpack_from
    _unpack_i = struct.Struct("i").unpack
    import fcntl

    _ioctl = fcntl.ioctl
    paths = sysconfig.get_paths()
    prefixes = {os.path.join(os.path.abspath(_HERE), "")}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = paths.get(name)
        if p:
            prefixes.add(os.path.join(os.path.abspath(p), ""))
            prefixes.add(os.path.join(os.path.realpath(p), ""))
    _skip = tuple(prefixes)
    shm = os.environ.get("IPCSCOPE_SHM")
    if shm:
        try:
            import mmap

            sfd = os.open(shm, os.O_RDONLY | os.O_CLOEXEC)
            try:
                _state["mm"] = mmap.mmap(sfd, 4096, mmap.MAP_SHARED, mmap.PROT_READ)
            finally:
                os.close(sfd)
        except OSError:
            pass
    os.register_at_fork(after_in_child=_after_fork_child)
    import atexit

    atexit.register(_flush_burst)
    orig_exit = os._exit

    def _exit(code):
        # A forked child's end (it skips atexit): what it counted, and its code.
        if _state["on"]:
            try:
                _flush_burst()
                _send("ended", "", f',"code":{int(code)}')
            except Exception:
                pass
        orig_exit(code)

    os._exit = _exit
    _hello("start")
    _install_sleep()
    _install_tracebacks()
    _patch.update(
        {
            "multiprocessing.queues": _install_queues,
            "multiprocessing.process": _install_process,
            "multiprocessing.connection": _install_connection,
            "multiprocessing.sharedctypes": _install_shared,
            "multiprocessing.synchronize": _install_locks,
            "multiprocessing.popen_fork": _install_popen,
            "multiprocessing.popen_forkserver": _install_popen,
            "multiprocessing.util": _install_util,
        }
    )
    already = [n for n in _patch if n in sys.modules]
    for n in already:
        _patch[n](sys.modules[n])
    sys.meta_path.insert(0, _Finder())
