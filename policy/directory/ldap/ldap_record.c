/*
 * ldap_record.c - turn LDAP entries into dir_account records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ldap_record.h"
#include "ldap_values.h"
#include "sd_parse.h"

#define UF_ACCOUNTDISABLE 0x2

/* Append a copy of s (len octets) to v. */
static int
strv_push(struct strv *v, const char *s, size_t len)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		char **nv = realloc(v->v, cap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		v->v = nv;
		v->cap = cap;
	}
	char *c = malloc(len + 1);
	if (c == NULL)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	v->v[v->n++] = c;
	return 0;
}

/* Free the strings of v. */
static void
strv_clear(struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
}

/* Throw a record being built away. */
void
rec_discard(struct rec_build *b)
{
	if (b == NULL)
		return;
	free(b->source);
	free(b->error);
	free(b->candidates);
	free(b->id);
	free(b->name);
	free(b->home);
	strv_clear(&b->addrs);
	strv_clear(&b->dels);
	free(b->sid);
	strv_clear(&b->token);
	strv_clear(&b->aces);
	free(b);
}

/* A new, empty record. */
struct rec_build *
rec_new(enum dir_status st, const char *source)
{
	struct rec_build *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->status = st;
	b->source = strdup(source ? source : "");
	if (b->source == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

/* Set the error text (replacing any earlier one). */
void
rec_set_error(struct rec_build *b, const char *msg)
{
	free(b->error);
	b->error = strdup(msg);
}

/* Add one candidate DN to the record's list (truncated when full). */
void
rec_add_candidate(struct rec_build *r, const char *dn)
{
	size_t len = r->candidates ? strlen(r->candidates) : 0;
	char *c;

	r->ncandidates++;
	if (len > 4096)
		return; /* enough for any log line; the count stays exact */
	c = realloc(r->candidates, len + strlen(dn) + 3);
	if (c == NULL)
		return;
	snprintf(c + len, strlen(dn) + 3, "%s%s", len ? "; " : "", dn);
	r->candidates = c;
}

/* Normalised, folded DN of an entry. */
char *
entry_dn(LDAP *ld, LDAPMessage *e)
{
	char *raw = ldap_get_dn(ld, e), *norm = NULL;
	if (raw == NULL)
		return NULL;
	if (ldap_dn_normalize(raw, LDAP_DN_FORMAT_LDAP, &norm,
			      LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		norm = NULL;
	char *out = strdup(norm ? norm : raw);
	ldap_memfree(raw);
	ldap_memfree(norm);
	if (out != NULL)
		dn_fold(out);
	return out;
}

/* Normalise a DN value the same way as entry_dn into v. */
static int
push_dn(struct strv *v, const struct berval *bv)
{
	char raw[1024], *norm = NULL;
	if (bv->bv_len >= sizeof(raw) || memchr(bv->bv_val, 0, bv->bv_len))
		return 0;
	memcpy(raw, bv->bv_val, bv->bv_len);
	raw[bv->bv_len] = '\0';
	if (ldap_dn_normalize(raw, LDAP_DN_FORMAT_LDAP, &norm,
			      LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    norm != NULL) {
		snprintf(raw, sizeof(raw), "%s", norm);
		ldap_memfree(norm);
	}
	dn_fold(raw);
	return strv_push(v, raw, strlen(raw));
}

/* Copy a value as a C string into buf; -1 if it holds NUL or is long. */
static int
value_str(const struct berval *bv, char *buf, size_t size)
{
	if (bv->bv_len >= size || memchr(bv->bv_val, 0, bv->bv_len))
		return -1;
	memcpy(buf, bv->bv_val, bv->bv_len);
	buf[bv->bv_len] = '\0';
	return 0;
}

/* Add the key of one address value (skipped if it does not parse). */
static int
push_addr(struct rec_build *r, const char *text, const struct norm_opts *n)
{
	char key[KEY_BUF];
	enum addr_status perr;
	if (key_from_text(text, n, key, sizeof(key), &perr) != NORM_OK)
		return 0;
	return strv_push(&r->addrs, key, strlen(key));
}

/* Addresses from plain (proxy = 0) or typed (proxy = 1) values. */
static int
add_addrs(struct rec_build *r, const struct berval *vals, int proxy,
	  const struct norm_opts *n)
{
	char buf[1100];
	for (; vals->bv_val != NULL; vals++) {
		if (value_str(vals, buf, sizeof(buf)) != 0)
			continue;
		const char *a = proxy ? proxy_smtp_address(buf) : buf;
		if (a != NULL && push_addr(r, a, n) != 0)
			return -1;
	}
	return 0;
}

/* Copy of the first value (if none yet) into *dst. */
static void
set_first(char **dst, const struct berval *vals)
{
	char buf[1100];
	if (*dst == NULL && vals->bv_val != NULL &&
	    value_str(vals, buf, sizeof(buf)) == 0)
		*dst = strdup(buf);
}

/* Add every DN value to v. */
static int
add_dns(struct strv *v, const struct berval *vals)
{
	for (; vals->bv_val != NULL; vals++)
		if (push_dn(v, vals) != 0)
			return -1;
	return 0;
}

/* True if one of the objectClass values is a group class. */
static int
has_group_class(const struct berval *vals, const struct ldap_opts *o)
{
	for (; vals->bv_val != NULL; vals++)
		for (size_t i = 0; i < o->ngroup_classes; i++)
			if (strlen(o->group_classes[i]) == vals->bv_len &&
			    strncasecmp(o->group_classes[i], vals->bv_val,
					vals->bv_len) == 0)
				return 1;
	return 0;
}

/* True if the attribute name a equals the configured name. */
static int
is_attr(const struct berval *a, const char *name)
{
	return name != NULL && strlen(name) == a->bv_len &&
	       strncasecmp(name, a->bv_val, a->bv_len) == 0;
}

/* True if a is one of the n names. */
static int
in_list(const struct berval *a, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_attr(a, names[i]))
			return 1;
	return 0;
}

/* What one entry holds, gathered in a single pass. */
struct gather {
	char *home, *mdb;
	struct strv members;
	int group;
	long member_next; /* AD ranged member values: next start, or -1 */
};

/* Add the string form of each binary SID value to v. */
static int
add_sids(struct strv *v, const struct berval *vals)
{
	char s[SID_STR_MAX];
	for (; vals->bv_val != NULL; vals++)
		if (sid_to_string((const unsigned char *)vals->bv_val,
				  vals->bv_len, s, sizeof(s)) > 0 &&
		    strv_push(v, s, strlen(s)) != 0)
			return -1;
	return 0;
}

/* sd_walk_right callback: keep the ACE as "+SID" or "-SID". */
static int
keep_ace(void *arg, bool allow, const char *sid)
{
	char buf[SID_STR_MAX + 1];
	snprintf(buf, sizeof(buf), "%c%s", allow ? '+' : '-', sid);
	return strv_push(arg, buf, strlen(buf)) != 0 ? -2 : 0;
}

/* The Send-As ACEs of a security descriptor value. */
static int
add_send_as(struct rec_build *r, const struct berval *vals)
{
	if (vals->bv_val == NULL)
		return 0;
	int rc = sd_walk_right((const unsigned char *)vals->bv_val,
			       vals->bv_len, SD_SEND_AS_GUID, keep_ace,
			       &r->aces);
	if (rc == -2)
		return -1;
	if (rc != 0) { /* malformed: no grant from it, and say so */
		strv_clear(&r->aces);
		memset(&r->aces, 0, sizeof(r->aces));
		r->bad_sd = true;
	}
	return 0;
}

/* userAccountControl's ACCOUNTDISABLE bit. */
static void
set_disabled(struct rec_build *r, const struct berval *vals)
{
	char buf[32];
	if (vals->bv_val != NULL && value_str(vals, buf, sizeof(buf)) == 0)
		r->disabled = (strtoul(buf, NULL, 10) & UF_ACCOUNTDISABLE) != 0;
}

/* Attribute a is name;range=LO-HI (AD's ranged values): *next is HI + 1,
 * or -1 when HI is "*" (the last range). */
static int
is_ranged(const struct berval *a, const char *name, long *next)
{
	size_t n = name ? strlen(name) : 0;
	static const char opt[] = ";range=";
	if (n == 0 || a->bv_len <= n + sizeof(opt) - 1 ||
	    strncasecmp(a->bv_val, name, n) != 0 ||
	    strncasecmp(a->bv_val + n, opt, sizeof(opt) - 1) != 0)
		return 0;
	const char *dash = memchr(a->bv_val + n, '-', a->bv_len - n);
	if (dash == NULL)
		return 0;
	size_t rest = a->bv_len - (size_t)(dash + 1 - a->bv_val);
	if (rest == 1 && dash[1] == '*') {
		*next = -1;
		return 1;
	}
	char num[24];
	if (rest == 0 || rest >= sizeof(num))
		return 0;
	memcpy(num, dash + 1, rest);
	num[rest] = '\0';
	char *end;
	long hi = strtol(num, &end, 10);
	if (*end != '\0' || hi < 0)
		return 0;
	*next = hi + 1;
	return 1;
}

static int walk(struct rec_build *r, struct gather *g, LDAP *ld,
		LDAPMessage *e, const struct ldap_opts *o,
		const struct norm_opts *n);

/* Dispatch one attribute with its values. */
static int
take_attr(struct rec_build *r, struct gather *g, const struct berval *a,
	  const struct berval *vals, const struct ldap_opts *o,
	  const struct norm_opts *n)
{
	if (in_list(a, o->address_attrs, o->naddress_attrs) &&
	    add_addrs(r, vals, 0, n) != 0)
		return -1;
	if (in_list(a, o->proxy_attrs, o->nproxy_attrs) &&
	    add_addrs(r, vals, 1, n) != 0)
		return -1;
	if (is_attr(a, o->name_attr))
		set_first(&r->name, vals);
	if (is_attr(a, o->home_attr))
		set_first(&g->home, vals);
	if (is_attr(a, o->home_mdb_attr))
		set_first(&g->mdb, vals);
	if (is_attr(a, o->delegate_attr) && add_dns(&r->dels, vals) != 0)
		return -1;
	if (is_attr(a, "objectClass"))
		g->group = has_group_class(vals, o);
	if (o->group_send_as && is_attr(a, o->member_attr) &&
	    add_dns(&g->members, vals) != 0)
		return -1;
	long next;
	if (o->group_send_as && is_ranged(a, o->member_attr, &next)) {
		g->member_next = next;
		if (add_dns(&g->members, vals) != 0)
			return -1;
	}
	if (is_attr(a, "objectSid") && r->sid == NULL) {
		struct strv one = { 0 };
		if (add_sids(&one, vals) != 0)
			return -1;
		if (one.n > 0)
			r->sid = strdup(one.v[0]);
		strv_clear(&one);
	}
	if (is_attr(a, "tokenGroups") && add_sids(&r->token, vals) != 0)
		return -1;
	if (o->send_as_acl && is_attr(a, "nTSecurityDescriptor") &&
	    add_send_as(r, vals) != 0)
		return -1;
	if (is_attr(a, "userAccountControl"))
		set_disabled(r, vals);
	return 0;
}

/* Fetch the rest of a ranged member attribute (AD hands out 1,500
 * values at a time) with BASE reads of the same entry. */
static int
fetch_ranges(struct rec_build *r, struct gather *g, LDAP *ld,
	     LDAPMessage *e, const struct ldap_opts *o,
	     const struct norm_opts *n)
{
	char *dn = ldap_get_dn(ld, e);
	int rc = 0, rounds = 0;
	if (dn == NULL)
		return -1;
	while (g->member_next >= 0 && rc == 0 && rounds++ < 10000) {
		char attr[128];
		snprintf(attr, sizeof(attr), "%s;range=%ld-*", o->member_attr,
			 g->member_next);
		char *attrs[] = { attr, NULL };
		struct timeval tv = { (time_t)o->timeout,
				      (long)((o->timeout - (long)o->timeout) *
					     1e6) };
		LDAPMessage *res = NULL;
		long before = g->member_next;
		if (ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				      attrs, 0, NULL, NULL, &tv, 1, &res) !=
			    LDAP_SUCCESS ||
		    ldap_first_entry(ld, res) == NULL) {
			rc = -1;
		} else {
			g->member_next = -1;
			rc = walk(r, g, ld, ldap_first_entry(ld, res), o, n);
			if (g->member_next == before)
				rc = -1; /* no progress */
		}
		ldap_msgfree(res);
	}
	ldap_memfree(dn);
	return rc;
}

/* Walk the attributes of e once (ldap_get_attribute_ber). */
static int
walk(struct rec_build *r, struct gather *g, LDAP *ld, LDAPMessage *e,
     const struct ldap_opts *o, const struct norm_opts *n)
{
	BerElement *ber = NULL;
	struct berval dn, a, *vals = NULL;
	int rc = ldap_get_dn_ber(ld, e, &ber, &dn);
	while (rc == LDAP_SUCCESS) {
		rc = ldap_get_attribute_ber(ld, e, ber, &a, &vals);
		if (rc != LDAP_SUCCESS || a.bv_val == NULL)
			break;
		if (vals != NULL && take_attr(r, g, &a, vals, o, n) != 0)
			rc = LDAP_NO_MEMORY;
		ber_memfree(vals);
		vals = NULL;
	}
	ber_free(ber, 0);
	return rc == LDAP_SUCCESS ? 0 : -1;
}

/* Home server short name from the home attribute, else homeMDB. */
static void
set_home(struct rec_build *r, const struct gather *g)
{
	char name[256];
	const char *v = g->home ? g->home : g->mdb;
	if (v != NULL && home_server_name(v, name, sizeof(name)) == 0)
		r->home = strdup(name);
}

/* Octets of s with its NUL; 0 for NULL. */
static size_t
size_of(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* Copy s to *at and advance it; NULL stays NULL. */
static char *
put(char **at, const char *s)
{
	if (s == NULL)
		return NULL;
	size_t n = strlen(s) + 1;
	char *c = memcpy(*at, s, n);
	*at += n;
	return c;
}

/* Copy n strings into slots, the strings themselves at *at. */
static const char *const *
put_strv(const char **slots, const struct strv *from, char **at)
{
	for (size_t i = 0; i < from->n; i++)
		slots[i] = put(at, from->v[i]);
	return from->n ? slots : NULL;
}

/* cache_val free function of a finished record: the block is the record. */
static void
rec_free(struct cache_val *cv)
{
	free(cv);
}

/*
 * A cached directory holds many records for a long time: one block per
 * record instead of a dozen allocations saves the allocator's per-chunk
 * overhead and rounding, and the builder's bookkeeping stays behind.
 */
struct ldap_rec *
rec_finish(struct rec_build *b)
{
	size_t strs = size_of(b->source) + size_of(b->error) +
		      size_of(b->candidates) + size_of(b->id) +
		      size_of(b->name) + size_of(b->home);
	for (size_t i = 0; i < b->addrs.n; i++)
		strs += size_of(b->addrs.v[i]);
	for (size_t i = 0; i < b->dels.n; i++)
		strs += size_of(b->dels.v[i]);
	strs += size_of(b->sid);
	for (size_t i = 0; i < b->token.n; i++)
		strs += size_of(b->token.v[i]);
	for (size_t i = 0; i < b->aces.n; i++)
		strs += size_of(b->aces.v[i]);
	size_t nptr = b->addrs.n + b->dels.n + b->token.n + b->aces.n;
	struct ldap_rec *r = malloc(sizeof(*r) + nptr * sizeof(char *) + strs);
	if (r == NULL) {
		rec_discard(b);
		return NULL;
	}
	const char **slots = (const char **)(r + 1);
	char *at = (char *)(slots + nptr);
	enum cache_kind k = b->status == DIR_OK	   ? CV_POSITIVE :
			    b->status == DIR_ERROR ? CV_ERROR :
						     CV_NEGATIVE;
	cache_val_init(&r->hdr, k, rec_free);
	r->status = b->status;
	r->ncandidates = b->ncandidates;
	r->source = put(&at, b->source);
	r->error = put(&at, b->error);
	r->candidates = put(&at, b->candidates);
	memset(&r->acct, 0, sizeof(r->acct));
	if (b->status == DIR_OK) {
		r->acct.id = put(&at, b->id);
		r->acct.name = b->name ? put(&at, b->name) : r->acct.id;
		r->acct.home = put(&at, b->home);
		r->acct.addrs = put_strv(slots, &b->addrs, &at);
		r->acct.naddrs = b->addrs.n;
		r->acct.delegates = put_strv(slots + b->addrs.n, &b->dels, &at);
		r->acct.ndelegates = b->dels.n;
		r->acct.is_group = b->is_group;
		const char **more = slots + b->addrs.n + b->dels.n;
		r->acct.sid = put(&at, b->sid);
		r->acct.token = put_strv(more, &b->token, &at);
		r->acct.ntoken = b->token.n;
		r->acct.send_as_aces = put_strv(more + b->token.n, &b->aces,
						&at);
		r->acct.nsend_as_aces = b->aces.n;
		r->acct.delegates_on_behalf = b->on_behalf;
	}
	rec_discard(b);
	return r;
}

/* Add the tokenGroups of e (a BASE read) to b. */
int
rec_add_token(struct rec_build *b, LDAP *ld, LDAPMessage *e)
{
	struct berval **vals = ldap_get_values_len(ld, e, "tokenGroups");
	int rc = 0;
	for (int i = 0; vals != NULL && vals[i] != NULL && rc == 0; i++) {
		char s[SID_STR_MAX];
		if (sid_to_string((const unsigned char *)vals[i]->bv_val,
				  vals[i]->bv_len, s, sizeof(s)) > 0)
			rc = strv_push(&b->token, s, strlen(s));
	}
	ldap_value_free_len(vals);
	return rc;
}

/* Build the account of entry e into r. */
int
rec_fill(struct rec_build *r, LDAP *ld, LDAPMessage *e,
	 const struct ldap_opts *o, const struct norm_opts *norm)
{
	struct gather g;
	memset(&g, 0, sizeof(g));
	g.member_next = -1;
	r->on_behalf = o->send_on_behalf;
	int rc = -1;
	if ((r->id = entry_dn(ld, e)) == NULL ||
	    walk(r, &g, ld, e, o, norm) != 0 ||
	    fetch_ranges(r, &g, ld, e, o, norm) != 0)
		goto out;
	set_home(r, &g);
	r->is_group = g.group;
	for (size_t i = 0; g.group && i < g.members.n; i++)
		if (strv_push(&r->dels, g.members.v[i],
			      strlen(g.members.v[i])) != 0)
			goto out;
	rc = 0;
out:
	free(g.home);
	free(g.mdb);
	strv_clear(&g.members);
	return rc;
}
