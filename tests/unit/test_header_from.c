/*
 * test_header_from.c - the RFC 5322 mailbox-list parser and the header From
 * check. The table is tests/unit/data/headers/: one file per header block
 * real mail clients emit (Outlook, Thunderbird, Apple Mail, Gmail, mutt,
 * mailing software) or a hostile/broken one, with the addresses, the parse
 * error and the verdict expected in "# key: value" lines. Each file runs
 * twice: folded with CRLF and with a bare LF (what Postfix and Sendmail hand
 * a milter), the leading blank of the value removed as the MTA does.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_dir.h"
#include "header_from.h"
#include "mailbox_list.h"

#define NOT_OWNER "Originator address does not match authentication credentials"

/* ---- the parser ---------------------------------------------------------- */

struct got {
	char text[4096]; /* "a@x b@y" */
};

/* Append one parsed mailbox as "local@domain". */
static void
take(const struct mbox *m, void *arg)
{
	struct got *g = arg;
	size_t n = strlen(g->text);

	snprintf(g->text + n, sizeof(g->text) - n, "%s%s@%s", n ? " " : "",
	         m->local, m->domain);
}

/* Parse with groups; the status, the mailboxes in g. */
static enum mbox_status
parse(const char *v, bool groups, size_t max, struct got *g)
{
	struct mbox_rules r = {groups, max};
	size_t count, at;

	g->text[0] = '\0';
	return mbox_list_parse(v, strlen(v), &r, take, g, &count, &at);
}

/* Folding, comments, quoting, groups, errors, one by one. */
static void
test_parser_forms(void **state)
{
	struct got g;
	(void)state;

	assert_int_equal(parse("\"Smith, Alice\" <alice@example.com>, "
	                       "bob@example.com (Bob), team: "
	                       "carol@example.com, <dave@example.com>;",
	                       true, 64, &g),
	                 MBOX_OK);
	assert_string_equal(g.text, "alice@example.com bob@example.com "
	                            "carol@example.com dave@example.com");
	/* folds: CRLF and bare LF followed by a blank; not without one */
	assert_int_equal(parse("Alice\r\n <a@x>", true, 64, &g), MBOX_OK);
	assert_string_equal(g.text, "a@x");
	assert_int_equal(parse("Alice\n\t<a@x>", true, 64, &g), MBOX_OK);
	assert_int_equal(parse("Alice\n<a@x>", true, 64, &g), MBOX_E_FOLD);
	assert_int_equal(parse("Alice\r<a@x>", true, 64, &g), MBOX_E_FOLD);
	assert_int_equal(parse("<a@x>\r\n", true, 64, &g), MBOX_E_FOLD);
	assert_int_equal(parse("\"A\r\n B\" <a@x>", true, 64, &g), MBOX_OK);
	/* a fold inside a quoted local part: unfolded, the blank kept */
	assert_int_equal(parse("\"a\r\n b\"@x", true, 64, &g), MBOX_OK);
	assert_string_equal(g.text, "a b@x");
	/* quoted-pairs */
	assert_int_equal(parse("\"a\\\"b\\\\c\"@x", true, 64, &g), MBOX_OK);
	assert_string_equal(g.text, "a\"b\\c@x");
	/* obs-local-part: words and dots with CFWS between */
	assert_int_equal(parse("a . \"b\" .c@x", true, 64, &g), MBOX_OK);
	assert_string_equal(g.text, "a.b.c@x");
	assert_int_equal(parse("john doe@x", true, 64, &g), MBOX_E_LOCAL);
	/* domain literal, obs-domain, a trailing dot */
	assert_int_equal(parse("a@[192.0.2.1], b@ x . y, c@x.y.", true, 64, &g),
	                 MBOX_OK);
	assert_string_equal(g.text, "a@[192.0.2.1] b@x.y c@x.y");
	assert_int_equal(parse("a@x..y", true, 64, &g), MBOX_E_SYNTAX);
	assert_int_equal(parse("a@", true, 64, &g), MBOX_E_DOMAIN);
	assert_int_equal(parse("a@[x", true, 64, &g), MBOX_E_LITERAL);
	assert_int_equal(parse("a@[x[y]", true, 64, &g), MBOX_E_LITERAL);
	/* empty list elements are allowed (obs-mbox-list) */
	assert_int_equal(parse(" , a@x ,, b@x ,", true, 64, &g), MBOX_OK);
	assert_string_equal(g.text, "a@x b@x");
	/* errors */
	assert_int_equal(parse("", true, 64, &g), MBOX_E_EMPTY);
	assert_int_equal(parse(" (just a comment) ", true, 64, &g),
	                 MBOX_E_EMPTY);
	assert_int_equal(parse("x:;", true, 64, &g), MBOX_E_EMPTY);
	assert_int_equal(parse("<>", true, 64, &g), MBOX_E_ANGLE);
	assert_int_equal(parse("a@x>", true, 64, &g), MBOX_E_SYNTAX);
	assert_int_equal(parse("A <a@x> <b@x>", true, 64, &g), MBOX_E_SYNTAX);
	assert_int_equal(parse("A <a@x", true, 64, &g), MBOX_E_ANGLE);
	assert_int_equal(parse("(a@x", true, 64, &g), MBOX_E_COMMENT);
	assert_int_equal(parse("a@x)", true, 64, &g), MBOX_E_COMMENT);
	assert_int_equal(parse("\"a@x", true, 64, &g), MBOX_E_QUOTE);
	assert_int_equal(parse("a\x01@x", true, 64, &g), MBOX_E_CONTROL);
	assert_int_equal(parse("a\\b@x", true, 64, &g), MBOX_E_SYNTAX);
	assert_int_equal(parse("g: a@x", true, 64, &g), MBOX_E_GROUP);
	assert_int_equal(parse("g: h: a@x;;", true, 64, &g), MBOX_E_GROUP);
	assert_int_equal(parse("g: a@x;", false, 64, &g), MBOX_E_GROUP);
	assert_int_equal(parse("a@x, b@x", true, 1, &g), MBOX_E_TOO_MANY);
	assert_int_equal(parse("=?utf-8?q?a,b?= <a@x>", true, 64, &g), MBOX_OK);
	assert_int_equal(parse("=?utf-8?q?a,b?=@x", true, 64, &g),
	                 MBOX_E_LOCAL);
	/* a NUL inside the value */
	{
		struct mbox_rules r = {true, 64};
		size_t count, at;
		assert_int_equal(
		    mbox_list_parse("a@x\0b", 5, &r, NULL, NULL, &count, &at),
		    MBOX_E_CONTROL);
		assert_int_equal(at, 3);
	}
	assert_string_equal(mbox_status_name(MBOX_E_FOLD), "fold");
	assert_string_equal(mbox_status_name(MBOX_STATUS_COUNT), "unknown");
}

/* The RFC 5321 path a header address is judged as. */
static void
test_format_path(void **state)
{
	struct mbox m;
	char buf[64];
	(void)state;

	memset(&m, 0, sizeof(m));
	strcpy(m.local, "a.smith");
	m.local_len = 7;
	strcpy(m.domain, "example.com");
	m.domain_len = 11;
	assert_int_equal(mbox_format_path(&m, buf, sizeof(buf)), 21);
	assert_string_equal(buf, "<a.smith@example.com>");
	strcpy(m.local, "a..b\"c");
	m.local_len = 6;
	mbox_format_path(&m, buf, sizeof(buf));
	assert_string_equal(buf, "<\"a..b\\\"c\"@example.com>");
	assert_int_equal(mbox_format_path(&m, buf, 10), 0);
}

/* ---- the table of real headers ---------------------------------------------
 */

static const char *alice_addrs[] = {"alice@example.com", "a.smith@example.com"};
static const char *sales_addrs[] = {"sales@example.com"};
static const char *sales_delegates[] = {"alice"};
static const char *boss_addrs[] = {"boss@example.com"};
static const char *juergen_addrs[] = {"juergen.mueller@example.com"};
static const char *taro_addrs[] = {"taro.yamada@example.com"};
static const struct fake_entry entries[] = {
    {"alice", {"alice", "alice", alice_addrs, 2, NULL, NULL, 0, false}, 1},
    {"sales",
     {"sales", "sales", sales_addrs, 1, NULL, sales_delegates, 1, false},
     1},
    {"boss", {"boss", "boss", boss_addrs, 1, NULL, NULL, 0, false}, 1},
    {"juergen",
     {"juergen", "juergen", juergen_addrs, 1, NULL, NULL, 0, false},
     1},
    {"taro", {"taro", "taro", taro_addrs, 1, NULL, NULL, 0, false}, 1},
};

static struct policy pol;
static struct fake_dir fdir;

/* The policy of the sample policy.conf, check_header_from on. */
static int
setup(void **state)
{
	char err[128];
	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.require_auth = pol.check_originator = true;
	pol.on_directory_error = DIRERR_TEMPFAIL;
	strcpy(pol.norm.subaddr_delims, "+");
	addr_limits_default(&pol.limits);
	identity_rules_default(&pol.identity);
	strmap_init(&pol.local_domains, 4);
	strmap_add(&pol.local_domains, "example.com", "example.com");
	strmap_init(&pol.bypass_logins, 4);
	strmap_add(&pol.bypass_logins, "printer", "printer");
	reply_parse("554 5.7.1 " NOT_OWNER, 0, &pol.not_owner, err,
	            sizeof(err));
	reply_parse("501 5.1.7 Bad sender address syntax", 0, &pol.bad_sender,
	            err, sizeof(err));
	reply_parse("451 4.7.1 Cannot verify the originator address now, try "
	            "again later",
	            0, &pol.tempfail, err, sizeof(err));
	fake_dir_init(&fdir, entries, sizeof(entries) / sizeof(entries[0]));
	return 0;
}

/* Free the policy's maps. */
static int
teardown(void **state)
{
	(void)state;
	strmap_free(&pol.local_domains);
	strmap_free(&pol.bypass_logins);
	return 0;
}

struct fixture {
	char login[64], from[1024], sender[256], error[32], error_sender[32];
	char verdict[32];
	char names[8][16];
	char values[8][2048];
	int n;
};

/* Copy the text after "# key: " if the line is that meta line. */
static void
meta(const char *line, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);

	if (strncmp(line, "# ", 2) == 0 && strncmp(line + 2, key, k) == 0 &&
	    line[2 + k] == ':' && line[3 + k] == ' ')
		snprintf(out, size, "%s", line + 4 + k);
}

/* Read a fixture; continuation lines are joined with eol (the fold). */
static void
load(const char *path, const char *eol, struct fixture *fx)
{
	FILE *f = fopen(path, "r");
	char line[2048];

	assert_non_null(f);
	memset(fx, 0, sizeof(*fx));
	strcpy(fx->login, "alice");
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			meta(line, "login", fx->login, sizeof(fx->login));
			meta(line, "from", fx->from, sizeof(fx->from));
			meta(line, "sender", fx->sender, sizeof(fx->sender));
			meta(line, "error", fx->error, sizeof(fx->error));
			meta(line, "error-sender", fx->error_sender,
			     sizeof(fx->error_sender));
			meta(line, "verdict", fx->verdict, sizeof(fx->verdict));
		} else if (line[0] == ' ' || line[0] == '\t') {
			assert_true(fx->n > 0);
			strcat(fx->values[fx->n - 1], eol);
			strcat(fx->values[fx->n - 1], line);
		} else if (line[0] != '\0') {
			char *colon = strchr(line, ':');
			assert_non_null(colon);
			assert_true(fx->n < 8);
			*colon = '\0';
			snprintf(fx->names[fx->n], sizeof(fx->names[0]), "%s",
			         line);
			/* the MTA drops the blank after the colon */
			snprintf(fx->values[fx->n], sizeof(fx->values[0]), "%s",
			         colon[1] == ' ' ? colon + 2 : colon + 1);
			fx->n++;
		}
	}
	fclose(f);
	assert_true(fx->n > 0);
	assert_true(fx->verdict[0] != '\0');
}

/* One fixture with one kind of fold: addresses, parse error, verdict. */
static void
run_fixture(const char *path, const char *eol)
{
	struct fixture fx;
	struct got from = {""}, sender = {""}, g;
	struct hdr_from_set set;
	struct verdict v;
	struct facts f;
	char ferr[32] = "", serr[32] = "";
	int rc;

	load(path, eol, &fx);
	memset(&set, 0, sizeof(set));
	for (int i = 0; i < fx.n; i++) {
		bool is_from = strcmp(fx.names[i], "From") == 0;
		struct got *dst = is_from ? &from : &sender;
		enum mbox_status st =
		    parse(fx.values[i], is_from, is_from ? 64 : 1, &g);
		if (st != MBOX_OK)
			snprintf(is_from ? ferr : serr, 32, "%s",
			         mbox_status_name(st));
		else
			snprintf(dst->text + strlen(dst->text),
			         sizeof(dst->text) - strlen(dst->text), "%s%s",
			         dst->text[0] ? " " : "", g.text);
		header_from_collect(&set, fx.names[i], fx.values[i]);
	}
	if (strcmp(ferr, fx.error) != 0 || strcmp(serr, fx.error_sender) ||
	    strcmp(from.text, fx.from) != 0 ||
	    strcmp(sender.text, fx.sender) != 0)
		fail_msg("%s (fold %s): parsed from=[%s] sender=[%s] errors "
		         "[%s] [%s]; want from=[%s] sender=[%s] errors [%s] "
		         "[%s]",
		         path, eol[0] == '\r' ? "CRLF" : "LF", from.text,
		         sender.text, ferr, serr, fx.from, fx.sender, fx.error,
		         fx.error_sender);
	memset(&f, 0, sizeof(f));
	f.login = fx.login;
	rc = header_from_check(&pol, &fdir.dir, &f, &set, &v);
	header_from_free(&set);
	if (strcmp(fx.verdict, "accept") == 0) {
		if (rc != 0)
			fail_msg("%s: refused (%s %s), want accept", path,
			         reason_name(v.reason), v.facts);
		return;
	}
	if (rc != 1 || strcmp(reason_name(v.reason), fx.verdict) != 0)
		fail_msg("%s: rc %d reason %s, want %s", path, rc,
		         rc ? reason_name(v.reason) : "-", fx.verdict);
	assert_int_equal(v.action, ACT_REJECT);
	assert_string_equal(v.reply.code, "554");
	assert_non_null(strstr(v.facts, "rule=check_header_from"));
}

/* Every fixture of data/headers, folded with CRLF and with LF. */
static void
test_real_headers(void **state)
{
	const char *dirpath = TEST_SRCDIR "/data/headers";
	DIR *d = opendir(dirpath);
	struct dirent *e;
	char path[1024];
	int n = 0;
	(void)state;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, e->d_name);
		run_fixture(path, "\r\n");
		run_fixture(path, "\n");
		n++;
	}
	closedir(d);
	assert_true(n >= 30);
}

/* ---- the check's own rows ------------------------------------------------ */

/* Check one From: value for login; the return code of the check. */
static int
check_from(const char *login, const char *from, struct verdict *v)
{
	struct hdr_from_set set;
	struct facts f;
	int rc;

	memset(&set, 0, sizeof(set));
	memset(&f, 0, sizeof(f));
	f.login = login;
	header_from_collect(&set, "from", from);
	rc = header_from_check(&pol, &fdir.dir, &f, &set, v);
	header_from_free(&set);
	return rc;
}

/* What is refused how: facts, tempfail, bypass, check_originator off. */
static void
test_check_rows(void **state)
{
	struct hdr_from_set set;
	struct verdict v;
	struct facts f;
	static char big[HDR_VALUE_MAX + 2];
	(void)state;

	assert_int_equal(check_from("alice", "Alice\n <Alice@Example.com>", &v),
	                 0);
	assert_int_equal(check_from("alice", "The CEO <boss@example.com>", &v),
	                 1);
	assert_int_equal(v.reason, R_NOT_OWNER);
	assert_string_equal(v.reply.text, NOT_OWNER);
	assert_non_null(strstr(v.facts, "header=From"));
	assert_non_null(strstr(v.facts, "header_from=<boss@example.com>"));
	/* the parse error is named, with where it was found */
	assert_int_equal(check_from("alice", "Alice\n<alice@example.com>", &v),
	                 1);
	assert_int_equal(v.reason, R_HEADER_UNPARSABLE);
	assert_non_null(strstr(v.facts, "header_error=fold"));
	assert_non_null(strstr(v.facts, "header_error_at=5"));
	assert_non_null(
	    strstr(v.facts, "header_value=\"Alice <alice@example.com>\""));
	/* an address RFC 5321 cannot carry */
	assert_int_equal(check_from("alice",
	                            "Alice <alice@example.com>, "
	                            "a23456789012345678901234567890123456789"
	                            "01234567890123456789012345@example.com",
	                            &v),
	                 1);
	assert_int_equal(v.reason, R_HEADER_UNPARSABLE);
	assert_non_null(strstr(v.facts, "header_error=address_"));
	/* the directory does not answer: tempfail, as for the envelope */
	fdir.fail = 1;
	assert_int_equal(check_from("alice", "alice@example.com", &v), 1);
	assert_int_equal(v.action, ACT_TEMPFAIL);
	fdir.fail = 0;
	/* bypass_logins and check_originator = false apply to headers too */
	assert_int_equal(check_from("printer", "boss@example.com", &v), 0);
	pol.check_originator = false;
	assert_int_equal(check_from("alice", "boss@example.com", &v), 0);
	pol.check_originator = true;
	/* too long, out of memory, no header */
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(check_from("alice", big, &v), 1);
	assert_int_equal(v.reason, R_HEADER_UNPARSABLE);
	assert_non_null(strstr(v.facts, "header_error=too_long"));
	memset(&set, 0, sizeof(set));
	memset(&f, 0, sizeof(f));
	f.login = "alice";
	set.nfrom = 1;
	set.no_memory = true;
	assert_int_equal(header_from_check(&pol, &fdir.dir, &f, &set, &v), 1);
	assert_int_equal(v.action, ACT_TEMPFAIL);
	assert_string_equal(v.reply.code, "451");
	memset(&set, 0, sizeof(set));
	header_from_collect(&set, "Subject", "boss@example.com");
	assert_false(header_from_any(&set));
	assert_int_equal(header_from_check(&pol, &fdir.dir, &f, &set, &v), 0);
	/* a Sender: alone is checked */
	header_from_collect(&set, "SENDER", "boss@example.com");
	assert_true(header_from_any(&set));
	assert_int_equal(header_from_check(&pol, &fdir.dir, &f, &set, &v), 1);
	assert_non_null(strstr(v.facts, "header=Sender"));
	header_from_free(&set);
	/* 64 mailboxes are judged, 65 are refused */
	{
		static char list[65 * 24];
		size_t n = 0;
		for (int i = 0; i < 65; i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			                      "%salice@example.com",
			                      i ? "," : "");
		assert_int_equal(check_from("alice", list, &v), 1);
		assert_non_null(strstr(v.facts, "header_error=too_many"));
		list[strlen(list) - strlen(",alice@example.com")] = '\0';
		assert_int_equal(check_from("alice", list, &v), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parser_forms),
	    cmocka_unit_test(test_format_path),
	    cmocka_unit_test(test_real_headers),
	    cmocka_unit_test(test_check_rows),
	};
	return cmocka_run_group_tests_name("header_from", tests, setup,
	                                   teardown);
}
