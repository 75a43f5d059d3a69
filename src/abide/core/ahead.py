"""An iterator's next items made in a thread of its own while the caller works on the last.

A long import reads and checks a file's rows (Python's work) and writes them (mostly the
database's): one after the other, each waits for the other. Read ahead, the next batch is read
and checked while the database writes the last one. The items are handed over in order
through a bounded queue, so that the reader is never more than ``depth`` items ahead (memory
stays flat); an exception raised by the iterator reaches the caller where that item would
have been. The iterator must not use the database: its thread has no transaction of the
caller's. It speaks the caller's language (Django's translation is per thread).
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")

_END = object()

#: How long a thread may keep Python's lock while the other wants it, while reading ahead
#: (Python's default: 5 ms). The caller waits for the database in many short waits (each
#: 32 kB of a COPY is one); coming back from each, it waits for the reader to hand the lock
#: over, up to this long.
SWITCH_INTERVAL = 0.0001


class _Raised:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """The items of ``items``, each made in a background thread while the caller works on
    the ones before (at most ``depth`` waiting). Leaving the loop early stops the thread."""
    handed: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    iterator = iter(items)
    language = translation.get_language()

    def make() -> None:
        try:
            with translation.override(language):
                for item in iterator:
                    if not hand(item):
                        return
        except BaseException as exc:  # handed over to the caller, raised there
            hand(_Raised(exc))
            return
        finally:  # a generator left early is closed here, in its own thread
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        hand(_END)

    thread = threading.Thread(target=make, name="read-ahead", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    thread.start()
    try:
        while True:
            item = handed.get()
            if item is _END:
                return
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
