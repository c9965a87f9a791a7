// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error texts for libipcx results. */
#include <errno.h>
#include <string.h>

#include "libipcx.h"

struct ipcx_errtext {
	int err;
	const char *text;
};

/* Meanings ipcx gives an errno beyond the C library's text. */
static const struct ipcx_errtext ipcx_errtexts[] = {
	{ ENOENT, "No such region, or the ipcx module is not loaded" },
	{ ENOTTY, "Not an ipcx device, or the module does not know this request" },
	{ EOWNERDEAD, "Previous owner died; the protected state may be inconsistent" },
	{ ENOTRECOVERABLE, "Lock is unrecoverable: an owner died and nobody repaired it" },
};

const char *ipcx_strerror(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (err == 0)
		return "Success";
	for (i = 0; i < sizeof(ipcx_errtexts) / sizeof(ipcx_errtexts[0]); i++)
		if (ipcx_errtexts[i].err == err)
			return ipcx_errtexts[i].text;
	return strerror(err);
}
