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

static void
test_nt_domain(void **state)
{
	struct identity_rules r;
	struct identity id;
	(void)state;
	identity_rules_default(&r);
	assert_int_equal(parse("EXAMPLE\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "jdoe");
	assert_string_equal(id.domain, "example");
	assert_string_equal(id.sent, "EXAMPLE\\JDoe");
	r.strip_nt_domain = false;
	assert_int_equal(parse("EXAMPLE\\JDoe", &r, &id), ID_OK);
	assert_string_equal(id.user, "example\\jdoe");
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
	identity_rules_default(&r);
	assert_int_equal(parse("alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice");
	assert_string_equal(id.domain, "example.com");
	r.realm = REALM_KEEP;
	assert_int_equal(parse("alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "alice@example.com");
	r.fold_case = false;
	assert_int_equal(parse("Alice@EXAMPLE.COM", &r, &id), ID_OK);
	assert_string_equal(id.user, "Alice@EXAMPLE.COM");
	assert_int_equal(parse("@realm", &r, &id), ID_E_FORM);
	assert_int_equal(parse("a@b@c", &r, &id), ID_E_FORM);
	assert_int_equal(parse("DOM\\a@b", &r, &id), ID_E_FORM);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_nt_domain),
		cmocka_unit_test(test_realm),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
