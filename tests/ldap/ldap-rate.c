/*
 * ldap-rate.c - the raw search rate of a slapd: T threads, each with its
 * own bound libldap handle, search (&(objectClass=inetOrgPerson)
 * (uid=userI)) for random I in 1..N with the attributes the backend asks
 * for, and print searches per second. The baseline for dir-rate.
 *
 * usage: ldap-rate URI BINDDN PASSWORD BASE N SEARCHES THREADS
 */
#include <ldap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct job {
	const char *uri, *dn, *pw, *base;
	unsigned n, count, seed;
	unsigned long found;
	int failed;
};

static char *attrs[] = { "objectClass", "uid", "mail", "mailLocalAddress",
			 "mailHost", "publicDelegates", NULL };

/* Monotonic seconds. */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A bound handle, or NULL. */
static LDAP *
open_bound(const struct job *j)
{
	LDAP *ld = NULL;
	int v3 = LDAP_VERSION3;
	struct berval cred = { strlen(j->pw), (char *)j->pw };
	if (ldap_initialize(&ld, j->uri) != LDAP_SUCCESS)
		return NULL;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	if (ldap_sasl_bind_s(ld, j->dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
			     NULL) != LDAP_SUCCESS) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

/* Thread body: count searches on one handle. */
static void *
run(void *arg)
{
	struct job *j = arg;
	LDAP *ld = open_bound(j);
	char filter[128];
	if (ld == NULL) {
		j->failed = 1;
		return NULL;
	}
	for (unsigned k = 0; k < j->count; k++) {
		LDAPMessage *res = NULL;
		unsigned i = 1 + (unsigned)rand_r(&j->seed) % j->n;
		snprintf(filter, sizeof(filter),
			 "(&(objectClass=inetOrgPerson)(uid=user%u))", i);
		if (ldap_search_ext_s(ld, j->base, LDAP_SCOPE_SUBTREE, filter,
				      attrs, 0, NULL, NULL, NULL, 32,
				      &res) != LDAP_SUCCESS)
			j->failed = 1;
		j->found += (unsigned long)ldap_count_entries(ld, res);
		ldap_msgfree(res);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	return NULL;
}

int
main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: ldap-rate URI BINDDN PASSWORD BASE N "
			"SEARCHES THREADS\n");
		return 2;
	}
	unsigned threads = (unsigned)atoi(argv[7]);
	unsigned total = (unsigned)atoi(argv[6]);
	if (threads < 1 || threads > 64 || total < threads)
		return 2;
	pthread_t t[64];
	struct job j[64];
	double t0 = now();
	for (unsigned i = 0; i < threads; i++) {
		j[i] = (struct job){ argv[1], argv[2], argv[3], argv[4],
				     (unsigned)atoi(argv[5]), total / threads,
				     i * 7919 + 1, 0, 0 };
		pthread_create(&t[i], NULL, run, &j[i]);
	}
	unsigned long found = 0;
	int failed = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		found += j[i].found;
		failed |= j[i].failed;
	}
	double dt = now() - t0;
	unsigned done = total / threads * threads;
	printf("raw libldap: %u searches, %u threads, %.2f s, %.0f/s, "
	       "%lu entries found%s\n", done, threads, dt, done / dt, found,
	       failed ? " (SOME FAILED)" : "");
	return failed || found != done;
}
