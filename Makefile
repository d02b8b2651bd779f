# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12
# machine: they first install missing packages through scripts/deps.sh.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS  += --no-print-directory
CMAKE_ARGS ?=

.PHONY: all deps build test check-deps format format-check test-sanitize build-clang ci demo bench clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

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

bench: build
	@./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-sanitize build-clang
