#!/usr/bin/env python3
"""Check that plateau's dependencies point one way.

Usage: scripts/check_deps.py BUILD_DIR [--graph]

Three rules, read off the sources and the library's object files (nm):
  1. no file includes another folder's *_internal.h;
  2. between folders of src/, every symbol a file uses from another folder
     comes from a folder on a lower layer (LAYERS below), so the folder graph
     has no cycle and never points upward;
  3. inside a folder, the file graph (file A uses a symbol that file B
     defines) has no cycle: a file is a shared base or a dispatcher, not both.
--graph prints the folder graph (which folder uses which). Exit status 1 when
a rule is broken, with one line per offence.
"""
import os
import re
import subprocess
import sys

# Bottom to top. A folder may use folders on earlier lines only; folders on
# one line are independent of each other.
LAYERS = [
    ["core"],
    ["io", "pauli", "gates", "linalg"],
    ["sv"],
    ["circuit"],
    ["program", "grad", "optim"],
    ["prop", "lie", "mps"],
    ["models", "shadows"],
    ["learn"],
    ["data", "diag"],
]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTERNAL_INCLUDE = re.compile(r'#include\s+"([a-z_]+)/[a-z_]+_internal\.h"')


def check_internal_includes():
    errors = []
    src = os.path.join(ROOT, "src")
    for folder, _, files in os.walk(src):
        own = os.path.relpath(folder, src).split(os.sep)[0]
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INTERNAL_INCLUDE.search(line)
                    if m and m.group(1) != own:
                        errors.append(f"{os.path.relpath(path, ROOT)}:{lineno}: includes "
                                      f"{m.group(1)}'s private header")
    return errors


def read_symbols(objdir):
    """{(folder, file): (defined set, undefined set)} from nm."""
    table = {}
    for folder, _, files in os.walk(objdir):
        for name in files:
            if not name.endswith(".c.o"):
                continue
            rel = os.path.relpath(os.path.join(folder, name), objdir)
            if not os.path.exists(os.path.join(ROOT, "src", rel[:-len(".o")])):
                continue  # left over in the build folder from a moved source
            parts = rel.split(os.sep)
            out = subprocess.run(["nm", "-P", os.path.join(folder, name)], check=True,
                                 capture_output=True, text=True).stdout
            defined, undefined = set(), set()
            for line in out.splitlines():
                fields = line.split()
                if len(fields) < 2:
                    continue
                sym, kind = fields[0], fields[1]
                if kind == "U":
                    undefined.add(sym)
                elif kind.isupper():  # global definitions only
                    defined.add(sym)
            table[(parts[0], parts[-1][:-len(".c.o")])] = (defined, undefined)
    return table


def find_cycle(edges):
    """One cycle of the graph {node: set(nodes)} as a list, or None."""
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, stack)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    objdir = os.path.join(sys.argv[1], "CMakeFiles", "plateau.dir", "src")
    if not os.path.isdir(objdir):
        sys.exit(f"check_deps: no object files under {objdir}: build the library first")
    errors = check_internal_includes()
    table = read_symbols(objdir)
    owner = {}
    for key, (defined, _) in table.items():
        for sym in defined:
            owner[sym] = key
    rank = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
    folder_edges, file_edges, uses = {}, {}, {}
    for key, (_, undefined) in table.items():
        folder = key[0]
        if folder not in rank:
            errors.append(f"src/{folder}: folder missing from LAYERS in scripts/check_deps.py")
            rank[folder] = -1
        for sym in undefined:
            dep = owner.get(sym)
            if dep is None or dep == key:
                continue
            if dep[0] == folder:
                file_edges.setdefault(folder, {}).setdefault(key[1], set()).add(dep[1])
            else:
                folder_edges.setdefault(folder, set()).add(dep[0])
                uses.setdefault((folder, dep[0]), []).append(f"{key[1]}.c uses {sym}")
    for (folder, dep), why in sorted(uses.items()):
        if rank.get(dep, -1) >= rank[folder]:
            errors.append(f"src/{folder} -> src/{dep} points up or sideways: {sorted(why)[0]}"
                          f" ({len(why)} uses)")
    for folder, edges in sorted(file_edges.items()):
        cycle = find_cycle(edges)
        if cycle:
            errors.append(f"src/{folder}: file circle " + " -> ".join(f"{c}.c" for c in cycle))
    if "--graph" in sys.argv:
        for folder in sorted(folder_edges, key=lambda f: (rank.get(f, -1), f)):
            print(f"{folder} -> {', '.join(sorted(folder_edges[folder], key=lambda f: (rank.get(f, -1), f)))}")
    for e in errors:
        print(f"check_deps: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
