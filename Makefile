# brul: make [all|check|check-layers|check-san|demo|serve|bench|fuzz|install|uninstall|clean]
# Variables: SAN=1 builds with AddressSanitizer + UBSan (into build-san/),
# CC=clang, PREFIX, DESTDIR.

# Every goal but cleaning needs config.mk; make writes it with ./configure
# when it is missing and reruns that when configure changes (a failure stops
# make).
ifneq ($(filter-out clean distclean,$(or $(MAKECMDGOALS),all)),)
include config.mk
endif
CC ?= cc
PREFIX ?= /usr/local
CONFIGURE_ARGS ?= --prefix=$(PREFIX) CC=$(CC)
VERSION = 0.1.0

ifeq ($(SAN),1)
B = build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT = -O1 -g
else
B = build
SANFLAGS =
OPT = -O2 -g
endif

CFLAGS ?= $(OPT)
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -iquote lib $(DEPS_CFLAGS) \
	-DBRUL_VERSION='"$(VERSION)"' -DBRUL_DATADIR='"$(PREFIX)/share/brul"'
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS = $(DEPS_LIBS)

LIB_SRC = $(sort $(wildcard lib/*/*.c))
LIB_OBJ = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
TOOL_SRC = $(sort $(wildcard tools/brul-*.c))
TOOLS = $(TOOL_SRC:tools/%.c=$(B)/bin/%)
UNIT_SRC = $(sort $(wildcard tests/unit/test-*.c))
UNITS = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz-*.c))
MAN = $(wildcard man/*.[157])

all: $(TOOLS)

# What a goal runs beyond the build, as configure's options.  Before make
# check, demo, serve, bench or fuzz runs, configure checks for it, and as
# root installs what is missing (--deps-only leaves config.mk alone).  The
# build alone never installs anything: plain ./configure names what is
# missing, with the apt-get line.
NEEDS_check = --tests
NEEDS_check-san = --tests
NEEDS_demo = --demo
NEEDS_serve = --demo
NEEDS_bench = --bench
NEEDS_fuzz = --fuzz
NEEDS = $(sort $(foreach g,$(MAKECMDGOALS),$(NEEDS_$(g))))
CONFIGURE = ./configure $(CONFIGURE_ARGS) $(if $(NEEDS),--install-deps $(NEEDS))

deps-tests deps-demo deps-bench deps-fuzz:
	@./configure --deps-only --install-deps --$(@:deps-%=%) CC=$(CC)

# configure leaves config.mk alone when nothing in it changed (every object
# depends on it), and touches config.stamp.
config.mk: config.stamp
	@test -f $@ || $(CONFIGURE)
config.stamp: configure
	$(CONFIGURE)

# Each object depends on the headers it includes, as the compiler lists
# them (-MMD -MP writes a .d file beside it).
DEPFLAGS = -MMD -MP

$(B)/lib/%.o: lib/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/libbrul.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# What the tools' command lines share (tools/cli.c: it prints and exits,
# so it is not in the library).
TOOL_OBJ = $(B)/tools/cli.o
$(B)/tools/%.o: tools/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/bin/%: $(B)/tools/%.o $(TOOL_OBJ) $(B)/libbrul.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(TOOL_OBJ) $(B)/libbrul.a $(ALL_LDFLAGS) $(LIBS)

$(B)/tests/%.o: tests/unit/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -iquote tests/unit -c -o $@ $<

$(B)/tests/%: $(B)/tests/%.o $(B)/libbrul.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libbrul.a $(ALL_LDFLAGS) $(LIBS)

# Objects are kept (they carry the dependency files).
.SECONDARY:
-include $(wildcard $(B)/lib/*/*.d $(B)/tools/*.d $(B)/tests/*.d)

# An LD_PRELOAD shim for I/O error tests (not sanitized: it is preloaded).
$(B)/tests/failwrite.so: tests/helpers/failwrite.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O1 -o $@ $< -ldl

units: $(UNITS) $(B)/tests/failwrite.so

# The tests run under prove: C unit tests print TAP, bats files run with
# --tap; the dashboard's timed test runs alone after the others
# (tests/helpers/check.sh), which ends with "N passed, N failed".
check: deps-tests check-layers all units
	BRUL_BIN=$(abspath $(B)/bin) BRUL_TESTBIN=$(abspath $(B)/tests) \
	  sh tests/helpers/check.sh $(UNITS)

# Includes against the layers lib/README allows.
check-layers:
	@scripts/check-layers

check-san:
	$(MAKE) SAN=1 check

# libFuzzer targets, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 20
fuzz: deps-fuzz
	@mkdir -p build-fuzz
	@set -e; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); \
	  clang -std=c11 -D_GNU_SOURCE -DBRUL_VERSION='"$(VERSION)"' -g -O1 -fsanitize=fuzzer,address,undefined -iquote lib $(DEPS_CFLAGS) \
	    -o build-fuzz/$$n $$f $(LIB_SRC) $(DEPS_LIBS); \
	  mkdir -p build-fuzz/$$n.corpus; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 \
	    build-fuzz/$$n.corpus tests/fuzz/corpus 2>build-fuzz/$$n.log || \
	    { tail -30 build-fuzz/$$n.log; exit 1; }; \
	  tail -1 build-fuzz/$$n.log; \
	done

DEMO_DIR ?= $(B)/demo
demo: deps-demo all
	BRUL_BIN=$(abspath $(B)/bin) sh scripts/demo.sh $(DEMO_DIR)

# brul-serve over make demo's database until Ctrl-C, with a demo admin.
serve: deps-demo all
	BRUL_BIN=$(abspath $(B)/bin) sh scripts/serve.sh $(DEMO_DIR)

bench: deps-bench all
	BRUL_BIN=$(abspath $(B)/bin) sh tests/bench/run.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/brul
	cp $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	cp scripts/brul-daily $(DESTDIR)$(PREFIX)/bin/
	cp -R data/. $(DESTDIR)$(PREFIX)/share/brul/
	for m in $(MAN); do s=$${m##*.}; mkdir -p $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	  cp $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

uninstall:
	for t in $(TOOLS) brul-daily; do rm -f $(DESTDIR)$(PREFIX)/bin/$${t##*/}; done
	rm -rf $(DESTDIR)$(PREFIX)/share/brul
	for m in $(MAN); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

clean:
	rm -rf build build-san build-fuzz build-clang

distclean: clean
	rm -f config.mk config.stamp

.PHONY: deps-tests deps-demo deps-bench deps-fuzz serve all units check check-layers check-san fuzz demo bench install uninstall clean distclean
.SUFFIXES:
