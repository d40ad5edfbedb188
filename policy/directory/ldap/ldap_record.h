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

/*
 * A finished record, in one allocation: what the cache holds and lookups
 * borrow. Nothing changes it once built.
 */
struct ldap_rec {
	struct cache_val hdr;
	enum dir_status status;
	unsigned ncandidates;
	struct dir_account acct; /* DIR_OK: the account; zero otherwise */
	const char *source;      /* URI that answered */
	const char *error;       /* NULL unless an error or ambiguous answer */
	const char *candidates;  /* NULL unless ambiguous: "dn; dn; ..." */
};

/* A record being built from entries (separate allocations). */
struct rec_build {
	enum dir_status status;
	char *source, *error, *candidates;
	unsigned ncandidates;
	char *id, *name, *home;
	struct strv addrs, dels;
	bool is_group;
	char *sid;             /* objectSid as "S-1-..." */
	struct strv token;     /* tokenGroups as "S-1-..." */
	struct strv aces;      /* Send-As ACEs, "+SID" / "-SID" */
	bool disabled;         /* userAccountControl & ACCOUNTDISABLE */
	bool bad_sd;           /* nTSecurityDescriptor did not parse */
	bool on_behalf;        /* its delegates are Send on Behalf ones */
};

/* A new record with the given status; NULL when out of memory. */
struct rec_build *rec_new(enum dir_status st, const char *source);
/* Build the account of one entry; 0, or -1 when out of memory. */
int rec_fill(struct rec_build *b, LDAP *ld, LDAPMessage *e,
	     const struct ldap_opts *o, const struct norm_opts *norm);
/* Add the tokenGroups values of entry e (a BASE read of the same
 * entry) to b; 0, or -1 when out of memory. */
int rec_add_token(struct rec_build *b, LDAP *ld, LDAPMessage *e);
/* Set the error text of a record (kept NULL on no memory). */
void rec_set_error(struct rec_build *b, const char *msg);
/* Add a candidate DN (ambiguous answers). */
void rec_add_candidate(struct rec_build *b, const char *dn);
/* Throw a record being built away. */
void rec_discard(struct rec_build *b);
/* The finished record (b is consumed either way); NULL when out of
 * memory. The block holds the struct, the pointer arrays and every
 * string: one allocation per cached answer. */
struct ldap_rec *rec_finish(struct rec_build *b);
/* The folded, normalised DN of an entry (malloc'd) or NULL. */
char *entry_dn(LDAP *ld, LDAPMessage *e);

#endif
