/*
 * test_reply.c - configured replies and the cleaning of client bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reply.h"

static void
test_parse_kb_texts(void **state)
{
	struct reply_template t;
	char err[256];
	(void)state;
	assert_int_equal(reply_parse("554 5.7.1 Originator address does not "
				     "match authentication credentials",
				     0, &t, err, sizeof(err)),
			 0);
	assert_string_equal(t.code, "554");
	assert_string_equal(t.xcode, "5.7.1");
	assert_string_equal(t.text, "Originator address does not match "
				    "authentication credentials");
	assert_int_equal(reply_parse("504 5.7.4 Need to authenticate first", 0,
				     &t, err, sizeof(err)),
			 0);
	assert_int_equal(reply_parse("554 5.7.1 Mailbox is not local: %s", 1,
				     &t, err, sizeof(err)),
			 0);
}

static void
test_parse_errors(void **state)
{
	struct reply_template t;
	char err[256];
	(void)state;
	assert_int_equal(reply_parse("250 2.0.0 fine", 0, &t, err, sizeof(err)),
			 -1);
	assert_int_equal(reply_parse("554 4.7.1 class mismatch", 0, &t, err,
				     sizeof(err)),
			 -1);
	assert_int_equal(reply_parse("554 5.7 short", 0, &t, err, sizeof(err)),
			 -1);
	assert_int_equal(reply_parse("554 5.7.1 x %s", 0, &t, err, sizeof(err)),
			 -1);
	assert_int_equal(reply_parse("554 5.7.1 %s %s", 1, &t, err, sizeof(err)),
			 -1);
	assert_int_equal(reply_parse("554 5.7.1 tab\there", 0, &t, err,
				     sizeof(err)),
			 -1);
}

static void
test_clean(void **state)
{
	char out[64];
	(void)state;
	reply_clean("a\r\nb%c\x01\x7f\xc3\xa9", 10, 100, out, sizeof(out));
	assert_string_equal(out, "ab%%c??");
	reply_clean("abcdefghij", 10, 4, out, sizeof(out));
	assert_string_equal(out, "abcd...");
	/* never overflows the output */
	reply_clean("%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%", 40, 100, out, 16);
	assert_true(strlen(out) < 16);
}

static void
test_format(void **state)
{
	struct reply_template t;
	struct reply r;
	char err[256], line[1100];
	const char *hostile = "<evil%n\r\n250 ok@example.com>";
	(void)state;
	reply_parse("554 5.7.1 Mailbox is not local: %s", 1, &t, err,
		    sizeof(err));
	reply_format(&t, "JohnD@COMPANY1.com", 18, &r);
	assert_string_equal(r.text, "Mailbox is not local: JohnD@COMPANY1.com");
	reply_format(&t, hostile, strlen(hostile), &r);
	assert_null(strchr(r.text, '\r'));
	assert_null(strchr(r.text, '\n'));
	assert_string_equal(r.text,
			    "Mailbox is not local: <evil%%n250 ok@example.com>");
	reply_line(&r, line, sizeof(line));
	assert_string_equal(line, "554 5.7.1 Mailbox is not local: <evil%n250 "
				  "ok@example.com>");
	/* an admin's literal % is doubled for libmilter */
	reply_parse("554 5.7.1 100% sure", 0, &t, err, sizeof(err));
	reply_format(&t, NULL, 0, &r);
	assert_string_equal(r.text, "100%% sure");
	/* a 10 KB sender is bounded */
	static char big[10240];
	memset(big, 'x', sizeof(big) - 1);
	reply_parse("554 5.7.1 Mailbox is not local: %s", 1, &t, err,
		    sizeof(err));
	reply_format(&t, big, strlen(big), &r);
	assert_true(strlen(r.text) < 300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kb_texts),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
