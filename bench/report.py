"""Every benchmark, one after another, each printing its table: the one command of bench/README.

    .venv/bin/python bench/report.py            # everything (about 30 minutes on 2 cores)
    .venv/bin/python bench/report.py --quick    # a smaller run of each (about 5 minutes)
    .venv/bin/python bench/report.py --only webhook,plan

Prints the machine (CPUs, load average), the commit and the date first, so a table pasted
into bench/README.md says where it came from. Benchmarks never assert; see bench/README.md
for the targets and what limits each figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent

# name: (script, arguments, arguments with --quick)
RUNS: dict[str, tuple[str, list[str], list[str]]] = {
    "webhook": ("webhook.py", [], ["--quick"]),
    "stats": ("stats.py", [], ["--sizes", "10000,100000"]),
    "turn": ("turn_bench.py", [], ["--chats", "20"]),
    "tip": ("tip_bench.py", [], ["--chats", "10"]),
    "plan": ("plan_search_bench.py", [], ["--rounds", "2"]),
}


def machine() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH, text=True,
                            capture_output=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=BENCH, text=True,
                           capture_output=True).stdout.strip()  # fmt: skip
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    modified = " (modified)" if dirty else ""
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}{modified}, {os.cpu_count()}"
        f" CPUs, load average {load}, Python {sys.version.split()[0]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(RUNS), help=f"of: {', '.join(RUNS)}")
    args = parser.parse_args()
    print(machine(), flush=True)
    failed = []
    for name in args.only.split(","):
        script, full, quick = RUNS[name]
        print(f"\n== {name}: bench/{script} {' '.join(quick if args.quick else full)}", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(BENCH / script),
                               *(quick if args.quick else full)])  # fmt: skip
        print(f"({time.monotonic() - started:.0f} s)", flush=True)
        if done.returncode:
            failed.append(name)
    print(f"\n{machine()}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
