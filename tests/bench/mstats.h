/*
 * mstats.h - per-thread counters and latency samples for mgen, merged and
 * reported at the end (percentiles by sorting; no locks while measuring).
 */
#ifndef BENCH_MSTATS_H
#define BENCH_MSTATS_H

#include <stddef.h>
#include <stdint.h>

#define MS_LABELS 32

struct mstats {
	uint32_t *lat_us;  /* one sample per counted message */
	size_t nlat, caplat;
	uint64_t msgs;     /* messages counted */
	uint64_t accepted, refused, tempfailed, other;
	uint64_t mismatches; /* outcome differed from the workload's EXPECT */
	uint64_t errors;   /* connections that failed (I/O, protocol) */
	uint64_t sessions; /* milter connections opened */
	uint64_t replies;  /* replies awaited (round trips) in counted msgs */
	char label[MS_LABELS][48];
	uint64_t count[MS_LABELS];
	size_t nlabels;
	char first_error[128];
};

/* Count one message: its latency, its outcome label, its class. */
void ms_add(struct mstats *s, uint32_t us, const char *label, int cls);
/* Add b into a (b is left untouched). */
void ms_merge(struct mstats *a, const struct mstats *b);
/* Sort samples; the p-th percentile (0..100) in microseconds. */
void ms_sort(struct mstats *s);
uint32_t ms_pct(const struct mstats *s, double p);
void ms_free(struct mstats *s);

enum { MS_ACCEPTED, MS_REFUSED, MS_TEMPFAILED, MS_OTHER };

#endif
