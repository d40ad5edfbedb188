/*
 * test_log_threads.c - the daemon's thread-facing parts, run for real:
 *   - log lines to stderr from many threads at once are each written
 *     whole, exactly once, and in each thread's own order, however the
 *     write lock is shared out (log.c's queue and its holder);
 *   - without contention a line is in the file when log_event returns;
 *   - thread_stack_kb: threads started afterwards get that stack size.
 */
#define _GNU_SOURCE /* pthread_getattr_np */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon.h"
#include "log.h"

#define THREADS 16
#define LINES 3000

static char path[] = "/tmp/om-log-threads.XXXXXX";
static int saved_stderr = -1;

/* stderr into a fresh temporary file. */
static int
setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	log_open("origin-milter", LOG_MAIL, LOG_DEST_STDERR);
	log_set_level(LOG_INFO);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	unlink(path);
	return 0;
}

/* Start the file anew. */
static void
empty_log(void)
{
	assert_int_equal(ftruncate(STDERR_FILENO, 0), 0);
	assert_int_equal(lseek(STDERR_FILENO, 0, SEEK_SET), 0);
}

/* The file's whole text (caller frees). */
static char *
slurp(size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void *
writer(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	char pad[200];

	/* lines of different lengths, so a torn line cannot look whole */
	memset(pad, 'a' + (int)t, sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (unsigned i = 0; i < LINES; i++)
		log_event(LOG_NOTICE, "t", "thread=%u seq=%u pad=%s end=%u", t,
			  i, pad + (i * 7 + t) % 150, t);
	return NULL;
}

/* 16 threads x 3000 lines: every line whole, once, in its thread's order. */
static void
test_concurrent_lines(void **state)
{
	pthread_t th[THREADS];
	unsigned next[THREADS] = {0};
	size_t len, lines = 0;
	char *text, *line, *save = NULL;

	(void)state;
	empty_log();
	for (unsigned t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, writer,
						(void *)(uintptr_t)t), 0);
	for (unsigned t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	text = slurp(&len);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(strlen(text), len); /* no hole, no NUL */
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned t, seq, end;
		char pad[256];
		int used = 0;

		if (sscanf(line, "origin-milter: event=t thread=%u seq=%u "
				 "pad=%255s end=%u%n",
			   &t, &seq, pad, &end, &used) != 4 ||
		    (size_t)used != strlen(line) || t >= THREADS || end != t ||
		    strspn(pad, (char[]){(char)('a' + t), 0}) != strlen(pad))
			fail_msg("torn or foreign line: %.120s", line);
		if (seq != next[t])
			fail_msg("thread %u: seq %u after %u", t, seq, next[t]);
		next[t]++;
		lines++;
	}
	assert_int_equal(lines, THREADS * LINES);
	free(text);
}

/* One thread alone: its line is in the file when log_event returns. */
static void
test_line_written_on_return(void **state)
{
	size_t len;
	char *text;

	(void)state;
	empty_log();
	log_event(LOG_NOTICE, "alone", "k=v");
	text = slurp(&len);
	assert_string_equal(text, "origin-milter: event=alone k=v\n");
	free(text);
}

struct stack_probe {
	int rc;      /* pthread_getattr_np's answer */
	size_t size; /* the thread's stack size */
};

static void *
stack_size_of_self(void *arg)
{
	struct stack_probe *p = arg;
	pthread_attr_t a;

	p->size = 0;
	p->rc = pthread_getattr_np(pthread_self(), &a);
	if (p->rc == 0) {
		pthread_attr_getstacksize(&a, &p->size);
		pthread_attr_destroy(&a);
	}
	return NULL;
}

/* The stack size a new default thread gets. */
static size_t
new_thread_stack(void)
{
	struct stack_probe p = {-1, 0};
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, stack_size_of_self, &p), 0);
	pthread_join(th, NULL);
	assert_int_equal(p.rc, 0);
	return p.size;
}

/* thread_stack_kb applies to threads created with default attributes
 * (as libmilter creates its session threads). glibc hands a new thread a
 * cached stack up to four times the size asked for, so the sizes here
 * only grow past what earlier threads left (8 MiB); and 1 MiB at least:
 * under ThreadSanitizer pthread_getattr_np fails on smaller stacks. */
static void
test_thread_stack(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(daemon_thread_stack(1024, err, sizeof(err)), 0);
	assert_int_equal(new_thread_stack(), 1024 * 1024);
	/* 0 changes nothing */
	assert_int_equal(daemon_thread_stack(0, err, sizeof(err)), 0);
	assert_int_equal(new_thread_stack(), 1024 * 1024);
	assert_int_equal(daemon_thread_stack(65536, err, sizeof(err)), 0);
	assert_int_equal(new_thread_stack(), (size_t)65536 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_written_on_return),
		cmocka_unit_test(test_concurrent_lines),
		cmocka_unit_test(test_thread_stack),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
