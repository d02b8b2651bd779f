"""Shared helpers of the CLI test scripts: run plateau (the first command-line argument),
record failed checks, expect the one-line errors of the CLI contract, and finish.
Scripts that use the examples take the source folder as the second argument."""
import json
import math
import os
import subprocess
import sys

PLATEAU = sys.argv[1]
SOURCE = sys.argv[2] if len(sys.argv) > 2 else None
HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
failures = []


def run(*args, timeout=600, env=None):
    """(exit status, stdout, stderr) of `plateau ARGS...`."""
    p = subprocess.run([PLATEAU, *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def example(name):
    """Path of examples/NAME in the source folder (the second argument)."""
    return os.path.join(SOURCE, "examples", name)


def write(folder, name, text):
    """Write text to folder/name; returns the path."""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def value(command, *args):
    """The number `plateau COMMAND ARGS...` prints (NaN after a recorded failure)."""
    rc, out, err = run(command, *args)
    check(rc == 0, f"{command} {args} exits 0 (got {rc}: {err.strip()})")
    return float(out) if rc == 0 else math.nan


def run_json(*args):
    """The one JSON object `plateau ARGS... --json` prints ({} after a recorded failure)."""
    rc, out, err = run(*args, "--json")
    check(rc == 0, f"{args[0]} {args[1:]} exits 0 (got {rc}: {err.strip()})")
    check(rc != 0 or len(out.strip().splitlines()) == 1,
          f"{args[0]} {args[1:]} --json prints one line, got {len(out.strip().splitlines())}")
    return json.loads(out) if rc == 0 else {}


def expect_error(args, needle, command=None, leftover=None):
    """Exit 2, nothing on stdout, one line 'plateau COMMAND: error: ...' naming needle
    (COMMAND is args[0] unless given; command="" expects 'plateau: error: ...').
    leftover=(folder, names): afterwards the folder holds exactly those names."""
    command = args[0] if command is None else command
    prefix = f"plateau {command}: error:" if command else "plateau: error:"
    rc, out, err = run(*args)
    check(rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and needle in err and
          err.startswith(prefix),
          f"{args}: exit 2 with one line '{prefix} ...' naming '{needle}', got {rc}: "
          f"{out!r} {err!r}")
    if leftover is not None:
        folder, names = leftover
        left = sorted(os.listdir(folder))
        check(left == sorted(names), f"{args}: no file left behind, found {left}")


def finish(name, tests, detail=""):
    for test in tests:
        test()
    if failures:
        print(f"{len(failures)} {name} check(s) failed{detail}")
        sys.exit(1)
    print(f"all {name} checks passed")
