/*
 * arena.h - a bump allocator for data built once and freed at once (the
 * accounts file's strings and records). Not thread-safe while building.
 */
#ifndef POLICY_ARENA_H
#define POLICY_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total; /* octets handed out */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/* size octets aligned for any object; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
/* A copy of s[0..len) with a NUL added. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

#endif
