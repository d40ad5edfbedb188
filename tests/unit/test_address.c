/*
 * test_address.c - RFC 5321 path parsing and comparison keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "address.h"
#include "normalize.h"

static struct addr_limits lim = {64, 255, 256};

/* Parse s and check the status. */
static enum addr_status
parse(const char *s, struct address *a)
{
	return addr_parse(s, strlen(s), &lim, a);
}

/* Parse s, which must succeed, and return its key. */
static const char *
key_of(const char *s, const struct norm_opts *o)
{
	static char key[KEY_BUF];
	struct address a;

	assert_int_equal(parse(s, &a), ADDR_OK);
	assert_int_equal(addr_key(&a, o, key, sizeof(key)), NORM_OK);
	return key;
}

static struct norm_opts fold_plus = {false, "+"};

static void
test_plain_forms(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<alice@example.com>", &a), ADDR_OK);
	assert_string_equal(a.local, "alice");
	assert_string_equal(a.domain, "example.com");
	assert_int_equal(parse("alice@example.com", &a), ADDR_OK);
	assert_string_equal(a.domain, "example.com");
	assert_false(a.is_null);
}

static void
test_null_path(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<>", &a), ADDR_OK);
	assert_true(a.is_null);
	assert_int_equal(parse("", &a), ADDR_E_EMPTY);
}

static void
test_source_route_ignored(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<@a.example,@b.example:user@x.example>", &a),
			 ADDR_OK);
	assert_string_equal(a.local, "user");
	assert_string_equal(a.domain, "x.example");
	assert_int_equal(parse("<@a.example:>", &a), ADDR_E_ROUTE);
	assert_int_equal(parse("<@a..example:u@x>", &a), ADDR_E_ROUTE);
	assert_int_equal(parse("<@a.example,u@x>", &a), ADDR_E_ROUTE);
}

static void
test_quoted_local(void **state)
{
	struct address a;
	char out[ADDR_BUF];
	(void)state;
	assert_int_equal(parse("<\"john doe\"@example.com>", &a), ADDR_OK);
	assert_string_equal(a.local, "john doe");
	assert_true(a.quoted);
	addr_format(&a, out, sizeof(out));
	assert_string_equal(out, "\"john doe\"@example.com");
	/* "john"@x is john@x */
	assert_int_equal(parse("<\"john\"@example.com>", &a), ADDR_OK);
	assert_false(a.quoted);
	assert_string_equal(key_of("<\"John\"@Example.COM>", &fold_plus),
			    "john@example.com");
	/* a quoted @ stays inside the local part: never a second address */
	assert_string_equal(key_of("<\"alice@example.com\"@evil.example>",
				   &fold_plus),
			    "\"alice@example.com\"@evil.example");
	assert_int_equal(parse("<\"unterminated@example.com>", &a),
			 ADDR_E_ANGLE);
	assert_int_equal(parse("\"unterminated@example.com", &a), ADDR_E_QUOTE);
	assert_int_equal(parse("<\"a\\\"b\"@example.com>", &a), ADDR_OK);
	assert_string_equal(a.local, "a\"b");
}

static void
test_trailing_dot_and_literals(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<u@example.com.>", &a), ADDR_OK);
	assert_string_equal(a.domain, "example.com");
	assert_int_equal(parse("<u@example.com..>", &a), ADDR_E_DOMAIN_SYNTAX);
	assert_int_equal(parse("<u@[192.0.2.1]>", &a), ADDR_OK);
	assert_true(a.literal);
	assert_int_equal(parse("<u@[IPv6:2001:db8::1]>", &a), ADDR_OK);
	assert_int_equal(parse("<u@[300.1.1.1]>", &a), ADDR_E_LITERAL);
	assert_int_equal(parse("<u@[IPv6:zz::1]>", &a), ADDR_E_LITERAL);
}

static void
test_utf8(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<j\xc3\xb6rg@b\xc3\xbc" "cher.example>", &a),
			 ADDR_OK);
	assert_true(a.utf8);
	assert_string_equal(a.local, "j\xc3\xb6rg");
	/* domain compared in A-label form, U-label or not */
	assert_string_equal(key_of("<x@B\xc3\x9c" "CHER.example>", &fold_plus),
			    "x@xn--bcher-kva.example");
	assert_string_equal(key_of("<x@xn--BCHER-kva.example>", &fold_plus),
			    "x@xn--bcher-kva.example");
	assert_int_equal(parse("<a\xff@example.com>", &a), ADDR_E_UTF8);
	assert_int_equal(parse("<a\xc0\xaf@example.com>", &a), ADDR_E_UTF8);
}

static void
test_lengths(void **state)
{
	struct address a;
	char buf[600];
	(void)state;
	memset(buf, 'a', 64);
	strcpy(buf + 64, "@example.com");
	assert_int_equal(parse(buf, &a), ADDR_OK);
	memset(buf, 'a', 65);
	strcpy(buf + 65, "@example.com");
	assert_int_equal(parse(buf, &a), ADDR_E_LOCAL_LONG);
	strcpy(buf, "u@");
	for (int i = 0; i < 5; i++)
		strcat(buf, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(buf, "com");
	struct addr_limits dom = {64, 255, 1000};
	assert_int_equal(addr_parse(buf, strlen(buf), &dom, &a),
			 ADDR_E_DOMAIN_LONG);
	struct addr_limits big = {64, 1000, 1000};
	assert_int_equal(addr_parse(buf, strlen(buf), &big, &a), ADDR_OK);
	struct addr_limits small = {64, 255, 20};
	assert_int_equal(addr_parse("<abcdefghij@example.com>", 24, &small, &a),
			 ADDR_E_PATH_LONG);
}

static void
test_malformed_each_code(void **state)
{
	struct address a;
	(void)state;
	assert_int_equal(parse("<alice@example.com", &a), ADDR_E_ANGLE);
	assert_int_equal(parse("alice@example.com>", &a), ADDR_E_ANGLE);
	assert_int_equal(parse("<alice@example.com> x", &a), ADDR_E_TRAILING);
	assert_int_equal(parse("<alice>", &a), ADDR_E_NO_AT);
	assert_int_equal(parse("<.alice@example.com>", &a), ADDR_E_LOCAL_SYNTAX);
	assert_int_equal(parse("<al..ice@example.com>", &a), ADDR_E_LOCAL_SYNTAX);
	assert_int_equal(parse("<al ice@example.com>", &a), ADDR_E_LOCAL_SYNTAX);
	assert_int_equal(parse("<alice@-example.com>", &a), ADDR_E_DOMAIN_SYNTAX);
	assert_int_equal(parse("<alice@>", &a), ADDR_E_DOMAIN_SYNTAX);
	assert_int_equal(parse("<alice@exa mple.com>", &a), ADDR_E_DOMAIN_SYNTAX);
	assert_int_equal(parse("<alice@example.com\r\n>", &a), ADDR_E_CONTROL);
	assert_int_equal(addr_parse("<a\0b@example.com>", 17, &lim, &a),
			 ADDR_E_CONTROL);
	assert_int_equal(parse("<a@b@example.com>", &a), ADDR_E_DOMAIN_SYNTAX);
	for (int st = 0; st < ADDR_STATUS_COUNT; st++)
		assert_string_not_equal(addr_status_name(st), "unknown");
}

static void
test_keys(void **state)
{
	struct norm_opts sens = {true, ""};
	struct norm_opts multi = {false, "+-"};
	(void)state;
	/* a key is never stripped: the extension stays */
	assert_string_equal(key_of("<Alice+Tag@Example.COM>", &fold_plus),
			    "alice+tag@example.com");
	assert_string_equal(key_of("<Alice+Tag@Example.COM>", &sens),
			    "Alice+Tag@example.com");
	assert_string_equal(key_of("<alice-x@example.com>", &multi),
			    "alice-x@example.com");
	assert_string_equal(key_of("<+alice@example.com>", &fold_plus),
			    "+alice@example.com");
	char k[KEY_BUF];
	assert_int_equal(key_from_text("@Example.ORG", &fold_plus, k, sizeof(k),
				       NULL),
			 NORM_OK);
	assert_string_equal(k, "@example.org");
	assert_int_equal(key_from_text("@-bad-", &fold_plus, k, sizeof(k), NULL),
			 NORM_E_SYNTAX);
	assert_string_equal(key_domain("a@b.example"), "b.example");
	assert_int_equal(catchall_key("a@b.example", k, sizeof(k)), 10);
	assert_string_equal(k, "@b.example");
}

/* The base address of a key: Postfix's split_addr rule. */
static const char *
base_of(const char *key, const char *delims)
{
	static char b[KEY_BUF];
	if (key_base(key, delims, b, sizeof(b)) == 0)
		return "(none)";
	return b;
}

static void
test_key_base(void **state)
{
	(void)state;
	assert_string_equal(base_of("alice+tag@x.example", "+"), "alice@x.example");
	assert_string_equal(base_of("alice+a+b@x.example", "+"), "alice@x.example");
	assert_string_equal(base_of("alice+@x.example", "+"), "alice@x.example");
	assert_string_equal(base_of("alice@x.example", "+"), "(none)");
	assert_string_equal(base_of("alice+tag@x.example", ""), "(none)");
	assert_string_equal(base_of("alice-tag@x.example", "+"), "(none)");
	assert_string_equal(base_of("alice-tag@x.example", "-"), "alice@x.example");
	/* the first delimiter of the set wins, whichever it is */
	assert_string_equal(base_of("jean-luc+x@x.example", "+-"), "jean@x.example");
	assert_string_equal(base_of("jean-luc+x@x.example", "-+"), "jean@x.example");
	assert_string_equal(base_of("jean-luc+x@x.example", "+"), "jean-luc@x.example");
	/* a delimiter in the domain is not in the local part */
	assert_string_equal(base_of("alice@my-host.example", "-"), "(none)");
	/* leading delimiter: no split (Postfix: no empty local part) */
	assert_string_equal(base_of("+alice@x.example", "+"), "(none)");
	assert_string_equal(base_of("-a-b@x.example", "-"), "(none)");
	/* Postfix's exceptions */
	assert_string_equal(base_of("owner-list@x.example", "-"), "(none)");
	assert_string_equal(base_of("Owner-list+x@x.example", "+-"), "(none)");
	assert_string_equal(base_of("owner-list+x@x.example", "+"), "owner-list@x.example");
	assert_string_equal(base_of("list-request@x.example", "-"), "(none)");
	assert_string_equal(base_of("-request@x.example", "-"), "(none)");
	assert_string_equal(base_of("list-REQUEST@x.example", "+-"), "(none)");
	assert_string_equal(base_of("MAILER-DAEMON@x.example", "-"), "(none)");
	assert_string_equal(base_of("double-bounce@x.example", "-"), "(none)");
	assert_string_equal(base_of("mailer-x@x.example", "-"), "mailer@x.example");
	/* a quoted local part and a catch-all are never split */
	assert_string_equal(base_of("\"a+b c\"@x.example", "+"), "(none)");
	assert_string_equal(base_of("@x.example", "+"), "(none)");
	/* too small a buffer: no base rather than a truncated one */
	char small[8];
	assert_int_equal(key_base("alice+t@x.example", "+", small, sizeof(small)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_forms),
		cmocka_unit_test(test_null_path),
		cmocka_unit_test(test_source_route_ignored),
		cmocka_unit_test(test_quoted_local),
		cmocka_unit_test(test_trailing_dot_and_literals),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_malformed_each_code),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_key_base),
	};
	return cmocka_run_group_tests_name("address", tests, NULL, NULL);
}
