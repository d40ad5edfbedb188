/*
 * oracle_replay.c - the differential oracle (fuzz_oracle.c) in make check:
 * a fixed seed, so the same worlds and transactions every run. TAP.
 *
 *   oracle_replay [WORLDS [SEED]]      default 300 worlds, seed 1
 *
 * Line 1: every transaction agrees; a disagreement aborts with the world
 * and the transaction printed. Line 2: every verdict of the specification
 * occurred (the generator still reaches every row).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Every verdict the specification has, each at least once, so the
 * generator cannot silently stop reaching a row. */
static const char *const expected[] = {"owner",
                                       "catchall",
                                       "send_as",
                                       "not_owner",
                                       "not_local",
                                       "login_unknown",
                                       "login_ambiguous",
                                       "check_off",
                                       "bypass_login",
                                       "need_auth",
                                       "foreign_sender",
                                       "sender_unparsable",
                                       "sender_invalid",
                                       "null_sender",
                                       "null_sender_denied",
                                       "header_unparsable"};

int
main(int argc, char **argv)
{
	unsigned long worlds = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	uint64_t x = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	static uint8_t buf[2048];
	char missing[512] = "";

	x = x * 0x9e3779b97f4a7c15ull + 1;
	for (unsigned long i = 0; i < worlds; i++) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)(next(&x) >> 24);
		LLVMFuzzerTestOneInput(buf, sizeof(buf));
	}
	oracle_cleanup();
	printf("1..2\n");
	printf("ok 1 - oracle: %lu transactions in %lu worlds, model and "
	       "filter agree on every one\n",
	       oracle_stats.tx, oracle_stats.worlds);
	for (size_t e = 0; e < sizeof(expected) / sizeof(expected[0]); e++) {
		int i;
		for (i = 0; i < ORACLE_REASONS && oracle_stats.reason[i].name;
		     i++)
			if (strcmp(oracle_stats.reason[i].name, expected[e]) ==
			    0)
				break;
		if (i == ORACLE_REASONS || !oracle_stats.reason[i].name)
			snprintf(missing + strlen(missing),
			         sizeof(missing) - strlen(missing), " %s",
			         expected[e]);
	}
	printf("%s 2 - oracle: every verdict of the specification was "
	       "compared%s%s\n",
	       missing[0] ? "not ok" : "ok", missing[0] ? ", missing:" : "",
	       missing);
	for (int i = 0; i < ORACLE_REASONS && oracle_stats.reason[i].name; i++)
		printf("#   %-8s %-20s %lu\n",
		       oracle_stats.reason[i].action == 0   ? "accept"
		       : oracle_stats.reason[i].action == 1 ? "reject"
		                                            : "tempfail",
		       oracle_stats.reason[i].name, oracle_stats.reason[i].n);
	return missing[0] ? 1 : 0;
}
