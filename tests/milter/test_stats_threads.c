/*
 * test_stats_threads.c - the counters (milter/stats.c) counted from more
 * threads than there are shards, some at once and some one after another,
 * add up exactly in the Prometheus file: every count lands in some shard
 * and the reader sums every shard, whichever thread counted.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stats.h"

#define THREADS 40 /* more than the shards */
#define EACH 5000

/* One thread's counting: EACH connections and decisions; of the verdicts,
 * every fifth a not_owner refusal, the rest owner acceptances; every
 * tenth decision a cache hit; thread t also reports t refusals. */
static void *
counter(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	struct verdict acc = {.action = ACT_ACCEPT, .reason = R_OWNER};
	struct verdict rej = {.action = ACT_REJECT, .reason = R_NOT_OWNER};

	for (unsigned i = 0; i < EACH; i++) {
		struct verdict *v = i % 5 == 0 ? &rej : &acc;
		v->from_cache = i % 10 == 0;
		stats_connection();
		stats_decision(v, 20000); /* 20 µs */
		stats_verdict(v, -1);
	}
	for (unsigned i = 0; i < t; i++)
		stats_verdict(&rej, RULE_NOT_OWNER);
	return NULL;
}

/* The value of the metric line that starts with name, or -1. */
static long long
metric(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return atoll(p + n + 1);
		p += n;
	}
	return -1;
}

/* The whole file. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void
test_sums_over_threads(void **state)
{
	pthread_t th[THREADS];
	char path[] = "/tmp/om-stats-threads.XXXXXX";
	long long want_report = 0, refused, accepted;
	char *text;
	int fd;

	(void)state;
	/* half at once, then the rest one by one (fresh threads reuse
	 * shards others counted in) */
	for (unsigned t = 0; t < THREADS / 2; t++)
		assert_int_equal(pthread_create(&th[t], NULL, counter,
						(void *)(uintptr_t)t),
				 0);
	for (unsigned t = 0; t < THREADS / 2; t++)
		pthread_join(th[t], NULL);
	for (unsigned t = THREADS / 2; t < THREADS; t++) {
		assert_int_equal(pthread_create(&th[t], NULL, counter,
						(void *)(uintptr_t)t),
				 0);
		pthread_join(th[t], NULL);
	}
	for (unsigned t = 0; t < THREADS; t++)
		want_report += t;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stats_write(path), 0);
	text = slurp(path);
	unlink(path);

	refused = metric(text, "origin_milter_verdicts_total"
			       "{action=\"reject\",reason=\"not_owner\"}");
	accepted = metric(text, "origin_milter_verdicts_total"
				"{action=\"accept\",reason=\"owner\"}");
	assert_int_equal(refused, (long long)THREADS * EACH / 5);
	assert_int_equal(accepted, (long long)THREADS * EACH * 4 / 5);
	assert_int_equal(metric(text, "origin_milter_verdicts_total{action="
				      "\"would_reject\",reason=\"not_owner\"}"),
			 want_report);
	assert_int_equal(metric(text, "origin_milter_would_reject_total{rule="
				      "\"not_owner\"}"),
			 want_report);
	assert_int_equal(metric(text, "origin_milter_connections_total"),
			 (long long)THREADS * EACH);
	assert_int_equal(metric(text, "origin_milter_decision_seconds_count"),
			 (long long)THREADS * EACH);
	assert_int_equal(metric(text, "origin_milter_cache_hits_total"),
			 (long long)THREADS * EACH / 10);
	/* 20 µs falls in the first bucket (100 µs); buckets are cumulative */
	assert_int_equal(metric(text, "origin_milter_decision_seconds_bucket"
				      "{le=\"0.0001\"}"),
			 (long long)THREADS * EACH);
	assert_int_equal(metric(text, "origin_milter_decision_seconds_bucket"
				      "{le=\"+Inf\"}"),
			 (long long)THREADS * EACH);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums_over_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
