"""``python -m dangjian.core.peakmemory REPORT MODULE ARGS…``: run ``python -m MODULE ARGS…`` in this
process and, as it exits (normally, by ``sys.exit`` or by an error), write this process's own peak
resident memory in kB (VmHWM from /proc/self/status) to the file REPORT.

Used by the bench (``core.benchmarking.run_measured``): VmHWM belongs to the address space made at
``exec``, so unlike ``wait4``/``getrusage`` it does not include the memory of the parent that forked
this process."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def own_peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    report, module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        Path(report).write_text(str(own_peak_kb()))


if __name__ == "__main__":
    main()
