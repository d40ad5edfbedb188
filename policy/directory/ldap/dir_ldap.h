/*
 * dir_ldap.h - the LDAP directory backend (OpenLDAP, Active Directory).
 *
 * struct ldap_opts is the parsed "ldap" section of policy.conf (built by
 * conf/ldap_conf.c). dir_ldap_create() never talks to a server: it only
 * prepares the pool and the cache, so a configuration check or a reload
 * does not block; connections are made on the first lookup.
 */
#ifndef POLICY_DIR_LDAP_H
#define POLICY_DIR_LDAP_H

#include <stdbool.h>
#include <stddef.h>

#include "directory.h"
#include "normalize.h"

enum ldap_bind_mode {
	LDAP_BIND_ANONYMOUS,
	LDAP_BIND_SIMPLE,   /* bind_dn + password from bind_password_file */
	LDAP_BIND_EXTERNAL, /* SASL EXTERNAL (ldapi:// peer credentials) */
	LDAP_BIND_GSSAPI,   /* SASL GSSAPI (Kerberos) with a client keytab */
};

/* How the server's certificate is checked (tls_require_cert); zero, the
 * default of a zeroed struct, is the safe one. */
enum tls_check {
	TLS_CHECK_DEMAND = 0,
	TLS_CHECK_NEVER,
	TLS_CHECK_ALLOW,
	TLS_CHECK_TRY,
	TLS_CHECK_HARD,
};

struct ldap_opts {
	char **uris;              /* tried in order, with failover */
	size_t nuris;
	bool starttls;            /* StartTLS on ldap:// URIs */
	char *tls_ca_file;        /* NULL: system default */
	enum tls_check tls_require_cert; /* zero: demand */
	char *tls_cert_file;      /* client certificate; NULL: none */
	char *tls_key_file;       /* its key */
	char *sasl_keytab;        /* GSSAPI: client keytab; NULL: default */
	enum ldap_bind_mode bind;
	char *bind_dn;
	char *bind_password;
	char *base;
	int scope;                /* LDAP_SCOPE_BASE/ONELEVEL/SUBTREE */
	char *account_filter;     /* %u %d %s */
	char *mailbox_filter;     /* NULL: no preference among matches */
	char *owner_filter;       /* %a; NULL: built from the attributes */
	char **address_attrs;     /* plain addresses: mail, ... */
	size_t naddress_attrs;
	char **proxy_attrs;       /* typed "smtp:a@b": proxyAddresses */
	size_t nproxy_attrs;
	char *name_attr;          /* uid, sAMAccountName */
	char *home_attr;          /* mailHost, msExchHomeServerName; NULL */
	char *home_mdb_attr;      /* homeMDB; NULL */
	char *delegate_attr;      /* DNs that may send as the entry; NULL */
	bool group_send_as;
	char **group_classes;     /* objectClass values that mark a group */
	size_t ngroup_classes;
	char *member_attr;        /* member */
	unsigned member_range;    /* AD: ask member;range=0-(N-1), page on */
	bool token_groups;        /* AD: objectSid + tokenGroups of a login */
	bool send_as_acl;         /* AD: Send-As ACEs of an owner's DACL */
	bool refuse_disabled;     /* AD: userAccountControl bit 2 = no login */
	bool send_on_behalf;      /* delegate_attribute is Send on Behalf */
	double timeout;           /* seconds for one whole lookup */
	unsigned pool_size;
	unsigned cache_ttl, negative_cache_ttl, cache_size, stale_grace;
	unsigned retry_after;     /* seconds a failed server goes last */
};

struct directory *dir_ldap_create(const struct ldap_opts *o,
				  const struct norm_opts *norm, char *err,
				  size_t errsz);

#endif
