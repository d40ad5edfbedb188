/*
 * test_dir_reaper.c - a directory's last release does not make the
 * releasing thread (a libmilter callback) wait for its destruction: while
 * the reaper runs, the destroy happens on the reaper's thread, and the
 * caller goes on even when that destroy is slow (as unbinding an LDAP pool
 * and joining its watchdog is). Asserted by structure: which thread ran
 * the destroy, and that the caller got back before it finished.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dir_reaper.h"
#include "directory.h"

/* A directory whose destroy, off the caller's thread, waits for "go". */
struct slow_dir {
	struct directory d;
	pthread_mutex_t m;
	pthread_cond_t c;
	pthread_t caller;
	pthread_t destroyed_on;
	bool go, destroyed;
	int order;
};

static int destroy_seq;

/* The backend's destroy: note the thread; off the caller's, be slow. */
static void
slow_destroy(struct directory *d)
{
	struct slow_dir *s = d->impl;

	pthread_mutex_lock(&s->m);
	s->destroyed_on = pthread_self();
	if (!pthread_equal(s->destroyed_on, s->caller))
		while (!s->go)
			pthread_cond_wait(&s->c, &s->m);
	s->destroyed = true;
	s->order = ++destroy_seq;
	pthread_mutex_unlock(&s->m);
}

static const struct directory_ops slow_ops = {.name = "slow",
                                              .destroy = slow_destroy};

static void
slow_init(struct slow_dir *s)
{
	*s = (struct slow_dir){.d = {.ops = &slow_ops, .impl = s}};
	pthread_mutex_init(&s->m, NULL);
	pthread_cond_init(&s->c, NULL);
	s->caller = pthread_self();
}

/* Let a waiting destroy finish. */
static void
slow_go(struct slow_dir *s)
{
	pthread_mutex_lock(&s->m);
	s->go = true;
	pthread_cond_signal(&s->c);
	pthread_mutex_unlock(&s->m);
}

/* Reaper running: dir_destroy returns before the destroy ends, which runs
 * on another thread; stop waits for it. */
static void
test_destroy_off_the_caller(void **state)
{
	struct slow_dir s;
	bool done;
	(void)state;

	slow_init(&s);
	assert_int_equal(dir_reaper_start(), 0);
	dir_destroy(&s.d);
	pthread_mutex_lock(&s.m);
	done = s.destroyed;
	pthread_mutex_unlock(&s.m);
	assert_false(done); /* we are back, the destroy is still waiting */
	slow_go(&s);
	dir_reaper_stop();
	assert_true(s.destroyed);
	assert_false(pthread_equal(s.destroyed_on, pthread_self()));
}

/* Several handed over: all destroyed, in order, by the time stop returns. */
static void
test_stop_drains_in_order(void **state)
{
	struct slow_dir s[3];
	(void)state;

	destroy_seq = 0;
	assert_int_equal(dir_reaper_start(), 0);
	for (int i = 0; i < 3; i++) {
		slow_init(&s[i]);
		dir_destroy(&s[i].d);
	}
	for (int i = 0; i < 3; i++)
		slow_go(&s[i]);
	dir_reaper_stop();
	for (int i = 0; i < 3; i++) {
		assert_true(s[i].destroyed);
		assert_int_equal(s[i].order, i + 1);
	}
}

/* Without the reaper (tools, tests, after stop) the destroy is immediate
 * and on the caller's thread. */
static void
test_without_reaper_at_once(void **state)
{
	struct slow_dir s;
	(void)state;

	slow_init(&s);
	dir_destroy(&s.d);
	assert_true(s.destroyed);
	assert_true(pthread_equal(s.destroyed_on, pthread_self()));
	dir_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_destroy_off_the_caller),
	    cmocka_unit_test(test_stop_drains_in_order),
	    cmocka_unit_test(test_without_reaper_at_once),
	};
	return cmocka_run_group_tests_name("dir_reaper", tests, NULL, NULL);
}
