/* SPDX-License-Identifier: GPL-2.0 */
/* Checksummed, sequence-numbered messages shared by the channel tests. */
#ifndef IPCX_MSG_HELPERS_H
#define IPCX_MSG_HELPERS_H

#include <stddef.h>
#include <stdint.h>

struct msg_hdr {
	uint32_t producer;
	uint32_t len;
	uint64_t seq;
	uint64_t sum;		/* FNV-1a of the payload after the header */
};

/* xorshift64 */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static inline uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

/* A random message length: a header and 0..max - header payload bytes. */
static inline size_t msg_len(uint64_t *rs, size_t max)
{
	return sizeof(struct msg_hdr) + rnd(rs) % (max - sizeof(struct msg_hdr) + 1);
}

/* Write message seq of producer, len bytes of random payload, into buf. */
static inline void msg_fill(unsigned char *buf, size_t len, uint32_t producer,
			    uint64_t seq, uint64_t *rs)
{
	struct msg_hdr *h = (void *)buf;
	size_t i;

	for (i = sizeof(*h); i < len; i++)
		buf[i] = (unsigned char)rnd(rs);
	h->producer = producer;
	h->len = len;
	h->seq = seq;
	h->sum = fnv(buf + sizeof(*h), len - sizeof(*h));
}

/* 0 and the producer and seq when buf holds a good message of len bytes;
 * -1 for a wrong length, -2 for a wrong checksum. */
static inline int msg_verify(const unsigned char *buf, int len, uint32_t *producer,
			     uint64_t *seq)
{
	const struct msg_hdr *h = (const void *)buf;

	if (len < (int)sizeof(*h) || h->len != (uint32_t)len)
		return -1;
	if (h->sum != fnv(buf + sizeof(*h), len - sizeof(*h)))
		return -2;
	*producer = h->producer;
	*seq = h->seq;
	return 0;
}

#endif
