"""Run every `benchmarks/bench_*.py`, each in its own subprocess, and print their tables.

Usage, from the repository root (needs the `bench` extra: `pip install -e '.[bench]'`):

    python -m benchmarks.run_all                  # every bench_*.py
    python -m benchmarks.run_all tree rules       # only bench_tree and bench_rules
    python -m benchmarks.run_all --output results.md

A benchmark that crashes or times out is reported and the others still run;
the exit status is 1 if any did. Missed targets are printed, not failures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def discover() -> list[str]:
    """Module names of the benchmark scripts present, e.g. `bench_tree`."""
    return sorted(path.stem for path in HERE.glob("bench_*.py"))


def run(module: str, timeout: float, sink: list[str]) -> tuple[bool, float]:
    """Run `python -m benchmarks.<module>`, echoing and collecting its output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.{module}"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, bufsize=1,
    )

    def echo() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            sink.append(line)

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    reader.join(timeout=5)
    ok = process.returncode == 0
    if not ok:
        why = (f"timed out after {timeout:.0f} s" if time.perf_counter() - started >= timeout
               else f"exited with status {process.returncode}")
        message = f"\n!! benchmarks.{module} {why}\n"
        print(message, end="", flush=True)
        sink.append(message)
    return ok, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*",
                        help="benchmarks to run, e.g. `tree` or `bench_tree` (default: all)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds allowed per benchmark (default 600)")
    parser.add_argument("--output", type=Path, help="also write everything printed to this file")
    args = parser.parse_args(argv)

    available = discover()
    wanted = [name if name.startswith("bench_") else f"bench_{name}" for name in args.only]
    unknown = [name for name in wanted if name not in available]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(available)})")
    modules = wanted or available

    sink: list[str] = []
    summary = []
    for module in modules:
        header = f"\n## {module}\n"
        print(header, end="", flush=True)
        sink.append(header)
        ok, seconds = run(module, args.timeout, sink)
        summary.append((module, ok, seconds))

    lines = ["\n## Summary\n"] + [
        f"- {module}: {'ok' if ok else 'FAILED'} in {seconds:.0f} s\n"
        for module, ok, seconds in summary
    ]
    print("".join(lines), end="")
    sink.extend(lines)
    if args.output is not None:
        args.output.write_text("".join(sink), encoding="utf-8")
    return 0 if all(ok for _, ok, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
