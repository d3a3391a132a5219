# SPDX-License-Identifier: MIT
# Porcelain over CMake: make [all|check|demo|deps|lint|install|fuzz|bench|clean].
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all programs check demo demo-stop deps lint lint-units install fuzz bench clean build-check build-fuzz

all: $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

# The six programs without the tests: what make demo and make install need.
programs: $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS) --target programs

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

deps:
	@sh scripts/deps.sh

# One sanitizer build (ASan+UBSan) with clang, which compiles it 2-3x faster than g++; its
# objects also carry libFuzzer's coverage hooks, so the fuzz targets (which replay their seeds,
# then try new inputs) link against the same library as the programs the tests run.
check: deps
	cmake -S . -B build-check -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DSANITIZE=ON -DFUZZ=ON $(CMAKE_FLAGS)
	cmake --build build-check -j$(JOBS)
	ctest --test-dir build-check --output-on-failure -j$(JOBS)

# The whole stack on loopback, all state under ./var/demo: a throwaway MariaDB, dnsapid, two
# dns-serve edges, a domain filled through the REST API, dig on both edges (scripts/demo.sh).
# DEMO_VAR and DEMO_PORT_BASE (default 5300) move it; running it again starts afresh.
demo: deps programs
	@BUILD=$(BUILD) bash scripts/demo.sh

# Stops exactly what make demo started, by pid, checking each pid is still that program.
demo-stop:
	@bash scripts/demo-stop.sh

fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DFUZZ=ON $(CMAKE_FLAGS)
	cmake --build build-fuzz -j$(JOBS) --target fuzz-targets
	@for t in build-fuzz/*_fuzz; do \
		name=$$(basename $$t); mkdir -p build-fuzz/corpus/$$name; \
		echo "== $$name for $(FUZZ_SECONDS) s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
			build-fuzz/corpus/$$name fuzz/corpus/$$name || exit 1; \
	done

bench: deps all
	bench/compile --build $(BUILD)

lint: deps $(BUILD)/Makefile
	clang-format-14 --dry-run -Werror $$(git ls-files '*.cpp' '*.hpp')
	clang-tidy-14 -p $(BUILD) --quiet $$(git ls-files 'lib/*.cpp' 'cmd/*.cpp')
	shellcheck -x -P SCRIPTDIR/.. scripts/*.sh contrib/certbot-hook bench/compile bench/serve bench/push bench/api bench/propagation bench/sync bench/stack.bash .ci/run
	mandoc -Tlint -W warning man/*
	@$(MAKE) --no-print-directory lint-units

# The units as `make install` writes them (systemd/*.in with the paths filled in), checked by
# scripts/verify-units.sh in a scratch root. The programs there are empty stand-ins, so this
# needs no build; tests/bats/install verifies the units against the real installed programs.
lint-units: $(BUILD)/Makefile
	@root=$$(mktemp -d) && \
	DESTDIR=$$root cmake --install $(BUILD) --prefix /usr --component systemd >/dev/null && \
	mkdir -p $$root/usr/bin && \
	for p in $$(sed -n 's|^Exec[A-Za-z]*=@BINDIR@/\([^ ]*\).*|\1|p' systemd/*.in | sort -u); do \
		printf '#!/bin/sh\n' >$$root/usr/bin/$$p && chmod +x $$root/usr/bin/$$p; done && \
	for s in 1 5 7 8; do mkdir -p $$root/usr/share/man/man$$s && cp man/*.$$s $$root/usr/share/man/man$$s/; done && \
	sh scripts/verify-units.sh $$root /usr; rc=$$?; rm -rf $$root; exit $$rc

install: programs
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-check build-fuzz
