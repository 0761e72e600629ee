"""The batch's pool: unit workers (analytics.batch.worker) started in the background (they boot while the campaign
is read and validated), and threads that render units on them.

    kernels = KernelStarter(2, cwd, env)   # returns at once; each worker starts (and warms up) in a thread
    kernels.load(source)                   # once the campaign is validated: code each worker runs before its
                                           # first unit (analytics.batch.warmup.campaign_source)
    kernel = kernels.take()                # the next ready worker (or the error that stopped it)
    kernels.release(kernel)                # done with it: shut down in the background
    kernels.close()                        # wait for those, and shut down every worker not taken

    peaks, left, error = run_pool(todo, jobs, kernels, render, finished)   # threads take units from one queue

The names say kernels: a worker is the batch's kernel, a process that keeps the report's modules and the campaign
loaded between units. This module imports nothing of the notebook machinery itself.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from analytics.batch.worker import UnitWorker


R = TypeVar("R")

# Modules that import each other are not safe to import from two threads at once: one thread can meet a module the
# other has only half initialised ("cannot import name ... from partially initialized module"). The threads that
# start workers and the main thread import the batch's modules holding this lock.
IMPORTING = threading.Lock()


class KernelStarter:
    """`count` kernels, each started and warmed up in its own thread."""

    def __init__(self, count: int, cwd: Path, env: dict[str, str]):
        self.cwd, self.env = cwd, env
        self._ready: queue.Queue[UnitWorker | BaseException] = queue.Queue()
        self._load: str | None = None
        self._closing = False  # close() called: a kernel nobody will take skips what is left of its warm-up
        self._loaded = threading.Event()  # set by load(), take() or close(): the warm kernels go on
        self._stops: list[threading.Thread] = []
        self._threads = [threading.Thread(target=self._start_one, name=f"kernel-start-{i}", daemon=True)
                         for i in range(count)]
        for thread in self._threads:
            thread.start()

    def _start_one(self) -> None:
        kernel = None
        try:
            with IMPORTING:
                from analytics.batch.worker import UnitWorker

            kernel = UnitWorker(cwd=self.cwd, env=self.env)
            kernel.start()
            if not self._closing:
                kernel.warm_up()
            self._loaded.wait()
            if self._load is not None and not self._closing:
                kernel.warm_up(self._load)
            self._ready.put(kernel)
        except BaseException as exc:  # noqa: BLE001 - handed to the worker that takes this kernel
            if kernel is not None:
                kernel.shutdown()
            self._ready.put(exc)

    @property
    def count(self) -> int:
        """How many workers were started (each taken once)."""
        return len(self._threads)

    def ensure(self, count: int) -> None:
        """At least `count` workers: the ones missing start now (and run the load code before they are taken)."""
        while len(self._threads) < count and not self._closing:
            thread = threading.Thread(target=self._start_one, name=f"kernel-start-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def load(self, source: str) -> None:
        """Code for every kernel to run once warm, before it is taken (a kernel already taken does not)."""
        self._load = source
        self._loaded.set()

    def take(self) -> UnitWorker:
        """The next kernel ready (waiting for one); raises what stopped its start."""
        self._loaded.set()
        item = self._ready.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def release(self, kernel: UnitWorker) -> None:
        """Shut a kernel down in the background (its process exits while the batch writes its last files);
        `close` waits for it."""
        stop = threading.Thread(target=kernel.shutdown, name="kernel-stop")
        self._stops.append(stop)
        stop.start()

    def close(self) -> None:
        """Wait for the starts still under way and the kernels released, and shut down every kernel nobody took
        (no process is left)."""
        self._closing = True
        self._loaded.set()
        for thread in self._threads + self._stops:
            thread.join()
        while True:
            try:
                item = self._ready.get_nowait()
            except queue.Empty:
                return
            if not isinstance(item, BaseException):
                item.shutdown()


def run_pool(todo: list[str], jobs: int, starter: KernelStarter, render: Callable[[UnitWorker, str], R],
             finished: Callable[[R], None]) -> tuple[list[float], list[str], BaseException | None]:
    """`jobs` workers, each with a kernel taken from `starter` (released when done), render units from one queue;
    `finished` gets each outcome, one at a time. Returns the kernels' peak MB, and the units left undone with the
    error that stopped a worker before it had a kernel (none and None when every unit was rendered)."""
    work: queue.Queue[str] = queue.Queue()
    for uid in todo:
        work.put(uid)
    lock = threading.Lock()
    errors: list[BaseException] = []
    peaks: list[float] = []

    def worker() -> None:
        kernel: UnitWorker | None = None
        try:
            kernel = starter.take()
            while True:
                try:
                    uid = work.get_nowait()
                except queue.Empty:
                    return
                result = render(kernel, uid)
                with lock:
                    finished(result)
        except BaseException as exc:  # noqa: BLE001 - surfaced after the pool ends
            errors.append(exc)
        finally:
            if kernel is not None:
                peak = kernel.peak_mb()
                if peak is not None:
                    peaks.append(peak)
                starter.release(kernel)

    threads = [threading.Thread(target=worker, name=f"unit-worker-{i}", daemon=True) for i in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    left = []
    while not work.empty():
        left.append(work.get_nowait())
    return peaks, left, errors[0] if errors else None
