/*
 * ldap_record.h - immutable answer records of the LDAP backend.
 *
 * A record is what the cache stores and the decision engine borrows: the
 * status of one lookup, the account built from one directory entry, where
 * the answer came from, and for ambiguous answers every candidate DN.
 */
#ifndef POLICY_LDAP_RECORD_H
#define POLICY_LDAP_RECORD_H

#include <ldap.h>

#include "cache.h"
#include "dir_ldap.h"

struct strv {
	char **v;
	size_t n, cap;
};

struct ldap_rec {
	struct cache_val hdr;
	enum dir_status status;
	struct dir_account acct;
	char *source;     /* URI that answered (allocated: records are cached) */
	char *error;      /* NULL unless an error or ambiguous answer */
	char *candidates; /* NULL unless ambiguous: "dn; dn; ..." */
	unsigned ncandidates;
	char *id, *name, *home;
	struct strv addrs, dels;
};

/* A new record with the given status; NULL when out of memory. */
struct ldap_rec *rec_new(enum dir_status st, const char *source);
/* Build the account of one entry; 0, or -1 when out of memory. */
int rec_fill(struct ldap_rec *r, LDAP *ld, LDAPMessage *e,
	     const struct ldap_opts *o, const struct norm_opts *norm);
/* Set the error text of a record (kept NULL on no memory). */
void rec_set_error(struct ldap_rec *r, const char *msg);
/* Add a candidate DN (ambiguous answers). */
void rec_add_candidate(struct ldap_rec *r, const char *dn);
/* The folded, normalised DN of an entry (malloc'd) or NULL. */
char *entry_dn(LDAP *ld, LDAPMessage *e);

#endif
