# tiemap: `make` builds ./tiemap; `make demo` and `make test` are the two
# commands of the README.  Every build also runs scripts/install-deps, which
# does nothing when all is installed.

PKGS      := sqlite3 icu-uc icu-i18n jansson libmicrohttpd expat libzip libcurl libxml-2.0 libsodium libxxhash yaml-0.1
CC        ?= cc
CLANG     ?= clang
WARN      := -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers
CPPFLAGS  := -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm -lpthread

OPT       ?= -O2 -g
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC   := $(sort $(wildcard src/core/*.c src/text/*.c src/model/*.c src/store/*.c src/search/*.c src/snap/*.c \
                                src/graph/*.c src/io/*.c src/match/*.c src/view/*.c src/campaign/*.c \
                                src/archive/*.c src/audit/*.c src/auth/*.c src/guard/*.c src/edit/*.c \
                                src/seal/*.c))
# src/http and the assets it embeds (generated from web/ by web/embed)
HTTP_SRC  := $(sort $(wildcard src/http/*.c)) build/gen/http_assets.c
CLI_SRC   := $(sort $(wildcard src/cli/*.c)) $(HTTP_SRC) src/main.c
HDRS      := $(wildcard src/*/*.h src/*/*.def)
WEB_SRC   := $(wildcard web/*.css web/*.svg web/js/*.js web/i18n/*.json web/api/*.json)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

REL_OBJ   := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(CLI_SRC))
SAN_LIB   := $(patsubst %.c,build/san/%.o,$(LIB_SRC))
SAN_CLI   := $(patsubst %.c,build/san/%.o,$(CLI_SRC))
UNIT_BIN  := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

.PHONY: all deps demo tour test unit fuzz lint a11y bench bench-large clean
all: deps tiemap

deps:
	@scripts/install-deps

tiemap: $(REL_OBJ)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# The sanitizer build: every test runs against it.
build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/san/tiemap: $(SAN_LIB) $(SAN_CLI)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/san/tests/%: tests/unit/%.c $(SAN_LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) \
		-o $@ $< $(SAN_LIB) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

# Fuzz targets: libFuzzer with ASan/UBSan, built by clang.  The library is
# compiled once for all of them (fuzzer-no-link: the coverage hooks without
# libFuzzer's main), and each target links against those objects.
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB  := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC))
FUZZ_SAN  := -fsanitize=address,undefined
.SECONDARY: $(FUZZ_LIB)
build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(CPPFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(CPPFLAGS) $(PKG_CFLAGS) \
		-o $@ $< $(FUZZ_LIB) $(PKG_LIBS)

# npm packages at the versions of the committed lock file: cytoscape (embedded)
# and playwright-core (drives Debian's chromium in tests/e2e)
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

# The Traditional Chinese catalog, made from the Simplified one by ICU's
# Hans-Hant transform and the reviewed corrections (web/i18n_hant.c)
build/tools/i18n_hant: web/i18n_hant.c src/core/core.c src/model/model.c src/model/action.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -g $(CPPFLAGS) $(PKG_CFLAGS) -o $@ web/i18n_hant.c src/core/core.c src/model/model.c \
		src/model/action.c $(PKG_LIBS)

build/gen/i18n/zh-Hant.json: build/tools/i18n_hant web/i18n/zh.json web/i18n/zh-Hant.overrides.json
	@mkdir -p $(dir $@)
	build/tools/i18n_hant web/i18n/zh.json web/i18n/zh-Hant.overrides.json $@

# The guides for campaigners (docs/guide, and docs/zh in Chinese) as HTML for
# the site's /guide pages, by cmark (CommonMark; raw HTML in them is dropped)
GUIDE_MD  := $(wildcard docs/guide/*.md docs/zh/*.md)
build/gen/guide.stamp: $(GUIDE_MD)
	rm -rf build/gen/guide && mkdir -p build/gen/guide/en build/gen/guide/zh
	for f in docs/guide/*.md; do cmark "$$f" > build/gen/guide/en/$$(basename "$$f" .md).html || exit 1; done
	for f in docs/zh/*.md; do cmark "$$f" > build/gen/guide/zh/$$(basename "$$f" .md).html || exit 1; done
	touch $@

build/gen/http_assets.c: web/embed $(WEB_SRC) web/node_modules/.package-lock.json build/gen/i18n/zh-Hant.json \
		build/gen/guide.stamp
	python3 web/embed $@

demo.db: tiemap $(wildcard data/seed/*.jsonl)
	rm -f $@.tmp
	./tiemap --db $@.tmp --quiet import data/seed/*.jsonl
	mv $@.tmp $@

demo: all demo.db
	./tiemap --db demo.db serve --listen 127.0.0.1:8080

tour: all demo.db
	./tiemap --db demo.db tour

test: deps tiemap build/san/tiemap $(UNIT_BIN) $(FUZZ_BIN)
	@tests/run-all

# One tier each (tests/run-all --only TIER): the cmocka unit tests, the
# fuzz targets run briefly over their corpora and regression inputs, and
# the project's lint checks.
unit: deps $(UNIT_BIN)
	@tests/run-all --only unit

fuzz: deps $(FUZZ_BIN)
	@tests/run-all --only fuzz

lint:
	@tests/run-all --only lint

# The browser sweep with axe-core on every page, not only on one page of
# each template as in make test (tests/e2e/test_sweep.mjs says why).
a11y: deps tiemap build/san/tiemap
	@TIEMAP=$(CURDIR)/build/san/tiemap SWEEP_AXE_ALL=1 node tests/e2e/test_sweep.mjs

# Benchmark binaries: bench/bench_*.c linked against the library objects.
BENCH_BIN := $(patsubst bench/%.c,build/rel/bench/%,$(wildcard bench/bench_*.c))
build/rel/bench/%: bench/%.c $(patsubst %.c,build/rel/%.o,$(LIB_SRC)) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $< $(patsubst %.c,build/rel/%.o,$(LIB_SRC)) $(PKG_LIBS)

# docs/performance.md tells what these measure and how long they take.
bench: deps tiemap $(BENCH_BIN)
	@bench/run

bench-large: deps tiemap $(BENCH_BIN)
	@bench/run --large

clean:
	rm -rf build tiemap demo.db demo.db.tmp demo.db-wal demo.db-shm
