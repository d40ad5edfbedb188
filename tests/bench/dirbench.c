/*
 * dirbench.c - how the accounts-file directory scales: time to load a file
 * of N accounts ("userI userI@example.com" lines), the process RSS after
 * loading, and the rate of the two lookups a message costs (login ->
 * account, sender key -> owner) from C threads on random accounts.
 *
 *   dirbench -f ACCOUNTS_FILE -a N [-c THREADS] [-d SECS]
 */
#include <pthread.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dir_file.h"
#include "directory.h"
#include "identity.h"
#include "normalize.h"

#define MAX_THREADS 64

static struct directory *dir;
static unsigned long accounts = 1000;
static double t_end;
static struct identity_rules rules;

struct worker {
	pthread_t tid;
	unsigned id;
	unsigned long lookups, found;
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's resident set in KiB. */
static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

/* One message's lookups for account i; 1 if both answered DIR_OK. */
static int
lookup(unsigned long i)
{
	char login[64], key[96];
	struct identity id;
	struct dir_lookup a, b;
	int ok;

	snprintf(login, sizeof login, "user%lu", i);
	snprintf(key, sizeof key, "user%lu@example.com", i);
	if (identity_parse(login, strlen(login), &rules, &id) != ID_OK)
		return 0;
	dir_lookup_init(&a);
	dir_lookup_init(&b);
	dir_find_account(dir, &id, &a);
	dir_find_owner(dir, key, &b);
	ok = a.status == DIR_OK && b.status == DIR_OK;
	if (a.status == DIR_OK)
		dir_release(dir, &a);
	if (b.status == DIR_OK)
		dir_release(dir, &b);
	return ok;
}

/* A worker: random accounts until the end. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t s = 0x9E3779B97F4A7C15ull * (w->id + 1);
	unsigned k;

	while (now() < t_end) {
		for (k = 0; k < 256; k++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			w->found += (unsigned long)lookup(s % accounts);
			w->lookups++;
		}
	}
	return NULL;
}

/* The backend reads a file only once it has been still for a second (a
 * file being written must not be loaded half-way); wait that out first,
 * so that the figure is the load itself, not the settling of a file the
 * bench has just written. */
static void
wait_settled(const char *path)
{
	struct stat st;
	struct timespec ts;

	if (stat(path, &st) != 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	double age = (double)(ts.tv_sec - st.st_mtim.tv_sec) +
		     (double)(ts.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
	if (age < 1.2)
		usleep((useconds_t)((1.2 - age) * 1e6));
}

int
main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	struct norm_opts norm;
	const char *path = NULL;
	unsigned threads = 1, i;
	unsigned long n = 0, found = 0;
	double secs = 2, t0, load, t1;
	long rss0, rss1;
	char err[512];
	int ch;

	while ((ch = getopt(argc, argv, "f:a:c:d:")) != -1) {
		switch (ch) {
		case 'f': path = optarg; break;
		case 'a': accounts = strtoul(optarg, NULL, 10); break;
		case 'c': threads = (unsigned)atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		default: path = NULL; optind = argc; break;
		}
	}
	if (!path || !accounts || threads < 1 || threads > MAX_THREADS ||
	    secs <= 0 || secs > 120) {
		fprintf(stderr, "usage: dirbench -f FILE -a N [-c THREADS] "
				"[-d SECS]\n");
		return 64;
	}
	memset(&norm, 0, sizeof norm);
	identity_rules_default(&rules);
	wait_settled(path);
	rss0 = rss_kb();
	t0 = now();
	if (!(dir = dir_file_open(path, &norm, err, sizeof err))) {
		fprintf(stderr, "dirbench: %s\n", err);
		return 1;
	}
	load = now() - t0;
	rss1 = rss_kb();
	t1 = now();
	t_end = t1 + secs;
	for (i = 0; i < threads; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
	}
	threads = i;
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		n += w[i].lookups;
		found += w[i].found;
	}
	secs = now() - t1;
	printf("dirbench: %lu accounts loaded in %.1f ms (+%ld KiB RSS); "
	       "%.0f messages' lookups/s over %u threads, %lu of %lu found\n",
	       accounts, load * 1e3, rss1 - rss0, (double)n / secs, threads,
	       found, n);
	printf("RESULT label=dirbench accounts=%lu load_ms=%.1f rss_kb=%ld "
	       "threads=%u msgs=%lu secs=%.3f rate=%.1f found=%lu\n",
	       accounts, load * 1e3, rss1 - rss0, threads, n, secs,
	       (double)n / secs, found);
	dir_destroy(dir);
	return found == n ? 0 : 2;
}
