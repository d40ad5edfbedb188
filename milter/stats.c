/*
 * stats.c - lock-free counters and their Prometheus text rendering.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "stats.h"

/* Upper bounds (seconds) of the decision-latency histogram. */
static const double bounds[] = {0.0001, 0.0005, 0.001, 0.005, 0.01,
				0.05,   0.1,    0.5,   1,     5};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

#define WOULD_REJECT 3 /* the row of reported refusals in by_reason */

/* The counters come in shards, each on cache lines of its own; a thread
 * counts in one shard (its own unless there are more threads than shards)
 * and readers sum them. Counting then writes no line another CPU wrote
 * last, which at one session at a time otherwise costs every message
 * several cross-CPU cache misses (tests/bench, 1 conn). */
#define NSHARDS 16
struct shard {
	uint64_t by_reason[4][R_REASON_COUNT];
	uint64_t would_reject_by_rule[RULE_COUNT];
	uint64_t latency_bucket[NB + 1];
	uint64_t latency_sum_ns, decisions, cache_hits, cache_stale;
	uint64_t connections;
} __attribute__((aligned(64)));

static struct shard shards[NSHARDS];
static unsigned next_shard;
static _Thread_local struct shard *my_shard;

/* This thread's shard. */
static struct shard *
mine(void)
{
	if (my_shard == NULL)
		my_shard = &shards[__atomic_fetch_add(&next_shard, 1,
						      __ATOMIC_RELAXED) %
				   NSHARDS];
	return my_shard;
}

/* Atomic still: two threads share a shard once there are more threads. */
static void
add(uint64_t *p, uint64_t n)
{
	__atomic_add_fetch(p, n, __ATOMIC_RELAXED);
}

/* The sum over all shards of the counter that is *p in shards[0]. */
static uint64_t
get(const uint64_t *p)
{
	size_t off = (size_t)((const char *)p - (const char *)&shards[0]);
	uint64_t sum = 0;

	for (size_t i = 0; i < NSHARDS; i++)
		sum += __atomic_load_n(
			(const uint64_t *)((const char *)&shards[i] + off),
			__ATOMIC_RELAXED);
	return sum;
}

#define S0 (&shards[0])

/* Count one verdict that took effect (once per message). */
void
stats_verdict(const struct verdict *v, int report_rule)
{
	struct shard *s = mine();

	if (report_rule >= 0 && report_rule < RULE_COUNT) {
		add(&s->by_reason[WOULD_REJECT][v->reason], 1);
		add(&s->would_reject_by_rule[report_rule], 1);
	} else {
		add(&s->by_reason[v->action][v->reason], 1);
	}
}

/* Count one envelope decision and the time it took. */
void
stats_decision(const struct verdict *v, uint64_t decide_ns)
{
	struct shard *s = mine();
	size_t b = 0;

	if (v->from_cache)
		add(&s->cache_hits, 1);
	if (v->stale)
		add(&s->cache_stale, 1);
	add(&s->decisions, 1);
	add(&s->latency_sum_ns, decide_ns);
	while (b < NB && (double)decide_ns / 1e9 > bounds[b])
		b++;
	add(&s->latency_bucket[b], 1);
}

void
stats_connection(void)
{
	add(&mine()->connections, 1);
}

/* "accept", "reject", "tempfail" or "would_reject". */
static const char *
row_name(int a)
{
	return a == WOULD_REJECT ? "would_reject" : action_name((enum action)a);
}

/* Render all counters in Prometheus text format. */
static void
render(FILE *f)
{
	uint64_t cum = 0;

	fprintf(f, "# HELP origin_milter_verdicts_total Verdicts by action "
		   "and reason.\n# TYPE origin_milter_verdicts_total counter\n");
	for (int a = 0; a < 4; a++)
		for (int r = 0; r < R_REASON_COUNT; r++) {
			uint64_t n = get(&S0->by_reason[a][r]);
			if (n)
				fprintf(f,
					"origin_milter_verdicts_total{action=\"%s\","
					"reason=\"%s\"} %llu\n",
					row_name(a),
					reason_name((enum reason)r),
					(unsigned long long)n);
		}
	fprintf(f, "# HELP origin_milter_would_reject_total Refusals only "
		   "reported (mode report), by rule.\n"
		   "# TYPE origin_milter_would_reject_total counter\n");
	for (int r = 0; r < RULE_COUNT; r++)
		fprintf(f, "origin_milter_would_reject_total{rule=\"%s\"} %llu\n",
			rule_name((enum rule)r),
			(unsigned long long)get(&S0->would_reject_by_rule[r]));
	fprintf(f, "# HELP origin_milter_decision_seconds Time to decide one "
		   "message, directory included.\n"
		   "# TYPE origin_milter_decision_seconds histogram\n");
	for (size_t b = 0; b <= NB; b++) {
		cum += get(&S0->latency_bucket[b]);
		if (b < NB)
			fprintf(f,
				"origin_milter_decision_seconds_bucket{le=\"%g\"} "
				"%llu\n",
				bounds[b], (unsigned long long)cum);
		else
			fprintf(f,
				"origin_milter_decision_seconds_bucket{le=\"+Inf\"} "
				"%llu\n",
				(unsigned long long)cum);
	}
	fprintf(f, "origin_milter_decision_seconds_sum %.9f\n",
		(double)get(&S0->latency_sum_ns) / 1e9);
	fprintf(f, "origin_milter_decision_seconds_count %llu\n",
		(unsigned long long)get(&S0->decisions));
	fprintf(f, "# TYPE origin_milter_cache_hits_total counter\n"
		   "origin_milter_cache_hits_total %llu\n"
		   "# TYPE origin_milter_cache_stale_total counter\n"
		   "origin_milter_cache_stale_total %llu\n"
		   "# TYPE origin_milter_connections_total counter\n"
		   "origin_milter_connections_total %llu\n",
		(unsigned long long)get(&S0->cache_hits),
		(unsigned long long)get(&S0->cache_stale),
		(unsigned long long)get(&S0->connections));
}

/* Write the file next to its final name, then rename (atomic). */
int
stats_write(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	render(f);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Log the counters as one line. */
void
stats_log(void)
{
	char buf[4096];
	size_t n = 0;

	for (int a = 0; a < 4; a++)
		for (int r = 0; r < R_REASON_COUNT; r++) {
			uint64_t k = get(&S0->by_reason[a][r]);
			if (k && n + 64 < sizeof(buf))
				n += (size_t)snprintf(
					buf + n, sizeof(buf) - n, "%s%s/%s=%llu",
					n ? " " : "", row_name(a),
					reason_name((enum reason)r),
					(unsigned long long)k);
		}
	buf[n] = '\0';
	log_event(LOG_NOTICE, "stats",
		  "connections=%llu decisions=%llu cache_hits=%llu "
		  "mean_decision_us=%.1f %s",
		  (unsigned long long)get(&S0->connections),
		  (unsigned long long)get(&S0->decisions),
		  (unsigned long long)get(&S0->cache_hits),
		  get(&S0->decisions) ? (double)get(&S0->latency_sum_ns) / 1e3 /
					    (double)get(&S0->decisions)
				  : 0.0,
		  buf);
}
