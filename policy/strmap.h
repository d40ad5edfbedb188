/*
 * strmap.h - an open-addressing hash table from strings to pointers. Keys
 * may repeat (a multi-map): a lookup walks every value stored under a key.
 * Built once (single-threaded), then read by many threads without locks.
 */
#ifndef POLICY_STRMAP_H
#define POLICY_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint64_t hash;
	const char *key; /* not owned; NULL = empty */
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;  /* power of two */
	size_t used;
};

uint64_t strmap_hash(const char *s);
int strmap_init(struct strmap *m, size_t expect);
void strmap_free(struct strmap *m);
/* Add key -> value (key must outlive the map); 0 or -1 on no memory. */
int strmap_add(struct strmap *m, const char *key, void *value);
/* First value stored under key, NULL if none; *iter continues with
 * strmap_next. */
void *strmap_get(const struct strmap *m, const char *key, size_t *iter);
void *strmap_next(const struct strmap *m, const char *key, size_t *iter);

#endif
