# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12
# machine: they first install missing packages through scripts/deps.sh.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS  += --no-print-directory
CMAKE_ARGS ?=
VENV       ?= .venv
PREFIX     ?= /usr/local

.PHONY: all deps build venv python install test test-python check-deps format format-check test-sanitize build-clang ci demo bench bench-peers clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The project's virtual environment (Debian's Python) with the pinned packages of
# requirements-test.txt; rebuilt when that file changes.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt | deps
	@/usr/bin/python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --upgrade pip
	@$(VENV)/bin/pip install -q -r requirements-test.txt
	@touch $@

# The Python package, installed into the virtual environment (incremental: the
# extension's build folder is build/python).
python: venv
	@$(VENV)/bin/pip install -q --no-build-isolation --no-deps .

# `make install PREFIX=/opt/plateau DESTDIR=/tmp/stage`: libraries, program,
# headers and plateau.pc.
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

test: build python
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) test-python

test-python: python
	@$(VENV)/bin/python -m pytest -q tests/python

# Dependencies point one way (scripts/check_deps.py: no foreign *_internal.h,
# folders use only lower layers, no file circles), read off the built library.
check-deps: build
	@python3 scripts/check_deps.py $(BUILD)

# The C sources follow .clang-format; `make format` rewrites them,
# `make format-check` (run by CI) fails on any difference.
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' '*.cpp')
format:
	@clang-format -i $(FORMAT_FILES)

format-check: deps
	@clang-format --dry-run -Werror $(FORMAT_FILES)

# The same tests under AddressSanitizer + UBSan (portable build, no -march=native).
test-sanitize: deps
	@cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLATEAU_SANITIZE=ON \
	  -DPLATEAU_NATIVE=OFF >/dev/null
	@cmake --build build-sanitize -j $(JOBS)
	@ctest --test-dir build-sanitize --output-on-failure -j $(JOBS)

# Warnings are errors on clang too.
build-clang: deps
	@CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build-clang -j $(JOBS)

ci: test check-deps test-sanitize build-clang

demo: build
	@./examples/demo.sh $(BUILD)/plateau

bench: build python
	@./bench/run.sh $(BUILD)

# The peers bench/peers/run.py measures plateau against (qulacs, Qiskit Aer,
# PennyLane-Lightning, TeNPy, quimb, pauli-prop), pinned, into the project's venv;
# then `make bench` runs bench/peers/run.py too.
bench-peers: python
	@$(VENV)/bin/pip install -q -r bench/peers/requirements-peers.txt
	@$(VENV)/bin/python bench/peers/run.py $(BUILD)

clean:
	rm -rf $(BUILD) build-sanitize build-clang
