"""The package as a whole: documented and typed public names, no leaks over many
create/destroy cycles, the GIL released during long calls, and the error classes."""
from __future__ import annotations

import inspect
import threading
import time

import numpy as np
import pytest

import plateau as pl


def public_callables():
    """(qualified name, object) of every public function, class and public method."""
    for name in pl.__all__:
        obj = getattr(pl, name)
        yield name, obj
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr not in ("__init__",):
                    continue
                if isinstance(member, (classmethod, staticmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                if callable(member):
                    yield f"{name}.{attr}", member


def test_every_public_name_is_documented_and_typed():
    missing_doc, missing_hints = [], []
    for qualname, obj in public_callables():
        if not inspect.getdoc(obj):
            missing_doc.append(qualname)
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            for p in sig.parameters.values():
                if p.name in ("self", "cls") or p.kind in (p.VAR_KEYWORD,):
                    continue
                if p.annotation is inspect.Parameter.empty:
                    missing_hints.append(f"{qualname}({p.name})")
            if sig.return_annotation is inspect.Signature.empty and not qualname.endswith(
                    "__init__"):
                missing_hints.append(f"{qualname} -> ?")
    assert not missing_doc, f"public names without a docstring: {missing_doc}"
    assert not missing_hints, f"public names without type hints: {missing_hints}"
    assert (pl.__doc__ or "").strip()


def test_error_classes_are_builtin_subclasses():
    assert issubclass(pl.InvalidInputError, ValueError)
    assert issubclass(pl.ParseError, pl.InvalidInputError)
    assert issubclass(pl.OutOfMemoryError, MemoryError)
    assert issubclass(pl.FileError, OSError)
    for cls in (pl.InvalidInputError, pl.OutOfMemoryError, pl.FileError, pl.ParseError,
                pl.UnsupportedError, pl.InternalError):
        assert issubclass(cls, pl.Error)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def cycle(text: str, theta: np.ndarray) -> None:
    """Create and drop every kind of object, and fail once, as a user would."""
    c = pl.Circuit.from_qasm(text)
    h = pl.PauliSum("Z0 Z1 + 0.5*X2") * 2 + "Y1"
    psi = pl.statevector(c, theta)
    pl.expval(c, h, theta)
    pl.grad(c, h, theta)
    pl.sample(c, 4, theta, seed=1)
    c.to_qasm(theta)
    del psi
    try:
        pl.expval(c, "Z9", theta)
    except pl.InvalidInputError:
        pass


def test_no_leaks_over_10000_cycles():
    text = pl.ansatz("hea", 3, layers=1).to_qasm()
    theta = np.linspace(0, 1, 6)
    for _ in range(500):  # warm up allocator pools and caches
        cycle(text, theta)
    before = rss_bytes()
    for _ in range(10000):
        cycle(text, theta)
    grown = rss_bytes() - before
    print(f"RSS growth over 10,000 cycles: {grown / 1024:.0f} KiB")
    assert grown < 2 * 1024 * 1024, f"RSS grew by {grown} bytes over 10,000 cycles"


def test_gil_released_during_long_calls():
    c = pl.ansatz("hea", 20, layers=4)
    theta = np.full(c.num_params, 0.3)
    ticks = 0
    worker = threading.Thread(target=lambda: pl.expval(c, "Z0", theta))
    worker.start()
    start = time.perf_counter()
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    # With the GIL held the loop would not run at all until the call returns.
    print(f"main thread ran {ticks} times during a {elapsed * 1e3:.0f} ms call")
    assert ticks >= max(3, 0.3 * elapsed / 0.0011), (ticks, elapsed)


CRASH_PROBE = r'''
import random, sys
import numpy as np
import plateau as pl
rng = random.Random(int(sys.argv[1]))
seed_qasm = pl.ansatz("hea", 3, layers=1).to_qasm() + "cx q[0],q[2];\nu3(0.1,pi/2,-1) q[1];\n"
seed_obs = "Z0 Z1 + 0.5*X2 - (0.5+0.25i)*Y1 Z2"
alphabet = "qreg[];,()+-*/^ theta0123456789.eEpiXYZI\n\"\\\x00\xff"
def mutate(text):
    t = list(text)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(t) + 1)
        op = rng.random()
        if op < 0.4 and t:
            del t[min(i, len(t) - 1)]
        elif op < 0.8:
            t.insert(i, rng.choice(alphabet))
        else:
            t[i:i] = t[rng.randrange(len(t)):][:8]
    return "".join(t)
errors = 0
for _ in range(1500):
    for make in (lambda: pl.Circuit.from_qasm(mutate(seed_qasm)),
                 lambda: pl.PauliSum(mutate(seed_obs))):
        try:
            obj = make()
            if isinstance(obj, pl.Circuit) and obj.num_qubits <= 10:
                pl.expval(obj, "Z0", np.full(obj.num_params, 0.3))
        except pl.Error:
            errors += 1
print(errors)
'''


def test_mutated_text_never_crashes_the_interpreter(tmp_path):
    """Malformed OpenQASM and Pauli text (random mutations of valid input, seeded) raise
    plateau.Error and nothing else: the probe process ends normally."""
    import subprocess
    import sys

    probe = tmp_path / "probe.py"
    probe.write_text(CRASH_PROBE)
    p = subprocess.run([sys.executable, str(probe), "12345"], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, f"probe (seed 12345) died: {p.returncode} {p.stderr[-2000:]}"
    assert int(p.stdout) > 100  # most mutations are errors, and they were raised as such


def test_memory_limit_message_names_the_python_setting():
    limit = pl.get_memory_limit()
    try:
        pl.set_memory_limit(1 << 20)
        with pytest.raises(pl.OutOfMemoryError) as e:
            pl.statevector(pl.Circuit(24))
    finally:
        pl.set_memory_limit(limit)
    assert "(see plateau.set_memory_limit)" in str(e.value)
    assert "--max-memory" not in str(e.value)
