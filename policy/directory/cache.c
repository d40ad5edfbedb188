/*
 * cache.c - bounded TTL cache with LRU eviction, coalesced misses and
 * stale-on-error answers. The cache is split in shards by key hash, each
 * with its own mutex, table and LRU list, so concurrent lookups of
 * different logins rarely meet on a lock (small caches use one shard, so
 * their LRU order stays exact). Fetches run outside every lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "strmap.h"

struct entry {
	struct entry *hnext;       /* hash chain */
	struct entry *prev, *next; /* LRU list, most recent first */
	struct cache_val *val;     /* NULL while the first fetch runs */
	struct cache_val *err;     /* last failed fetch, for its waiters */
	time_t expires;
	bool pending;              /* a fetch is running for this key */
	unsigned waiters;
	char key[];
};

#define SHARDS 16
#define SHARD_MIN_SIZE 1024 /* below this size, one shard */

struct shard {
	struct cache_params p;
	atomic_size_t *total;      /* entries in all shards (the bound) */
	pthread_mutex_t lock;
	pthread_cond_t done;       /* broadcast when a fetch completes */
	struct entry **table;
	size_t nbuckets;
	struct entry *head, *tail;
	unsigned long hits, misses, negative_hits, stale_hits, coalesced,
		evictions;
};

struct cache {
	struct cache_params p;
	atomic_size_t total;       /* entries in all shards */
	size_t nshards;
	struct shard shards[SHARDS];
};

static _Atomic long clock_shift;

/* Monotonic seconds, plus the test shift. */
static time_t
cache_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + (time_t)atomic_load(&clock_shift);
}

/* Move the cache clock forward (tests of expiry only). */
void
cache_test_shift_clock(time_t seconds)
{
	atomic_fetch_add(&clock_shift, (long)seconds);
}

/* Set up a value header. */
void
cache_val_init(struct cache_val *v, enum cache_kind kind,
	       void (*freefn)(struct cache_val *))
{
	atomic_init(&v->refs, 1);
	v->kind = kind;
	v->free = freefn;
}

/* Take a reference. */
static struct cache_val *
cache_val_get(struct cache_val *v)
{
	atomic_fetch_add(&v->refs, 1);
	return v;
}

/* Give a reference back; free on the last. */
void
cache_val_put(struct cache_val *v)
{
	if (v != NULL && atomic_fetch_sub(&v->refs, 1) == 1)
		v->free(v);
}

/* The table hash of a key: strmap's, the one hash of the project. */
static size_t
hash(const char *s)
{
	return (size_t)strmap_hash(s);
}

/* Set up one shard for size entries; 0 or -1. */
static int
shard_init(struct shard *c, const struct cache_params *p, size_t size,
	   atomic_size_t *total)
{
	c->p = *p;
	c->total = total;
	c->nbuckets = 64;
	while (c->nbuckets < size && c->nbuckets < (1u << 22))
		c->nbuckets <<= 1;
	c->table = calloc(c->nbuckets, sizeof(*c->table));
	if (c->table == NULL)
		return -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Create a cache. */
struct cache *
cache_new(const struct cache_params *p)
{
	struct cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->p = *p;
	atomic_init(&c->total, 0);
	c->nshards = p->size >= SHARD_MIN_SIZE ? SHARDS : 1;
	size_t each = (p->size + c->nshards - 1) / c->nshards;
	for (size_t i = 0; i < c->nshards; i++) {
		if (shard_init(&c->shards[i], p, each, &c->total) != 0) {
			c->nshards = i;
			cache_free(c);
			return NULL;
		}
	}
	return c;
}

/* The shard that holds key. */
static struct shard *
shard_of(struct cache *c, const char *key)
{
	return &c->shards[(hash(key) >> 32) % c->nshards];
}

/* Unlink e from the LRU list. */
static void
lru_unlink(struct shard *c, struct entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

/* Put e at the front of the LRU list. */
static void
lru_front(struct shard *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head != NULL)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

/* Find the entry for key (lock held). */
static struct entry *
find(struct shard *c, const char *key)
{
	struct entry *e = c->table[hash(key) & (c->nbuckets - 1)];
	for (; e != NULL; e = e->hnext)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Remove e from table and list and free it (lock held, no waiters). */
static void
drop(struct shard *c, struct entry *e)
{
	struct entry **pp = &c->table[hash(e->key) & (c->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(c, e);
	cache_val_put(e->val);
	cache_val_put(e->err);
	atomic_fetch_sub(c->total, 1);
	free(e);
}

/*
 * Evict least recently used idle entries of this shard until the whole
 * cache has room. The bound is the cache's size, not a fixed share per
 * shard: keys never spread exactly evenly, and a shard held to size/16
 * would evict (and, with a cyclic walk, thrash) while the cache as a
 * whole still has room. LRU order is kept within each shard.
 */
static void
evict(struct shard *c)
{
	struct entry *e = c->tail;
	while (atomic_load(c->total) >= c->p.size && e != NULL) {
		struct entry *prev = e->prev;
		if (!e->pending && e->waiters == 0) {
			drop(c, e);
			c->evictions++;
		}
		e = prev;
	}
}

/* A new pending entry for key (lock held); NULL when out of memory. */
static struct entry *
insert_pending(struct shard *c, const char *key)
{
	size_t n = strlen(key) + 1;
	evict(c);
	struct entry *e = calloc(1, sizeof(*e) + n);
	if (e == NULL)
		return NULL;
	memcpy(e->key, key, n);
	e->pending = true;
	size_t b = hash(key) & (c->nbuckets - 1);
	e->hnext = c->table[b];
	c->table[b] = e;
	lru_front(c, e);
	atomic_fetch_add(c->total, 1);
	return e;
}

/* True if the entry's value is fresh at now. */
static bool
fresh(const struct entry *e, time_t now)
{
	return e->val != NULL && now < e->expires;
}

/* True if the entry's positive value may serve stale at now. */
static bool
stale_ok(const struct shard *c, const struct entry *e, time_t now)
{
	return e->val != NULL && e->val->kind == CV_POSITIVE &&
	       now < e->expires + (time_t)c->p.stale_grace;
}

/* Store the fetched value in e (lock held) and wake waiters. */
static void
complete(struct shard *c, struct entry *e, struct cache_val *v, time_t now)
{
	e->pending = false;
	cache_val_put(e->err);
	e->err = NULL;
	if (v != NULL && v->kind == CV_ERROR)
		e->err = cache_val_get(v);
	if (v != NULL && v->kind != CV_ERROR) {
		cache_val_put(e->val);
		e->val = cache_val_get(v);
		e->expires = now + (time_t)(v->kind == CV_POSITIVE ?
			c->p.ttl : c->p.negative_ttl);
	}
	pthread_cond_broadcast(&c->done);
	if (e->val == NULL && e->waiters == 0)
		drop(c, e);
}

/* Run the fetch for e as its owner; returns the answer to hand out. */
static struct cache_val *
own_fetch(struct shard *c, struct entry *e, cache_fetch_fn fetch, void *arg,
	  struct cache_info *info)
{
	c->misses++;
	pthread_mutex_unlock(&c->lock);
	struct cache_val *v = fetch(arg);
	pthread_mutex_lock(&c->lock);
	time_t now = cache_now();
	if ((v == NULL || v->kind == CV_ERROR) && stale_ok(c, e, now)) {
		struct cache_val *s = cache_val_get(e->val);
		complete(c, e, v, now);
		cache_val_put(v);
		info->from_cache = info->stale = true;
		c->stale_hits++;
		return s;
	}
	complete(c, e, v, now);
	return v;
}

/* Wait for another thread's fetch of e; NULL on deadline. */
static int
wait_fetch(struct shard *c, struct entry *e, const struct timespec *deadline)
{
	int rc = 0;
	e->waiters++;
	while (e->pending && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->done, &c->lock, deadline);
	e->waiters--;
	return e->pending ? -1 : 0;
}

/* A fresh value for e after waiting, or stale/none. */
static struct cache_val *
after_wait(struct shard *c, struct entry *e, time_t now,
	   struct cache_info *info)
{
	struct cache_val *v = NULL;
	if (fresh(e, now)) {
		v = cache_val_get(e->val);
		info->from_cache = true;
	} else if (stale_ok(c, e, now)) {
		v = cache_val_get(e->val);
		info->from_cache = info->stale = true;
		c->stale_hits++;
	} else if (!e->pending && e->err != NULL) {
		v = cache_val_get(e->err);
	}
	if (e->val == NULL && !e->pending && e->waiters == 0)
		drop(c, e);
	return v;
}

/* Uncached path: size 0 means fetch every time. */
static struct cache_val *
lookup_uncached(cache_fetch_fn fetch, void *arg)
{
	return fetch(arg);
}

/* The answer for key, from the cache or fetched once for all callers. */
struct cache_val *
cache_lookup(struct cache *cc, const char *key, cache_fetch_fn fetch,
	     void *arg, const struct timespec *deadline,
	     struct cache_info *info)
{
	memset(info, 0, sizeof(*info));
	if (cc == NULL || cc->p.size == 0)
		return lookup_uncached(fetch, arg);
	struct shard *c = shard_of(cc, key);
	pthread_mutex_lock(&c->lock);
	time_t now = cache_now();
	struct entry *e = find(c, key);
	if (e != NULL && e->pending) {
		c->coalesced++;
		info->coalesced = true;
		wait_fetch(c, e, deadline);
		struct cache_val *v = after_wait(c, e, cache_now(), info);
		pthread_mutex_unlock(&c->lock);
		return v;
	}
	if (e != NULL && fresh(e, now)) {
		lru_unlink(c, e);
		lru_front(c, e);
		c->hits++;
		if (e->val->kind == CV_NEGATIVE)
			c->negative_hits++;
		info->from_cache = true;
		struct cache_val *v = cache_val_get(e->val);
		pthread_mutex_unlock(&c->lock);
		return v;
	}
	if (e != NULL && !stale_ok(c, e, now) && e->waiters == 0) {
		drop(c, e);
		e = NULL;
	}
	if (e == NULL)
		e = insert_pending(c, key);
	else
		e->pending = true;
	if (e == NULL) {
		pthread_mutex_unlock(&c->lock);
		return fetch(arg);
	}
	struct cache_val *v = own_fetch(c, e, fetch, arg, info);
	pthread_mutex_unlock(&c->lock);
	return v;
}

/* Drop every idle entry of a shard (pending ones finish and stay). */
static void
shard_clear(struct shard *c)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = c->head;
	while (e != NULL) {
		struct entry *next = e->next;
		if (!e->pending && e->waiters == 0)
			drop(c, e);
		e = next;
	}
	pthread_mutex_unlock(&c->lock);
}

/* Drop every idle entry. */
static void
cache_clear(struct cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nshards; i++)
		shard_clear(&c->shards[i]);
}

/* Free the cache and its entries (no thread may use it any more). */
void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	for (size_t i = 0; i < c->nshards; i++) {
		pthread_mutex_destroy(&c->shards[i].lock);
		pthread_cond_destroy(&c->shards[i].done);
		free(c->shards[i].table);
	}
	free(c);
}

/* Statistics line, summed over the shards. */
void
cache_stats(struct cache *c, char *buf, size_t size)
{
	struct shard sum;

	if (c == NULL) {
		snprintf(buf, size, "cache=off");
		return;
	}
	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < c->nshards; i++) {
		struct shard *s = &c->shards[i];
		pthread_mutex_lock(&s->lock);
		sum.hits += s->hits;
		sum.negative_hits += s->negative_hits;
		sum.stale_hits += s->stale_hits;
		sum.misses += s->misses;
		sum.coalesced += s->coalesced;
		sum.evictions += s->evictions;
		pthread_mutex_unlock(&s->lock);
	}
	snprintf(buf, size,
		 "cache entries=%zu/%zu hits=%lu (negative %lu, stale %lu) "
		 "misses=%lu coalesced=%lu evictions=%lu shards=%zu",
		 atomic_load(&c->total), c->p.size, sum.hits, sum.negative_hits,
		 sum.stale_hits, sum.misses, sum.coalesced, sum.evictions,
		 c->nshards);
}
