# SPDX-License-Identifier: GPL-2.0
# ipcx-bench (tools/bench/, one file per concern) and the demos (tools/demos/,
# one program per file plus common.c): the classic-IPC writer/reader pairs,
# and ipcx-lockdemo, which leaves a region with busy locks for README's demo
# of ipcx ls/locks/top.
#
#   make bench-native   run ipcx-bench --quick on this host (no module needed)
#                       BENCH_ARGS='--full --plots build/bench' to change it

BENCH_SRCS  := $(wildcard tools/bench/*.c)
BENCH_OBJS  := $(BENCH_SRCS:tools/bench/%.c=$(BUILD)/tools/bench/%.o)
BENCH_HDRS  := $(wildcard tools/bench/*.h)
BENCH_BIN   := $(BUILD)/tools/ipcx-bench
BENCH_ARGS  ?= --quick --plots $(BUILD)/bench

DEMO_SRCS   := $(filter-out tools/demos/common.c,$(wildcard tools/demos/*.c))
DEMOS       := $(DEMO_SRCS:tools/demos/%.c=$(BUILD)/tools/demos/%)

TOOLS += $(BENCH_BIN) $(DEMOS)
BIN_PROGS += $(BENCH_BIN)
LIBEXEC_PROGS += $(DEMOS)

$(BUILD)/tools/bench/%.o: tools/bench/%.c $(BENCH_HDRS) include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BENCH_BIN): $(BENCH_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(BENCH_OBJS) $(LIB_A) -lpthread

# the ipcx pair uses libipcx (a shorter stem wins over the rule below)
$(BUILD)/tools/demos/ipcx_%: tools/demos/ipcx_%.c tools/demos/common.c $(wildcard tools/demos/*.h) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< tools/demos/common.c $(LIB_A) -lpthread

# ipcx-lockdemo uses libipcx alone (an explicit rule wins over the patterns)
$(BUILD)/tools/demos/ipcx-lockdemo: tools/demos/ipcx-lockdemo.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) -lpthread

# more specific than $(BUILD)/tools/%: a demo links common.c
$(BUILD)/tools/demos/%: tools/demos/%.c tools/demos/common.c $(wildcard tools/demos/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< tools/demos/common.c

bench-native: $(BENCH_BIN)
	$(BENCH_BIN) $(BENCH_ARGS)

.PHONY: bench-native
