/*
 * test_identity.c - login reduction: the forms of Q191558 and Q198704.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "identity.h"
#include "xtext.h"

static enum id_status
parse(const char *login, const struct identity_rules *r, struct identity *id)
{
	return identity_parse(login, strlen(login), r, id);
}

static void
test_plain(void **state)
{
	struct identity_rules r;
	struct identity id;
	(void)state;
	identity_rules_default(&r);
	assert_int_equal(parse("Alice", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice");
	assert_string_equal(id.domain, "");
	assert_string_equal(id.sent, "Alice");
}

static const char *const realms[] = {"example.com", ".example.net"};
static const char *const nts[] = {"EXAMPLE"};

/* The rules a configuration with local_domains = {"example.com",
 * ".example.net"} gets by default. */
static void
listed_rules(struct identity_rules *r)
{
	identity_rules_default(r);
	r->realms = realms;
	r->nrealms = 2;
	r->nt_domains = nts;
	r->nnt_domains = 1;
}

static void
test_nt_domain(void **state)
{
	struct identity_rules r;
	struct identity id;
	(void)state;
	listed_rules(&r);
	assert_int_equal(parse("EXAMPLE\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "jdoe");
	assert_string_equal(id.login, "example\\jdoe");
	assert_true(identity_reduced(&id));
	assert_string_equal(id.domain, "example");
	assert_string_equal(id.sent, "EXAMPLE\\JDoe");
	assert_int_equal(parse("example\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "jdoe");
	/* an NT domain nobody listed is kept: OTHER\jdoe is not jdoe */
	assert_int_equal(parse("OTHER\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "other\\jdoe");
	assert_false(identity_reduced(&id));
	assert_string_equal(id.domain, "other");
	r.nnt_domains = 0;
	assert_int_equal(parse("EXAMPLE\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "example\\jdoe");
	assert_false(identity_reduced(&id));
	assert_int_equal(parse("\\jdoe", &r, &id), ID_E_FORM);
	assert_int_equal(parse("EXAMPLE\\", &r, &id), ID_E_FORM);
	assert_int_equal(parse("A\\B\\c", &r, &id), ID_E_FORM);
}

static void
test_realm(void **state)
{
	struct identity_rules r;
	struct identity id;
	(void)state;
	listed_rules(&r);
	assert_int_equal(parse("alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice");
	assert_string_equal(id.login, "alice@example.com");
	assert_string_equal(id.domain, "example.com");
	/* ".example.net" covers its subdomains, not itself */
	assert_int_equal(parse("alice@Paris.Example.NET", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice");
	assert_int_equal(parse("alice@example.net", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@example.net");
	/* any other realm is a different user (hosting: another customer) */
	assert_int_equal(parse("alice@other.org", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@other.org");
	assert_false(identity_reduced(&id));
	assert_int_equal(parse("alice@example.com.evil.org", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@example.com.evil.org");
	assert_int_equal(parse("alice@xexample.com", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@xexample.com");
	r.nrealms = 0;
	assert_int_equal(parse("alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@example.com");
	r.fold_case = false;
	assert_int_equal(parse("Alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "Alice@EXAMPLE.COM");
	assert_string_equal(id.login, "Alice@EXAMPLE.COM");
	listed_rules(&r);
	r.fold_case = false;
	assert_int_equal(parse("Alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "Alice");
	assert_int_equal(parse("@realm", &r, &id), ID_E_FORM);
	assert_int_equal(parse("a@", &r, &id), ID_E_FORM);
	assert_int_equal(parse("a@b@c", &r, &id), ID_E_FORM);
	assert_int_equal(parse("DOM\\a@b", &r, &id), ID_E_FORM);
	assert_int_equal(parse("EXAMPLE\\a@example.com", &r, &id), ID_E_FORM);
}

/* Nothing listed (identity_rules_default): nothing is reduced. */
static void
test_default_keeps(void **state)
{
	struct identity_rules r;
	struct identity id;
	(void)state;
	identity_rules_default(&r);
	assert_int_equal(parse("EXAMPLE\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "example\\jdoe");
	assert_int_equal(parse("jdoe@example.com", &r, &id), ID_OK);
	assert_string_equal(id.user, "jdoe@example.com");
	assert_false(identity_reduced(&id));
}

static void
test_hostile(void **state)
{
	struct identity_rules r;
	struct identity id;
	char big[400];
	(void)state;
	identity_rules_default(&r);
	assert_int_equal(parse("", &r, &id), ID_E_EMPTY);
	assert_int_equal(parse("al\r\nice", &r, &id), ID_E_CONTROL);
	assert_int_equal(identity_parse("al\0ice", 6, &r, &id), ID_E_CONTROL);
	assert_int_equal(parse("al\xffice", &r, &id), ID_E_UTF8);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big, &r, &id), ID_E_LONG);
	/* LDAP filter characters are kept as data; escaping is the
	 * directory's job */
	assert_int_equal(parse("*)(uid=*", &r, &id), ID_OK);
	assert_string_equal(id.user, "*)(uid=*");
	for (int st = 0; st < ID_STATUS_COUNT; st++)
		assert_string_not_equal(id_status_name(st), "unknown");
}

/* Sendmail's xtext form of {auth_authen}. */
static void
test_xtext(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(xtext_decode("EXAMPLE+5Calice", 15, out, sizeof(out)),
			 13);
	assert_string_equal(out, "EXAMPLE\\alice");
	assert_int_equal(xtext_decode("dave+2Bx", 8, out, sizeof(out)), 6);
	assert_string_equal(out, "dave+x");
	assert_int_equal(xtext_decode("a+3Db", 5, out, sizeof(out)), 3);
	assert_string_equal(out, "a=b");
	assert_int_equal(xtext_decode("ren+C3+A9", 9, out, sizeof(out)), 5);
	assert_string_equal(out, "ren\xc3\xa9");
	assert_int_equal(xtext_decode("plain", 5, out, sizeof(out)), 5);
	assert_string_equal(out, "plain");
	/* not xtext: a bare '+', lower-case hex, cut short, NUL */
	assert_int_equal(xtext_decode("dave+x", 6, out, sizeof(out)), -1);
	assert_int_equal(xtext_decode("a+5c", 4, out, sizeof(out)), -1);
	assert_int_equal(xtext_decode("a+5", 3, out, sizeof(out)), -1);
	assert_int_equal(xtext_decode("a+00", 4, out, sizeof(out)), -1);
	assert_int_equal(xtext_decode("abcdef", 6, out, 6), -1);
	assert_int_equal(xtext_decode("abcde", 5, out, 6), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_nt_domain),
		cmocka_unit_test(test_realm),
		cmocka_unit_test(test_default_keeps),
		cmocka_unit_test(test_xtext),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
