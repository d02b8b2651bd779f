"""Shared helpers of the CLI test scripts: run plateau (the first command-line argument),
record failed checks, expect the one-line errors of the CLI contract, and finish."""
import subprocess
import sys

PLATEAU = sys.argv[1]
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


def expect_error(args, needle, command=None):
    """Exit 2, nothing on stdout, one line 'plateau COMMAND: error: ...' naming needle."""
    command = command or args[0]
    rc, out, err = run(*args)
    check(rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and needle in err and
          err.startswith(f"plateau {command}: error:"),
          f"{args}: exit 2 with one line naming '{needle}', got {rc}: {err!r}")


def finish(name, tests, detail=""):
    for test in tests:
        test()
    if failures:
        print(f"{len(failures)} {name} check(s) failed{detail}")
        sys.exit(1)
    print(f"all {name} checks passed")
