# SPDX-License-Identifier: GPL-2.0
# ipcx: top-level build. Everything user space builds and everything fetched
# goes under $(BUILD); Kbuild writes the module's objects beside its sources.
#
#   make            module + libipcx + tools + selftests
#   make deps       install build/test dependencies from Debian (idempotent)
#   make demo       the main job: build, boot the VM, load, compare
#   make check      every test: host unit tests, static checks, DKMS, VM
#   make check-fresh    README's commands in a minimal Debian (debootstrap)
#   make check-debug    selftests on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make check-matrix   selftests on Debian's 6.1 and 6.12 (backports)
#   make debug-kernel   build (or reuse) that debug kernel in build/cache
#   make cross      libipcx, ipcx and the unit tests for arm64 (mk/cross.mk)
#   make install    DESTDIR/PREFIX honoured
#   make vm-run CMD='...'   run a command in the guest

SOVERSION  := 1
LIBVERSION := $(SOVERSION).0.0
TOP        := $(CURDIR)
VERSION    := $(strip $(file < $(TOP)/VERSION))
BUILD      ?= $(TOP)/build
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
UDEVDIR    ?= $(PREFIX)/lib/udev/rules.d

KVER       ?= $(shell $(TOP)/scripts/kver.sh 2>/dev/null)
KDIR       ?= /usr/src/linux-headers-$(KVER)
KIMAGE     ?= /boot/vmlinuz-$(KVER)

CC         ?= gcc
WARN       := -Wall -Wextra -Werror
CFLAGS     ?= -O2 -g
# -MMD -MP: every compile writes the headers it read beside its output
# (OUTPUT.d), included below, so a changed header rebuilds what uses it.
ALL_CFLAGS := $(CFLAGS) $(WARN) -MMD -MP -D_GNU_SOURCE -I$(TOP)/include/uapi -I$(TOP)/lib/include
# Nothing that depends on a package `make deps` installs may be evaluated
# while make parses this file: on a fresh machine the packages come only
# when `deps` runs. These are computed on first use (in a recipe), once.
NL_CFLAGS   = $(eval NL_CFLAGS := $$(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null))$(NL_CFLAGS)
NL_LIBS     = $(eval NL_LIBS := $$(shell pkg-config --libs libnl-genl-3.0 2>/dev/null))$(NL_LIBS)

LIB_SRCS   := $(wildcard lib/*.c lib/channel/*.c)
LIB_PIC    := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/pic/%.o)
LIB_OBJS   := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/static/%.o)
LIB_SO     := $(BUILD)/lib/libipcx.so.$(LIBVERSION)
LIB_A      := $(BUILD)/lib/libipcx.a

LIBTEST_SRCS := $(wildcard lib/tests/*_test.c)
LIBTESTS   := $(LIBTEST_SRCS:lib/tests/%.c=$(BUILD)/lib/tests/%)

TOOLS      := $(BUILD)/tools/ipcx

KSFT_DIR   := $(BUILD)/cache/kselftest
SELFTEST_SRCS := $(wildcard selftests/ipcx/*_test.c)
SELFTESTS  := $(SELFTEST_SRCS:selftests/ipcx/%.c=$(BUILD)/selftests/%)

# `make` alone builds everything, whatever the fragments define first.
.DEFAULT_GOAL := all

# Fragments add their own programs to TOOLS/SELFTESTS and their own rules
# (one concern per fragment, e.g. mk/bench.mk for ipcx-bench and the demos).
include $(wildcard $(TOP)/mk/*.mk)

all: module lib tools selftests

-include $(shell find $(BUILD) \( -path $(BUILD)/cache -o -path $(BUILD)/fresh \) -prune \
	-o -type f -name '*.d' -print 2>/dev/null)
# Sources that are no more (their code lives elsewhere now): a build tree's
# dependency files may still name them; an empty rule keeps make going
# there, and the rebuilt dependency files no longer name them.
lib/channel.c:

deps:
	@$(TOP)/scripts/deps.sh

# ---- kernel module --------------------------------------------------------
module:
	$(MAKE) -C $(KDIR) M=$(TOP)/kernel modules

module-sparse:
	$(MAKE) -C $(KDIR) M=$(TOP)/kernel C=2 CF="-D__CHECK_ENDIAN__" modules

# ---- libipcx --------------------------------------------------------------
# The shared library's own calls bind inside it, as the static one's do:
# with plain -fPIC, ipcx_mutex_lock() reached ipcx_mutex_lock_full() and
# ipcx_owner_id() through the PLT on every uncontended lock, in case a
# program interposed them. A program cannot replace libipcx's functions
# for the library's own use (Debian builds many libraries so).
LIB_PIC_CFLAGS := -fPIC -fno-semantic-interposition
LIB_SO_LDFLAGS := -Wl,-Bsymbolic-functions

lib: $(LIB_SO) $(LIB_A)

$(BUILD)/lib/pic/%.o: lib/%.c $(wildcard lib/*.h lib/channel/*.h) lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) $(LIB_PIC_CFLAGS) -c -o $@ $<

$(BUILD)/lib/static/%.o: lib/%.c $(wildcard lib/*.h lib/channel/*.h) lib/include/libipcx.h include/uapi/linux/ipcx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_PIC) lib/libipcx.map
	$(CC) -shared -Wl,-soname,libipcx.so.$(SOVERSION) -Wl,-z,defs $(LIB_SO_LDFLAGS) \
		-Wl,--version-script=lib/libipcx.map -o $@ $(LIB_PIC) $(NL_LIBS) -lpthread
	ln -sf $(notdir $@) $(BUILD)/lib/libipcx.so.$(SOVERSION)
	ln -sf libipcx.so.$(SOVERSION) $(BUILD)/lib/libipcx.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/lib/tests/%: lib/tests/%.c $(LIB_A) lib/tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(NL_LIBS) -lpthread

libtests: $(LIBTESTS)

# ---- tools ----------------------------------------------------------------
tools: $(TOOLS)

$(BUILD)/tools/%: tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(NL_LIBS) -lpthread

# ---- selftests (run in the VM; harness headers come from linux-source) ----
selftests: $(SELFTESTS)

$(KSFT_DIR)/kselftest_harness.h:
	$(TOP)/scripts/kselftest-headers.sh $(KSFT_DIR)

$(BUILD)/selftests/%: selftests/ipcx/%.c $(KSFT_DIR)/kselftest_harness.h $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-sign-compare -Wno-unused-parameter -Wno-clobbered -I$(KSFT_DIR) $(NL_CFLAGS) -o $@ $< $(LIB_A) \
		$(NL_LIBS) -lpthread

# ---- running --------------------------------------------------------------
# CMD reaches the guest whole: read from the environment, so its quotes and
# && stay intact.
vm-run: module
	$(TOP)/scripts/vm-run.sh --kernel $(KIMAGE) --modules $(TOP)/kernel -- "$$CMD"

# The entry points install their dependencies first, then build in a new
# make that parses everything after `deps` has run.
demo: deps
	$(MAKE) all
	$(TOP)/scripts/demo.sh

check: deps
	$(MAKE) all libtests KCFLAGS=-Werror
	$(TOP)/scripts/check.sh

# README's commands in a minimal Debian 12 made with debootstrap (slow,
# downloads every dependency; see scripts/fresh-check.sh).
check-fresh:
	$(TOP)/scripts/fresh-check.sh

# ---- hardening: debug kernel and kernel matrix (README "Hardening") ------

debug-kernel: deps
	$(TOP)/scripts/debug-kernel.sh $(BUILD)/cache/debug-kernel

check-debug: deps
	$(MAKE) lib tools selftests
	CHECK_STEPS=debug CHECK_RESULTS=$(BUILD)/check-debug $(TOP)/scripts/check.sh

check-matrix: deps
	$(MAKE) all
	CHECK_STEPS="vm matrix" CHECK_RESULTS=$(BUILD)/check-matrix $(TOP)/scripts/check.sh

# ---- install ---------------------------------------------------------------
# What a distribution package would hold: the library, its headers and
# pkg-config file, the user-facing commands (BIN_PROGS, from the fragments)
# in BINDIR, the demo programs (LIBEXEC_PROGS) under LIBEXECDIR/ipcx, man
# pages, the udev rule and the module. ipcx.pc is written here, for the
# PREFIX of this install. depmod runs only for a live install (no DESTDIR):
# a package runs it when it is installed.
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/ipcx $(DESTDIR)$(UDEVDIR) \
		$(DESTDIR)$(MANDIR)/man3
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libipcx.so.$(SOVERSION)
	ln -sf libipcx.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libipcx.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    lib/ipcx.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ipcx.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/ipcx.pc
	install -m 0644 lib/include/libipcx.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/uapi/linux/ipcx.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 0755 $(BIN_PROGS) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(LIBEXEC_PROGS) $(DESTDIR)$(LIBEXECDIR)/ipcx/
	install -m 0644 udev/60-ipcx.rules $(DESTDIR)$(UDEVDIR)/
	install -m 0644 man/*.3 $(DESTDIR)$(MANDIR)/man3/
	$(MAKE) -C $(KDIR) M=$(TOP)/kernel INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra $(if $(DESTDIR),DEPMOD=true) modules_install
	[ -n "$(DESTDIR)" ] || depmod $(KVER)
	[ -n "$(DESTDIR)" ] || ldconfig

# Removes what install put there (the same DESTDIR/PREFIX), nothing else.
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libipcx.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libipcx.so $(DESTDIR)$(LIBDIR)/libipcx.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/ipcx.pc $(DESTDIR)$(INCLUDEDIR)/libipcx.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/ipcx.h $(DESTDIR)$(UDEVDIR)/60-ipcx.rules \
		$(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BIN_PROGS))) \
		$(addprefix $(DESTDIR)$(LIBEXECDIR)/ipcx/,$(notdir $(LIBEXEC_PROGS))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(wildcard man/*.3))) \
		$(DESTDIR)/lib/modules/$(KVER)/extra/ipcx.ko
	-rmdir $(DESTDIR)$(LIBEXECDIR)/ipcx
	[ -n "$(DESTDIR)" ] || depmod $(KVER)
	[ -n "$(DESTDIR)" ] || ldconfig

# DKMS source tree: only what the module build needs.
dkms-src:
	rm -rf $(BUILD)/dkms/ipcx-$(VERSION)
	mkdir -p $(BUILD)/dkms/ipcx-$(VERSION)/include/uapi/linux
	cp -r kernel $(BUILD)/dkms/ipcx-$(VERSION)/
	find $(BUILD)/dkms/ipcx-$(VERSION)/kernel \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \
		-o -name '*.mod*' -o -name 'modules.order' -o -name 'Module.symvers' \) -delete
	cp include/uapi/linux/ipcx.h $(BUILD)/dkms/ipcx-$(VERSION)/include/uapi/linux/
	cp VERSION $(BUILD)/dkms/ipcx-$(VERSION)/
	sed 's|@VERSION@|$(VERSION)|' dkms.conf.in > $(BUILD)/dkms/ipcx-$(VERSION)/dkms.conf

# Install through DKMS: the module is rebuilt for every new kernel.
dkms-install: dkms-src
	rm -rf /usr/src/ipcx-$(VERSION)
	cp -r $(BUILD)/dkms/ipcx-$(VERSION) /usr/src/
	dkms install ipcx/$(VERSION)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP)/kernel clean
	rm -rf $(BUILD)/lib $(BUILD)/tools $(BUILD)/selftests $(BUILD)/vm $(BUILD)/check

.PHONY: all deps module module-sparse lib libtests tools selftests vm-run demo check check-fresh \
	debug-kernel check-debug check-matrix \
	install uninstall dkms-src dkms-install clean
