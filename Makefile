# Hearth build. `make` builds build/hearth; see README.md for the rest.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

CC      ?= cc
PKGS    := libmicrohttpd libsodium jansson sqlite3 libpq libical libqrencode md4c-html zlib libbrotlienc
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wpointer-arith -Wcast-align -Wundef -Wno-unused-parameter
BASEFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen $(WARN) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lzxcvbn -lpthread -lm
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

OPT_FLAGS  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
# the test build alone can move its clock (HEARTH_CLOCK_FILE, src/core/clock.h)
# and make a database call fail on purpose (X-Hearth-Fail-Db, src/store/db.h)
SAN_FLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
              -DHEARTH_TEST_CLOCK -DHEARTH_TEST_FAULTS

SRC      := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
ASSETS   := $(shell find templates static content migrations -type f 2>/dev/null | LC_ALL=C sort)
GEN      := build/gen/assets.c

OBJ      := $(SRC:src/%.c=build/obj/%.o) build/obj/gen/assets.o
SAN_OBJ  := $(SRC:src/%.c=build/san/%.o) build/san/gen/assets.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

.PHONY: all run test unit http browser lint format clean deps bench bench-scale fuzz

all: build/hearth

deps:
	@scripts/deps.sh

$(GEN): scripts/embed.sh $(ASSETS) | build/gen
	@scripts/embed.sh $@ $(ASSETS)

build/gen:
	@mkdir -p $@

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(OPT_FLAGS) -DHEARTH_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@
build/obj/gen/assets.o: $(GEN)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(OPT_FLAGS) -c $< -o $@
build/hearth: build/obj/main.o $(OBJ)
	@echo "LD $@"; $(CC) $(OPT_FLAGS) $^ -o $@ $(LIBS)

build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(SAN_FLAGS) -DHEARTH_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@
build/san/gen/assets.o: $(GEN)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(SAN_FLAGS) -c $< -o $@
build/san/hearth: build/san/main.o $(SAN_OBJ)
	@echo "LD $@"; $(CC) $(SAN_FLAGS) $^ -o $@ $(LIBS)
build/san/tests/%: tests/unit/%.c $(SAN_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(BASEFLAGS) $(SAN_FLAGS) $< $(SAN_OBJ) -o $@ $(LIBS) -lcmocka

-include $(shell find build -name '*.d' 2>/dev/null)

run: deps
	@$(MAKE) --no-print-directory build/hearth
	@mkdir -p var
	@exec build/hearth serve

# The whole suite: sanitizer build, unit, HTTP and browser tests, one summary line.
test:
	@scripts/deps.sh test
	@scripts/lint.sh
	@$(MAKE) --no-print-directory build/san/hearth build/hearth $(UNIT_BIN)
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BIN)
	@scripts/test.sh $(UNIT_BIN)

lint:
	@scripts/lint.sh

format:
	@clang-format -i $$(find src tests/unit -name '*.[ch]') fuzz/*.c

bench: build/hearth
	@scripts/deps.sh bench
	@ulimit -n 8192 2>/dev/null || true; node bench/run.mjs

# A couple's pages among 10,000 couples with a year of data against the same
# couple alone (bench/scale.mjs; BENCH_DB=postgres, BENCH_COUPLES, BENCH_KEEP)
bench-scale: build/hearth
	@scripts/deps.sh bench
	@node bench/scale.mjs

# libFuzzer targets beside the parsers (fuzz/fuzz_*.c, see docs/architecture.md):
#   make fuzz                      every target for FUZZ_SECONDS each
#   make fuzz-request              one target (or FUZZ_TARGETS="tz text", names with
#                                  or without their fuzz_ prefix)
# The sources are compiled once with clang's fuzzing instrumentation into
# build/fuzz/obj; new inputs go to build/fuzz/corpus, crashes to build/fuzz/crashes.
FUZZ_SECONDS ?= 30
FUZZ_NAMES   := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BIN     := $(FUZZ_NAMES:%=build/fuzz/%)
FUZZ_OBJ     := $(SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/assets.o
FUZZ_CFLAGS  := $(filter-out -Werror,$(BASEFLAGS)) -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC $< (fuzz)"; clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
build/fuzz/obj/gen/assets.o: $(GEN)
	@mkdir -p $(dir $@)
	@echo "CC $< (fuzz)"; clang $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/obj/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "CC $<"; clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_BIN): build/fuzz/%: build/fuzz/obj/fuzz/%.o $(FUZZ_OBJ)
	@echo "LD $@"; clang $(FUZZ_LDFLAGS) $^ -o $@ $(LIBS)

FUZZ_RUN     := $(addprefix fuzz_,$(patsubst fuzz_%,%,$(FUZZ_TARGETS)))
fuzz: $(FUZZ_RUN:%=build/fuzz/%)
	@scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_RUN)
fuzz-%:
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGETS=$*

clean:
	rm -rf build
