/*
 * dir-rate.c - lookup rate of the LDAP backend: T threads call
 * find_account for COUNT distinct logins userI (cold: every one a cache
 * miss, so a search), then the same logins again (warm: cache hits).
 * Prints lookups per second for both passes and the backend statistics.
 *
 * usage: dir-rate URI BINDDN PASSWORD BASE COUNT THREADS
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "dir_ldap.h"
#include "directory.h"
#include "identity.h"
#include "ldap_opts.h"

struct job {
	struct directory *d;
	unsigned first, count; /* logins user(first+1) .. */
	unsigned long ok, other;
};

/* Monotonic seconds. */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Thread body: look up this thread's share of the logins. */
static void *
run(void *arg)
{
	struct job *j = arg;
	struct identity_rules r;
	identity_rules_default(&r);
	for (unsigned k = 0; k < j->count; k++) {
		char login[32];
		struct identity id;
		struct dir_lookup l;
		int n = snprintf(login, sizeof(login), "user%u",
				 j->first + k + 1);
		identity_parse(login, (size_t)n, &r, &id);
		dir_find_account(j->d, &id, &l);
		if (l.status == DIR_OK)
			j->ok++;
		else
			j->other++;
		dir_release(j->d, &l);
	}
	return NULL;
}

/* One pass over all logins; returns lookups per second. */
static double
pass(struct directory *d, unsigned count, unsigned threads,
     unsigned long *ok)
{
	pthread_t t[64];
	struct job j[64];
	unsigned per = count / threads;
	double t0 = now();
	for (unsigned i = 0; i < threads; i++) {
		j[i] = (struct job){ d, i * per, per, 0, 0 };
		pthread_create(&t[i], NULL, run, &j[i]);
	}
	*ok = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		*ok += j[i].ok;
	}
	return per * threads / (now() - t0);
}

int
main(int argc, char **argv)
{
	static char *attrs[] = { "mail", "mailLocalAddress" };
	char *uris[] = { argv[1] };
	struct ldap_opts o;
	struct norm_opts n = { false, "" };
	char err[256], stats[512];
	if (argc != 7) {
		fprintf(stderr, "usage: dir-rate URI BINDDN PASSWORD BASE "
			"COUNT THREADS\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	unsigned count = (unsigned)atoi(argv[5]);
	unsigned threads = (unsigned)atoi(argv[6]);
	if (threads < 1 || threads > 64 || count < threads)
		return 2;
	/* the ldap section's defaults (conf/ldap_conf.c) this tool relies on */
	memset(&o, 0, sizeof(o));
	o.scope = LDAP_SCOPE_SUBTREE;
	o.account_filter = "(&(objectClass=inetOrgPerson)(uid=%u))";
	o.name_attr = "uid";
	o.home_attr = "mailHost";
	o.member_attr = "member";
	o.pool_size = 4;
	o.cache_ttl = 300;
	o.negative_cache_ttl = 60;
	o.cache_size = 10000;
	o.retry_after = 30;
	o.uris = uris;
	o.nuris = 1;
	o.bind = LDAP_BIND_SIMPLE;
	o.bind_dn = argv[2];
	o.bind_password = argv[3];
	o.base = argv[4];
	o.address_attrs = attrs;
	o.naddress_attrs = 2;
	o.delegate_attr = "publicDelegates";
	o.pool_size = threads;
	o.cache_size = count + 16;
	struct directory *d = dir_ldap_create(&o, &n, err, sizeof(err));
	if (d == NULL) {
		fprintf(stderr, "dir-rate: %s\n", err);
		return 1;
	}
	unsigned long ok_cold, ok_warm;
	double cold = pass(d, count, threads, &ok_cold);
	double warm = pass(d, count, threads, &ok_warm);
	d->ops->stats(d, stats, sizeof(stats));
	unsigned done = count / threads * threads;
	printf("backend cold: %u lookups, %u threads, %.0f/s (%lu found)\n",
	       done, threads, cold, ok_cold);
	printf("backend warm: %u lookups, %u threads, %.0f/s (%lu found)\n",
	       done, threads, warm, ok_warm);
	printf("backend stats: %s\n", stats);
	dir_destroy(d);
	return ok_cold != done || ok_warm != done;
}
