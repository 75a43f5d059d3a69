"""Reading ahead: the items in order, made in another thread no more than ``depth`` ahead, an
error raised where its item would have been, and the thread stopped when the caller stops."""

from __future__ import annotations

import threading
import time

import pytest

from abide.core.ahead import read_ahead


def test_the_items_come_in_order_from_another_thread():
    threads = []

    def items():
        for n in range(50):
            threads.append(threading.current_thread())
            yield n

    assert list(read_ahead(items())) == list(range(50))
    assert threads and all(thread is not threading.current_thread() for thread in threads)


def test_the_reader_is_never_more_than_depth_items_ahead():
    made = []

    def items():
        for n in range(10):
            made.append(n)
            yield n

    ahead = read_ahead(items(), depth=2)
    assert next(ahead) == 0
    time.sleep(0.3)  # time enough for the reader to run on, were it not held back
    # 0 taken, 1 and 2 waiting in the queue, 3 made and waiting for room.
    assert len(made) <= 4
    assert list(ahead) == list(range(1, 10))


def test_an_error_of_the_iterator_is_raised_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3: broken")

    got = []
    with pytest.raises(ValueError, match="line 3: broken"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_leaving_the_loop_early_stops_the_reader():
    made = []
    finished = threading.Event()

    def items():
        try:
            for n in range(1_000_000):
                made.append(n)
                yield n
        finally:
            finished.set()

    for item in read_ahead(items()):
        if item == 3:
            break
    assert finished.wait(2)
    assert len(made) < 10


def test_an_error_of_the_caller_stops_the_reader_and_reaches_the_caller():
    stopped = threading.Event()

    def items():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            stopped.set()

    with pytest.raises(RuntimeError, match="the database went away"):
        for item in read_ahead(items()):
            if item == 2:
                raise RuntimeError("the database went away")
    assert stopped.wait(2)


def test_the_reader_speaks_the_callers_language():
    from django.utils import translation

    def items():
        yield translation.get_language()

    with translation.override("ar"):
        assert list(read_ahead(items())) == ["ar"]
    with translation.override("hy"):
        assert list(read_ahead(items())) == ["hy"]
