/*
 * strmap.c - open-addressing (linear probing) string multi-map.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

/* FNV-1a, 64 bits. */
uint64_t
strmap_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Size the table for expect keys at most half full. */
int
strmap_init(struct strmap *m, size_t expect)
{
	size_t cap = 16;

	while (cap < expect * 2)
		cap <<= 1;
	m->slots = calloc(cap, sizeof(*m->slots));
	m->cap = m->slots ? cap : 0;
	m->used = 0;
	return m->slots ? 0 : -1;
}

void
strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

/* Put a slot into a table that has room (no growth). */
static void
place(struct strmap_slot *slots, size_t cap, const struct strmap_slot *s)
{
	size_t i = (size_t)s->hash & (cap - 1);
	while (slots[i].key != NULL)
		i = (i + 1) & (cap - 1);
	slots[i] = *s;
}

/* Double the table. */
static int
grow(struct strmap *m)
{
	size_t cap = m->cap * 2;
	struct strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			place(slots, cap, &m->slots[i]);
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/* Add key -> value. */
int
strmap_add(struct strmap *m, const char *key, void *value)
{
	struct strmap_slot s = {strmap_hash(key), key, value};

	if ((m->used + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	place(m->slots, m->cap, &s);
	m->used++;
	return 0;
}

/* Walk the probe sequence from *iter for the next slot holding key. */
static void *
scan(const struct strmap *m, const char *key, uint64_t h, size_t *iter)
{
	for (size_t i = *iter; i < m->cap; i++) {
		const struct strmap_slot *s =
			&m->slots[((size_t)h + i) & (m->cap - 1)];
		if (s->key == NULL)
			break;
		if (s->hash == h && strcmp(s->key, key) == 0) {
			*iter = i + 1;
			return s->value;
		}
	}
	*iter = m->cap;
	return NULL;
}

/* First value under key. */
void *
strmap_get(const struct strmap *m, const char *key, size_t *iter)
{
	size_t local = 0;

	if (iter == NULL)
		iter = &local;
	*iter = 0;
	if (m->cap == 0)
		return NULL;
	return scan(m, key, strmap_hash(key), iter);
}

/* Next value under key, after strmap_get. */
void *
strmap_next(const struct strmap *m, const char *key, size_t *iter)
{
	if (m->cap == 0)
		return NULL;
	return scan(m, key, strmap_hash(key), iter);
}
