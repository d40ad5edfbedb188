/*
 * dir_ldap.c - the LDAP directory backend: find_account / find_owner over
 * a pooled libldap connection, answers cached with TTLs, every client value
 * escaped per RFC 4515, fail-closed (DIR_ERROR) when no server answers
 * within the configured timeout.
 */
#include <ldap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dir_ldap.h"
#include "ldap_filter.h"
#include "ldap_opts.h"
#include "ldap_pool.h"
#include "ldap_record.h"
#include "textutil.h"

#define FILTER_MAX 4096
#define SIZELIMIT 32

struct ldap_dir {
	struct directory d;
	struct ldap_opts *o;
	struct norm_opts norm;
	struct ldap_pool *pool;
	struct cache *cache;
	char **attrs;           /* attributes requested, NULL-terminated */
	size_t nattrs;
	char *owner_tmpl;       /* owner filter template with %a */
	LDAPControl sd_flags;   /* AD: SD-flags control, DACL only */
	LDAPControl *sctrls[2]; /* controls of every search, or NULL */
	char sd_flags_val[5];
};

struct fetch {
	struct ldap_dir *ld;
	const char *filter;     /* expanded search filter */
	const char *key;        /* find_owner: the address key */
	struct timespec deadline;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

/* Process-wide libldap options (run once). */
static void
global_init(void)
{
	int v3 = LDAP_VERSION3;
	ldap_set_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(NULL, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
}

/* Set libldap's global options once per process. */
static void
dir_ldap_global_init(void)
{
	pthread_once(&global_once, global_init);
}

/* The finished record as a cache value; NULL when out of memory. */
static struct cache_val *
finish(struct rec_build *b)
{
	struct ldap_rec *r = b != NULL ? rec_finish(b) : NULL;
	return r != NULL ? &r->hdr : NULL;
}

/* An error record. */
static struct cache_val *
error_rec(const char *source, const char *msg)
{
	struct rec_build *b = rec_new(DIR_ERROR, source);
	if (b != NULL)
		rec_set_error(b, msg);
	return finish(b);
}

/* Run one search; -1 with an error record in *err_out on failure. */
static int
search(struct fetch *f, const char *filter, struct pool_result *pr,
       struct cache_val **err_out)
{
	struct ldap_dir *d = f->ld;
	struct pool_query q = { d->o->base, d->o->scope, filter, d->attrs,
				SIZELIMIT, d->o->send_as_acl ? d->sctrls : NULL };
	if (ldap_pool_search(d->pool, &q, &f->deadline, pr) != 0) {
		*err_out = error_rec("", pr->error);
		return -1;
	}
	if (pr->rc == LDAP_SUCCESS || pr->rc == LDAP_SIZELIMIT_EXCEEDED)
		return 0;
	char msg[256];
	snprintf(msg, sizeof(msg), "%.200s: search: %s", pr->source,
		 ldap_err2string(pr->rc));
	*err_out = error_rec(pr->source, msg);
	ldap_pool_done(d->pool, pr);
	return -1;
}

/* Add the login's groups (tokenGroups, a constructed attribute AD gives
 * only to BASE reads) to b, on the handle that found the entry. */
static int
read_token(struct fetch *f, LDAP *ld, LDAPMessage *e, struct rec_build *b,
	   char *err, size_t errsz)
{
	char *dn = ldap_get_dn(ld, e);
	char tg[] = "tokenGroups";
	char *attrs[] = { tg, NULL };
	LDAPMessage *res = NULL;
	double left = deadline_left(&f->deadline);
	struct timeval tv = { (time_t)left,
			      (long)((left - (double)(long)left) * 1e6) };
	int rc = dn == NULL ? LDAP_NO_MEMORY
	       : left <= 0  ? LDAP_TIMEOUT
			    : ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
						"(objectClass=*)", attrs, 0,
						NULL, NULL, &tv, 1, &res);
	LDAPMessage *te = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	if (te != NULL && rec_add_token(b, ld, te) != 0)
		rc = LDAP_NO_MEMORY;
	else if (rc == LDAP_SUCCESS && te == NULL)
		rc = LDAP_NO_SUCH_OBJECT;
	if (rc != LDAP_SUCCESS)
		snprintf(err, errsz, "tokenGroups of %.150s: %s",
			 dn ? dn : "?", ldap_err2string(rc));
	ldap_msgfree(res);
	ldap_memfree(dn);
	return rc == LDAP_SUCCESS ? 0 : -1;
}

/* A record for exactly one entry; for a login's entry (account) also
 * its groups and whether it is disabled. */
static struct cache_val *
one_entry(struct fetch *f, struct pool_result *pr, LDAPMessage *e,
	  bool account)
{
	struct ldap_dir *d = f->ld;
	char err[256];
	struct rec_build *b = rec_new(DIR_OK, pr->source);
	if (b == NULL)
		return NULL;
	if (rec_fill(b, pr->ld, e, d->o, &d->norm) != 0) {
		rec_discard(b);
		return error_rec(pr->source, "out of memory, or a ranged "
					     "attribute could not be read");
	}
	if (account && d->o->token_groups &&
	    read_token(f, pr->ld, e, b, err, sizeof(err)) != 0) {
		rec_discard(b);
		return error_rec(pr->source, err);
	}
	if (account && d->o->refuse_disabled && b->disabled) {
		b->status = DIR_NOTFOUND;
		rec_set_error(b, "account disabled (userAccountControl "
				 "ACCOUNTDISABLE)");
	}
	return finish(b);
}

/* A not-found record (cached for negative_ttl); NULL when out of memory. */
static struct cache_val *
not_found(const char *source)
{
	return finish(rec_new(DIR_NOTFOUND, source));
}

/* An ambiguous record listing every entry of pr. */
static struct cache_val *
ambiguous(struct pool_result *pr, const char *why)
{
	struct rec_build *r = rec_new(DIR_AMBIGUOUS, pr->source);
	if (r == NULL)
		return NULL;
	rec_set_error(r, why);
	for (LDAPMessage *e = ldap_first_entry(pr->ld, pr->msg); e != NULL;
	     e = ldap_next_entry(pr->ld, e)) {
		char *dn = entry_dn(pr->ld, e);
		if (dn != NULL)
			rec_add_candidate(r, dn);
		free(dn);
	}
	if (pr->rc == LDAP_SIZELIMIT_EXCEEDED)
		rec_add_candidate(r, "(more: size limit)");
	return finish(r);
}

/* No mailbox matches the login: not found, naming any entries (contacts,
 * custom recipients) that carry it, as the file backend does. */
static struct cache_val *
no_mailbox(struct fetch *f)
{
	struct pool_result pr;
	struct cache_val *v = NULL;

	if (search(f, f->filter, &pr, &v) != 0)
		return v;
	struct rec_build *r = rec_new(DIR_NOTFOUND, pr.source);
	if (r != NULL && ldap_count_entries(pr.ld, pr.msg) > 0) {
		rec_set_error(r, "only entries that are not mailboxes "
				 "(mailbox_filter: contacts, custom "
				 "recipients) carry this login");
		for (LDAPMessage *e = ldap_first_entry(pr.ld, pr.msg);
		     e != NULL; e = ldap_next_entry(pr.ld, e)) {
			char *dn = entry_dn(pr.ld, e);
			if (dn != NULL)
				rec_add_candidate(r, dn);
			free(dn);
		}
	}
	ldap_pool_done(f->ld->pool, &pr);
	return finish(r);
}

/* With mailbox_filter, only the entries it selects are mailboxes, even
 * when the login matches a single entry: a lone contact (custom
 * recipient) is not the account. One search in the usual case. */
static struct cache_val *
fetch_mailbox(struct fetch *f)
{
	struct ldap_dir *d = f->ld;
	char filter[FILTER_MAX];
	struct pool_result pr;
	struct cache_val *v = NULL;

	if ((size_t)snprintf(filter, sizeof(filter), "(&%s%s)", f->filter,
			     d->o->mailbox_filter) >= sizeof(filter))
		return error_rec("", "account_filter and mailbox_filter "
				     "together are too long");
	if (search(f, filter, &pr, &v) != 0)
		return v;
	int n = ldap_count_entries(pr.ld, pr.msg);
	if (n == 1 && pr.rc == LDAP_SUCCESS)
		v = one_entry(f, &pr, ldap_first_entry(pr.ld, pr.msg), true);
	else if (n > 0)
		v = ambiguous(&pr, "several mailboxes match the login");
	ldap_pool_done(d->pool, &pr);
	return n == 0 ? no_mailbox(f) : v;
}

/* Fetch function of find_account: without mailbox_filter every entry
 * that matches the login counts, and several are refused. */
static struct cache_val *
fetch_account(void *arg)
{
	struct fetch *f = arg;
	struct pool_result pr;
	struct cache_val *v = NULL;

	if (f->ld->o->mailbox_filter != NULL)
		return fetch_mailbox(f);
	if (search(f, f->filter, &pr, &v) != 0)
		return v;
	int n = ldap_count_entries(pr.ld, pr.msg);
	if (n == 0 && pr.rc == LDAP_SUCCESS)
		v = not_found(pr.source);
	else if (n == 1 && pr.rc == LDAP_SUCCESS)
		v = one_entry(f, &pr, ldap_first_entry(pr.ld, pr.msg), true);
	else
		v = ambiguous(&pr, "several entries match the login (set "
				   "mailbox_filter to tell the mailbox)");
	ldap_pool_done(f->ld->pool, &pr);
	return v;
}

/* True if rec holds key exactly. */
static int
holds(const struct ldap_rec *r, const char *key)
{
	for (size_t i = 0; i < r->acct.naddrs; i++)
		if (strcmp(r->acct.addrs[i], key) == 0)
			return 1;
	return 0;
}

/* Among the entries, those holding want: the one, or ambiguous. */
static struct cache_val *
pick_holder(struct fetch *f, struct pool_result *pr, const char *want,
	    int *count)
{
	struct ldap_rec *found = NULL;
	struct rec_build *amb = NULL;
	*count = 0;
	for (LDAPMessage *e = ldap_first_entry(pr->ld, pr->msg); e != NULL;
	     e = ldap_next_entry(pr->ld, e)) {
		struct ldap_rec *r = (struct ldap_rec *)one_entry(f, pr, e,
								  false);
		if (r == NULL || r->status != DIR_OK || !holds(r, want)) {
			cache_val_put(r ? &r->hdr : NULL);
			continue;
		}
		if (++*count == 1) {
			found = r;
			continue;
		}
		if (amb == NULL && (amb = rec_new(DIR_AMBIGUOUS,
						  pr->source)) != NULL) {
			char why[600];
			snprintf(why, sizeof(why), "several entries hold %.500s",
				 want);
			rec_set_error(amb, why);
			rec_add_candidate(amb, found->acct.id);
		}
		if (amb != NULL)
			rec_add_candidate(amb, r->acct.id);
		cache_val_put(&r->hdr);
	}
	if (*count <= 1)
		return found ? &found->hdr : NULL;
	cache_val_put(&found->hdr);
	return amb ? finish(amb) : error_rec(pr->source, "out of memory");
}

/* The holder of the key among pr's entries; *n is how many hold it. */
static struct cache_val *
holder(struct fetch *f, struct pool_result *pr, int *n)
{
	return pick_holder(f, pr, f->key, n);
}

/* Several entries hold the address: let mailbox_filter choose. */
static struct cache_val *
owner_mailbox(struct fetch *f, struct cache_val *amb)
{
	char filter[FILTER_MAX];
	struct pool_result pr;
	struct cache_val *v = NULL;
	int n;

	if (f->ld->o->mailbox_filter == NULL ||
	    (size_t)snprintf(filter, sizeof(filter), "(&%s%s)", f->filter,
			     f->ld->o->mailbox_filter) >= sizeof(filter))
		return amb;
	if (search(f, filter, &pr, &v) != 0) {
		cache_val_put(amb);
		return v;
	}
	v = holder(f, &pr, &n);
	ldap_pool_done(f->ld->pool, &pr);
	if (n == 1) {
		cache_val_put(amb);
		return v;
	}
	cache_val_put(v);
	return amb;
}

/* Fetch function of find_owner: the exact holder of the key. */
static struct cache_val *
fetch_owner(void *arg)
{
	struct fetch *f = arg;
	struct pool_result pr;
	struct cache_val *v = NULL;
	int n;

	if (search(f, f->filter, &pr, &v) != 0)
		return v;
	v = holder(f, &pr, &n);
	if (n == 0)
		v = not_found(pr.source);
	ldap_pool_done(f->ld->pool, &pr);
	if (n > 1)
		v = owner_mailbox(f, v);
	return v;
}

/* Copy s (NULL: empty) into dst, bounded. */
static void
copy_str(char *dst, size_t size, const char *s)
{
	copy_bounded(dst, size, s ? s : "", s ? strlen(s) : 0);
}

/* Copy a record's answer into the lookup; keeps the reference if OK. */
static void
answer(struct dir_lookup *out, struct cache_val *v,
       const struct cache_info *info)
{
	struct ldap_rec *r = (struct ldap_rec *)v;
	if (r == NULL) {
		out->status = DIR_ERROR;
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "no answer in time (out of memory or waiting)");
		return;
	}
	out->status = r->status;
	out->trace.from_cache = info->from_cache;
	out->trace.stale = info->stale;
	/* every message's lookup comes here: copies, not printf */
	copy_str(out->trace.source, sizeof(out->trace.source), r->source);
	copy_str(out->trace.error, sizeof(out->trace.error), r->error);
	copy_str(out->trace.candidates, sizeof(out->trace.candidates),
		 r->candidates);
	out->trace.ncandidates = r->ncandidates;
	if (r->status == DIR_OK) {
		out->acct = &r->acct;
		out->ref = r;
		return;
	}
	cache_val_put(v);
}

/* Cached lookup of one filter under a cache key. */
static void
lookup(struct ldap_dir *d, const char *ckey, struct fetch *f,
       cache_fetch_fn fn, struct dir_lookup *out)
{
	struct cache_info info;
	deadline_after(&f->deadline, d->o->timeout);
	struct cache_val *v = cache_lookup(d->cache, ckey, fn, f,
					   &f->deadline, &info);
	answer(out, v, &info);
}

/* directory op: map a login to one mailbox. */
static void
dl_find_account(struct directory *dir, const struct identity *id,
		  struct dir_lookup *out)
{
	struct ldap_dir *d = dir->impl;
	char ckey[FILTER_MAX + 2];
	struct filter_var vars[] = {
		{ 'u', id->user, strlen(id->user) },
		{ 'd', id->domain, strlen(id->domain) },
		{ 's', id->sent, strlen(id->sent) },
	};
	dir_lookup_init(out);
	ckey[0] = 'A';
	if (filter_expand(d->o->account_filter, vars, 3, ckey + 1,
			  FILTER_MAX) != 0) {
		out->status = DIR_NOTFOUND;
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "login too long for the account filter");
		return;
	}
	struct fetch f = { d, ckey + 1, NULL, { 0, 0 } };
	lookup(d, ckey, &f, fetch_account, out);
}

/* directory op: the entry holding an address key exactly (a catch-all
 * key "@domain" is searched as it is: one cached answer per domain). */
static void
dl_find_owner(struct directory *dir, const char *key,
		struct dir_lookup *out)
{
	struct ldap_dir *d = dir->impl;
	char ckey[KEY_BUF + 2], filter[FILTER_MAX];
	dir_lookup_init(out);
	struct filter_var v1 = { 'a', key, strlen(key) };
	if (filter_expand(d->owner_tmpl, &v1, 1, filter, sizeof(filter)) != 0) {
		out->status = DIR_NOTFOUND;
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "address too long for the owner filter");
		return;
	}
	snprintf(ckey, sizeof(ckey), "O%s", key);
	struct fetch f = { d, filter, key, { 0, 0 } };
	lookup(d, ckey, &f, fetch_owner, out);
}

/* directory op: give back a record. */
static void
dl_release(struct directory *dir, struct dir_lookup *l)
{
	(void)dir;
	if (l->ref != NULL)
		cache_val_put(l->ref);
	l->ref = NULL;
	l->acct = NULL;
}

/* directory op: statistics. */
static void
dl_stats(struct directory *dir, char *buf, size_t size)
{
	struct ldap_dir *d = dir->impl;
	char p[256], c[256], a[512] = "";
	size_t n = 0;
	for (size_t i = 0; i < d->nattrs && n < sizeof(a); i++)
		n += (size_t)snprintf(a + n, sizeof(a) - n, "%s%s",
				      i ? "," : "", d->attrs[i]);
	ldap_pool_stats(d->pool, p, sizeof(p));
	cache_stats(d->cache, c, sizeof(c));
	snprintf(buf, size, "%s; %s; base=%s attrs=%s", p, c, d->o->base, a);
}

/* directory op: free everything (no lookup may be running). */
static void
dl_destroy(struct directory *dir)
{
	struct ldap_dir *d = dir->impl;
	if (d == NULL)
		return;
	cache_free(d->cache);
	ldap_pool_free(d->pool);
	strv_free(d->attrs, d->nattrs);
	free(d->owner_tmpl);
	ldap_opts_release(d->o);
	free(d);
}

static const struct directory_ops ldap_ops = {
	"ldap", dl_find_account, dl_find_owner, dl_release,
	dl_stats, dl_destroy,
};

/* Add attribute a (if set) to the requested list. */
static void
want_attr(struct ldap_dir *d, const char *a)
{
	if (a != NULL && *a != '\0')
		d->attrs[d->nattrs++] = strdup(a);
}

/* The list of attributes every search asks for. */
static int
build_attrs(struct ldap_dir *d)
{
	const struct ldap_opts *o = d->o;
	size_t n = 10 + o->naddress_attrs + o->nproxy_attrs;
	if ((d->attrs = calloc(n + 1, sizeof(*d->attrs))) == NULL)
		return -1;
	want_attr(d, "objectClass");
	want_attr(d, o->name_attr);
	for (size_t i = 0; i < o->naddress_attrs; i++)
		want_attr(d, o->address_attrs[i]);
	for (size_t i = 0; i < o->nproxy_attrs; i++)
		want_attr(d, o->proxy_attrs[i]);
	want_attr(d, o->home_attr);
	want_attr(d, o->home_mdb_attr);
	want_attr(d, o->delegate_attr);
	char ranged[160];
	if (o->group_send_as && o->member_range > 0) {
		snprintf(ranged, sizeof(ranged), "%s;range=0-%u",
			 o->member_attr, o->member_range - 1);
		want_attr(d, ranged);
	} else if (o->group_send_as) {
		want_attr(d, o->member_attr);
	}
	if (o->token_groups || o->group_send_as)
		want_attr(d, "objectSid");
	if (o->send_as_acl)
		want_attr(d, "nTSecurityDescriptor");
	if (o->refuse_disabled)
		want_attr(d, "userAccountControl");
	for (size_t i = 0; i < d->nattrs; i++)
		if (d->attrs[i] == NULL)
			return -1;
	return 0;
}

/* The owner filter: configured, or one term per address attribute. */
static int
build_owner_tmpl(struct ldap_dir *d)
{
	const struct ldap_opts *o = d->o;
	if (o->owner_filter != NULL)
		return (d->owner_tmpl = strdup(o->owner_filter)) ? 0 : -1;
	size_t size = 8;
	for (size_t i = 0; i < o->naddress_attrs; i++)
		size += strlen(o->address_attrs[i]) + 8;
	for (size_t i = 0; i < o->nproxy_attrs; i++)
		size += strlen(o->proxy_attrs[i]) + 14;
	if ((d->owner_tmpl = malloc(size)) == NULL)
		return -1;
	strcpy(d->owner_tmpl, "(|");
	for (size_t i = 0; i < o->naddress_attrs; i++)
		sprintf(d->owner_tmpl + strlen(d->owner_tmpl), "(%s=%%a)",
			o->address_attrs[i]);
	for (size_t i = 0; i < o->nproxy_attrs; i++)
		sprintf(d->owner_tmpl + strlen(d->owner_tmpl), "(%s=smtp:%%a)",
			o->proxy_attrs[i]);
	strcat(d->owner_tmpl, ")");
	return 0;
}

/* What is wrong with o, or NULL. */
static const char *
check_opts(const struct ldap_opts *o)
{
	if (o->nuris == 0)
		return "ldap: no uri";
	if (o->base == NULL)
		return "ldap: no base";
	if (o->pool_size == 0)
		return "ldap: pool_size must be at least 1";
	if (o->timeout <= 0)
		return "ldap: timeout must be positive";
	if (o->naddress_attrs + o->nproxy_attrs == 0)
		return "ldap: no address attribute";
	if (o->account_filter == NULL ||
	    filter_check_template(o->account_filter, "uds") != 0)
		return "ldap: account_filter may use only %u, %d, %s";
	if (o->owner_filter && filter_check_template(o->owner_filter, "a"))
		return "ldap: owner_filter may use only %a";
	if (o->bind == LDAP_BIND_SIMPLE &&
	    (o->bind_dn == NULL || o->bind_password == NULL))
		return "ldap: simple bind needs bind_dn and a password";
	return NULL;
}

/* GSSAPI: point Kerberos at the client keytab and a private ticket
 * cache. The environment is the process's: set once, before the
 * lookup threads start (a changed keytab path needs a restart). */
static void
kerberos_env(const struct ldap_opts *o)
{
	if (o->bind != LDAP_BIND_GSSAPI)
		return;
	const char *cur = getenv("KRB5_CLIENT_KTNAME");
	if (o->sasl_keytab != NULL && cur == NULL)
		setenv("KRB5_CLIENT_KTNAME", o->sasl_keytab, 0);
	if (getenv("KRB5CCNAME") == NULL)
		setenv("KRB5CCNAME", "MEMORY:origin-milter", 0);
}

/* Create the backend; no server is contacted here. */
struct directory *
dir_ldap_create(const struct ldap_opts *o, const struct norm_opts *norm,
		char *err, size_t errsz)
{
	const char *bad = check_opts(o);
	if (bad != NULL) {
		snprintf(err, errsz, "%s", bad);
		return NULL;
	}
	dir_ldap_global_init();
	kerberos_env(o);
	struct ldap_dir *d = calloc(1, sizeof(*d));
	if (d == NULL)
		goto oom;
	d->d.ops = &ldap_ops;
	d->d.impl = d;
	/* SD flags (1.2.840.113556.1.4.801): BER SEQUENCE { INTEGER 4 },
	 * DACL only, which a non-admin account may read; not critical, so
	 * a server without it still answers */
	memcpy(d->sd_flags_val, "\x30\x03\x02\x01\x04", 5);
	d->sd_flags.ldctl_oid = (char *)"1.2.840.113556.1.4.801";
	d->sd_flags.ldctl_value.bv_val = d->sd_flags_val;
	d->sd_flags.ldctl_value.bv_len = 5;
	d->sd_flags.ldctl_iscritical = 0;
	d->sctrls[0] = &d->sd_flags;
	d->sctrls[1] = NULL;
	d->norm = *norm;
	struct cache_params cp = { o->cache_size, o->cache_ttl,
				   o->negative_cache_ttl, o->stale_grace };
	if ((d->o = ldap_opts_copy(o)) == NULL ||
	    (d->pool = ldap_pool_new(d->o)) == NULL ||
	    (o->cache_size > 0 && (d->cache = cache_new(&cp)) == NULL) ||
	    build_attrs(d) != 0 || build_owner_tmpl(d) != 0)
		goto oom;
	return &d->d;
oom:
	if (d != NULL)
		dl_destroy(&d->d);
	snprintf(err, errsz, "ldap: out of memory");
	return NULL;
}
