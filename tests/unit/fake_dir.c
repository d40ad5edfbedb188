/*
 * fake_dir.c - the in-memory test directory.
 */
#include <stdio.h>
#include <string.h>

#include "fake_dir.h"

static void
fake_find_account(struct directory *d, const struct identity *id,
		  struct dir_lookup *out)
{
	struct fake_dir *f = d->impl;
	size_t boxes = 0;

	f->lookups++;
	if (f->fail) {
		out->status = DIR_ERROR;
		snprintf(out->trace.error, sizeof(out->trace.error), "fake down");
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->entries[i].login, id->user) != 0)
			continue;
		dir_trace_add_candidate(&out->trace, f->entries[i].acct.id);
		if (f->entries[i].mailbox) {
			out->acct = &f->entries[i].acct;
			boxes++;
		}
	}
	snprintf(out->trace.source, sizeof(out->trace.source), "fake");
	out->status = boxes == 1 ? DIR_OK : boxes ? DIR_AMBIGUOUS : DIR_NOTFOUND;
	if (boxes != 1)
		out->acct = NULL;
}

static void
fake_find_owner(struct directory *d, const char *key, struct dir_lookup *out)
{
	struct fake_dir *f = d->impl;

	f->lookups++;
	if (f->fail) {
		out->status = DIR_ERROR;
		return;
	}
	for (size_t i = 0; i < f->n; i++)
		if (dir_account_holds(&f->entries[i].acct, key)) {
			out->status = DIR_OK;
			out->acct = &f->entries[i].acct;
			return;
		}
}

static void
fake_destroy(struct directory *d)
{
	(void)d;
}

static const struct directory_ops fake_ops = {
	.name = "fake",
	.find_account = fake_find_account,
	.find_owner = fake_find_owner,
	.destroy = fake_destroy,
};

void
fake_dir_init(struct fake_dir *f, const struct fake_entry *e, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->dir.ops = &fake_ops;
	f->dir.impl = f;
	f->entries = e;
	f->n = n;
}
