# SPDX-License-Identifier: GPL-2.0
# The ipcx command (tools/ipcx/, one file per command family), its man page
# and its bash completion.

IPCX_SRCS := $(wildcard tools/ipcx/*.c)
IPCX_OBJS := $(IPCX_SRCS:tools/ipcx/%.c=$(BUILD)/tools/ipcx.d/%.o)
IPCX_BIN  := $(BUILD)/tools/ipcx
BIN_PROGS += $(IPCX_BIN)

# the package's version for ipcx --version (also in the ASan build of
# asan.mk and the cross build of cross.mk); the column getters of a table
# share one signature, not every one reads every parameter
$(BUILD)/tools/ipcx.d/%.o $(BUILD)/asan/tools/ipcx.d/%.o $(CROSS_DIR)/tools/ipcx.d/%.o: \
	ALL_CFLAGS += -DIPCX_VERSION='"$(VERSION)"' -Wno-unused-parameter

$(BUILD)/tools/ipcx.d/%.o: tools/ipcx/%.c tools/ipcx/ipcx.h lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# an explicit rule: wins over $(BUILD)/tools/% (which wants tools/ipcx.c)
$(IPCX_BIN): $(IPCX_OBJS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(IPCX_OBJS) $(LIB_A) $(NL_LIBS) -lpthread

# the cycle finder's host unit test, run by tools/ipcx/host-test.sh
IPCX_WG_TEST := $(BUILD)/tools/ipcx.d/waitgraph_test
TOOLS += $(IPCX_WG_TEST)
$(IPCX_WG_TEST): tools/ipcx/tests/waitgraph_test.c tools/ipcx/waitgraph.c tools/ipcx/waitgraph.h lib/tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tools/ipcx/tests/waitgraph_test.c tools/ipcx/waitgraph.c

install-ipcx-extras:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 man/ipcx.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 completion/ipcx $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ipcx

uninstall-ipcx-extras:
	rm -f $(DESTDIR)$(MANDIR)/man1/ipcx.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ipcx

install: install-ipcx-extras
uninstall: uninstall-ipcx-extras

.PHONY: install-ipcx-extras uninstall-ipcx-extras
