/*
 * fake_dir.h - an in-memory directory behind the real interface, for unit
 * tests of the decision engine: accounts are given as arrays, and the
 * directory can be told to fail (as an unreachable server would).
 */
#ifndef TESTS_FAKE_DIR_H
#define TESTS_FAKE_DIR_H

#include "directory.h"

struct fake_entry {
	const char *login;   /* the %u it answers to */
	struct dir_account acct;
	int mailbox;
};

struct fake_dir {
	struct directory dir;
	const struct fake_entry *entries;
	size_t n;
	int fail;            /* every lookup answers DIR_ERROR */
	unsigned lookups;
};

void fake_dir_init(struct fake_dir *f, const struct fake_entry *e, size_t n);

#endif
