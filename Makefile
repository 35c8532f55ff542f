# Rapport build, test and packaging.
#
#   make deps     install the system packages and Go tools the build needs
#   make build    build bin/rapport
#   make run      build and open the app on the database in the user's data folder
#   make test     gofmt, go vet, staticcheck and the whole test suite
#   make bench    run every benchmark and write docs/benchmarks.md
#   make screenshots  write a picture of each screen to docs/screenshots
#   make fuzz     run every fuzz target for FUZZTIME each (default 30s), then
#                 the crash tests for CRASH_ITERATIONS kills each (default 200)
#   make package  build a distributable package into dist/ with the fyne tool
#   make package-windows  cross-build dist/Rapport.exe for Windows

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
FUZZTIME ?= 30s
CRASH_ITERATIONS ?= 200
TARGET_OS ?= $(shell $(GO) env GOOS)

# Fyne links against OpenGL and X11 through cgo; xvfb and xauth let the app be
# run and looked at without a display (xvfb-run); ImageMagick's import takes
# the screenshots of the test that runs the real app under Xvfb. python3-vobject is the
# independent reader that the vCard export is tested against (data/vcf),
# python3-icalendar the one for the iCalendar export (data/ics). Node and npm
# run ical.js, the parser Thunderbird uses, as a second reader of both (pinned
# in testdata/icaljs); they are looked for on PATH, not by package, since a
# machine may have its own Node.
SYSTEM_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth imagemagick python3-vobject python3-icalendar

STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck

# The fyne packaging tool, pinned to a version the module proxy serves
# (check with: go list -m -versions fyne.io/tools).
FYNE_TOOLS_VERSION := v1.7.4
FYNE := $(CURDIR)/bin/tools/fyne-$(FYNE_TOOLS_VERSION)/fyne

# FyneApp.toml is the one source of the app's id, name, version and icon.
# toml_value reads one key of its [Details] table.
toml_value = $(shell awk -F= '/^\[/ { details = ($$0 ~ /^\[Details\]/) } \
	details && $$1 ~ /^[[:space:]]*$(1)[[:space:]]*$$/ { v = substr($$0, index($$0, "=") + 1); \
	gsub(/^[[:space:]"]+|[[:space:]"]+$$/, "", v); print v; exit }' FyneApp.toml)
APP_ID := $(call toml_value,ID)
APP_NAME := $(call toml_value,Name)
APP_VERSION := $(call toml_value,Version)
APP_BUILD := $(call toml_value,Build)
APP_ICON := $(call toml_value,Icon)

LDFLAGS := -X main.appID=$(APP_ID) -X main.appVersion=$(APP_VERSION)

.PHONY: deps build run test bench fuzz screenshots package package-windows clean

deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
		echo "not a Debian system: install a C compiler and the OpenGL/X11 headers yourself (see https://docs.fyne.io/started/)"; \
	else \
		missing=""; \
		for p in $(SYSTEM_PACKAGES); do \
			dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
		done; \
		command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
		command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
		if [ -n "$$missing" ]; then \
			echo "installing missing system packages:$$missing"; \
			sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
			$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
			$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
		fi; \
	fi
	@if [ ! -d testdata/icaljs/node_modules/ical.js ] || [ testdata/icaljs/package-lock.json -nt testdata/icaljs/node_modules/.package-lock.json ]; then \
		echo "installing ical.js for the reader tests (npm ci in testdata/icaljs)"; \
		npm ci --prefix testdata/icaljs --no-audit --no-fund --loglevel=error; \
	fi
	@if [ ! -x "$(STATICCHECK)" ]; then \
		echo "installing staticcheck $(STATICCHECK_VERSION)"; \
		GOBIN="$(dir $(STATICCHECK))" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/rapport ./cmd/rapport

run: deps build
	./bin/rapport

test: deps
	@unformatted="$$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 -r gofmt -l)"; \
	if [ -n "$$unformatted" ]; then \
		echo "these files need gofmt -w:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) test -timeout 12m -count=1 ./...

# make bench runs every benchmark of the module, times the binary on a generated
# shop of BENCH_CLIENTS clients (with the sqlite3 shell and Python's vobject
# alongside) and writes the table to docs/benchmarks.md. BENCH picks Go benchmarks.
BENCH_CLIENTS ?= 100000
BENCH ?= .
BENCH_PACKAGES := sqlite3 python3-vobject xvfb

bench: deps build
	@missing=""; for p in $(BENCH_PACKAGES); do \
		dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing what the benchmarks compare with:$$missing"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi
	$(GO) run ./cmd/rapport-bench -rapport bin/rapport -clients $(BENCH_CLIENTS) -bench '$(BENCH)' -out docs/benchmarks.md

# make screenshots starts the app on a demo shop under Xvfb and keeps a
# picture of each main screen in docs/screenshots (the test that make test runs
# the same way, keeping them only for its run).
screenshots: deps
	RAPPORT_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -timeout 10m -run '^TestScreenshotsUnderXvfb$$' ./cmd/rapport

# go test -list prints each package's matching names followed by its "ok" line,
# so the names are paired with the package they belong to.
fuzz:
	@targets="$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ { names[n++] = $$1; next } \
		/^ok/ { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }')"; \
	if [ -z "$$targets" ]; then echo "no fuzz targets"; exit 0; fi; \
	while read -r pkg name; do \
		echo "fuzzing $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime '$(FUZZTIME)' "$$pkg"; \
	done <<< "$$targets"
	@echo "killing rapport $(CRASH_ITERATIONS) times during imports, edits and syncs"
	RAPPORT_CRASH_ITERATIONS=$(CRASH_ITERATIONS) $(GO) test -count=1 -timeout 60m -run '^TestCrash' ./cmd/rapport
	@echo "driving 2-10 simulated computers through sync over a faulty share, many cases"
	$(GO) test -count=1 -timeout 60m -run '^TestPropertyConvergence$$' ./sync/fileshare -args -long

$(FYNE):
	@if ! $(GO) list -m -versions fyne.io/tools 2>/dev/null | grep -qw -- '$(FYNE_TOOLS_VERSION)'; then \
		echo "make package needs the fyne tool fyne.io/tools $(FYNE_TOOLS_VERSION), which the Go module proxy does not serve here;"; \
		echo "pick a served version from 'go list -m -versions fyne.io/tools' and set FYNE_TOOLS_VERSION in the Makefile"; \
		exit 1; \
	fi
	GOBIN="$(dir $(FYNE))" $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)

# fyne package reads FyneApp.toml only beside the main package, so a copy with
# the icon path made relative to cmd/rapport is put there for the run and
# removed afterwards, whatever happens. GOFLAGS carries the same -X flags as
# make build; fyne merges them into its own -ldflags.
package: deps $(FYNE)
	@if [ -e cmd/rapport/FyneApp.toml ]; then \
		echo "cmd/rapport/FyneApp.toml exists; remove it: the top-level FyneApp.toml is the only one"; exit 1; \
	fi
	@trap 'rm -f cmd/rapport/FyneApp.toml' EXIT; \
	sed 's|^\([[:space:]]*Icon[[:space:]]*=[[:space:]]*"\)|\1../../|' FyneApp.toml > cmd/rapport/FyneApp.toml; \
	mkdir -p dist; \
	echo "packaging $(APP_NAME) $(APP_VERSION) ($(APP_ID)) for $(TARGET_OS)"; \
	GOFLAGS="$${GOFLAGS:-} -ldflags=-X=main.appID=$(APP_ID) -ldflags=-X=main.appVersion=$(APP_VERSION)" \
		$(FYNE) package --os $(TARGET_OS) --src cmd/rapport --release; \
	for f in "$(APP_NAME)".tar.xz "$(APP_NAME)".exe "$(APP_NAME)".app; do \
		for d in . cmd/rapport; do \
			if [ -e "$$d/$$f" ]; then rm -rf "dist/$$f"; mv "$$d/$$f" dist/; echo "wrote dist/$$f"; fi; \
		done; \
	done

# make package-windows cross-builds the Windows app (Rapport.exe: GUI
# subsystem, icon and version from FyneApp.toml) with Debian's mingw-w64; a
# cold build takes some minutes, most of it the C parts of the GL driver.
package-windows: deps $(FYNE)
	@if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then \
		echo "installing the Windows cross-compiler (gcc-mingw-w64-x86-64)"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64; \
	fi
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(MAKE) package TARGET_OS=windows

clean:
	rm -rf bin dist
