# logdeck build. `make` builds ./logdeck; `make test` runs every test;
# `make asan` runs the same suite under ASan+UBSan; `make test-load` runs it
# with every core busy; `make bench` benchmarks.
# Missing Debian -dev packages are installed first (tests/tools/deps.sh).

CC      ?= cc
# libcurl: headers only; the senders dlopen() it (src/base/curl_dl.c), so the
# commands that never send do not load its ~30 shared libraries.
PKGS    := sqlite3 libcjson yaml-0.1 zlib ncursesw libzstd
HDR_PKGS := $(PKGS) libcurl
BUILD   ?= build
WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -Wvla
OPT     ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -I. -MMD -MP
DEPSTAMP := $(BUILD)/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(HDR_PKGS) 2>/dev/null)
# The libraries whose Debian -dev package ships a static archive are linked
# from it (libcjson-dev has none): a command then starts without the loader
# mapping and resolving them (`query --count` on a small store 6.0 -> 5.0
# ms, `sqlite3 STORE 'select 1'` 4.0 ms: README, the store). A library
# without its archive is linked as usual.
STATIC_CAND := sqlite3 yaml z ncursesw tinfo zstd
STATIC_HAVE = $(foreach l,$(STATIC_CAND),$(if $(filter /%,$(shell $(CC) -print-file-name=lib$(l).a)),-l$(l)))
PKG_LIBS   = -Wl,-Bstatic $(STATIC_HAVE) -Wl,-Bdynamic \
             $(filter-out $(STATIC_HAVE),$(shell pkg-config --libs $(PKGS) 2>/dev/null)) -lm -lpthread -ldl

SRC_C := $(sort $(shell find src db ui -name '*.c'))
LIB_C := $(filter-out src/cli/main.c,$(SRC_C))
LIB_O := $(LIB_C:%.c=$(BUILD)/%.o)
MAIN_O := $(BUILD)/src/cli/main.o
UNIT_C := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_C := $(sort $(wildcard tests/tools/*.c tests/bench/*.c tests/fuzz/*.c))
TOOL_BIN := $(TOOL_C:tests/%.c=$(BUILD)/tests/%)

# The sanitizer build keeps its own binary so ./logdeck stays the normal one.
BIN     := $(if $(filter build,$(BUILD)),logdeck,$(BUILD)/logdeck)

.PHONY: all deps test test-load asan bench fuzz demo clean install uninstall check-layers
all: $(LAYERS_OK) $(BIN)

# The include rules of README.md's ARCHITECTURE (cli -> ui -> src/* -> db ->
# src/base, no cycles between folders): checked before compiling, again only
# when a source changed; `make check-layers` runs it unconditionally.
LAYER_SRC := $(shell find src db ui -name '*.[ch]')
LAYERS_OK := $(BUILD)/.layers-ok
$(LAYERS_OK): $(LAYER_SRC) tests/tools/check_layers.sh
	@mkdir -p $(dir $@)
	@sh tests/tools/check_layers.sh && touch $@
check-layers:
	@sh tests/tools/check_layers.sh

deps: $(DEPSTAMP)
$(DEPSTAMP):
	@sh tests/tools/deps.sh
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c | $(DEPSTAMP) $(LAYERS_OK)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/liblogdeck.a: $(LIB_O)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_O) $(BUILD)/liblogdeck.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/liblogdeck.a | $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liblogdeck.a $(PKG_LIBS) -lcmocka

$(BUILD)/tests/%: tests/%.c $(BUILD)/liblogdeck.a | $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liblogdeck.a $(PKG_LIBS)

test: check-layers $(BIN) $(UNIT_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) LOGDECK=$(abspath $(BIN)) sh tests/run.sh

# Same suite with every core kept busy by a spinning loop (tests/tools/load.sh):
# tests wait on conditions, never on timings.
test-load: check-layers $(BIN) $(UNIT_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) LOGDECK=$(abspath $(BIN)) sh tests/tools/load.sh sh tests/run.sh

# Same suite, separate build tree, sanitizers on.
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	        LDFLAGS="-fsanitize=address,undefined" test

bench: $(BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) sh tests/bench/run.sh

# libFuzzer builds of the fuzz targets (clang); `make test` replays their corpora.
fuzz: | $(DEPSTAMP)
	@sh tests/tools/deps.sh fuzz && sh tests/fuzz/build.sh

demo: $(BIN)
	./logdeck demo

# GNU conventions: PREFIX (default /usr/local) and DESTDIR. The installed
# binary finds its themes in $(PREFIX)/share/logdeck/themes beside it.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
DATADIR := $(PREFIX)/share/logdeck
UNITDIR := $(PREFIX)/lib/systemd/system
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  := $(PREFIX)/share/zsh/site-functions
INSTALLED := $(BINDIR)/logdeck $(MANDIR)/logdeck.1 $(UNITDIR)/logdeck-alerts.service \
             $(BASHCOMPDIR)/logdeck $(ZSHCOMPDIR)/_logdeck \
             $(patsubst themes/%,$(DATADIR)/themes/%,$(wildcard themes/*.theme))

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/themes \
	           $(DESTDIR)$(UNITDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/logdeck
	install -m 644 logdeck.1 $(DESTDIR)$(MANDIR)/logdeck.1
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	sed 's|/usr/local/bin/logdeck|$(BINDIR)/logdeck|' src/alert/logdeck-alerts.service \
	    >$(DESTDIR)$(UNITDIR)/logdeck-alerts.service
	chmod 644 $(DESTDIR)$(UNITDIR)/logdeck-alerts.service
	install -m 644 src/cli/completion/logdeck.bash $(DESTDIR)$(BASHCOMPDIR)/logdeck
	install -m 644 src/cli/completion/_logdeck $(DESTDIR)$(ZSHCOMPDIR)/_logdeck

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz logdeck

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
