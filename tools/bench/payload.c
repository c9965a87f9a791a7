// SPDX-License-Identifier: GPL-2.0
/*
 * Message payloads and their checksums. A payload of len bytes (a multiple
 * of 8) is 64-bit words: word 0 is seq + 1 (never 0, so an eventfd can carry
 * it), word i > 0 a fixed pseudo-random pattern. The checksum weights each
 * word by its position (sum of w[i] * (2i + 1)), so lost, repeated, swapped
 * or altered words change it, and the expected sum is payload_base(len) +
 * seq + 1 without touching the data.
 */
#include <string.h>

#include "bench.h"

static uint64_t mix(uint64_t i)
{
	i ^= i >> 33;
	i *= 0xff51afd7ed558ccdull;
	i ^= i >> 29;
	return i;
}

void payload_fill(void *buf, size_t len, uint64_t seq)
{
	uint64_t *w = buf;
	size_t i, n = len / 8;

	for (i = 1; i < n; i++)
		w[i] = mix(i);
	if (n)
		w[0] = seq + 1;
}

uint64_t payload_sum(const void *buf, size_t len)
{
	const uint64_t *w = buf;
	uint64_t s = 0;
	size_t i, n = len / 8;

	for (i = 0; i < n; i++)
		s += w[i] * (2 * i + 1);
	return s;
}

/* Checksum of payload_fill(len, seq). */
uint64_t payload_expect(size_t len, uint64_t seq)
{
	uint64_t s = seq + 1;
	size_t i, n = len / 8;

	for (i = 1; i < n; i++)
		s += mix(i) * (2 * i + 1);
	return s;
}
