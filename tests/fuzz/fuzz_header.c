/*
 * fuzz_header.c - libFuzzer target: the RFC 5322 mailbox-list parser of
 * check_header_from (policy/mailbox_list.c).
 *
 * Input: one octet choosing the rules (bit 0: groups allowed, as for
 * From:; bit 1: at most one mailbox, as for Sender:), then the header value
 * as the MTA passes it. Checks:
 *   - counting and collecting parses agree (status, count, error offset);
 *   - every mailbox has a domain, no CR, LF or NUL in it or in the local
 *     part (which may be the empty quoted string), and the count stays
 *     within the rules;
 *   - a mailbox written as a path (mbox_format_path) parses back, alone,
 *     to the same local part and domain;
 *   - folding with a bare LF or with CRLF gives the same answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox_list.h"

#define MAXBOX 64

/* Abort so libFuzzer records a crash. */
static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_header: violated: %s\n", what);
		abort();
	}
}

struct seen {
	struct mbox box[MAXBOX];
	size_t n;
};

/* Keep a copy of each mailbox. */
static void
keep(const struct mbox *m, void *arg)
{
	struct seen *s = arg;

	check(s->n < MAXBOX, "more mailboxes than the rules allow");
	s->box[s->n++] = *m;
}

/* A mailbox written as a path parses back to itself. */
static void
round_trip(const struct mbox *m)
{
	static struct seen again;
	struct mbox_rules one = {false, 1};
	char path[2 * ADDR_BUF + 8];
	size_t n, count, at;

	check(m->local_len == strlen(m->local), /* "" is a local part */
	      "local part holding a NUL");
	check(m->domain_len > 0 && m->domain_len == strlen(m->domain),
	      "domain empty or holding a NUL");
	check(strpbrk(m->local, "\r\n") == NULL &&
	          strpbrk(m->domain, "\r\n") == NULL,
	      "a fold left in an address");
	n = mbox_format_path(m, path, sizeof(path));
	check(n > 2, "format_path failed on a parsed mailbox");
	again.n = 0;
	check(mbox_list_parse(path, n, &one, keep, &again, &count, &at) ==
	          MBOX_OK,
	      "the formatted path does not parse");
	check(again.n == 1 && strcmp(again.box[0].local, m->local) == 0 &&
	          strcmp(again.box[0].domain, m->domain) == 0,
	      "the formatted path parses to another address");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: rules octet + header value. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen got, crlf;
	struct mbox_rules r;
	const char *v = (const char *)data + 1;
	size_t len, count, count2, at, at2, i, k;
	enum mbox_status st, st2;
	char *wide;

	if (size < 1)
		return 0;
	r.groups = data[0] & 1;
	r.max = (data[0] & 2) ? 1 : MAXBOX;
	len = size - 1;
	got.n = 0;
	st = mbox_list_parse(v, len, &r, keep, &got, &count, &at);
	st2 = mbox_list_parse(v, len, &r, NULL, NULL, &count2, &at2);
	check(st == st2 && count == count2 && at == at2,
	      "collecting and counting parses differ");
	check(st < MBOX_STATUS_COUNT && mbox_status_name(st) != NULL,
	      "status out of range");
	check(at <= len, "error offset beyond the value");
	if (st == MBOX_OK) {
		check(count == got.n && count >= 1 && count <= r.max,
		      "count out of range");
		for (i = 0; i < got.n; i++)
			round_trip(&got.box[i]);
	}
	/* the same value folded with CRLF instead of LF */
	if (memchr(v, '\r', len) != NULL ||
	    (wide = malloc(2 * len + 1)) == NULL)
		return 0;
	for (i = 0, k = 0; i < len; i++) {
		if (v[i] == '\n')
			wide[k++] = '\r';
		wide[k++] = v[i];
	}
	crlf.n = 0;
	st2 = mbox_list_parse(wide, k, &r, keep, &crlf, &count2, &at2);
	check(st2 == st && count2 == count, "CRLF and LF folds differ");
	for (i = 0; st == MBOX_OK && i < got.n; i++)
		check(strcmp(got.box[i].local, crlf.box[i].local) == 0 &&
		          strcmp(got.box[i].domain, crlf.box[i].domain) == 0,
		      "CRLF and LF folds give other addresses");
	free(wide);
	return 0;
}
