// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host-side unit tests of libipcx's region calls: argument checks and the
 * behaviour without the module (no device needed). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libipcx.h"
#include "tap.h"

int main(void)
{
	char longname[IPCX_NAME_MAX + 2], maxname[IPCX_NAME_MAX + 1];
	struct ipcx_region_stat st;
	void *p = NULL;
	int ret;

	tap_plan_start();
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memset(maxname, 'b', sizeof(maxname) - 1);
	maxname[sizeof(maxname) - 1] = '\0';
	setenv("IPCX_DEVICE", "/nonexistent/ipcx", 1);

	/* table of name checks, shared by create, open and unlink */
	static const struct { const char *name; int want; const char *what; } names[] = {
		{ NULL, -EINVAL, "NULL name" },
		{ "", -EINVAL, "empty name" },
		{ "a/b", -EINVAL, "name with '/'" },
		{ "/", -EINVAL, "name '/'" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		errno = 4321;
		ret = ipcx_region_open(names[i].name, 0);
		tap_ok(ret == names[i].want, "open: %s gives %d (got %d)", names[i].what,
		       names[i].want, ret);
		tap_ok(ipcx_region_unlink(names[i].name) == names[i].want,
		       "unlink: %s", names[i].what);
		tap_ok(errno == 4321, "errno untouched after %s", names[i].what);
	}
	tap_ok(ipcx_region_open(longname, 0) == -ENAMETOOLONG, "open: name of 256 bytes");
	tap_ok(ipcx_region_create(longname, 4096, 0600, 0, 0) == -ENAMETOOLONG,
	       "create: name of 256 bytes");
	tap_ok(ipcx_region_open(maxname, 0) == -ENOENT,
	       "open: 255-byte name passes the checks, then -ENOENT without device");
	tap_ok(ipcx_region_create("x", 0, 0600, 0, 0) == -EINVAL, "create: size 0");
	tap_ok(ipcx_region_create("x", 4096, 01777, 0, 0) == -EINVAL, "create: mode outside 0777");
	tap_ok(ipcx_region_create("x", 4096, 0600, 3, 0) == -EINVAL, "create: bad lifetime");
	tap_ok(ipcx_region_create("x", 4096, 0600, 0, 1u << 7) == -EINVAL, "create: unknown flag");
	tap_ok(ipcx_region_open("x", IPCX_OPEN_CREATE) == -EINVAL, "open: CREATE not allowed");
	tap_ok(ipcx_region_create("x", 4096, 0600, 0, 0) == -ENOENT, "create: -ENOENT without device");
	tap_ok(ipcx_region_create(NULL, 4096, 0600, 0, 0) == -ENOENT,
	       "create anonymous: -ENOENT without device");
	tap_ok(ipcx_region_unlink("x") == -ENOENT, "unlink: -ENOENT without device");

	tap_ok(ipcx_region_map(-1, 4096, PROT_READ, NULL) == -EINVAL, "map: NULL addr");
	tap_ok(ipcx_region_map(-1, 4096, PROT_EXEC, &p) == -EINVAL, "map: PROT_EXEC refused");
	tap_ok(ipcx_region_map(-1, 4096, PROT_READ, &p) == -EBADF, "map: bad fd");
	tap_ok(ipcx_region_unmap(NULL, 4096) == -EINVAL, "unmap: NULL");
	tap_ok(ipcx_region_stat(-1, NULL) == -EINVAL, "stat: NULL");
	tap_ok(ipcx_region_stat(-1, &st) == -EBADF, "stat: bad fd");
	tap_ok(ipcx_region_set_perm(-1, 0, 0, 0600, 0) == -EINVAL, "set_perm: no field");
	tap_ok(ipcx_region_set_perm(-1, 0, 0, 01000, IPCX_PERM_MODE) == -EINVAL,
	       "set_perm: bad mode");
	tap_ok(ipcx_region_seal(-1, 1u << 9) == -EINVAL, "seal: unknown seal");
	tap_ok(ipcx_region_resize(-1, 0) == -EINVAL, "resize: 0");
	tap_ok(ipcx_region_close(-1) == -EBADF, "close: bad fd");
	return tap_done();
}
