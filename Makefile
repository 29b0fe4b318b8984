# SPDX-License-Identifier: Apache-2.0
# baton - one GNU Makefile.  `make` builds, `make test` runs every test
# (once plainly and once under ASan+UBSan), `make run` runs the main job.
#
# Knobs:  SANITIZE=address,undefined   build with sanitizers (into build-san/)
#         WERROR=1                     warnings are errors (CI sets it)
#         O=build-dir                  where objects and binaries go
#         CFLAGS, LDFLAGS, LDLIBS      added to the flags baton needs (default
#                                      CFLAGS: -O2 -g), e.g. make CFLAGS=-O0

CC      ?= cc
PKGS    := sqlite3 yaml-0.1 libsodium libmicrohttpd zlib libutf8proc libcurl libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

# The flags baton needs are kept apart from the user's: CFLAGS, LDFLAGS and
# LDLIBS given on the command line (make CFLAGS=-O0) add to them, never
# replace them.
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
# src/util/banned.h, read before each file, makes unsafe libc calls unusable
BT_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
           -Iinclude -Isrc $(PKG_CFLAGS) -include src/util/banned.h -MMD -MP
BT_LDFLAGS :=
BT_LDLIBS  := $(PKG_LIBS) -lm -lpthread

ifneq ($(WERROR),)
BT_CFLAGS += -Werror
endif

ifneq ($(SANITIZE),)
O       ?= build-san
BT_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
BT_LDFLAGS += -fsanitize=$(SANITIZE)
else
O       ?= build
endif

LIB_SRC  := $(wildcard src/*.c src/util/*.c src/store/*.c)
CLI_SRC  := $(wildcard cli/*.c server/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o) $(O)/gen/demo_config.o
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o) $(O)/gen/web_assets.o
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps test check-tests run bench clean help web fuzz

all: $(O)/baton

help:
	@echo "make            build $(O)/baton"
	@echo "make run        install what is missing, build, run the main job"
	@echo "make test       install what is missing, build, run all tests (plain and sanitized)"
	@echo "make bench      run the benchmarks in bench/"
	@echo "make web        build the dashboard (web/) into build/web/"
	@echo "make fuzz NAME=csv SECONDS=180   build and run one fuzzing harness (fuzz/run.sh)"
	@echo "make clean      remove build output"

$(O)/libbaton.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@$(AR) rcs $@ $^

$(O)/baton: $(CLI_OBJ) $(O)/libbaton.a
	@echo "LD $@"
	@$(CC) $(BT_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(O)/libbaton.a $(BT_LDLIBS) $(LDLIBS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(BT_CFLAGS) $(CFLAGS) -c -o $@ $<

# The demo configuration, built into the binary as a C string.
$(O)/gen/demo_config.c: examples/demo.yaml
	@mkdir -p $(@D)
	@awk 'BEGIN { print "const char bt__demo_config[] =" } \
	      { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); print "\"" $$0 "\\n\"" } \
	      END { print ";" }' $< >$@

$(O)/gen/demo_config.o: $(O)/gen/demo_config.c
	@$(CC) $(BT_CFLAGS) $(CFLAGS) -c -o $@ $<

# The dashboard: web/ built by scripts/web.sh into build/web (one build for
# the plain and the sanitized binary), then compiled into the binary as
# gzip streams by scripts/embed.c, a tool of the build.
WEB_SRC := $(shell find web -type f -not -path 'web/node_modules/*' 2>/dev/null)
WEB_OUT := build/web

web: $(WEB_OUT)/.built

$(WEB_OUT)/.built: $(WEB_SRC) scripts/web.sh
	@echo "WEB $(WEB_OUT)"
	@scripts/web.sh $(WEB_OUT)
	@touch $@

$(O)/embed: scripts/embed.c
	@mkdir -p $(@D)
	@$(CC) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
		$(if $(WERROR),-Werror) -include src/util/banned.h -o $@ $< -lz

$(O)/gen/web_assets.c: $(WEB_OUT)/.built $(O)/embed
	@mkdir -p $(@D)
	@$(O)/embed $(WEB_OUT) $@

$(O)/gen/web_assets.o: $(O)/gen/web_assets.c
	@$(CC) $(BT_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libbaton.a
	@mkdir -p $(@D)
	@echo "LD $@"
	@$(CC) $(BT_CFLAGS) $(CFLAGS) $(BT_LDFLAGS) $(LDFLAGS) -o $@ $< $(SERVER_REST) $(O)/libbaton.a $(BT_LDLIBS) $(LDLIBS) $(TEST_LIBS)

# The fuzzing harnesses (fuzz/fuzz_NAME.c, docs/ARCHITECTURE.md "Tests"),
# built by fuzz/run.sh into build-fuzz/ with clang and libFuzzer.  Those of
# server/ code #include the files whose file-local functions they fuzz, so
# they link the rest of server/ without those objects (server_rest), and
# so does the test that replays their corpora.
SERVER_OBJ  := $(filter $(O)/server/%,$(CLI_OBJ))
server_rest = $(filter-out $(1:%=$(O)/server/%.o),$(SERVER_OBJ)) $(O)/gen/web_assets.o
$(O)/fuzz/fuzz_segment: SERVER_REST = $(call server_rest,segment)
$(O)/fuzz/fuzz_segment: $(call server_rest,segment)
$(O)/fuzz/fuzz_http: SERVER_REST = $(call server_rest,http web)
$(O)/fuzz/fuzz_http: $(call server_rest,http web)
$(O)/tests/test_fuzz_server: SERVER_REST = $(call server_rest,segment http web)
$(O)/tests/test_fuzz_server: $(call server_rest,segment http web)

$(O)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(O)/libbaton.a
	@mkdir -p $(@D)
	@echo "LD $@"
	@$(CC) $(BT_CFLAGS) $(CFLAGS) $(BT_LDFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(SERVER_REST) $(O)/libbaton.a $(BT_LDLIBS) $(LDLIBS)

# make fuzz NAME=csv SECONDS=180: build one harness and run it (fuzz/run.sh)
fuzz:
	@fuzz/run.sh "$(NAME)" $(SECONDS)

deps:
	@scripts/deps.sh

# The tests: the plain build with -Werror, its shell tests on SQLite and
# again on PostgreSQL, then everything again under ASan+UBSan (on SQLite;
# the PostgreSQL store's own tests run there too).  tests/run.sh prints the
# summary line CI reads.
test: deps
	$(MAKE) WERROR=1 BACKENDS="sqlite postgres" check-tests
	$(MAKE) WERROR=1 SANITIZE=address,undefined check-tests

# tests/pg.sh run: a throw-away PostgreSQL for the tests of the PostgreSQL
# store (BATON_TEST_PG_DIR), stopped afterwards
BACKENDS ?= sqlite
check-tests: $(O)/baton $(TEST_BIN)
	@BATON_TEST_BACKENDS="$(BACKENDS)" tests/pg.sh run tests/run.sh $(O)

run: deps
	$(MAKE) WERROR=1 all
	@scripts/run.sh $(O)

bench: deps all
	@bench/run.sh
	@bench/http.sh
	@bench/dashboard.sh
	@bench/pollers.sh
	@bench/pg_http.sh

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(wildcard $(O)/fuzz/*.d)
