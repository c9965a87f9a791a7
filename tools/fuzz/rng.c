// SPDX-License-Identifier: GPL-2.0
/* ipcx-fuzz: the PRNG: splitmix64 seeds, xorshift64* per thread, and the boundary-value generators (see main.c). */
#include "fuzz.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);

	r->s = splitmix64(&x) | 1;
}

uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

int chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* flag words: valid bits mostly, boundary patterns sometimes */
uint32_t rflags(struct rng *r, uint32_t valid)
{
	switch (below(r, 10)) {
	case 0: return ~0U;
	case 1: return 0x80000000U;
	case 2: return 1U << below(r, 32);
	case 3: return (uint32_t)rnd(r);
	case 4: return 0;
	default: return (uint32_t)rnd(r) & valid;
	}
}

uint64_t rsize(struct rng *r)
{
	static const uint64_t sizes[] = {
		0, 1, 63, 64, PG - 1, PG, PG + 1, 2 * PG, 16 * PG, 65536,
		0xfffff000ULL, 1ULL << 32, (1ULL << 32) + PG, -4096ULL,
		1ULL << 63, 1ULL << 30, (1ULL << 30) + 1, -1ULL,
	};

	if (chance(r, 30))
		return 1 + below(r, 8 * PG);
	return sizes[below(r, sizeof(sizes) / sizeof(sizes[0]))];
}

/* lock offsets: mostly aligned blocks in the first pages */
uint64_t roffset(struct rng *r)
{
	static const uint64_t offs[] = {
		0, 64, PG - 64, PG, 1, 63, 65, PG - 1, 16 * PG, 1ULL << 32,
		-64ULL, -1ULL, 0x7fffffffffffffc0ULL,
	};

	if (chance(r, 70))
		return below(r, 4) * 64 + (chance(r, 20) ? PG : 0);
	return offs[below(r, sizeof(offs) / sizeof(offs[0]))];
}
