"""The C driver, bkbench: started once with --serve and asked, one line at a
time, to set up buffers and subjects and to run one batch of one of them.
Timing decisions are all in timing.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from .patterns import traffic
from .timing import Subject

ROOT = Path(__file__).resolve().parents[2]


def find_bkbench(arg: str | None) -> Path | None:
    cands = [arg, os.environ.get("BKBENCH"), ROOT / "build/bench/bench/bkbench",
             ROOT / "build/release/bench/bkbench"]
    for c in cands:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return Path(c)
    return None


class DriverError(RuntimeError):
    pass


class Driver:
    def __init__(self, exe: Path):
        self.exe = exe
        self.info = json.loads(subprocess.run([str(exe), "--list"], capture_output=True,
                                              text=True, check=True).stdout)
        self.proc = None

    def _start(self):
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([str(self.exe), "--serve"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, bufsize=1)
            from . import machine
            machine.LIVE_CHILDREN.add(self.proc.pid)

    def ask(self, line: str) -> list:
        self._start()
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        ans = self.proc.stdout.readline().split()
        if not ans:
            raise DriverError(f"bkbench died on: {line}")
        if ans[0] != "ok":
            raise DriverError(" ".join(ans[1:]))
        return ans[1:]

    def work(self, dtype: str, n: int) -> int:
        return int(self.ask(f"work {dtype} {n}")[0])

    def kernel(self, work: int, op: str, target: str = "best", threads: int = 1) -> "CSubject":
        return CSubject(self, int(self.ask(f"kernel {work} {op} {target} {threads}")[0]),
                        f"{op} {target}")

    def volk(self, work: int, name: str, side: str) -> "CSubject":
        return CSubject(self, int(self.ask(f"volk {work} {name} {side}")[0]), f"{name} {side}")

    def bwbuf(self, nbytes: int):
        self.ask(f"bwbuf {nbytes}")

    def pattern(self, pattern: str, stores: str, isa: str, threads: int, offset: int = 0,
                work: int | None = None) -> "CSubject":
        """A bandwidth loop on the bandwidth buffers, or on a work's own
        (then it moves the pattern's bytes of whole steps of it), started
        `offset` bytes past their start."""
        on = f" {work}" if work is not None else ""
        sid, nbytes = map(int, self.ask(f"pattern {pattern} {stores} {isa} {threads} {offset}{on}"))
        sub = CSubject(self, sid, f"{pattern} {stores} {isa} x{threads} +{offset}{on}")
        if work is not None:
            sub.moves = traffic(pattern, nbytes)
        return sub

    def drop(self, work: int):
        self.ask(f"drop {work}")

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        self.proc = None


class CSubject(Subject):
    def __init__(self, driver: Driver, sid: int, name: str):
        self.driver, self.sid, self.name = driver, sid, name

    def batch(self, iters: int):
        wall, cpu = self.driver.ask(f"run {self.sid} {iters}")
        return int(wall) * 1e-9, int(cpu) * 1e-9
