/*
 * oracle_replay.c - the differential oracle (fuzz_oracle.c) in make check:
 * a fixed seed, so the same worlds and transactions every run. TAP.
 *
 *   oracle_replay [WORLDS [SEED]]      default 300 worlds, seed 1
 *
 * Line 1: every transaction agrees (or is pending); a disagreement aborts
 * with the world and the transaction printed. Line 2: the transactions
 * that still wait for the sub-address/ownership work (subaddr9), as TODO.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* xorshift64: a fixed, portable stream of octets. */
static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int
main(int argc, char **argv)
{
	unsigned long worlds = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	uint64_t x = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	static uint8_t buf[2048];

	x = x * 0x9e3779b97f4a7c15ull + 1;
	for (unsigned long i = 0; i < worlds; i++) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)(next(&x) >> 24);
		LLVMFuzzerTestOneInput(buf, sizeof(buf));
	}
	oracle_cleanup();
	printf("1..2\n");
	printf("ok 1 - oracle: %lu transactions in %lu worlds, model and "
	       "filter agree on %lu, none disagrees\n",
	       oracle_stats.tx, oracle_stats.worlds, oracle_stats.agree);
	for (int i = 0; i < ORACLE_REASONS && oracle_stats.reason[i].name; i++)
		printf("#   %-8s %-20s %lu\n",
		       oracle_stats.reason[i].action == 0   ? "accept"
		       : oracle_stats.reason[i].action == 1 ? "reject"
		                                            : "tempfail",
		       oracle_stats.reason[i].name, oracle_stats.reason[i].n);
	if (oracle_stats.pending == 0)
		printf("ok 2 - oracle: nothing pending\n");
	else
		printf("not ok 2 - oracle: %lu transactions (%lu worlds the "
		       "filter refuses to load) differ where sub-address / "
		       "catch-all ownership is pending # TODO subaddr9\n",
		       oracle_stats.pending, oracle_stats.worlds_pending);
	return 0;
}
