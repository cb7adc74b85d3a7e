# SPDX-License-Identifier: BSD-3-Clause
# linerate: top-level build. Output goes to $(BUILD)/ (default build/).
#
#   make            build/linerate, build/linerate-ctl, build/linerate-load (+ BPF objects)
#   make check      unit tests and the layer check only: seconds, no root
#   make test       everything: unit, fuzz replay, bounded fuzzing, deploy
#                   and network tests (root); ends with "N passed, M failed"
#   make unit       build the unit tests (build/tests/unit/test_*)
#   make fuzz-replay / make fuzz   ASan replay (gcc) / libFuzzer (clang) targets
#   make run        veth topology + linerate with the embedded default config
#   make bench      benchmarks (tests/bench)
#   make install    binaries, configs, BPF objects, systemd unit, deploy scripts under $(PREFIX)
#   make V=1        show the commands;  make SAN=1  ASan/UBSan build
#   ONLY=regex make check         only the test programs matching regex
#
# A missing dependency stops the build with the Debian package to install;
# deploy/install-deps.sh installs all of them.

BUILD   ?= build
PREFIX  ?= /usr/local
V       ?= 0
SAN     ?= 0
Q        = $(if $(filter 1,$(V)),,@)
say      = $(if $(filter 1,$(V)),,@printf '  %-6s %s\n' $(1) $(2);)

CC      ?= cc
CLANG   ?= clang
BPFTOOL ?= bpftool
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GITREV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# pkg-config module -> Debian package that provides it
DEPS := libdpdk:libdpdk-dev libbpf:libbpf-dev libxdp:libxdp-dev \
	jansson:libjansson-dev numa:libnuma-dev cmocka:libcmocka-dev \
	hiredis:libhiredis-dev
PKGS := libdpdk libbpf libxdp jansson numa

# A recipe that fails leaves no half-written target behind; intermediate
# objects (the unit tests' .o) are kept so a rebuild compiles only changes.
.DELETE_ON_ERROR:
.SECONDARY:

ifeq ($(filter clean help deps test run bench,$(MAKECMDGOALS)),)
ifeq ($(shell command -v pkg-config),)
$(error pkg-config not found: apt-get install pkg-config (or run deploy/install-deps.sh))
endif
$(if $(shell command -v $(BPFTOOL)),,$(error $(BPFTOOL) not found: apt-get install bpftool (or run deploy/install-deps.sh)))
$(foreach d,$(DEPS),$(if $(shell pkg-config --exists $(word 1,$(subst :, ,$(d))) && echo y),,\
	$(error missing dependency $(word 1,$(subst :, ,$(d))): apt-get install $(word 2,$(subst :, ,$(d))) (or run deploy/install-deps.sh))))
endif

WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	   -Wshadow -Wpointer-arith -Wno-format-truncation -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
# GCC's SLP vectoriser packs pairs of adjacent scalar stores of the
# per-packet paths (sequence numbers, RTT state, lookup results) through
# an SSE register: one instruction more per pair, and it moves with every
# edit of the inlined paths. The SIMD the stack wants is written out
# (HTTP scan, head match, JSON value): docs/PERFORMANCE.md.
NO_SLP  := $(shell $(CC) -fno-tree-slp-vectorize -E -x c /dev/null >/dev/null 2>&1 && echo -fno-tree-slp-vectorize)
CFLAGS  += $(NO_SLP)
CFLAGS  += -std=gnu11 $(WARN) -Ilib -I$(BUILD)/gen -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lrte_net_ring -lrte_bus_vdev -lpthread -lm
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRCS  := $(sort $(wildcard lib/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A     := $(BUILD)/liblinerate.a
GEN_OBJS  := $(BUILD)/gen/default_config.o $(BUILD)/gen/version.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
UNIT_HELP := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
UNIT_HOBJ := $(UNIT_HELP:%.c=$(BUILD)/%.o)
# Reference implementations the tests compare the library against
# (tests/ref/): linked into tests only, never into the appliance.
REF_SRCS  := $(sort $(wildcard tests/ref/*.c))
REF_OBJS  := $(REF_SRCS:%.c=$(BUILD)/%.o)
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:%.c=$(BUILD)/%)
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:%.c=$(BUILD)/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIBF := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz-libfuzzer/%)
BPF_SRCS  := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(BPF_SRCS:%.c=$(BUILD)/%.o)
BINS      := $(BUILD)/linerate $(BUILD)/linerate-ctl $(BUILD)/linerate-load

.PHONY: all check test unit net run bench install clean deps help tools fuzz fuzz-replay bench-bins
all: $(BINS) $(BPF_OBJS) $(TOOL_BINS)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The embedded default configuration: dpdk-config/veth.json as a C string.
$(BUILD)/gen/default_config.c: dpdk-config/veth.json
	$(call say,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q){ echo '/* generated from $< */'; \
	     echo 'const char config_default_json[] ='; \
	     sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	     echo ';'; } > $@

# Version and git revision: rewritten only when they change.
.PHONY: FORCE
$(BUILD)/gen/version.c: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)printf 'const char lr_version[] = "%s";\nconst char lr_gitrev[] = "%s";\n' \
		'$(VERSION)' '$(GITREV)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@


$(LIB_A): $(LIB_OBJS) $(GEN_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

LOAD_SRCS := app/linerate-load.c $(wildcard app/load_*.c)
APP_SRCS  := $(sort $(filter-out app/linerate-ctl.c $(LOAD_SRCS),$(wildcard app/*.c)))

# munmap exported: net_memif (a plugin) must call lib/core/port_memif.c's.
EXPORT_MUNMAP := -Wl,--export-dynamic-symbol=munmap
# hiredis (lib/cluster/cluster_redis.c): only what links the Redis store.
HIREDIS_LIBS := $(shell pkg-config --libs hiredis 2>/dev/null)
$(BUILD)/linerate $(BUILD)/linerate-load $(BUILD)/tests/unit/test_cluster_redis: \
	LDLIBS += $(HIREDIS_LIBS)

$(BUILD)/linerate: $(APP_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(EXPORT_MUNMAP) -o $@ $^ $(LDLIBS)

# The load generator: the same wiring (app/*.c but linerate's main), its
# own main and client in app/linerate-load.c and app/load_*.c.
LOAD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out app/linerate.c,$(APP_SRCS)) $(LOAD_SRCS))

$(BUILD)/linerate-load: $(LOAD_OBJS) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(EXPORT_MUNMAP) -o $@ $^ $(LDLIBS)

$(BUILD)/linerate-ctl: $(BUILD)/app/linerate-ctl.o
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs jansson)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(UNIT_HOBJ) $(REF_OBJS) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

# In-process benchmarks drive the real stack through the unit harness.
$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(UNIT_HOBJ) $(LIB_A)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

bench-bins: $(BENCH_BINS)

# Test tools (load clients and the like) are plain C with no DPDK.
$(BUILD)/tests/tools/%: tests/tools/%.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE $(if $(filter 1,$(SAN)),-fsanitize=address$(comma)undefined) -o $@ $< -lpthread -lm

comma := ,
BPF_CFLAGS := -O2 -g -Wall -target bpf -I/usr/include/$(shell gcc -dumpmachine) -Ibpf
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	$(call say,BPF,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

unit: $(UNIT_BINS)

# The steering program built into linerate: bpftool's skeleton embeds the
# object, which lib/steer hands to net_af_xdp (xdp_prog=) through a memfd.
$(BUILD)/gen/steer.skel.h: $(BUILD)/bpf/steer.bpf.o
	$(call say,SKEL,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) gen skeleton $< name steer_bpf > $@.tmp && mv $@.tmp $@
$(BUILD)/lib/steer/steer.o: $(BUILD)/gen/steer.skel.h

# Fuzz targets: an ASan/UBSan replay binary (gcc, tests/fuzz/replay_main.c)
# that `make test` runs over the regression corpus, and libFuzzer binaries
# (clang -fsanitize=fuzzer) for real fuzzing (`make fuzz`). Each toolchain
# compiles the library once, sanitized, into its own archive
# ($(BUILD)/fuzz/liblinerate-san.a, $(BUILD)/fuzz-libfuzzer/liblinerate-san.a;
# the libFuzzer one also carries coverage instrumentation), and every
# target links it together with the test references (tests/ref/).
FUZZ_CFLAGS := -O1 -g -std=gnu11 -Ilib -I$(BUILD)/gen -D_GNU_SOURCE \
	-DALLOW_EXPERIMENTAL_API \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_CLANG_CFLAGS := $(filter-out -march=corei7,$(FUZZ_CFLAGS)) -march=corei7
FUZZ_SAN_SRCS := $(LIB_SRCS) $(BUILD)/gen/default_config.c $(BUILD)/gen/version.c
# toolchain directory -> the archive and the reference objects it links
fuzz_lib  = $(1)/liblinerate-san.a
fuzz_objs = $(patsubst %.c,$(1)/obj/%.o,$(2))
FUZZ_GCC_A    := $(call fuzz_lib,$(BUILD)/fuzz)
FUZZ_GCC_REF  := $(call fuzz_objs,$(BUILD)/fuzz,$(REF_SRCS))
FUZZ_CLANG_A  := $(call fuzz_lib,$(BUILD)/fuzz-libfuzzer)
FUZZ_CLANG_REF := $(call fuzz_objs,$(BUILD)/fuzz-libfuzzer,$(REF_SRCS))
fuzz-replay: $(FUZZ_BINS)
fuzz: $(FUZZ_LIBF)

$(FUZZ_GCC_A): $(call fuzz_objs,$(BUILD)/fuzz,$(FUZZ_SAN_SRCS))
$(FUZZ_CLANG_A): $(call fuzz_objs,$(BUILD)/fuzz-libfuzzer,$(FUZZ_SAN_SRCS))
$(FUZZ_GCC_A) $(FUZZ_CLANG_A):
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/obj/%.o: %.c
	$(call say,CC-SAN,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz-libfuzzer/obj/%.o: %.c
	$(call say,CC-FZ,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CLANG_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/obj/lib/steer/steer.o $(BUILD)/fuzz-libfuzzer/obj/lib/steer/steer.o: \
	$(BUILD)/gen/steer.skel.h

# Targets may #include the unit harness (tests/unit/*.c): a prerequisite
# so edits rebuild them, never compiled on its own; so are the headers the
# target's own source sees (it is compiled in the link step, without .d).
FUZZ_INC := $(wildcard tests/unit/harness.[ch] tests/unit/pkt.[ch] \
	      tests/unit/digits.h tests/fuzz/*.h lib/*/*.h tests/ref/*.h) \
	$(BUILD)/gen/steer.skel.h
$(FUZZ_BINS): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(FUZZ_GCC_REF) $(FUZZ_GCC_A) $(FUZZ_INC)
	$(call say,FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c %.o %.a,$(filter-out tests/unit/%,$^)) $(LDLIBS)

$(FUZZ_LIBF): $(BUILD)/fuzz-libfuzzer/%: tests/fuzz/%.c $(FUZZ_CLANG_REF) $(FUZZ_CLANG_A) $(FUZZ_INC)
	$(call say,FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CLANG_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o %.a,$(filter-out tests/unit/%,$^)) $(LDLIBS)

# make check: the unit stage of tests/run.sh (unit programs and the layer
# check, tests/layers.sh): no root, no network, seconds.
check:
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)STAGES=unit tests/run.sh $(BUILD)

# make test: install what is missing, build, every stage of tests/run.sh
# (unit and layer check, fuzz replay, bounded fuzzing, deploy, network).
test:
	$(Q)deploy/install-deps.sh --if-missing
	$(Q)$(MAKE) --no-print-directory all unit fuzz-replay fuzz
	$(Q)tests/run.sh $(BUILD)

run:
	$(Q)deploy/install-deps.sh --if-missing
	$(Q)$(MAKE) --no-print-directory all
	$(Q)deploy/run-demo.sh $(BUILD)

bench:
	$(Q)deploy/install-deps.sh --if-missing
	$(Q)$(MAKE) --no-print-directory all bench-bins
	$(Q)tests/bench/run.sh $(BUILD)

deps:
	$(Q)deploy/install-deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/linerate/dpdk-config \
		$(DESTDIR)$(PREFIX)/lib/linerate/bpf $(DESTDIR)$(PREFIX)/lib/linerate/deploy \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/linerate
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 dpdk-config/*.json $(DESTDIR)$(PREFIX)/share/linerate/dpdk-config/
	$(if $(BPF_OBJS),install -m 0644 $(BPF_OBJS) $(DESTDIR)$(PREFIX)/lib/linerate/bpf/)
	install -m 0755 deploy/hugepages.sh deploy/bind-nic.sh $(DESTDIR)$(PREFIX)/lib/linerate/deploy/
	sed 's|/usr/local/|$(PREFIX)/|g' deploy/linerate.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/linerate.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/linerate.service
	install -m 0644 docs/DEPLOY.md docs/SCALE-OUT.md $(DESTDIR)$(PREFIX)/share/doc/linerate/

clean:
	rm -rf $(BUILD)

help:
	@sed -n '2,17p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
