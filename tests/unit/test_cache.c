/*
 * test_cache.c - the directory cache on its own: the size bound is the
 * whole cache's (not a per-shard share), LRU eviction, TTLs for positive
 * and negative answers, errors never stored, stale answers within the
 * grace, references counted, concurrent misses coalesced.
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

#include "cache.h"

/* A value that counts how many of its kind are alive. */
struct val {
	struct cache_val hdr;
	int n;
};

static atomic_int alive;

static void
val_free(struct cache_val *v)
{
	atomic_fetch_sub(&alive, 1);
	free(v);
}

/* What the fetch function answers, and how often it ran. */
struct source {
	enum cache_kind kind;
	atomic_int calls;
	int fail;         /* answer NULL (out of memory) */
	useconds_t delay; /* sleep before answering (coalescing) */
};

static struct cache_val *
fetch(void *arg)
{
	struct source *s = arg;
	int n = atomic_fetch_add(&s->calls, 1) + 1;
	if (s->delay)
		usleep(s->delay);
	if (s->fail)
		return NULL;
	struct val *v = malloc(sizeof(*v));
	if (v == NULL)
		return NULL;
	cache_val_init(&v->hdr, s->kind, val_free);
	v->n = n;
	atomic_fetch_add(&alive, 1);
	return &v->hdr;
}

static struct timespec
later(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 5;
	return ts;
}

/* Look key up; returns the value's n (0 for NULL); *hit if from cache. */
static int
get(struct cache *c, const char *key, struct source *s, bool *hit)
{
	struct timespec dl = later();
	struct cache_info info = {false, false, false};
	struct cache_val *v = cache_lookup(c, key, fetch, s, &dl, &info);
	if (hit != NULL)
		*hit = info.from_cache;
	int n = v != NULL ? ((struct val *)v)->n : 0;
	cache_val_put(v);
	return n;
}

/* The number after "name=" in the stats line. */
static unsigned long
stat_of(struct cache *c, const char *name)
{
	char buf[512], pat[64];
	cache_stats(c, buf, sizeof(buf));
	snprintf(pat, sizeof(pat), " %s=", name);
	const char *p = strstr(buf, pat);
	assert_non_null(p);
	return strtoul(p + strlen(pat), NULL, 10);
}

/* A cache of N holds N keys, however they spread over the shards: a
 * second walk over them is all hits (no thrashing of a full shard). */
static void
test_bound_is_the_whole_cache(void **state)
{
	(void)state;
	struct cache_params p = {20000, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source s = {CV_POSITIVE, 0, 0, 0};
	char key[32];
	assert_non_null(c);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 20000; i++) {
			snprintf(key, sizeof(key), "Auser%d", i);
			get(c, key, &s, NULL);
		}
	assert_int_equal(atomic_load(&s.calls), 20000);
	assert_int_equal(stat_of(c, "hits"), 20000);
	assert_int_equal(stat_of(c, "evictions"), 0);
	/* one more key: exactly one eviction, the bound holds */
	get(c, "Anew", &s, NULL);
	assert_int_equal(stat_of(c, "evictions"), 1);
	assert_int_equal(atomic_load(&alive), 20000);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

/* One shard (small cache): the least recently used key goes first. */
static void
test_lru(void **state)
{
	(void)state;
	struct cache_params p = {3, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source s = {CV_POSITIVE, 0, 0, 0};
	bool hit;
	get(c, "a", &s, NULL);
	get(c, "b", &s, NULL);
	get(c, "c", &s, NULL);
	get(c, "a", &s, &hit); /* a is now the most recent */
	assert_true(hit);
	get(c, "d", &s, NULL); /* evicts b */
	get(c, "a", &s, &hit);
	assert_true(hit);
	get(c, "c", &s, &hit);
	assert_true(hit);
	get(c, "b", &s, &hit);
	assert_false(hit);
	assert_int_equal(atomic_load(&s.calls), 5);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

/* Positive and negative answers live for their own TTLs. */
static void
test_ttls(void **state)
{
	(void)state;
	struct cache_params p = {100, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source pos = {CV_POSITIVE, 0, 0, 0};
	struct source neg = {CV_NEGATIVE, 0, 0, 0};
	bool hit;
	get(c, "pos", &pos, NULL);
	get(c, "neg", &neg, NULL);
	cache_test_shift_clock(61);
	get(c, "pos", &pos, &hit);
	assert_true(hit);
	get(c, "neg", &neg, &hit);
	assert_false(hit);
	assert_int_equal(atomic_load(&neg.calls), 2);
	cache_test_shift_clock(540);
	assert_int_equal(get(c, "pos", &pos, &hit), 2);
	assert_false(hit);
	cache_test_shift_clock(-601);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

/* Errors are handed to the caller and never stored; with a grace, an
 * expired positive answer serves (marked stale) while fetches fail. */
static void
test_errors_and_stale(void **state)
{
	(void)state;
	struct cache_params p = {100, 10, 10, 30};
	struct cache *c = cache_new(&p);
	struct source err = {CV_ERROR, 0, 0, 0};
	struct source pos = {CV_POSITIVE, 0, 0, 0};
	bool hit;
	get(c, "e", &err, NULL);
	get(c, "e", &err, &hit);
	assert_false(hit);
	assert_int_equal(atomic_load(&err.calls), 2);

	assert_int_equal(get(c, "k", &pos, NULL), 1);
	cache_test_shift_clock(15); /* expired, within the grace */
	struct timespec dl = later();
	struct cache_info info = {false, false, false};
	struct cache_val *v = cache_lookup(c, "k", fetch, &err, &dl, &info);
	assert_non_null(v);
	assert_int_equal(((struct val *)v)->n, 1);
	assert_true(info.stale);
	cache_val_put(v);
	cache_test_shift_clock(30); /* past the grace: the error shows */
	v = cache_lookup(c, "k", fetch, &err, &dl, &info);
	assert_non_null(v);
	assert_int_equal(v->kind, CV_ERROR);
	cache_val_put(v);
	cache_test_shift_clock(-45);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

/* A value handed out outlives its eviction and the cache itself. */
static void
test_references(void **state)
{
	(void)state;
	struct cache_params p = {1, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source s = {CV_POSITIVE, 0, 0, 0};
	struct timespec dl = later();
	struct cache_info info;
	struct cache_val *held = cache_lookup(c, "x", fetch, &s, &dl, &info);
	get(c, "y", &s, NULL); /* evicts x from the cache */
	assert_int_equal(atomic_load(&alive), 2);
	assert_int_equal(((struct val *)held)->n, 1);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 1);
	cache_val_put(held);
	assert_int_equal(atomic_load(&alive), 0);
}

struct racer {
	struct cache *c;
	struct source *s;
	int n;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	r->n = get(r->c, "same", r->s, NULL);
	return NULL;
}

/* Eight threads missing the same key at once: one fetch, one answer. */
static void
test_coalesced(void **state)
{
	(void)state;
	struct cache_params p = {100, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source s = {CV_POSITIVE, 0, 0, 200000};
	pthread_t t[8];
	struct racer r[8];
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){c, &s, 0};
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].n, 1);
	}
	assert_int_equal(atomic_load(&s.calls), 1);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

/* Size 0 disables the cache: every lookup fetches. */
static void
test_disabled(void **state)
{
	(void)state;
	struct cache_params p = {0, 600, 60, 0};
	struct cache *c = cache_new(&p);
	struct source s = {CV_POSITIVE, 0, 0, 0};
	bool hit;
	get(c, "a", &s, NULL);
	get(c, "a", &s, &hit);
	assert_false(hit);
	assert_int_equal(atomic_load(&s.calls), 2);
	cache_free(c);
	assert_int_equal(atomic_load(&alive), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bound_is_the_whole_cache),
	    cmocka_unit_test(test_lru),
	    cmocka_unit_test(test_ttls),
	    cmocka_unit_test(test_errors_and_stale),
	    cmocka_unit_test(test_references),
	    cmocka_unit_test(test_coalesced),
	    cmocka_unit_test(test_disabled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
