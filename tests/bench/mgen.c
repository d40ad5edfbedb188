/*
 * mgen.c - a milter load generator that speaks protocol v6 as Postfix does.
 *
 * N threads each drive one milter connection at a time (a new connection
 * per SMTP session, -m messages per session), replaying a workload of
 * logins and senders. Bounded by a duration and/or a message count; a
 * warm-up is run first and not counted. Prints messages/s, latency
 * percentiles, counts per reply, round trips per message, the filter's
 * peak RSS (-p PID), and one "RESULT key=value ..." line for scripts.
 *
 * Latency of a message: from its MAIL (or, for a session's first message,
 * from the connect() that opens the session) to the reply that ends it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mproto.h"
#include "msession.h"
#include "mstats.h"
#include "mwork.h"

#define MAX_THREADS 1024
#define MAX_SECONDS 600

struct opts {
	const char *socket;
	unsigned conns;     /* -c */
	double duration;    /* -d seconds measured */
	double warmup;      /* -W seconds not counted */
	unsigned long total; /* -n messages counted (0: by duration) */
	unsigned per_session; /* -m */
	size_t body;        /* -b bytes */
	int sequential;     /* -S */
	int timeout;        /* -t seconds per reply */
	long pid;           /* -p filter pid */
	int verbose;
	const char *label;  /* -l name in the RESULT line */
};

static struct opts o = {.conns = 1, .duration = 5, .per_session = 1,
			.body = 1024, .timeout = 10, .label = "run"};
static struct mworkload work;
static double t_start, t_measure, t_end;
static atomic_ulong next_entry, counted, seqno;
static atomic_int stop_now;

struct worker {
	pthread_t tid;
	unsigned id;
	struct mstats st;
	struct mconn c;
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small per-thread random generator (xorshift64). */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* True when the run must end. */
static int
done(double t)
{
	if (atomic_load(&stop_now) || t >= t_end)
		return 1;
	return o.total && atomic_load(&counted) >= o.total;
}

/* Count a finished message if it falls in the measured window. */
static void
record(struct worker *w, double t0, double t1, const struct ms_outcome *oc)
{
	if (t0 < t_measure || t1 > t_end)
		return;
	if (o.total && atomic_fetch_add(&counted, 1) >= o.total)
		return;
	ms_add(&w->st, (uint32_t)((t1 - t0) * 1e6), oc->label, oc->cls);
	w->st.mismatches += (uint64_t)oc->mismatch;
	w->st.replies += oc->replies;
}

/* Note a failed connection. */
static void
failed(struct worker *w, double t)
{
	if (t >= t_measure)
		w->st.errors++;
	if (!w->st.first_error[0])
		snprintf(w->st.first_error, sizeof w->st.first_error, "%s",
			 w->c.err);
	mconn_close(&w->c);
	usleep(1000);
}

/* -v: what the filter chose at OPTNEG. */
static void
print_negotiated(const struct mconn *c)
{
	int i;

	fprintf(stderr, "negotiated: version %u actions 0x%x protocol 0x%x\n",
		c->version, c->actions, c->protocol);
	for (i = 0; i < MP_NSTAGES; i++)
		if (c->has_symlist[i])
			fprintf(stderr, "  macros for stage %d:%s\n", i,
				c->symlist[i]);
}

/* True if two entries log in alike (both without AUTH, or same login). */
static int
same_login(const struct mw_entry *a, const struct mw_entry *b)
{
	if (!a->login || !b->login)
		return a->login == b->login;
	return strcmp(a->login, b->login) == 0;
}

/* Message k of a session that began with entry i0. AUTH holds for the
 * whole SMTP session, so every message keeps the first one's login:
 * generated workloads step by whole cycles (same account, another
 * sender slot); files look for another entry with that login. */
static void
pick(size_t i0, unsigned k, uint64_t *rs, struct mw_entry *e, char *login,
     char *sender, size_t size)
{
	struct mw_entry first, other;
	int tries;

	if (!work.e) {
		mw_pick(&work, i0 + (size_t)k * work.n, e, login, sender, size);
		return;
	}
	mw_pick(&work, i0, &first, NULL, NULL, 0);
	*e = first;
	for (tries = 0; k > 0 && tries < 64; tries++) {
		mw_pick(&work, (size_t)(rnd(rs) % work.n), &other, NULL, NULL,
			0);
		if (same_login(&first, &other)) {
			*e = other;
			return;
		}
	}
}

/* Run one session: connect, messages, quit. */
static void
session(struct worker *w, uint64_t *rs)
{
	char login[64], sender[128];
	struct ms_outcome oc;
	struct mw_entry e;
	double t0 = now(), t1;
	unsigned k, setup;
	size_t i0 = 0;
	int r;

	if (mconn_open(&w->c, o.socket, o.timeout) != 0) {
		failed(w, t0);
		return;
	}
	if (o.verbose && w->id == 0 && w->st.sessions == 0)
		print_negotiated(&w->c);
	w->st.sessions++;
	if ((r = ms_session_start(&w->c, &oc)) != 0) {
		if (r < 0) {
			failed(w, t0);
			return;
		}
		record(w, t0, now(), &oc);
		mconn_close(&w->c);
		return;
	}
	setup = 1 + oc.replies; /* OPTNEG, CONNECT, HELO replies */
	for (k = 0; k < o.per_session && !done(t0); k++) {
		if (k == 0)
			i0 = o.sequential ? atomic_fetch_add(&next_entry, 1)
					  : (size_t)(rnd(rs) % work.n);
		pick(i0, k, rs, &e, login, sender, sizeof login);
		if (ms_message(&w->c, &e, atomic_fetch_add(&seqno, 1),
			       o.body, &oc) != 0) {
			failed(w, t0);
			return;
		}
		t1 = now();
		oc.replies += setup;
		setup = 0;
		record(w, t0, t1, &oc);
		t0 = t1;
	}
	ms_session_end(&w->c);
	mconn_close(&w->c);
}

/* A worker thread: sessions until the end. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t rs = 0x9E3779B97F4A7C15ull * (w->id + 1);

	while (!done(now()))
		session(w, &rs);
	return NULL;
}

/* The filter's peak and current RSS in KiB from /proc. */
static void
filter_rss(long pid, long *hwm, long *rss)
{
	char path[64], line[256];
	FILE *f;

	*hwm = *rss = -1;
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = atol(line + 6);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = atol(line + 6);
	}
	fclose(f);
}

/* Print the figures. */
static void
report(struct mstats *s, double secs)
{
	long hwm = -1, rss = -1;
	double rate = secs > 0 ? (double)s->msgs / secs : 0;
	double rt = s->msgs ? (double)s->replies / (double)s->msgs : 0;
	size_t i;

	ms_sort(s);
	if (o.pid > 0)
		filter_rss(o.pid, &hwm, &rss);
	printf("%s: %lu messages in %.2f s over %u connections, "
	       "%u per session: %.0f msg/s\n",
	       o.label, (unsigned long)s->msgs, secs, o.conns,
	       o.per_session, rate);
	printf("latency us: p50 %u  p99 %u  p99.9 %u  max %u\n",
	       ms_pct(s, 50), ms_pct(s, 99), ms_pct(s, 99.9), ms_pct(s, 100));
	printf("accepted %lu  refused %lu  tempfail %lu  other %lu  "
	       "mismatches %lu  errors %lu  round trips/msg %.2f\n",
	       (unsigned long)s->accepted, (unsigned long)s->refused,
	       (unsigned long)s->tempfailed, (unsigned long)s->other,
	       (unsigned long)s->mismatches, (unsigned long)s->errors, rt);
	for (i = 0; i < s->nlabels; i++)
		printf("  %-28s %lu\n", s->label[i],
		       (unsigned long)s->count[i]);
	if (s->errors)
		printf("first error: %s\n", s->first_error);
	if (o.pid > 0)
		printf("filter pid %ld: VmHWM %ld KiB, VmRSS %ld KiB\n",
		       o.pid, hwm, rss);
	printf("RESULT label=%s conns=%u per_session=%u msgs=%lu secs=%.3f "
	       "rate=%.1f p50_us=%u p99_us=%u p999_us=%u accepted=%lu "
	       "refused=%lu tempfail=%lu other=%lu mismatches=%lu "
	       "errors=%lu rt_per_msg=%.2f hwm_kb=%ld\n",
	       o.label, o.conns, o.per_session, (unsigned long)s->msgs, secs,
	       rate, ms_pct(s, 50), ms_pct(s, 99), ms_pct(s, 99.9),
	       (unsigned long)s->accepted, (unsigned long)s->refused,
	       (unsigned long)s->tempfailed, (unsigned long)s->other,
	       (unsigned long)s->mismatches, (unsigned long)s->errors, rt,
	       hwm);
	fflush(stdout);
}

/* Usage and exit. */
static void
usage(void)
{
	fprintf(stderr,
		"usage: mgen -s SOCKET [-c CONNS] [-d SECS] [-n MSGS] "
		"[-W WARMUP_SECS]\n"
		"            [-m MSGS_PER_SESSION] [-w FILE | -a ACCOUNTS "
		"[-r REFUSE_PCT]] [-S]\n"
		"            [-b BODY_BYTES] [-t TIMEOUT] [-p FILTER_PID] "
		"[-l LABEL] [-v]\n"
		"  SOCKET: unix:/path | /path | inet:PORT@127.0.0.1\n"
		"  -w FILE: lines 'LOGIN SENDER [EXPECT]' (LOGIN - = no "
		"AUTH)\n"
		"  -a N: logins userI sending as userI@example.com; -r P%% "
		"send as a neighbour\n"
		"  -S: walk the workload in order (each entry once per "
		"pass) instead of at random\n"
		"  -e OK,BAD: expectations for generated entries (e.g. "
		"accept,554)\n");
	exit(64);
}

/* Split "-e OK,BAD". */
static void
gen_expect(char *arg)
{
	char *comma = strchr(arg, ',');

	if (!comma)
		usage();
	*comma = '\0';
	work.gen_expect_ok = arg;
	work.gen_expect_bad = comma + 1;
}

/* Parse the command line. */
static void
parse_args(int argc, char **argv)
{
	const char *wfile = NULL;
	char *expect = NULL;
	unsigned long accounts = 1000;
	unsigned refuse = 0;
	int ch;

	while ((ch = getopt(argc, argv, "s:c:d:n:W:m:w:a:r:Sb:t:p:l:e:v")) !=
	       -1) {
		switch (ch) {
		case 's': o.socket = optarg; break;
		case 'c': o.conns = (unsigned)atoi(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'n': o.total = strtoul(optarg, NULL, 10); break;
		case 'W': o.warmup = atof(optarg); break;
		case 'm': o.per_session = (unsigned)atoi(optarg); break;
		case 'w': wfile = optarg; break;
		case 'a': accounts = strtoul(optarg, NULL, 10); break;
		case 'r': refuse = (unsigned)atoi(optarg); break;
		case 'S': o.sequential = 1; break;
		case 'b': o.body = strtoul(optarg, NULL, 10); break;
		case 't': o.timeout = atoi(optarg); break;
		case 'p': o.pid = atol(optarg); break;
		case 'l': o.label = optarg; break;
		case 'e': expect = optarg; break;
		case 'v': o.verbose = 1; break;
		default: usage();
		}
	}
	if (!o.socket || o.conns < 1 || o.conns > MAX_THREADS ||
	    o.per_session < 1 || o.duration <= 0 || o.warmup < 0 ||
	    o.duration + o.warmup > MAX_SECONDS || o.timeout < 1)
		usage();
	if (wfile && mw_load(&work, wfile) != 0)
		exit(66);
	if (!wfile)
		mw_generate(&work, accounts, refuse);
	if (expect)
		gen_expect(expect);
}

int
main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	struct mstats all = {0};
	unsigned i, started = 0;
	double t_stop;

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	t_start = now();
	t_measure = t_start + o.warmup;
	t_end = t_measure + o.duration;
	for (i = 0; i < o.conns; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "mgen: thread %u: %s\n", i,
				strerror(errno));
			atomic_store(&stop_now, 1);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		ms_merge(&all, &w[i].st);
		ms_free(&w[i].st);
	}
	t_stop = now();
	if (t_stop > t_end)
		t_stop = t_end;
	report(&all, t_stop - t_measure);
	mw_free(&work);
	int rc = all.mismatches || all.errors ? 2 : 0;
	if (all.msgs == 0) {
		fprintf(stderr, "mgen: no reply counted (%s)\n",
			all.first_error[0] ? all.first_error : "no session");
		rc = 1;
	}
	ms_free(&all);
	return rc;
}
