#!/usr/bin/env python3
"""The instructions codegen executes for the `scale` bench's manifests, counted by callgrind.

The `scale` bench times codegen in milliseconds, and this machine moves those by a fifth from
one run to the next. Instruction counts do not move, so changes of a few percent can be told
apart. The `scale` bench's start-up loads, validates, generates and formats its two manifests
(10 operations over 2 interfaces, then 1,000 over 20) once each, to print their sizes; this
script builds the bench with symbols in `target/callgrind`, runs that start-up alone
(`--list`) under `valgrind --tool=callgrind`, and prints:

  total     every instruction of the process: the two manifests, and a few million for the
            process itself and divan's listing
  load      the inclusive count of `Manifest::parse`: reading, validating and building the
            model, on one thread before generation starts
  on a core the load plus an even share of the rest among the cores generation uses: what
            the wall-clock time follows, when the cores are free (valgrind runs one thread at
            a time, so how the workers actually shared the pieces cannot be read from it)

It needs valgrind (`apt-get install valgrind`).

Run: python3 gateway-codegen/benches/codegen_instructions.py
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[2]
TARGET = WORKSPACE / "target" / "callgrind"


def bench_executable():
    env = dict(
        os.environ,
        CARGO_TARGET_DIR=str(TARGET),
        CARGO_PROFILE_BENCH_DEBUG="line-tables-only",
        CARGO_PROFILE_BENCH_STRIP="none",
    )
    out = subprocess.run(
        ["cargo", "bench", "-p", "gateway-codegen", "--bench", "scale", "--no-run",
         "--message-format=json"],
        cwd=WORKSPACE, env=env, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "scale":
            return message["executable"]
    sys.exit("cargo did not report the scale bench's executable")


def instructions(path):
    """The `summary:` count of a callgrind output file."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    return 0


def inclusive(path, function):
    """The inclusive count of `function` in a callgrind output."""
    report = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
        check=True, capture_output=True, text=True,
    ).stdout
    for line in report.splitlines():
        match = re.match(r"\s*([\d,]+) \(.*?\)\s+\S*?:(\S+) \[", line)
        if match and match.group(2) == function:
            return int(match.group(1).replace(",", ""))
    sys.exit(f"callgrind did not count {function}")


def main():
    executable = bench_executable()
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "callgrind.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", executable,
             "--list"],
            check=True, capture_output=True,
        )
        total = instructions(out)
        load = inclusive(out, "gateway_codegen::Manifest::parse")
    cores = len(os.sched_getaffinity(0))
    print(f"total      {total:>14,} instructions")
    print(f"load       {load:>14,} instructions")
    print(f"on a core  {load + (total - load) // cores:>14,} instructions ({cores} cores)")


if __name__ == "__main__":
    main()
