# Terrimap — make targets. Each one says what it does before doing it.
# Needs Go (see go.mod for the version) and GNU make; `make deps` installs the
# rest from Debian/Ubuntu packages.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
# How long `make fuzz` runs each fuzz target.
FUZZTIME ?= 30s
# Packages that `make bench` and `make fuzz` cover, e.g. PKGS=./store/...
PKGS ?= ./...
# Extra flags for `make run`, e.g. make run ARGS='--workspace demo.gpkg'.
ARGS ?=

# Debian/Ubuntu packages: a C compiler and the OpenGL/X11 headers for Fyne's
# cgo build; GDAL, PROJ and sqlite3 to check our files with outside tools;
# Xvfb, xdotool, ImageMagick and poppler to run the app headless and look at
# its windows, images and PDFs.
APT_PACKAGES := gcc libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev gdal-bin python3-gdal proj-bin xvfb xdotool \
	imagemagick poppler-utils sqlite3

BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: deps build run test bench lint fuzz clean compare-renderers

deps:
	@echo "deps: checking the Debian packages Terrimap needs"
	@missing=""; \
	for p in $(APT_PACKAGES); do \
		dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: missing:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else \
		echo "deps: not root and no sudo; as root, run:" >&2; \
		echo "  apt-get update && apt-get install -y --no-install-recommends$$missing" >&2; \
		exit 1; \
	fi; \
	echo "deps: installing with apt-get:$$missing"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

build:
	@echo "build: go build every command of cmd/ into bin/"
	@mkdir -p bin
	@for dir in cmd/*/; do \
		name=$$(basename "$$dir"); \
		echo "build: $(GO) build -o bin/$$name ./cmd/$$name"; \
		$(GO) build -o "bin/$$name" "./cmd/$$name"; \
	done

run: deps build
	@echo "run: starting bin/terrimap $(ARGS)"
	./bin/terrimap $(ARGS)

test: deps
	@echo "test: go vet ./..."
	$(GO) vet ./...
	@echo "test: go test -race ./... (LANG=en_US.UTF-8)"
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=en_US.UTF-8 $(GO) test -race -timeout 40m ./...
	@echo "test: the desktop app for real, under Xvfb (make e2e)"
	$(MAKE) --no-print-directory e2e

.PHONY: e2e startup

# The real bin/terrimap in Xvfb on a demo workspace: the window's title, a
# screenshot of the map checked against the demo styles, Ctrl+Q; E2E_SCREEN
# (default 1366x768) sets the screen. bin/e2e/ keeps the screenshot and logs.
E2E_SCREEN ?= 1366x768
e2e: deps build
	scripts/e2e-linux.sh $(E2E_SCREEN)

# Time from process start to the first complete map frame of a workspace of
# over 40,000 features, 5 starts in Xvfb, and their median against 1.5 s
# (scripts/startup-linux.sh).
startup: deps build
	scripts/startup-linux.sh

bench:
	@echo "bench: go test -bench, 6 runs each (benchstat needs 6 for a confidence interval), summarised by benchstat (raw results in bin/bench.txt)"
	@mkdir -p bin
	$(GO) test -run '^$$' -bench . -benchmem -count 6 $(PKGS) | tee bin/bench.txt
	@echo "bench: medians and spread"
	$(GO) run $(BENCHSTAT) bin/bench.txt

lint:
	@echo "lint: gofmt -l (fails on unformatted files)"
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$unformatted" ]; then echo "lint: not gofmt-ed:"; echo "$$unformatted"; exit 1; fi
	@echo "lint: go vet ./..."
	$(GO) vet ./...
	@echo "lint: staticcheck ./..."
	$(GO) run $(STATICCHECK) ./...

fuzz:
	@echo "fuzz: running every fuzz target for $(FUZZTIME) each"
	@found=0; \
	for pkg in $$($(GO) list $(PKGS)); do \
		for target in $$($(GO) test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			found=1; \
			echo "fuzz: $$pkg $$target for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done; \
	if [ "$$found" = 0 ]; then echo "fuzz: no fuzz target found"; fi

clean:
	@echo "clean: removing bin/"
	rm -rf bin

# Times the demo frame against Mapnik and MapServer (see mapview/testdata/compare/README.md).
compare-renderers:
	mapview/testdata/compare/compare.sh
