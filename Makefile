# khidma — plain GNU Makefile.
#
#   make run     install missing Debian packages, build, start the kiosk on ./var/khidma.db
#   make check   install missing packages, build, run every test (plain + ASan/UBSan build)
#   make bench   benchmarks against dialog/whiptail -> bench/results.md
#   make faults  long fault, fuzz and valgrind runs
#
# Objects live under $(BUILD)/obj; the sanitiser build uses BUILD=build-san SAN=1.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
SAN       ?=
CC        ?= cc
ifeq ($(origin CC),default)
CC        := gcc
endif

BINDIR    := $(PREFIX)/bin
DATADIR   := $(PREFIX)/share/khidma
LOCALEDIR := $(PREFIX)/share/locale
MANDIR    := $(PREFIX)/share/man/man1

PKGS      := ncursesw sqlite3 fribidi libsodium libconfig icu-i18n icu-uc libcurl libpq
TEST_PKGS := cmocka vterm

# Debian packages: what `make deps` installs when missing. postgresql is the
# server make check starts (tests/pg/pg_server.sh; pg_trgm ships inside it).
DEB_BUILD := make gcc libc6-dev pkg-config gettext dialog \
             libncurses-dev libsqlite3-dev libfribidi-dev libunistring-dev \
             libsodium-dev libconfig-dev libcsv-dev libicu-dev \
             libcmocka-dev libvterm-dev openssh-server openssh-client \
             ncurses-base ncurses-term foot-terminfo kitty-terminfo \
             libzxcvbn-dev libcurl4-openssl-dev python3-aiosmtpd openssl \
             libpq-dev postgresql
DEB_BENCH := dialog whiptail valgrind
DEB_FAULT := clang libclang-rt-14-dev valgrind util-linux

OPT       ?= -O2 -g
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror
ifeq ($(SAN),1)
OPT       := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD     := -fsanitize=address,undefined
endif

# ICU is compiled against but not linked: src/kiosk/dates.c dlopens it on
# demand (≈ 2.5 MB RSS and the C++ runtime's relocations saved at start).
DLOPEN_PKGS := icu-i18n icu-uc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(DLOPEN_PKGS),$(PKGS)) 2>/dev/null) -lunistring -lcsv -ldl
TPKG_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TPKG_LIBS   = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

DEFS      := -DKHIDMA_VERSION='"$(VERSION)"' -DKHIDMA_DATADIR='"$(DATADIR)"' \
             -DKHIDMA_LOCALEDIR='"$(LOCALEDIR)"'
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(DEFS) -Isrc $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANLD) $(LDFLAGS)

# ---- sources -------------------------------------------------------------
MODULES   := core text store workflow ui kiosk officer cli app
mod_srcs   = $(wildcard src/$(1)/*.c)
mod_objs   = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(call mod_srcs,$(1)))
LIB_OBJS  := $(foreach m,$(MODULES),$(call mod_objs,$(m)))
MAIN_OBJ  := $(BUILD)/obj/main.o
BIN       := $(BUILD)/khidma

# A unit test tests/unit/test_<module>[_more].c links the objects of the
# modules it needs, so a half-written module elsewhere never breaks it.
DEPS_core     := core text
DEPS_text     := core text
DEPS_store    := core text store
DEPS_workflow := core text store workflow
DEPS_ui       := core text ui
DEPS_screens  := core text store workflow ui kiosk officer cli
DEPS_kiosk    := $(MODULES)
DEPS_officer  := $(MODULES)
DEPS_cli      := $(MODULES)
DEPS_locale   := core text
DEPS_faults   := core text store workflow
DEPS_build    := core text
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
unit_mod   = $(word 2,$(subst _, ,$(basename $(notdir $(1)))))
unit_deps  = $(foreach m,$(or $(DEPS_$(call unit_mod,$(1))),$(MODULES)),$(call mod_objs,$(m)))

E2E_SRCS  := $(wildcard tests/e2e/test_*.c)
E2E_BINS  := $(patsubst tests/e2e/%.c,$(BUILD)/tests/e2e/%,$(E2E_SRCS))
HARNESS   := $(BUILD)/tests/e2e/harness.o $(BUILD)/tests/e2e/harness_screen.o \
             $(BUILD)/tests/e2e/harness_service.o

# locale/<lang>.po, plus locale/<lang>.d/*.po parts merged in with msgcat.
PO_FILES  := $(wildcard locale/*.po)
MO_FILES  := $(patsubst locale/%.po,$(BUILD)/locale/%/LC_MESSAGES/khidma.mo,$(PO_FILES))

.PHONY: all deps run check check-plain check-san unit e2e install install-files uninstall clean \
        bench faults pot tests bench-bins fuzz-bins
.DEFAULT_GOAL := all

all: $(BIN) $(MO_FILES)

# ---- dependencies ------------------------------------------------------
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
define install_pkgs
	@missing=""; \
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "khidma: not a Debian system; install these packages (or their equivalents):"; \
	  echo "  $(1)"; exit 1; \
	fi; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "khidma: installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	fi
endef

deps:
	$(call install_pkgs,$(DEB_BUILD))

deps-bench: deps
	$(call install_pkgs,$(DEB_BENCH))

deps-faults: deps
	$(call install_pkgs,$(DEB_FAULT))

# ---- build ---------------------------------------------------------------
# Objects depend on the flags they were built with (PREFIX goes into them as
# KHIDMA_DATADIR), so `make install PREFIX=…` never installs a stale binary.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW    = $(CC) $(ALL_CFLAGS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(subst ','\'',$(FLAGS_NOW))' ]; then \
	  printf '%s' '$(subst ','\'',$(FLAGS_NOW))' > $@; fi
FORCE:

$(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# khidma's DT_NEEDED order is the order libraries first appear on its link
# line, and the dynamic linker searches them in that order for every symbol
# relocation. Debian builds sqlite3, unistring, ncursesw and tinfo with
# BIND_NOW, so all their relocations are done at start (2936 symbol
# relocations in all: sqlite3 1610, unistring 506, ncursesw 313): naming
# those libraries first, then libm and libc (no symbol is defined in both
# libc and any library listed after it), finds most symbols earlier in the
# search. callgrind, `khidma --version`: 2.77 M → 2.51 M instructions, of
# which the dynamic linker is most. Not with SAN=1 (the sanitiser runtime
# must come first).
ifneq ($(SAN),1)
BIN_LINK_FIRST := -lsqlite3 -lunistring -lncursesw -ltinfo -lm -lc
endif
$(BIN): $(MAIN_OBJ) $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(BIN_LINK_FIRST) $(PKG_LIBS) -lm

.SECONDEXPANSION:
$(BUILD)/locale/%/LC_MESSAGES/khidma.mo: locale/%.po $$(wildcard locale/%.d/*.po)
	@mkdir -p $(dir $@)
	msgcat --use-first -o $(BUILD)/locale/$*.po $^
	msgfmt --check -o $@ $(BUILD)/locale/$*.po

# Every msgid in the sources; tests/unit/test_locale_complete checks each one
# (and every label in screens/) has an Arabic translation.
pot: $(BUILD)/khidma.pot
$(BUILD)/khidma.pot: $(wildcard src/*/*.c src/*.c)
	@mkdir -p $(dir $@)
	xgettext --language=C --from-code=UTF-8 -k_ -kN_ -kui_tr -kui_tr_lang:2 -kui_ntr:1,2 --package-name=khidma -o $@ $^

# ---- tests ----------------------------------------------------------------
# Every test binary and harness object records the headers it includes
# (tests/*.h, tests/e2e/*.h, src/*/*.h) in <target>.d beside it (TDEPS), so
# a changed harness.h or test_officer_fixture.h rebuilds what uses it
# (tests/unit/test_build_deps checks it). A target whose .d is missing (built
# before this rule, or the .d deleted) is rebuilt: the .d is a prerequisite
# with an empty rule.
TDEPS = -MMD -MP -MT $@ -MF $@.d
$(BUILD)/tests/%.d: ;
.PRECIOUS: $(BUILD)/tests/%.d
define unit_rule
$(BUILD)/tests/unit/$(basename $(notdir $(1))): $(1) $(call unit_deps,$(1)) $(BUILD)/tests/unit/$(basename $(notdir $(1))).d
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CFLAGS) $$(TPKG_CFLAGS) -Itests $$(TDEPS) $$(ALL_LDFLAGS) -o $$@ $(1) $(call unit_deps,$(1)) $$(TPKG_LIBS) $$(PKG_LIBS) -lm -lutil
endef
$(foreach t,$(UNIT_SRCS),$(eval $(call unit_rule,$(t))))

$(HARNESS): $(BUILD)/tests/e2e/%.o: tests/e2e/%.c $(BUILD)/tests/e2e/%.o.d tests/e2e/harness.h tests/e2e/harness_int.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TPKG_CFLAGS) -Itests $(TDEPS) -c $< -o $@

$(BUILD)/tests/e2e/%: tests/e2e/%.c $(BUILD)/tests/e2e/%.d $(HARNESS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TPKG_CFLAGS) -Itests $(TDEPS) $(ALL_LDFLAGS) -o $@ $< $(HARNESS) $(LIB_OBJS) $(TPKG_LIBS) $(PKG_LIBS) -lm -lutil

tests: $(BIN) $(MO_FILES) $(BUILD)/khidma.pot $(UNIT_BINS) $(E2E_BINS)

# check = deps, both builds, then the plain and the sanitiser build's suites.
# Both builds are made with one job per core unless make was given -j (a
# sub-make of a serial `make check` was serial: ~3 of its 12 minutes), and
# their tests then run in one pool (tests/run.sh BUILD,build-san: the
# longest binaries of either build first, JOBS at a time), so neither run
# ends with one long binary alone while the cores wait.
CHECK_J := $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
check: deps
	$(MAKE) --no-print-directory $(CHECK_J) tests
	$(MAKE) --no-print-directory $(CHECK_J) BUILD=build-san SAN=1 tests
	@rm -f $(BUILD)/test-results.txt build-san/test-results.txt; \
	tests/run.sh $(BUILD),build-san "$(T)"; rc=$$?; \
	tests/summary.sh $(BUILD)/test-results.txt build-san/test-results.txt && exit $$rc

check-plain: tests
	@tests/run.sh $(BUILD) "$(T)"

check-san:
	$(MAKE) --no-print-directory BUILD=build-san SAN=1 tests
	@tests/run.sh build-san "$(T)"

unit: $(UNIT_BINS)
	@tests/run.sh $(BUILD) "$(T)" unit
e2e: $(BIN) $(MO_FILES) $(E2E_BINS)
	@tests/run.sh $(BUILD) "$(T)" e2e

# ---- run ------------------------------------------------------------------
run: deps all
	@mkdir -p var
	./$(BIN) --db var/khidma.db

# ---- bench and faults -----------------------------------------------------
# bench/*.c are programs linking the store layer only (no ui), except
# term_bench, which is the e2e harness driving khidma and dialog/whiptail.
BENCH_MODS := core text store workflow
BENCH_OBJS  = $(foreach m,$(BENCH_MODS),$(call mod_objs,$(m)))
BENCH_BINS := $(BUILD)/bench/gen $(BUILD)/bench/store_bench $(BUILD)/bench/conc $(BUILD)/bench/import_wait
$(BENCH_BINS): $(BUILD)/bench/%: bench/%.c bench/benchdata.h bench/stats.h $(BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I. $(ALL_LDFLAGS) -o $@ $< $(BENCH_OBJS) $(PKG_LIBS) -lm
$(BUILD)/bench/term_bench: bench/term_bench.c $(HARNESS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TPKG_CFLAGS) -Itests -I. $(ALL_LDFLAGS) -o $@ $< $(HARNESS) $(TPKG_LIBS) -lm -lutil
bench-bins: $(BENCH_BINS) $(if $(wildcard bench/term_bench.c),$(BUILD)/bench/term_bench)

bench: deps-bench all bench-bins
	bench/run.sh $(BUILD)

# Fuzz targets tests/fuzz/fuzz_<name>.c: clang, libFuzzer + ASan + UBSan,
# linked with the modules in FUZZ_DEPS_<name> (default: all of them),
# compiled separately under $(BUILD)/fuzzobj.
FUZZ_CC    ?= clang
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = $(CSTD) -Wall -Wextra -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
              -fsanitize=fuzzer-no-link $(DEFS) -Isrc -I. $(PKG_CFLAGS)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_DEPS_text    := core text
FUZZ_DEPS_screens := core text
FUZZ_DEPS_keys    := core text ui
fuzz_name  = $(patsubst fuzz_%,%,$(basename $(notdir $(1))))
fuzz_objs  = $(foreach m,$(or $(FUZZ_DEPS_$(call fuzz_name,$(1))),$(MODULES)),\
               $(patsubst src/%.c,$(BUILD)/fuzzobj/%.o,$(call mod_srcs,$(m))))
$(BUILD)/fuzzobj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
define fuzz_rule
$(BUILD)/fuzz/$(basename $(notdir $(1))): $(1) $(call fuzz_objs,$(1))
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(PKG_LIBS) -lm -lutil
endef
$(foreach t,$(FUZZ_SRCS),$(eval $(call fuzz_rule,$(t))))
fuzz-bins: $(FUZZ_BINS)

faults: deps-faults
	$(MAKE) --no-print-directory tests
	$(MAKE) --no-print-directory fuzz-bins
	tests/faults/run.sh $(BUILD)

# ---- install --------------------------------------------------------------
install: all
	$(MAKE) --no-print-directory install-files
# Copy what `all` built, without building: docs/deploy/setup.sh uses it to
# install under any PREFIX (an installed khidma finds <PREFIX>/share/khidma
# beside <PREFIX>/bin, so the build's own PREFIX need not match).
install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/screens $(DESTDIR)$(DATADIR)/docs
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/khidma
	install -m 0644 khidma.1 $(DESTDIR)$(MANDIR)/khidma.1
	install -m 0644 screens/*.conf $(DESTDIR)$(DATADIR)/screens/
	install -m 0644 docs/*.txt $(DESTDIR)$(DATADIR)/docs/
	install -m 0644 khidma.conf.example $(DESTDIR)$(DATADIR)/khidma.conf.example
	for mo in $(MO_FILES); do \
	  l=$${mo#$(BUILD)/locale/}; l=$${l%%/*}; \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	  install -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/khidma.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/khidma $(DESTDIR)$(MANDIR)/khidma.1
	rm -rf $(DESTDIR)$(DATADIR)
	for po in $(PO_FILES); do \
	  l=$$(basename $$po .po); rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/khidma.mo; \
	done

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
-include $(shell find $(BUILD)/tests -name '*.d' 2>/dev/null)
-include $(shell find $(BUILD)/fuzzobj -name '*.d' 2>/dev/null)
