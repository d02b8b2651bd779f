"""`make install` as a user runs it: install the build into a staging folder
(DESTDIR + a prefix), then compile a small program against the installed headers
with nothing but `pkg-config plateau`, once against the shared library and once
statically, and run both. Arguments: the build folder."""
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1]
PROGRAM = r'''
#include <math.h>
#include <stdio.h>
#include <plateau.h>
int main(void) {
    pl_circuit_t *c = NULL;
    pl_pauli_sum_t *h = NULL;
    double e = 0.0;
    if (pl_qasm_read_string("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[2]; h q[0]; cx q[0],q[1];",
                            "bell", &c) != PL_OK ||
        pl_pauli_sum_parse("Z0 Z1 + X0 X1", 2, &h) != PL_OK ||
        pl_grad(c, NULL, h, NULL, PL_GRAD_ADJOINT, &e, NULL) != PL_OK) {
        fprintf(stderr, "error: %s\n", pl_error_message());
        return 1;
    }
    printf("%s %.12f\n", PL_VERSION_STRING, e);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
    return fabs(e - 2.0) < 1e-12 ? 0 : 1;
}
'''
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        print("$", " ".join(cmd), "\n", p.stdout, p.stderr)
    return p


with tempfile.TemporaryDirectory() as tmp:
    stage, prefix = os.path.join(tmp, "stage"), "/opt/plateau-test"
    env = dict(os.environ, DESTDIR=stage)
    p = run(["cmake", "--install", BUILD, "--prefix", prefix], env=env)
    check(p.returncode == 0, "cmake --install with DESTDIR and a prefix succeeds")
    root = stage + prefix
    for rel in ["include/plateau.h", "include/plateau/version.h", "include/plateau/circuit.h",
                "lib/libplateau.a", "lib/libplateau.so", "lib/pkgconfig/plateau.pc",
                "bin/plateau"]:
        check(os.path.exists(os.path.join(root, rel)), f"installed {rel}")
    # The .pc file names the prefix; point pkg-config at the staged copy.
    pc = os.path.join(root, "lib", "pkgconfig", "plateau.pc")
    text = open(pc).read() if os.path.exists(pc) else ""
    check(f"prefix={prefix}" in text, "plateau.pc records the install prefix")
    env_pc = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc))
    src = os.path.join(tmp, "hello.c")
    with open(src, "w") as f:
        f.write(PROGRAM)
    for kind, flags in [("shared", ["--cflags", "--libs"]),
                        ("static", ["--static", "--cflags", "--libs"])]:
        q = run(["pkg-config", f"--define-variable=prefix={root}", *flags, "plateau"],
                env=env_pc)
        check(q.returncode == 0, f"pkg-config {kind} flags")
        exe = os.path.join(tmp, f"hello-{kind}")
        cflags = q.stdout.split()
        if kind == "static":
            # Only the archive: name it so the linker cannot pick the .so.
            cflags = [a if a != "-lplateau" else os.path.join(root, "lib", "libplateau.a")
                      for a in cflags]
        c = run(["cc", "-std=c11", "-Wall", "-Werror", src, "-o", exe, *cflags])
        check(c.returncode == 0, f"a C program compiles and links against the {kind} library")
        if c.returncode == 0:
            r = run([exe], env=dict(os.environ,
                                    LD_LIBRARY_PATH=os.path.join(root, "lib")))
            check(r.returncode == 0 and r.stdout.split()[-1] == "2.000000000000",
                  f"the {kind} program runs and prints <Z0Z1 + X0X1> = 2 (got {r.stdout!r})")
            if kind == "shared":
                ldd = run(["ldd", exe], env=dict(os.environ,
                                                 LD_LIBRARY_PATH=os.path.join(root, "lib")))
                check("libplateau.so.0" in ldd.stdout, "the shared program loads libplateau.so.0")

print("install: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
