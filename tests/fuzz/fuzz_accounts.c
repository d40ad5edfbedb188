/*
 * fuzz_accounts.c - libFuzzer target: the accounts-file parser, through
 * its in-memory entry point dir_file_parse_buf() (the same line parser as
 * dir_file_open(), without the file and its one-second settle wait). A
 * file that loads answers lookups of a few logins and addresses (including
 * ones taken from the file itself) without crashing, and every record it
 * hands out is consistent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_file.h"

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

/* Look a login up and check the record. */
static void
try_login(struct directory *d, const char *login)
{
	struct identity id;
	struct dir_lookup l;
	size_t i;

	memset(&id, 0, sizeof(id));
	snprintf(id.user, sizeof(id.user), "%s", login);
	snprintf(id.sent, sizeof(id.sent), "%s", login);
	dir_find_account(d, &id, &l);
	if (l.status == DIR_OK) {
		check(l.acct != NULL && l.acct->id != NULL);
		for (i = 0; i < l.acct->naddrs; i++)
			check(l.acct->addrs[i] != NULL);
		for (i = 0; i < l.acct->ndelegates; i++)
			check(l.acct->delegates[i] != NULL);
	}
	dir_release(d, &l);
}

/* Look an address key up. */
static void
try_owner(struct directory *d, const char *key)
{
	struct dir_lookup l;

	dir_find_owner(d, key, &l);
	if (l.status == DIR_OK)
		check(l.acct != NULL && l.acct->id != NULL);
	dir_release(d, &l);
}

/* The first blank-separated word of the first line, as a login. */
static void
first_word(const uint8_t *data, size_t size, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; i < size && i + 1 < bufsz; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
		    data[i] == ',' || data[i] == '\0')
			break;
		buf[i] = (char)data[i];
	}
	buf[i] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: the whole accounts file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct norm_opts norm = {false, "+"};
	char err[512], word[64];
	struct directory *d;

	d = dir_file_parse_buf("fuzz-accounts", (const char *)data, size, &norm,
	                       err, sizeof(err));
	if (d == NULL) {
		check(err[0] != '\0');
		return 0;
	}
	first_word(data, size, word, sizeof(word));
	try_login(d, word);
	try_login(d, "alice");
	try_login(d, "");
	try_owner(d, "alice@example.com");
	try_owner(d, "nobody@example.org");
	try_owner(d, "@example.com");
	dir_destroy(d);
	return 0;
}
