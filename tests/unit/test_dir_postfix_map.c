/*
 * test_dir_postfix_map.c - the postfix_map backend: Postfix's table source
 * format (comments, continuation lines, owner lists, quoted keys, first
 * definition wins, bare local parts) and its errors as FILE:LINE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_postfix_map.h"

static char path[256];
static struct norm_opts norm = {false, "+"};
static struct strmap domains;

/* Write text to a temporary map and open it. */
static struct directory *
open_map(const char *text, char *err, size_t errsz)
{
	FILE *f;
	snprintf(path, sizeof(path), "/tmp/om-test-pfmap-%ld", (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return dir_postfix_map_open(path, &norm, &domains, err, errsz);
}

/* Does login hold key (an address or "@domain")? */
static bool
owns(struct directory *d, const char *login, const char *key)
{
	struct identity id;
	struct dir_lookup l;
	bool r;

	memset(&id, 0, sizeof(id));
	snprintf(id.user, sizeof(id.user), "%s", login);
	dir_find_account(d, &id, &l);
	if (l.status != DIR_OK)
		return false;
	r = dir_account_holds(l.acct, key);
	dir_release(d, &l);
	return r;
}

static void
test_format(void **state)
{
	char err[512] = "";
	struct directory *d;
	struct dir_lookup l;
	(void)state;
	d = open_map("# comment\n"
		     "\n"
		     "alice@example.com    alice\n"
		     "  # a comment inside does not end the entry\n"
		     "sales@Example.COM    Alice,\n"
		     "\tbob carol\n"
		     "\"odd@example.com\"  dave\n"
		     "alice@example.com    mallory\n"
		     "@example.org         boss\n"
		     "postmaster           admin\n"
		     "postmaster@example.org other\n",
		     err, sizeof(err));
	if (d == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(d);
	assert_true(owns(d, "alice", "alice@example.com"));
	assert_true(owns(d, "ALICE", "sales@example.com"));
	assert_true(owns(d, "bob", "sales@example.com"));
	assert_true(owns(d, "carol", "sales@example.com"));
	assert_true(owns(d, "dave", "odd@example.com"));
	/* the first definition of a key wins */
	assert_false(owns(d, "mallory", "alice@example.com"));
	assert_true(owns(d, "boss", "@example.org"));
	assert_false(owns(d, "boss", "x@example.org"));
	/* a bare local part: each local domain no explicit line names */
	assert_true(owns(d, "admin", "postmaster@example.com"));
	assert_false(owns(d, "admin", "postmaster@example.org"));
	assert_true(owns(d, "other", "postmaster@example.org"));
	/* an owner of the key */
	dir_lookup_init(&l);
	dir_find_owner(d, "sales@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	dir_find_owner(d, "x@example.org", &l); /* exact keys only */
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "@example.org", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->id, "boss");
	dir_destroy(d);
}

/* Each error names the file and the line. */
static void
expect_error(const char *text, const char *where, const char *what)
{
	char err[512] = "", want[300];
	struct directory *d = open_map(text, err, sizeof(err));
	assert_null(d);
	snprintf(want, sizeof(want), "%s%s", path, where);
	if (strstr(err, want) == NULL || strstr(err, what) == NULL)
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, what));
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("  bob\n", ":1:", "nothing to continue");
	expect_error("# c\nalice@example.com\n", ":2:", "no value");
	expect_error("alice@example.com alice\n@ bob\n", ":2:",
		     "not an address");
	expect_error("a@b@c alice\n", ":1:", "not an address");
	expect_error("\"open@example.com alice\n", ":1:", "unterminated");
	expect_error("# only comments\n", "", "no login at all");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_errors),
	};
	strmap_init(&domains, 4);
	strmap_add(&domains, "example.com", "example.com");
	strmap_add(&domains, "example.org", "example.org");
	strmap_add(&domains, ".corp.example", ".corp.example");
	int rc = cmocka_run_group_tests_name("dir_postfix_map", tests, NULL,
					     NULL);
	unlink(path);
	strmap_free(&domains);
	return rc;
}
