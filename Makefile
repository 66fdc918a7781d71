# Entry points: `make lab` (the whole system on this machine) and `make test` (every test).
SWIFT       ?= swift
ARGS        ?=
# What building the shipped binaries needs; the tests and the lab need the rest.
BUILD_PACKAGES = libcurl4-openssl-dev libsqlite3-dev libyaml-dev pkg-config binutils
APT_PACKAGES = $(BUILD_PACKAGES) iproute2 openssl
# What the image installs at run time (the Dockerfile reads this list through `make runtime-packages`);
# `make release` checks that the binaries need no shared library from anywhere else.
RUNTIME_PACKAGES = libcurl4 libsqlite3-0 libyaml-0-2 ca-certificates tzdata
RELEASE_PRODUCTS = overlay-ip-controller overlay-network-agent overlay-ipam
RELEASE_DIR ?= .build/static
# The static Swift stdlib, and no dynamic symbol table of every Swift symbol (the driver exports them all
# from executables; nothing loads symbols from ours): 1.6 MB less per binary, measured on the agent.
# Linked by the toolchain's lld with packed relative relocations (DT_RELR, glibc >= 2.36): the binaries stay
# position-independent, but their 46,000 relative relocations take 9 KB instead of gold's 1.1 MB of RELA
# records, which the loader reads in full at every start: 1.1 MB less file size and 1 MB less RSS (agent).
# libstdc++ (which the Swift runtime uses) linked statically too: the binaries then map only the few pieces
# they use instead of all of libstdc++.so: about 1 MB less RSS for the agent (--help and running). The toolchain
# always links `-lstdc++`, so the link searches first a directory whose `libstdc++.so` is a linker script
# naming the static archive (written by `make release`, from the compiler's own search path).
STATIC_LIBSTDCXX_DIR = $(CURDIR)/.build/static-libstdc++
RELEASE_FLAGS = -c release --static-swift-stdlib -Xlinker --no-export-dynamic \
	-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xswiftc -L$(STATIC_LIBSTDCXX_DIR)

.PHONY: deps build-deps build test lab release runtime-packages benchmarks micro-benchmarks micro-benchmark-thresholds clean docs

# Installs the packages in $(1) (as root, through apt) when any is missing.
define install-missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing packages:$$missing; run 'make deps' as root" >&2; exit 1; fi; \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

## deps: install the system packages the build, the tests and the lab need (as root, through apt) when any is missing.
deps:
	$(call install-missing,$(APT_PACKAGES))

build-deps:
	$(call install-missing,$(BUILD_PACKAGES))

build: deps
	$(SWIFT) build

## test: build everything, run the lab once single-stack and once dual-stack (as root; it needs network namespaces),
## then the whole test suite.
test: deps
	$(SWIFT) build --build-tests
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "== overlay-lab --once (local backend)"; \
	  "$$($(SWIFT) build --show-bin-path)/overlay-lab" --once --dir .build/lab-test && \
	  echo "== overlay-lab --once --dual-stack (local backend)" && \
	  "$$($(SWIFT) build --show-bin-path)/overlay-lab" --once --dual-stack --dir .build/lab-test; \
	else echo "== skipping overlay-lab: it needs root for network namespaces"; fi
	$(SWIFT) test --skip-build

## lab: the KubeEmulator, the operator, simulated nodes and their agents on this machine; `make lab ARGS="--dual-stack"`
## gives every node an IPv4 and an IPv6 address and adds an IPv6 StaticRoute (other options: overlay-lab --help).
lab: deps
	$(SWIFT) build --product overlay-lab
	$(SWIFT) build --product overlay-ip-controller
	$(SWIFT) build --product overlay-network-agent
	$$($(SWIFT) build --show-bin-path)/overlay-lab $(ARGS)

## release: the static binaries the image ships (static Swift stdlib, stripped) in $(RELEASE_DIR); prints their
## sizes and shared libraries, checks each comes from $(RUNTIME_PACKAGES) and that each binary starts (--help).
release: build-deps
	@mkdir -p $(RELEASE_DIR) $(STATIC_LIBSTDCXX_DIR)
	@archive=$$(clang -print-file-name=libstdc++.a); case "$$archive" in \
	  /*) echo "GROUP ( $$archive )" > $(STATIC_LIBSTDCXX_DIR)/libstdc++.so ;; \
	  *) echo "release: no static libstdc++.a (install libstdc++-12-dev)" >&2; exit 1 ;; esac
	@for p in $(RELEASE_PRODUCTS); do \
	  $(SWIFT) build $(RELEASE_FLAGS) --product $$p || exit 1; \
	  strip -o $(RELEASE_DIR)/$$p "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/$$p" || exit 1; \
	done
	@scripts/release-check.sh $(RELEASE_DIR) "$(RUNTIME_PACKAGES)" $(RELEASE_PRODUCTS)

## runtime-packages: the Debian packages the image installs for the binaries to run.
runtime-packages:
	@echo $(RUNTIME_PACKAGES)

## benchmarks: the performance measurements under Benchmarks/ (a package of their own), each printing a table.
## Only some: make benchmarks BENCHMARKS="LocalIPAMBenchmark PhpIPAMBenchmark"
BENCHMARKS ?=
## FootprintBenchmark measures the release binaries: they are built first (make release) when missing.
benchmarks: deps
	cd Benchmarks && $(SWIFT) build -c release
	@list="$${BENCHMARKS:-$$(grep -o 'benchmark("[A-Za-z]*Benchmark"' Benchmarks/Package.swift | cut -d'"' -f2)}"; \
	case " $$list " in *" FootprintBenchmark "*) \
	  for p in $(RELEASE_PRODUCTS); do [ -x "$(RELEASE_DIR)/$$p" ] || { $(MAKE) release || exit 1; break; }; done;; \
	esac; \
	bin="$$(cd Benchmarks && $(SWIFT) build -c release --show-bin-path)"; \
	for b in $$list; do \
	  echo "== $$b"; BENCHMARK_BINARIES="$${BENCHMARK_BINARIES:-$(abspath $(RELEASE_DIR))}" "$$bin/$$b" || exit 1; \
	done
	$(MAKE) micro-benchmarks

## micro-benchmarks: package-benchmark tables (wall time, allocations, percentiles); fails on a regression past
## the p90s checked in under Benchmarks/Thresholds (tolerances in Benchmarks/Benchmarks/MicroBenchmarks).
MICRO = cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark
micro-benchmarks: deps
	$(MICRO) baseline update current --target MicroBenchmarks --no-progress --quiet
	$(MICRO) baseline read current --target MicroBenchmarks --no-progress
	@out="$$($(MICRO) thresholds check current --target MicroBenchmarks --no-progress 2>&1)"; rc=$$?; \
	  echo "$$out" | grep -v '^\['; \
	  if [ $$rc -ne 0 ] && ! echo "$$out" | grep -q benchmarkThresholdImprovement; then \
	    echo "micro-benchmarks: regression past Benchmarks/Thresholds (after an intended change: make micro-benchmark-thresholds)" >&2; \
	    exit 1; \
	  fi

## micro-benchmark-thresholds: re-measure and rewrite Benchmarks/Thresholds (commit them with the change that moved them).
micro-benchmark-thresholds: deps
	$(MICRO) thresholds update --target MicroBenchmarks --no-progress

clean:
	rm -rf .build

## docs: redraw the architecture picture from its source (needs graphviz).
docs:
	dot -Tpng -Gdpi=100 docs/architecture.dot -o docs/architecture.png
