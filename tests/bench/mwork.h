/*
 * mwork.h - the workload mgen replays: who logs in and which sender it uses.
 *
 * Either a file, one message per line ("LOGIN SENDER [EXPECT]", LOGIN "-"
 * for a session without AUTH, '#' comments; EXPECT is "accept", "reject",
 * "tempfail" or a reply-code prefix such as "554 5.7.1"), or generated on
 * the fly for N accounts "userI" owning "userI@example.com", a given
 * percentage of them sending as their neighbour (refused by origin-milter).
 */
#ifndef BENCH_MWORK_H
#define BENCH_MWORK_H

#include <stddef.h>

struct mw_entry {
	const char *login;  /* NULL: not authenticated */
	const char *sender; /* without angle brackets; "" is the null sender */
	const char *expect; /* NULL: no expectation */
};

struct mworkload {
	struct mw_entry *e; /* file entries, NULL when generated */
	size_t n;           /* entries, or generated accounts */
	unsigned refuse_pct;
	const char *gen_expect_ok, *gen_expect_bad; /* expectations, or NULL */
	char *text;         /* the file's contents, owned */
};

/* Load a workload file; -1 with a message on stderr. */
int mw_load(struct mworkload *w, const char *path);
/* A generated workload of n accounts. */
void mw_generate(struct mworkload *w, size_t n, unsigned refuse_pct);
/* Entry number i (modulo the size); generated ones are written into the
 * caller's buffers. */
void mw_pick(const struct mworkload *w, size_t i, struct mw_entry *out,
	     char *login, char *sender, size_t size);
void mw_free(struct mworkload *w);

#endif
