/*
 * ldap_opts.c - deep copy and release of the LDAP options.
 */
#include <ldap.h>
#include <stdlib.h>
#include <string.h>

#include "ldap_opts.h"

/* strdup that keeps NULL. */
static int
dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? -1 : 0;
}

/* Copy a vector of n strings (NULL-terminated). */
static char **
strv_copy(char *const *v, size_t n)
{
	char **c = calloc(n + 1, sizeof(*c));
	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if ((c[i] = strdup(v[i])) == NULL) {
			strv_free(c, i);
			return NULL;
		}
	}
	return c;
}

/* Free a vector of n strings. */
void
strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Deep copy of o. */
struct ldap_opts *
ldap_opts_copy(const struct ldap_opts *o)
{
	struct ldap_opts *c = malloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	*c = *o;
	int bad = 0;
	bad |= dup_str(&c->tls_ca_file, o->tls_ca_file);
	bad |= dup_str(&c->tls_cert_file, o->tls_cert_file);
	bad |= dup_str(&c->tls_key_file, o->tls_key_file);
	bad |= dup_str(&c->sasl_keytab, o->sasl_keytab);
	bad |= dup_str(&c->bind_dn, o->bind_dn);
	bad |= dup_str(&c->bind_password, o->bind_password);
	bad |= dup_str(&c->base, o->base);
	bad |= dup_str(&c->account_filter, o->account_filter);
	bad |= dup_str(&c->mailbox_filter, o->mailbox_filter);
	bad |= dup_str(&c->owner_filter, o->owner_filter);
	bad |= dup_str(&c->name_attr, o->name_attr);
	bad |= dup_str(&c->home_attr, o->home_attr);
	bad |= dup_str(&c->home_mdb_attr, o->home_mdb_attr);
	bad |= dup_str(&c->delegate_attr, o->delegate_attr);
	bad |= dup_str(&c->member_attr, o->member_attr);
	c->uris = strv_copy(o->uris, o->nuris);
	c->address_attrs = strv_copy(o->address_attrs, o->naddress_attrs);
	c->proxy_attrs = strv_copy(o->proxy_attrs, o->nproxy_attrs);
	c->group_classes = strv_copy(o->group_classes, o->ngroup_classes);
	if (bad || !c->uris || !c->address_attrs || !c->proxy_attrs ||
	    !c->group_classes) {
		ldap_opts_release(c);
		return NULL;
	}
	return c;
}

/* Free a deep copy; the password is wiped first. */
void
ldap_opts_release(struct ldap_opts *o)
{
	if (o == NULL)
		return;
	if (o->bind_password != NULL)
		explicit_bzero(o->bind_password, strlen(o->bind_password));
	free(o->tls_ca_file);
	free(o->tls_cert_file);
	free(o->tls_key_file);
	free(o->sasl_keytab);
	free(o->bind_dn);
	free(o->bind_password);
	free(o->base);
	free(o->account_filter);
	free(o->mailbox_filter);
	free(o->owner_filter);
	free(o->name_attr);
	free(o->home_attr);
	free(o->home_mdb_attr);
	free(o->delegate_attr);
	free(o->member_attr);
	strv_free(o->uris, o->nuris);
	strv_free(o->address_attrs, o->naddress_attrs);
	strv_free(o->proxy_attrs, o->nproxy_attrs);
	strv_free(o->group_classes, o->ngroup_classes);
	free(o);
}
