/*
 * test_header_from.c - address-list extraction and the header From check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_dir.h"
#include "header_from.h"

struct got {
	char a[8][256];
	int n;
};

static void
take(const char *addr, size_t len, void *arg)
{
	struct got *g = arg;
	if (g->n < 8 && len < 256) {
		memcpy(g->a[g->n], addr, len);
		g->a[g->n++][len] = '\0';
	}
}

static void
test_extract(void **state)
{
	struct got g = {0};
	(void)state;
	assert_int_equal(header_addresses("\"Smith, Alice\" <alice@example.com>, "
					  "bob@example.com (Bob), "
					  "team: carol@example.com, "
					  "<dave@example.com>;",
					  take, &g),
			 4);
	assert_string_equal(g.a[0], "alice@example.com");
	assert_string_equal(g.a[1], "bob@example.com");
	assert_string_equal(g.a[2], "carol@example.com");
	assert_string_equal(g.a[3], "dave@example.com");
	g.n = 0;
	assert_int_equal(header_addresses("\"unbalanced <a@b>", take, &g), -1);
	assert_int_equal(header_addresses("x (unclosed <a@b>", take, &g), -1);
	assert_int_equal(header_addresses("Name <a@b", take, &g), -1);
}

static const char *alice_addrs[] = {"alice@example.com"};
static const struct fake_entry entries[] = {
	{"alice", {"alice", "alice", alice_addrs, 1, NULL, NULL, 0, false}, 1},
};

static void
test_check(void **state)
{
	struct policy p;
	struct fake_dir fd;
	struct verdict v;
	char err[128], *buf = NULL;
	size_t len = 0;
	struct facts f = {"alice", "<alice@example.com>", 19, false, NULL};
	(void)state;
	memset(&p, 0, sizeof(p));
	p.check_originator = true;
	addr_limits_default(&p.limits);
	identity_rules_default(&p.identity);
	strmap_init(&p.local_domains, 4);
	strmap_init(&p.bypass_logins, 4);
	reply_parse("554 5.7.1 Originator address does not match "
		    "authentication credentials",
		    0, &p.not_owner, err, sizeof(err));
	reply_parse("501 5.1.7 Bad sender address syntax", 0, &p.bad_sender,
		    err, sizeof(err));
	fake_dir_init(&fd, entries, 1);

	header_from_collect(&buf, &len, "Alice <Alice@Example.com>", 8192);
	assert_int_equal(header_from_check(&p, &fd.dir, &f, buf, &v), 0);
	header_from_collect(&buf, &len, "The CEO <ceo@example.com>", 8192);
	assert_int_equal(header_from_check(&p, &fd.dir, &f, buf, &v), 1);
	assert_int_equal(v.reason, R_NOT_OWNER);
	assert_string_equal(v.reply.code, "554");
	assert_non_null(strstr(v.facts, "header_from=ceo@example.com"));
	free(buf);
	buf = NULL;
	len = 0;
	/* an unparsable From is refused, not skipped */
	header_from_collect(&buf, &len, "\"broken <alice@example.com>", 8192);
	assert_int_equal(header_from_check(&p, &fd.dir, &f, buf, &v), 1);
	assert_non_null(strstr(v.facts, "unparsable"));
	free(buf);
	buf = NULL;
	len = 0;
	/* too much header data is refused too */
	static char big[9000];
	memset(big, 'a', sizeof(big) - 1);
	header_from_collect(&buf, &len, big, 8192);
	assert_int_equal(header_from_check(&p, &fd.dir, &f, buf, &v), 1);
	free(buf);
	strmap_free(&p.local_domains);
	strmap_free(&p.bypass_logins);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests_name("header_from", tests, NULL, NULL);
}
