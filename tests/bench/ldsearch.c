/*
 * ldsearch.c - the raw libldap search rate of a slapd: the reference for
 * origin-milter's cold-cache path. N threads, one connection each, run the
 * same kind of search origin-milter runs (one equality filter per login,
 * subtree, a few attributes) for distinct accounts, synchronously, and
 * print searches/s and latency percentiles in mgen's RESULT format.
 *
 *   ldsearch -H ldap://127.0.0.1:PORT -b BASE [-D DN -w PW]
 *            [-f '(uid=user%u)'] [-a ACCOUNTS] [-c CONNS] [-d SECS]
 *            [-n SEARCHES] [-A attr,attr]
 */
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mstats.h"

#define MAX_CONNS 256
#define MAX_ATTRS 16

static const char *uri, *base, *binddn, *bindpw, *filter_fmt = "(uid=user%u)";
static char *attrs[MAX_ATTRS + 1];
static unsigned long accounts = 100000, total;
static unsigned conns = 1;
static double duration = 5, t_end;
static atomic_ulong next_acct, started;

struct worker {
	pthread_t tid;
	struct mstats st;
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Connect and bind (simple, or anonymous without -D). */
static LDAP *
open_ld(struct mstats *st)
{
	int v3 = LDAP_VERSION3, rc;
	struct berval cred = {0, NULL};
	LDAP *ld;

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		return NULL;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	if (bindpw) {
		cred.bv_val = (char *)bindpw;
		cred.bv_len = strlen(bindpw);
	}
	rc = ldap_sasl_bind_s(ld, binddn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
			      NULL);
	if (rc != LDAP_SUCCESS) {
		snprintf(st->first_error, sizeof st->first_error, "bind: %s",
			 ldap_err2string(rc));
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

/* The filter for an account: the template with %u replaced. */
static void
make_filter(char *buf, size_t size, unsigned long acct)
{
	const char *p = strstr(filter_fmt, "%u");

	if (!p) {
		snprintf(buf, size, "%s", filter_fmt);
		return;
	}
	snprintf(buf, size, "%.*s%lu%s", (int)(p - filter_fmt), filter_fmt,
		 acct, p + 2);
}

/* One search; the class of its result for the counters. */
static int
search_one(LDAP *ld, unsigned long acct, struct mstats *st)
{
	char filter[256];
	LDAPMessage *res = NULL;
	int rc, n;

	make_filter(filter, sizeof filter, acct);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0,
			       NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
	n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : -1;
	if (res)
		ldap_msgfree(res);
	if (rc != LDAP_SUCCESS && !st->first_error[0])
		snprintf(st->first_error, sizeof st->first_error,
			 "search: %s", ldap_err2string(rc));
	return n == 1 ? MS_ACCEPTED : n == 0 ? MS_REFUSED : MS_OTHER;
}

/* A worker: distinct accounts, in order, until the end. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	LDAP *ld = open_ld(&w->st);
	double t0, t1;
	int cls;

	if (!ld) {
		w->st.errors++;
		return NULL;
	}
	for (t0 = now(); t0 < t_end; t0 = t1) {
		if (total && atomic_fetch_add(&started, 1) >= total)
			break;
		cls = search_one(ld, atomic_fetch_add(&next_acct, 1) % accounts,
				 &w->st);
		t1 = now();
		ms_add(&w->st, (uint32_t)((t1 - t0) * 1e6),
		       cls == MS_ACCEPTED  ? "one entry"
		       : cls == MS_REFUSED ? "no entry"
					   : "error or several",
		       cls);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	return NULL;
}

/* Split "a,b,c" into the attribute list. */
static void
set_attrs(char *list)
{
	size_t n = 0;
	char *a;

	for (a = strtok(list, ","); a && n < MAX_ATTRS; a = strtok(NULL, ","))
		attrs[n++] = a;
	attrs[n] = NULL;
}

/* Usage and exit. */
static void
usage(void)
{
	fprintf(stderr, "usage: ldsearch -H URI -b BASE [-D DN -w PW] "
			"[-f FILTER_FMT] [-a ACCOUNTS]\n"
			"                [-c CONNS] [-d SECS] [-n SEARCHES] "
			"[-A ATTRS]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static struct worker w[MAX_CONNS];
	static char deflt[] = "uid,mail,mailAlternateAddress";
	struct mstats all = {0};
	double t0, secs;
	unsigned i;
	int ch;

	set_attrs(deflt);
	while ((ch = getopt(argc, argv, "H:b:D:w:f:a:c:d:n:A:")) != -1) {
		switch (ch) {
		case 'H': uri = optarg; break;
		case 'b': base = optarg; break;
		case 'D': binddn = optarg; break;
		case 'w': bindpw = optarg; break;
		case 'f': filter_fmt = optarg; break;
		case 'a': accounts = strtoul(optarg, NULL, 10); break;
		case 'c': conns = (unsigned)atoi(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'n': total = strtoul(optarg, NULL, 10); break;
		case 'A': set_attrs(optarg); break;
		default: usage();
		}
	}
	if (!uri || !base || conns < 1 || conns > MAX_CONNS || !accounts ||
	    duration <= 0 || duration > 600)
		usage();
	t0 = now();
	t_end = t0 + duration;
	for (i = 0; i < conns; i++)
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
	conns = i;
	for (i = 0; i < conns; i++) {
		pthread_join(w[i].tid, NULL);
		ms_merge(&all, &w[i].st);
		ms_free(&w[i].st);
	}
	secs = now() - t0;
	ms_sort(&all);
	printf("ldsearch: %lu searches in %.2f s over %u connections: "
	       "%.0f/s; one entry %lu, none %lu, other %lu\n",
	       (unsigned long)all.msgs, secs, conns,
	       (double)all.msgs / secs, (unsigned long)all.accepted,
	       (unsigned long)all.refused, (unsigned long)all.other);
	if (all.first_error[0])
		printf("first error: %s\n", all.first_error);
	printf("RESULT label=ldsearch conns=%u msgs=%lu secs=%.3f rate=%.1f "
	       "p50_us=%u p99_us=%u p999_us=%u found=%lu notfound=%lu "
	       "errors=%lu\n",
	       conns, (unsigned long)all.msgs, secs, (double)all.msgs / secs,
	       ms_pct(&all, 50), ms_pct(&all, 99), ms_pct(&all, 99.9),
	       (unsigned long)all.accepted, (unsigned long)all.refused,
	       (unsigned long)(all.errors + all.other));
	return all.accepted ? 0 : 1;
}
