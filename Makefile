# The two commands of the README, and the few others a developer needs. Each installs what is
# missing first (scripts/install-deps), so a fresh Debian machine needs nothing else.
SHELL := /bin/bash
ORION := build/release/src/cli/orion
CXX_SOURCES = $(shell find src tests fuzz bench -name '*.cpp' -o -name '*.hpp' 2>/dev/null)

.PHONY: all deps build build-all run test format format-check bench bench-detection fuzz deb clean

all: build

deps:
	@scripts/install-deps

# The orion binary alone (release): all that make run, make bench and the package need.
build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target orion

# Every release target, the test binaries and benchmarks included.
build-all: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

# The one-command tour: a fresh demo platform (three stores, their products, themes and custom
# domains, an admin and an owner per store) served until Ctrl-C; it prints the URLs and logins.
# `make run LISTEN=127.0.0.1:9090` picks another address.
LISTEN ?= 127.0.0.1:8080
run: build
	@exec $(ORION) demo --listen $(LISTEN)

# Every suite, in the debug build with AddressSanitizer and UndefinedBehaviorSanitizer; the
# release binary and the detection benchmark (what make run and make bench use) must compile
# too, warnings being errors. The test binaries are built once, in the debug tree.
test: deps format-check build
	@cmake --build --preset release --target detection_bench
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug
	@ctest --preset debug

format:
	@clang-format -i $(CXX_SOURCES)

format-check: deps
	@clang-format --dry-run -Werror $(CXX_SOURCES) || \
	  { echo "make: clang-format would change the files above; run 'make format'" >&2; exit 1; }

# The serving benchmark (bench/serve_bench.py, docs/PERFORMANCE.md "make bench"): orion serve
# on PostgreSQL and SQLite against nginx serving a copy of its page, W1-W7 and the store series,
# loopback only, six to ten minutes; BENCH_QUICK=1 for a short development run. Results in
# build/bench/results.md and .csv, the store-series plot in docs/bench-stores.png.
bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target orion
	@python3 bench/serve_bench.py

# The store-detection micro-benchmark (Google Benchmark) of the core's resolution code.
bench-detection: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target detection_bench
	@build/release/bench/detection_bench --benchmark_repetitions=10 \
	  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true

# A short coverage-guided run of every fuzz target (FUZZ_SECONDS each), clang + ASan + UBSan.
FUZZ_SECONDS ?= 60
fuzz: deps
	@fuzz/run.sh $(FUZZ_SECONDS)

# The Debian package of the release build: build/release/orion_<version>_<arch>.deb (the binary,
# /etc/orion, the hardened systemd unit; cmake/OrionPackage.cmake says what is in it).
deb: build
	@cd build/release && cpack -G DEB >/dev/null && ls -1 "$$PWD"/orion_*.deb

clean:
	rm -rf build
