/*
 * ldap_pool.h - a pool of bound libldap handles shared by many threads.
 *
 * A search takes a free handle (waiting for one until the deadline),
 * connects and binds it lazily, trying the URIs in order (a server that
 * failed recently goes last), and retries on another server when the
 * connection turns out dead (LDAP_SERVER_DOWN). Each search waits on its
 * own message id with the time left; a server that does not answer in
 * time loses its handle. Nothing here ever waits past the deadline.
 */
#ifndef POLICY_LDAP_POOL_H
#define POLICY_LDAP_POOL_H

#include <ldap.h>
#include <time.h>

#include "dir_ldap.h"

struct ldap_pool;

struct pool_query {
	const char *base;
	int scope;
	const char *filter;
	char **attrs;
	int sizelimit;
	LDAPControl **sctrls; /* server controls (AD's SD flags), or NULL */
};

struct pool_result {
	LDAP *ld;            /* the handle the entries belong to */
	LDAPMessage *msg;    /* all entries and the final result */
	int rc;              /* LDAP result code of the search */
	char source[256];    /* URI that answered */
	char error[256];     /* why it failed */
	void *slot;
};

struct ldap_pool *ldap_pool_new(const struct ldap_opts *o);
void ldap_pool_free(struct ldap_pool *p);

/* Run a search; 0 with r filled (give it back with ldap_pool_done), or -1
 * with r->error set when no server answered before the deadline
 * (CLOCK_MONOTONIC). */
int ldap_pool_search(struct ldap_pool *p, const struct pool_query *q,
		     const struct timespec *deadline, struct pool_result *r);
void ldap_pool_done(struct ldap_pool *p, struct pool_result *r);

void ldap_pool_stats(struct ldap_pool *p, char *buf, size_t size);

/* Deadline helpers on CLOCK_MONOTONIC. */
void deadline_after(struct timespec *d, double seconds);
/* Seconds left until d (negative once past; dir_ldap.c bounds the
 * tokenGroups read with it). */
double deadline_left(const struct timespec *d);

#endif
