/*
 * ldap_record.c - turn LDAP entries into dir_account records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ldap_record.h"
#include "ldap_values.h"

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

/* cache_val free function of a record. */
static void
rec_free(struct cache_val *cv)
{
	struct ldap_rec *r = (struct ldap_rec *)cv;
	free(r->id);
	free(r->name);
	free(r->home);
	strv_clear(&r->addrs);
	strv_clear(&r->dels);
	free(r);
}

/* A new, empty record. */
struct ldap_rec *
rec_new(enum dir_status st, const char *source)
{
	struct ldap_rec *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	enum cache_kind k = st == DIR_OK ? CV_POSITIVE :
			    st == DIR_ERROR ? CV_ERROR : CV_NEGATIVE;
	cache_val_init(&r->hdr, k, rec_free);
	r->status = st;
	snprintf(r->source, sizeof(r->source), "%s", source ? source : "");
	return r;
}

/* Add one candidate DN to the record's list (truncated when full). */
void
rec_add_candidate(struct ldap_rec *r, const char *dn)
{
	size_t len = strlen(r->candidates);
	snprintf(r->candidates + len, sizeof(r->candidates) - len, "%s%s",
		 len ? "; " : "", dn);
	r->ncandidates++;
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

/* Values of attr (NULL-terminated) or NULL. */
static struct berval **
values(LDAP *ld, LDAPMessage *e, const char *attr)
{
	if (attr == NULL)
		return NULL;
	return ldap_get_values_len(ld, e, attr);
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
push_addr(struct ldap_rec *r, const char *text, const struct norm_opts *n)
{
	char key[KEY_BUF];
	enum addr_status perr;
	if (key_from_text(text, n, key, sizeof(key), &perr) != NORM_OK)
		return 0;
	return strv_push(&r->addrs, key, strlen(key));
}

/* Addresses from plain (proxy = 0) or typed (proxy = 1) attributes. */
static int
fill_addrs(struct ldap_rec *r, LDAP *ld, LDAPMessage *e, char **attrs,
	   size_t nattrs, int proxy, const struct norm_opts *n)
{
	char buf[1100];
	for (size_t i = 0; i < nattrs; i++) {
		struct berval **vals = values(ld, e, attrs[i]);
		int rc = 0;
		for (size_t k = 0; vals && vals[k] && rc == 0; k++) {
			if (value_str(vals[k], buf, sizeof(buf)) != 0)
				continue;
			const char *a = proxy ? proxy_smtp_address(buf) : buf;
			if (a != NULL)
				rc = push_addr(r, a, n);
		}
		ldap_value_free_len(vals);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* First value of attr as a string (malloc'd) or NULL. */
static char *
first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	char buf[1100];
	struct berval **vals = values(ld, e, attr);
	char *out = NULL;
	if (vals && vals[0] && value_str(vals[0], buf, sizeof(buf)) == 0)
		out = strdup(buf);
	ldap_value_free_len(vals);
	return out;
}

/* Home server short name from home_attr, else home_mdb_attr. */
static void
fill_home(struct ldap_rec *r, LDAP *ld, LDAPMessage *e,
	  const struct ldap_opts *o)
{
	char name[256];
	char *v = first_value(ld, e, o->home_attr);
	if (v == NULL)
		v = first_value(ld, e, o->home_mdb_attr);
	if (v != NULL && home_server_name(v, name, sizeof(name)) == 0)
		r->home = strdup(name);
	free(v);
}

/* True if the entry's objectClass is one of the group classes. */
static int
is_group(LDAP *ld, LDAPMessage *e, const struct ldap_opts *o)
{
	struct berval **vals = values(ld, e, "objectClass");
	int found = 0;
	for (size_t k = 0; vals && vals[k] && !found; k++)
		for (size_t i = 0; i < o->ngroup_classes && !found; i++)
			found = strlen(o->group_classes[i]) ==
				vals[k]->bv_len &&
				strncasecmp(o->group_classes[i],
					    vals[k]->bv_val,
					    vals[k]->bv_len) == 0;
	ldap_value_free_len(vals);
	return found;
}

/* Add every DN value of attr to the delegates. */
static int
fill_dns(struct ldap_rec *r, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **vals = values(ld, e, attr);
	int rc = 0;
	for (size_t k = 0; vals && vals[k] && rc == 0; k++)
		rc = push_dn(&r->dels, vals[k]);
	ldap_value_free_len(vals);
	return rc;
}

/* Point the public dir_account at the record's storage. */
static void
publish(struct ldap_rec *r)
{
	r->acct.id = r->id;
	r->acct.name = r->name ? r->name : r->id;
	r->acct.addrs = (const char *const *)r->addrs.v;
	r->acct.naddrs = r->addrs.n;
	r->acct.home = r->home;
	r->acct.delegates = (const char *const *)r->dels.v;
	r->acct.ndelegates = r->dels.n;
}

/* Build the account of entry e into r. */
int
rec_fill(struct ldap_rec *r, LDAP *ld, LDAPMessage *e,
	 const struct ldap_opts *o, const struct norm_opts *norm)
{
	if ((r->id = entry_dn(ld, e)) == NULL)
		return -1;
	r->name = first_value(ld, e, o->name_attr);
	if (fill_addrs(r, ld, e, o->address_attrs, o->naddress_attrs, 0,
		       norm) != 0 ||
	    fill_addrs(r, ld, e, o->proxy_attrs, o->nproxy_attrs, 1,
		       norm) != 0)
		return -1;
	fill_home(r, ld, e, o);
	if (o->delegate_attr && fill_dns(r, ld, e, o->delegate_attr) != 0)
		return -1;
	r->acct.is_group = o->ngroup_classes > 0 && is_group(ld, e, o);
	if (r->acct.is_group && o->group_send_as &&
	    fill_dns(r, ld, e, o->member_attr) != 0)
		return -1;
	publish(r);
	return 0;
}
