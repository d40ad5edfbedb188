/*
 * test_dir_file.c - the accounts-file backend: lookups, custom recipients,
 * ambiguity, and load errors reported as file:line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_file.h"

static struct norm_opts norm = {false, "+"};

static struct directory *
open_data(const char *name, char *err, size_t errsz)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/%s", TEST_SRCDIR, name);
	return dir_file_open(path, &norm, err, errsz);
}

static struct dir_lookup
account(struct directory *d, const char *user)
{
	struct identity id;
	struct dir_lookup l;
	memset(&id, 0, sizeof(id));
	snprintf(id.user, sizeof(id.user), "%s", user);
	dir_find_account(d, &id, &l);
	return l;
}

static void
test_lookups(void **state)
{
	char err[512] = "";
	struct directory *d = open_data("accounts", err, sizeof(err));
	struct dir_lookup l;
	(void)state;
	assert_non_null(d);
	l = account(d, "ALICE");
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "alice");
	assert_true(dir_account_holds(l.acct, "a.smith@example.com"));
	assert_false(dir_account_holds(l.acct, "a.smith+x@example.com"));
	assert_non_null(strstr(l.trace.source, "accounts:3"));
	/* second login of an entry; the contact sharing "john" is skipped */
	l = account(d, "john");
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->id, "jdoe");
	assert_string_equal(l.acct->home, "mail1");
	assert_int_equal(l.trace.ncandidates, 2);
	l = account(d, "dup");
	assert_int_equal(l.status, DIR_AMBIGUOUS);
	assert_non_null(strstr(l.trace.candidates, "dup (line 9, mailbox)"));
	assert_non_null(strstr(l.trace.candidates, "dup#10 (line 10, mailbox)"));
	l = account(d, "nobody");
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_destroy(d);
}

static void
test_owner_and_delegates(void **state)
{
	char err[512] = "";
	struct directory *d = open_data("accounts", err, sizeof(err));
	struct dir_lookup l;
	(void)state;
	dir_find_owner(d, "sales@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_true(dir_account_delegates_to(l.acct, "alice"));
	assert_true(dir_account_delegates_to(l.acct, "jdoe"));
	assert_false(dir_account_delegates_to(l.acct, "carol"));
	/* exact keys only: the catch-all is its own key "@domain" */
	dir_find_owner(d, "whoever@example.org", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "@example.org", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "boss");
	dir_find_owner(d, "sales+x@example.com", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "whoever@example.net", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	char stats[256];
	d->ops->stats(d, stats, sizeof(stats));
	assert_non_null(strstr(stats, "accounts=8"));
	dir_destroy(d);
}

/* A bad file names its line. */
static void
expect_error(const char *name, const char *where, const char *what)
{
	char err[512] = "";
	struct directory *d = open_data(name, err, sizeof(err));
	assert_null(d);
	if (strstr(err, where) == NULL || strstr(err, what) == NULL)
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, what));
}

static void
test_load_errors(void **state)
{
	(void)state;
	expect_error("bad-address", "bad-address:2:", "domain_syntax");
	expect_error("bad-duplicate", "bad-duplicate:3:",
		     "already belongs to line 1");
	expect_error("bad-delegate", "bad-delegate:1:", "\"nobody\"");
	expect_error("bad-option", "bad-option:2:", "unknown option");
	expect_error("bad-fields", "bad-fields:1:", "expected logins");
	expect_error("no-such-file", "no-such-file", "No such file");
	expect_error("bad-empty", "bad-empty", "no account at all");
}

/* An accounts file whose modification time is an hour ahead (copied from
 * a host whose clock is ahead) loads, at start-up and on every reload: it
 * used to count as "still being written" for ever. */
static void
test_future_mtime_loads(void **state)
{
	char src[1024], path[256], err[512] = "", line[512];
	struct timespec times[2];
	FILE *in, *out;
	(void)state;

	snprintf(src, sizeof(src), "%s/data/accounts", TEST_SRCDIR);
	snprintf(path, sizeof(path), "/tmp/om-test-future-%ld", (long)getpid());
	in = fopen(src, "r");
	out = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, out);
	fclose(in);
	fclose(out);
	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec += 3600; /* touch -d '+1 hour' */
	times[1] = times[0];
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	for (int reload = 0; reload < 2; reload++) {
		struct directory *d = dir_file_open(path, &norm, err, sizeof(err));
		if (d == NULL)
			fprintf(stderr, "error was: %s\n", err);
		assert_non_null(d);
		assert_int_equal(account(d, "alice").status, DIR_OK);
		dir_destroy(d);
	}
	unlink(path);
}

/* dir_file_parse_buf: the same directory as the file, the same errors
 * (file:line), NUL octets refused, a last line without newline read. */
static void
test_parse_buf(void **state)
{
	static const char text[] = "# comment\n"
				   "alice alice@example.com,a.smith@example.com\n"
				   "sales sales@example.com delegates=alice";
	static const char nul[] = "alice alice@example.com\nbob b\0b@x\n";
	char err[512] = "";
	struct directory *d;
	struct dir_lookup l;
	(void)state;

	d = dir_file_parse_buf("mem", text, sizeof(text) - 1, &norm, err,
			       sizeof(err));
	assert_non_null(d);
	l = account(d, "alice");
	assert_int_equal(l.status, DIR_OK);
	assert_true(dir_account_holds(l.acct, "a.smith@example.com"));
	assert_string_equal(l.trace.source, "file:mem:2");
	dir_release(d, &l);
	dir_find_owner(d, "sales@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_true(dir_account_delegates_to(l.acct, "alice"));
	assert_string_equal(l.trace.source, "file:mem:3");
	dir_release(d, &l);
	dir_destroy(d);
	assert_null(dir_file_parse_buf("mem", nul, sizeof(nul) - 1, &norm, err,
				       sizeof(err)));
	assert_string_equal(err, "mem:2: NUL byte in line");
	assert_null(dir_file_parse_buf("mem", "# nothing\n", 10, &norm, err,
				       sizeof(err)));
	assert_non_null(strstr(err, "no account at all"));
	assert_null(dir_file_parse_buf("mem", "a b@x\nc d@x bogus\n", 18,
				       &norm, err, sizeof(err)));
	assert_non_null(strstr(err, "mem:2: option \"bogus\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_owner_and_delegates),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_future_mtime_loads),
		cmocka_unit_test(test_parse_buf),
	};
	return cmocka_run_group_tests_name("dir_file", tests, NULL, NULL);
}
