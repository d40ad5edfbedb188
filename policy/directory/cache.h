/*
 * cache.h - a bounded, thread-safe TTL cache of reference-counted answers.
 *
 * Keys are strings; values are objects that embed struct cache_val and are
 * handed out as counted references (cache_val_put gives one back; the last
 * put frees). Positive and negative answers have their own TTL; errors are
 * never stored. The least recently used entry goes when the cache is full.
 * Concurrent misses for one key are coalesced: the first caller fetches,
 * the others wait for its answer (bounded by their deadline). With a
 * stale_grace, a positive entry expired less than that long ago is served
 * (marked stale) when the fetch fails.
 */
#ifndef POLICY_CACHE_H
#define POLICY_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum cache_kind {
	CV_POSITIVE, /* stored for ttl */
	CV_NEGATIVE, /* stored for negative_ttl */
	CV_ERROR,    /* never stored */
};

struct cache_val {
	atomic_uint refs;
	enum cache_kind kind;
	void (*free)(struct cache_val *v);
};

struct cache_params {
	size_t size;             /* most entries kept; 0 disables the cache */
	unsigned ttl;            /* seconds a positive answer lives */
	unsigned negative_ttl;   /* seconds a negative answer lives */
	unsigned stale_grace;    /* seconds past ttl an answer may serve */
};

struct cache_info {
	bool from_cache;
	bool stale;
	bool coalesced; /* waited for another thread's fetch */
};

/* Fetch an answer for the key (called without locks held). Returns a new
 * value with one reference, or NULL when out of memory. */
typedef struct cache_val *(*cache_fetch_fn)(void *arg);

struct cache;

struct cache *cache_new(const struct cache_params *p);
void cache_free(struct cache *c);

/* Initialise a value's header with one reference. */
void cache_val_init(struct cache_val *v, enum cache_kind kind,
		    void (*freefn)(struct cache_val *));
/* Give a reference back (the last one frees the value). */
void cache_val_put(struct cache_val *v);

/* The answer for key: cached, or fetched once. Returns a reference, or
 * NULL (out of memory, or the deadline, on CLOCK_MONOTONIC, passed while
 * waiting for another thread's fetch). */
struct cache_val *cache_lookup(struct cache *c, const char *key,
			       cache_fetch_fn fetch, void *arg,
			       const struct timespec *deadline,
			       struct cache_info *info);

/* One line of statistics. */
void cache_stats(struct cache *c, char *buf, size_t size);

/* Move the cache's monotonic clock forward (tests of expiry only). */
void cache_test_shift_clock(time_t seconds);

#endif
