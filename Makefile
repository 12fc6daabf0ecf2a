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

# Issue 17: real map servers the tests start on loopback (internal/ogcserve):
# QGIS Server (WFS, OGC API – Features, WMS; qgis_mapserver) and MapServer 8
# behind lighttpd's CGI.
OGC_SERVER_APT_PACKAGES := qgis-server qgis-server-wfs3 qgis-server-wfs qgis-server-wms \
	mapserver-bin cgi-mapserver lighttpd

# Debian/Ubuntu packages: a C compiler and the OpenGL/X11 headers for Fyne's
# cgo build; GDAL, PROJ and sqlite3 to check our files with outside tools;
# Xvfb, xdotool, ImageMagick and poppler to run the app headless and look at
# its windows, images and PDFs; GNU time for make startup's peak memory;
# headless Chromium to screenshot the platform's OGC API pages.
APT_PACKAGES := gcc libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev gdal-bin python3-gdal proj-bin xvfb xdotool \
	imagemagick poppler-utils sqlite3 postgresql-15-postgis-3 python3-qgis time \
	chromium $(OGC_SERVER_APT_PACKAGES)

# Windows: the desktop app is cross-built with MinGW-w64 (Fyne's cgo parts:
# GLFW and the OpenGL loader); the platform is pure Go. smoke-windows runs the
# .exe under Wine (Debian 12: Wine 8.0) in Xvfb and looks at a screenshot.
WINDOWS_APT_PACKAGES := gcc-mingw-w64-x86-64 wixl msitools
WINE_APT_PACKAGES := wine wine64 xvfb xdotool imagemagick
WINDOWS_CC := x86_64-w64-mingw32-gcc
WINDOWS_ENV := GOOS=windows GOARCH=amd64
# The desktop .exe is built as `fyne package --release` (below) builds it:
# -trimpath, the release tag, CGO_CFLAGS="-O3 -pipe". Packaging then reuses
# this build's cache instead of compiling GLFW a second time.
WINDOWS_GUI_ENV := $(WINDOWS_ENV) CGO_ENABLED=1 CC=$(WINDOWS_CC) CGO_CFLAGS="-O3 -pipe"
WINDOWS_GUI_FLAGS := -trimpath -tags release -ldflags "-s -w -H=windowsgui"
# Commands built without cgo (one static binary the platform's admins can copy
# anywhere); the others need cgo for Fyne.
PURE_GO_CMDS := terrimap-server
# The fyne tool that packages the .exe with its icon and version resource;
# installed into bin/tools, not ~/go/bin.
FYNE_VERSION := v1.7.4
FYNE := bin/tools/fyne-$(FYNE_VERSION)/fyne

BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# $(call apt_ensure,TARGET,PACKAGES): installs those of PACKAGES that dpkg does
# not report installed, with apt-get --no-install-recommends (as root, or
# through sudo; otherwise prints the command to run and fails).
define apt_ensure
@echo "$(1): checking the Debian packages: $(strip $(2))"
@missing=""; \
for p in $(2); do \
	dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then echo "$(1): all installed"; exit 0; fi; \
echo "$(1): missing:$$missing"; \
if [ "$$(id -u)" = 0 ]; then sudo=""; \
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
else \
	echo "$(1): not root and no sudo; as root, run:" >&2; \
	echo "  apt-get update && apt-get install -y --no-install-recommends$$missing" >&2; \
	exit 1; \
fi; \
echo "$(1): installing with apt-get:$$missing"; \
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update; \
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing
endef

.PHONY: deps deps-windows deps-wine build windows package-windows smoke-windows run test bench lint fmt-check fuzz clean compare-renderers compare-io

deps:
	$(call apt_ensure,deps,$(APT_PACKAGES))

build:
	@echo "build: go build every command of cmd/ into bin/"
	@mkdir -p bin
	@for dir in cmd/*/; do \
		name=$$(basename "$$dir"); cgo=1; \
		case " $(PURE_GO_CMDS) " in *" $$name "*) cgo=0;; esac; \
		echo "build: CGO_ENABLED=$$cgo $(GO) build -o bin/$$name ./cmd/$$name"; \
		CGO_ENABLED=$$cgo $(GO) build -o "bin/$$name" "./cmd/$$name"; \
	done

deps-windows:
	$(call apt_ensure,deps-windows,$(WINDOWS_APT_PACKAGES))

deps-wine:
	$(call apt_ensure,deps-wine,$(WINE_APT_PACKAGES))

# The first cross-build compiles GLFW with MinGW and takes minutes; later ones
# take seconds (the Go build cache keeps it).
windows: deps-windows
	@echo "windows: cross-building bin/windows/terrimap.exe (cgo, $(WINDOWS_CC)) and bin/windows/terrimap-server.exe (pure Go)"
	@mkdir -p bin/windows
	$(WINDOWS_GUI_ENV) $(GO) build $(WINDOWS_GUI_FLAGS) -o bin/windows/terrimap.exe ./cmd/terrimap
	$(WINDOWS_ENV) CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o bin/windows/terrimap-server.exe ./cmd/terrimap-server

$(FYNE):
	@echo "package-windows: go install fyne.io/tools/cmd/fyne@$(FYNE_VERSION) into $(@D)"
	GOBIN=$(CURDIR)/$(@D) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

# bin/windows/Terrimap.exe: the desktop app with its icon and the version of
# FyneApp.toml (what Explorer shows), checked by tools/pecheck; and its
# per-user installer bin/windows/Terrimap-<version>.msi (wixl, msitools).
package-windows: windows $(FYNE)
	GO=$(GO) FYNE=$(FYNE) scripts/package-windows.sh

# Wine 8.0 lacks bcryptprimitives.dll (ProcessPrng), which Go's runtime needs.
bin/windows/bcryptprimitives.dll: tools/winshim/bcryptprimitives.c | deps-windows
	@echo "smoke-windows: building the Wine shim $@"
	@mkdir -p $(@D)
	$(WINDOWS_CC) -shared -O2 -s -Wall -o $@ $< -ladvapi32

# Runs the packaged app under Wine in Xvfb on a demo platform and checks a
# screenshot of its map (bin/windows/smoke.png); see scripts/smoke-windows.sh.
smoke-windows: deps-wine package-windows bin/windows/bcryptprimitives.dll
	scripts/smoke-windows.sh

# With no ARGS: a demo platform on loopback (state in bin/demo/), the Tournus
# editor's workspace synced with it, and the app open on it; closing the app
# stops the platform (scripts/run-demo.sh). With ARGS, only the app.
run: deps build
ifeq ($(strip $(ARGS)),)
	scripts/run-demo.sh
else
	@echo "run: starting bin/terrimap $(ARGS)"
	./bin/terrimap $(ARGS)
endif

test: deps fmt-check
	@echo "test: go vet ./..."
	$(GO) vet ./...
	@echo "test: go test -race ./... (LANG=en_US.UTF-8)"
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=en_US.UTF-8 scripts/with-postgres.sh $(GO) test -race -timeout 40m ./...
	@echo "test: the desktop app for real, under Xvfb (make e2e)"
	$(MAKE) --no-print-directory e2e
	@echo "test: the Windows build under Wine (make smoke-windows)"
	$(MAKE) --no-print-directory smoke-windows

.PHONY: e2e startup

# The real bin/terrimap in Xvfb on a demo workspace: the window's title, a
# screenshot of the map checked against the demo styles, Ctrl+Q; E2E_SCREEN
# (default 1366x768) sets the screen. bin/e2e/ keeps the screenshot and logs.
E2E_SCREEN ?= 1366x768
e2e: deps build
	scripts/e2e-linux.sh $(E2E_SCREEN)

# Time from process start to the first complete map frame of a workspace of
# over 40,000 features, STARTUP_RUNS starts in Xvfb (default 5), and their
# median against 1.5 s (scripts/startup-linux.sh).
STARTUP_RUNS ?= 5
startup: deps build
	scripts/startup-linux.sh $(STARTUP_RUNS)

# The *Million benchmarks (issue 16) are left to bench-million: one run of
# the index build or the attribute table takes a minute or more
# (docs/issue16-start-profile.md), six would pass go test's 10-minute
# timeout.
bench:
	@echo "bench: go test -bench, 6 runs each (benchstat needs 6 for a confidence interval), summarised by benchstat (raw results in bin/bench.txt)"
	@mkdir -p bin
	$(GO) test -run '^$$' -bench . -skip Million -benchmem -count 6 $(PKGS) | tee bin/bench.txt
	@echo "bench: medians and spread"
	$(GO) run $(BENCHSTAT) bin/bench.txt

# Issue 16's benchmarks on the demo territory of 1.17 million features
# (demows.MillionScale, made once in the temp dir, ~70 s), once each.
bench-million:
	@mkdir -p bin
	$(GO) test -run '^$$' -bench Million -benchmem -count 1 -timeout 60m $(PKGS) | tee bin/bench-million.txt

.PHONY: bench-pg bench-million

# Issue 12's benchmarks, SQLite and PostgreSQL side by side in one run
# (sub-benchmarks sqlite/postgres of sync/integration, on a throwaway
# cluster from scripts/with-postgres.sh): 6 runs each, medians by benchstat
# (raw results in bin/bench-pg.txt); then the first sync of the demo at
# scale 50 (a million features, minutes of seeding) once.
bench-pg:
	@mkdir -p bin
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=en_US.UTF-8 scripts/with-postgres.sh $(GO) test -run '^$$' \
		-bench 'FirstSync100k|Push10k$$|ConcurrentSyncs50|OGCItemsBBox' -benchmem -count 6 -timeout 60m ./sync/integration/ | tee bin/bench-pg.txt
	$(GO) run $(BENCHSTAT) bin/bench-pg.txt
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=en_US.UTF-8 scripts/with-postgres.sh $(GO) test -run '^$$' \
		-bench 'FirstSyncDemo50' -benchtime 1x -timeout 60m ./sync/integration/ | tee bin/bench-pg-demo50.txt

# Fails on Go files gofmt would change (bin/ holds copies made by builds).
fmt-check:
	@echo "fmt-check: gofmt -l (fails on unformatted files)"
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*' -not -path './bin/*')); \
	if [ -n "$$unformatted" ]; then echo "fmt-check: not gofmt-ed:"; echo "$$unformatted"; exit 1; fi

lint: fmt-check
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

# Times imports and exports against ogr2ogr, medians, ratios and peak RSS
# (issue 18; scripts/compare-io.sh says its variables: TERRIMAP_BIN,
# COMPARE_IO_BIG=0 to leave out the 1 GB GeoJSON…).
compare-io:
	$(call apt_ensure,compare-io,hyperfine gdal-bin jq time)
	scripts/compare-io.sh
