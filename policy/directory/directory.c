/*
 * directory.c - the backend-independent part of the directory interface:
 * dispatch, and the ownership helpers the decision engine applies to records.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dir_reaper.h"
#include "directory.h"
#include "normalize.h"

/* Map a login to a mailbox: the whole login first; only when no mailbox
 * has it (not found, or contacts only) the reduced login. */
void
dir_find_account(struct directory *d, const struct identity *id,
		 struct dir_lookup *out)
{
	struct identity whole;

	dir_lookup_init(out);
	if (!identity_reduced(id)) {
		d->ops->find_account(d, id, out);
		return;
	}
	whole = *id;
	memcpy(whole.user, id->login, sizeof(whole.user));
	d->ops->find_account(d, &whole, out);
	if (out->status != DIR_NOTFOUND)
		return;
	dir_release(d, out);
	dir_lookup_init(out);
	d->ops->find_account(d, id, out);
	out->reduced = true;
}

/* The entry holding an address key. */
void
dir_find_owner(struct directory *d, const char *key, struct dir_lookup *out)
{
	dir_lookup_init(out);
	d->ops->find_owner(d, key, out);
}

/* Give back a record obtained from a lookup. */
void
dir_release(struct directory *d, struct dir_lookup *l)
{
	if (l->ref != NULL && d->ops->release != NULL)
		d->ops->release(d, l);
	l->ref = NULL;
	l->acct = NULL;
}

/* Destroy a directory: on the reaper thread while it runs (a callback's
 * last release must not wait for LDAP unbinds), else at once. */
void
dir_destroy(struct directory *d)
{
	if (d != NULL && !dir_reaper_take(d))
		d->ops->destroy(d);
}

/* An empty answer. */
void
dir_lookup_init(struct dir_lookup *l)
{
	memset(l, 0, sizeof(*l));
	l->status = DIR_NOTFOUND;
}

/* Append one candidate id to the trace ("; "-separated, bounded). */
void
dir_trace_add_candidate(struct dir_trace *t, const char *id)
{
	size_t n = strlen(t->candidates);

	t->ncandidates++;
	if (n + 1 >= sizeof(t->candidates))
		return;
	snprintf(t->candidates + n, sizeof(t->candidates) - n, "%s%s",
		 n ? "; " : "", id);
}

/* Does acct hold key exactly (a catch-all key "@domain" included)? */
bool
dir_account_holds(const struct dir_account *acct, const char *key)
{
	for (size_t i = 0; i < acct->naddrs; i++)
		if (strcmp(acct->addrs[i], key) == 0)
			return true;
	return false;
}

/* The keys that decide who owns key, most specific first: key itself,
 * its base address (written into base), the catch-all "@domain" (a
 * suffix of key: no copy). */
size_t
dir_owner_keys(const char *key, const char *delims, char base[KEY_BUF],
	       const char *keys[DIR_OWNER_LEVELS])
{
	size_t n = 0;
	const char *at = strrchr(key, '@');

	keys[n++] = key;
	if (key_base(key, delims, base, KEY_BUF) > 0)
		keys[n++] = base;
	if (key[0] != '@')
		keys[n++] = at != NULL ? at : "@";
	return n;
}

/* Is delegate_id among acct's delegates? */
bool
dir_account_delegates_to(const struct dir_account *acct,
			 const char *delegate_id)
{
	for (size_t i = 0; i < acct->ndelegates; i++)
		if (strcasecmp(acct->delegates[i], delegate_id) == 0)
			return true;
	return false;
}

/* True if sid is in acct's token (its own, its groups', well-known). */
static bool
token_has(const struct dir_account *acct, const char *sid, bool self)
{
	if (strcmp(sid, "S-1-1-0") == 0 || strcmp(sid, "S-1-5-11") == 0)
		return true; /* Everyone, Authenticated Users */
	if (self && strcmp(sid, "S-1-5-10") == 0)
		return true; /* Principal Self, on the account's own entry */
	if (acct->sid != NULL && strcmp(acct->sid, sid) == 0)
		return true;
	for (size_t i = 0; i < acct->ntoken; i++)
		if (strcmp(acct->token[i], sid) == 0)
			return true;
	return false;
}

/* May acct send as owner's addresses (see directory.h)? */
enum send_as_via
dir_account_send_as(const struct dir_account *owner,
		    const struct dir_account *acct)
{
	if (dir_account_delegates_to(owner, acct->id))
		return owner->delegates_on_behalf && !owner->is_group
			       ? SEND_AS_ON_BEHALF
			       : SEND_AS_DELEGATE;
	if (owner->is_group && owner->sid != NULL && acct->sid != NULL &&
	    token_has(acct, owner->sid, false))
		return SEND_AS_GROUP;
	if (acct->sid == NULL)
		return SEND_AS_NONE; /* no token to check ACEs against */
	bool self = strcasecmp(owner->id, acct->id) == 0;
	for (size_t i = 0; i < owner->nsend_as_aces; i++) {
		const char *ace = owner->send_as_aces[i];
		if (token_has(acct, ace + 1, self))
			return ace[0] == '+' ? SEND_AS_ACL
					     : SEND_AS_ACL_DENIED;
	}
	return SEND_AS_NONE;
}

/* Stable name of a send-as reason. */
const char *
send_as_via_name(enum send_as_via v)
{
	switch (v) {
	case SEND_AS_NONE:
		return "none";
	case SEND_AS_DELEGATE:
		return "delegate";
	case SEND_AS_ON_BEHALF:
		return "on_behalf";
	case SEND_AS_GROUP:
		return "group";
	case SEND_AS_ACL:
		return "acl";
	case SEND_AS_ACL_DENIED:
		return "acl_deny";
	}
	return "unknown";
}

