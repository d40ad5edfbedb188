/*
 * fuzz_oracle.h - what the differential oracle (fuzz_oracle.c) counted,
 * for the fixed-seed replay of make check (oracle_replay.c).
 */
#ifndef TESTS_FUZZ_ORACLE_H
#define TESTS_FUZZ_ORACLE_H

#define ORACLE_REASONS 32

struct oracle_stats {
	unsigned long worlds;         /* worlds generated */
	unsigned long tx;             /* transactions compared */
	unsigned long agree;          /* same action and reason */
	struct {
		const char *name; /* reason */
		int action;       /* 0 accept, 1 reject, 2 tempfail */
		unsigned long n;
	} reason[ORACLE_REASONS]; /* agreed verdicts */
};

extern struct oracle_stats oracle_stats;

/* Remove the oracle's temporary folder. */
void oracle_cleanup(void);

#endif
