/*
 * test_decide.c - every row of DESIGN.md's decision table, the identity
 * forms of Q191558/Q198704, and the exact KB reply texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "decide.h"
#include "fake_dir.h"

#define NOT_OWNER "Originator address does not match authentication credentials"

static const char *alice_addrs[] = {"alice@example.com",
				    "a.smith@example.com"};
static const char *john_addrs[] = {"john@example.com"};
static const char *carol_addrs[] = {"carol@example.com"};
static const char *sales_addrs[] = {"sales@example.com"};
static const char *sales_delegates[] = {"alice"};
static const char *boss_addrs[] = {"boss@example.com", "@example.org"};
static const char *contact_addrs[] = {"john@partner.example"};
static const char *dup_addrs[] = {"dup1@example.com"};
static const char *dup2_addrs[] = {"dup2@example.com"};
static const char *other_alice_addrs[] = {"alice@other.org"};

static const struct fake_entry entries[] = {
	{"alice", {"alice", "alice", alice_addrs, 2, NULL, NULL, 0, false}, 1},
	/* Q191558: NT account jdoe, mailbox alias john */
	{"jdoe", {"john", "john", john_addrs, 1, "mail1", NULL, 0, false}, 1},
	/* Q198704: a custom recipient with the same alias */
	{"jdoe", {"john-contact", "john", contact_addrs, 1, NULL, NULL, 0,
		  false}, 0},
	{"carol", {"carol", "carol", carol_addrs, 1, "mail2", NULL, 0, false}, 1},
	{"sales", {"sales", "sales", sales_addrs, 1, NULL, sales_delegates, 1,
		   false}, 1},
	{"boss", {"boss", "boss", boss_addrs, 2, NULL, NULL, 0, false}, 1},
	{"dup", {"dup#1", "dup", dup_addrs, 1, NULL, NULL, 0, false}, 1},
	{"dup", {"dup#2", "dup", dup2_addrs, 1, NULL, NULL, 0, false}, 1},
	/* hosting: another customer's full-address login */
	{"alice@other.org", {"alice@other.org", "alice@other.org",
			     other_alice_addrs, 1, NULL, NULL, 0, false}, 1},
};

static struct policy pol;
static struct fake_dir fdir;
static const char *locals[] = {"mail1"};

/* A policy as the sample policy.conf sets it. */
static int
setup(void **state)
{
	static const char *domains[] = {"example.com", "example.org",
					".corp.example"};
	char err[256];
	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.require_auth = pol.check_originator = true;
	pol.check_home_server = true;
	pol.allow_null_sender = true;
	pol.on_directory_error = DIRERR_TEMPFAIL;
	strcpy(pol.norm.subaddr_delims, "+");
	addr_limits_default(&pol.limits);
	identity_rules_default(&pol.identity);
	/* as policy.conf's defaults derive them from local_domains */
	static const char *realms[] = {"example.com", "example.org",
				       ".corp.example"};
	static const char *nts[] = {"example"};
	pol.identity.realms = realms;
	pol.identity.nrealms = 3;
	pol.identity.nt_domains = nts;
	pol.identity.nnt_domains = 1;
	pol.server_name = "mail1";
	pol.local_servers = locals;
	pol.nlocal_servers = 0;
	strmap_init(&pol.local_domains, 8);
	for (size_t i = 0; i < 3; i++)
		strmap_add(&pol.local_domains, domains[i], (void *)domains[i]);
	strmap_init(&pol.bypass_logins, 4);
	strmap_add(&pol.bypass_logins, "printer", "printer");
	reply_parse("554 5.7.1 " NOT_OWNER, 0, &pol.not_owner, err, sizeof(err));
	reply_parse("554 5.7.1 Mailbox is not local: %s", 1, &pol.not_local,
		    err, sizeof(err));
	reply_parse("504 5.7.4 Need to authenticate first", 0, &pol.need_auth,
		    err, sizeof(err));
	reply_parse("451 4.7.1 Cannot verify the originator address now, try "
		    "again later",
		    0, &pol.tempfail, err, sizeof(err));
	reply_parse("501 5.1.7 Bad sender address syntax", 0, &pol.bad_sender,
		    err, sizeof(err));
	fake_dir_init(&fdir, entries, sizeof(entries) / sizeof(entries[0]));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	strmap_free(&pol.local_domains);
	strmap_free(&pol.bypass_logins);
	return 0;
}

/* Decide for login (NULL = unauthenticated) and sender. */
static struct verdict
run(const char *login, const char *sender)
{
	struct facts f = {login, sender, strlen(sender), false, NULL, NULL,
			  false};
	struct verdict v;
	fdir.fail = 0;
	decide(&pol, &fdir.dir, &f, &v);
	return v;
}

static void
expect(struct verdict v, enum action a, enum reason r, const char *code,
       const char *xcode, const char *text)
{
	if (v.action != a || v.reason != r)
		fprintf(stderr, "got %s/%s facts: %s\n", action_name(v.action),
			reason_name(v.reason), v.facts);
	assert_int_equal(v.action, a);
	assert_int_equal(v.reason, r);
	if (code == NULL)
		return;
	assert_string_equal(v.reply.code, code);
	assert_string_equal(v.reply.xcode, xcode);
	assert_string_equal(v.reply.text, text);
}

static void
test_unauth_null_sender(void **s)
{
	(void)s;
	expect(run(NULL, "<>"), ACT_ACCEPT, R_NULL_SENDER, NULL, NULL, NULL);
}

static void
test_unauth_local_domain_need_auth(void **s)
{
	(void)s;
	expect(run(NULL, "<alice@example.com>"), ACT_REJECT, R_NEED_AUTH, "504",
	       "5.7.4", "Need to authenticate first");
	expect(run("", "<Alice@EXAMPLE.com>"), ACT_REJECT, R_NEED_AUTH, "504",
	       "5.7.4", "Need to authenticate first");
	/* subdomains of a ".corp.example" entry */
	expect(run(NULL, "<x@hq.corp.example>"), ACT_REJECT, R_NEED_AUTH, "504",
	       "5.7.4", "Need to authenticate first");
	pol.require_auth = false;
	expect(run(NULL, "<alice@example.com>"), ACT_ACCEPT, R_FOREIGN_SENDER,
	       NULL, NULL, NULL);
	pol.require_auth = true;
}

static void
test_unauth_trusted_client(void **s)
{
	struct facts f = {NULL, "<alice@example.com>", 19, true, NULL, NULL,
			  false};
	struct verdict v;
	(void)s;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_ACCEPT, R_TRUSTED_CLIENT, NULL, NULL, NULL);
}

static void
test_unauth_foreign(void **s)
{
	(void)s;
	fdir.lookups = 0;
	expect(run(NULL, "<someone@elsewhere.example>"), ACT_ACCEPT,
	       R_FOREIGN_SENDER, NULL, NULL, NULL);
	assert_int_equal(fdir.lookups, 0); /* no directory call inbound */
}

static void
test_auth_owner_alias_subaddress(void **s)
{
	(void)s;
	expect(run("alice", "<alice@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	expect(run("alice", "<A.Smith@Example.COM>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	expect(run("alice", "<alice+lists@example.com>"), ACT_ACCEPT, R_OWNER,
	       NULL, NULL, NULL);
}

/* The ownership order costs directory lookups only where needed: none
 * beyond the login's when the account holds the sender itself; the exact
 * key before the base address before the catch-all otherwise. */
static void
test_ownership_lookups(void **s)
{
	(void)s;
	fdir.lookups = 0;
	expect(run("alice", "<alice@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	assert_int_equal(fdir.lookups, 1); /* the login only */
	fdir.lookups = 0;
	expect(run("alice", "<alice+lists@example.com>"), ACT_ACCEPT, R_OWNER,
	       NULL, NULL, NULL);
	assert_int_equal(fdir.lookups, 2); /* + nobody holds alice+lists@ */
	fdir.lookups = 0;
	expect(run("boss", "<anything@example.org>"), ACT_ACCEPT, R_CATCHALL,
	       NULL, NULL, NULL);
	assert_int_equal(fdir.lookups, 2); /* + nobody holds anything@ */
	fdir.lookups = 0;
	expect(run("carol", "<nobody+x@example.com>"), ACT_REJECT, R_NOT_OWNER,
	       "554", "5.7.1", NOT_OWNER);
	assert_int_equal(fdir.lookups, 4); /* exact, base, catch-all */
	fdir.lookups = 0;
	expect(run("boss", "<alice+x@example.com>"), ACT_REJECT, R_NOT_OWNER,
	       "554", "5.7.1", NOT_OWNER);
	assert_int_equal(fdir.lookups, 3); /* the base address decides */
}

static void
test_auth_catchall(void **s)
{
	(void)s;
	expect(run("boss", "<anything@example.org>"), ACT_ACCEPT, R_CATCHALL,
	       NULL, NULL, NULL);
	expect(run("boss", "<anything@sub.example.org>"), ACT_REJECT,
	       R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
}

static void
test_auth_send_as(void **s)
{
	(void)s;
	expect(run("alice", "<sales@example.com>"), ACT_ACCEPT, R_SEND_AS, NULL,
	       NULL, NULL);
	/* bob is no delegate of sales */
	expect(run("boss", "<sales@example.com>"), ACT_REJECT, R_NOT_OWNER,
	       "554", "5.7.1", NOT_OWNER);
}

static void
test_auth_not_owner(void **s)
{
	(void)s;
	struct verdict v = run("EXAMPLE\\alice", "<bob@example.com>");
	expect(v, ACT_REJECT, R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
	assert_non_null(strstr(v.facts, "addresses=alice@example.com,"
					"a.smith@example.com"));
	assert_string_equal(v.account, "alice");
	/* a foreign domain is no different once authenticated */
	expect(run("alice", "<alice@gmail.example>"), ACT_REJECT, R_NOT_OWNER,
	       "554", "5.7.1", NOT_OWNER);
}

static void
test_auth_not_local(void **s)
{
	(void)s;
	expect(run("carol", "<Carol@example.com>"), ACT_REJECT, R_NOT_LOCAL,
	       "554", "5.7.1", "Mailbox is not local: Carol@example.com");
	/* mail2 listed among local_servers: local */
	static const char *both[] = {"mail2"};
	pol.local_servers = both;
	pol.nlocal_servers = 1;
	expect(run("carol", "<carol@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	pol.nlocal_servers = 0;
	pol.check_home_server = false;
	expect(run("carol", "<carol@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	pol.check_home_server = true;
	/* home "mail1" vs server_name "mail1.example.com": same host */
	pol.server_name = "MAIL1.example.com";
	expect(run("jdoe", "<john@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	pol.server_name = "mail1";
}

static void
test_identity_forms(void **s)
{
	(void)s;
	/* Q191558: DOMAIN\account whose mailbox alias differs */
	expect(run("EXAMPLE\\JDoe", "<john@example.com>"), ACT_ACCEPT, R_OWNER,
	       NULL, NULL, NULL);
	/* user@REALM */
	expect(run("jdoe@EXAMPLE.COM", "<john@example.com>"), ACT_ACCEPT,
	       R_OWNER, NULL, NULL, NULL);
	/* Q198704: the contact with the same alias is passed over */
	struct verdict v = run("jdoe", "<john@partner.example>");
	expect(v, ACT_REJECT, R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
	/* two mailboxes: refused, every candidate in the facts */
	v = run("dup", "<dup1@example.com>");
	expect(v, ACT_REJECT, R_LOGIN_AMBIGUOUS, "554", "5.7.1", NOT_OWNER);
	assert_non_null(strstr(v.facts, "dup#1; dup#2"));
	assert_non_null(strstr(v.facts, "The requested mailbox is not "
					"available on this server"));
	v = run("nobody", "<nobody@example.com>");
	expect(v, ACT_REJECT, R_LOGIN_UNKNOWN, "554", "5.7.1", NOT_OWNER);
	/* an NT domain or realm nobody listed is not stripped */
	expect(run("OTHER\\JDoe", "<john@example.com>"), ACT_REJECT,
	       R_LOGIN_UNKNOWN, "554", "5.7.1", NOT_OWNER);
	expect(run("jdoe@other.org", "<john@example.com>"), ACT_REJECT,
	       R_LOGIN_UNKNOWN, "554", "5.7.1", NOT_OWNER);
	/* hosting: alice@other.org is another customer, not alice */
	v = run("alice@other.org", "<alice@example.com>");
	expect(v, ACT_REJECT, R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
	assert_string_equal(v.account, "alice@other.org");
	expect(run("Alice@Other.ORG", "<alice@other.org>"), ACT_ACCEPT,
	       R_OWNER, NULL, NULL, NULL);
	expect(run("alice@example.com", "<alice@other.org>"), ACT_REJECT,
	       R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
	v = run("alice@example.com", "<alice@example.com>");
	expect(v, ACT_ACCEPT, R_OWNER, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "login_match=reduced"));
	expect(run("a\\b\\c", "<x@example.com>"), ACT_REJECT, R_LOGIN_INVALID,
	       "554", "5.7.1", NOT_OWNER);
}

static void
test_auth_null_sender(void **s)
{
	(void)s;
	expect(run("alice", "<>"), ACT_ACCEPT, R_NULL_SENDER, NULL, NULL, NULL);
	pol.allow_null_sender = false;
	expect(run("alice", "<>"), ACT_REJECT, R_NULL_DENIED, "554", "5.7.1",
	       NOT_OWNER);
	pol.allow_null_sender = true;
}

static void
test_bypass_and_switches(void **s)
{
	(void)s;
	expect(run("Printer", "<ceo@example.com>"), ACT_ACCEPT, R_BYPASS_LOGIN,
	       NULL, NULL, NULL);
	/* the reduced identity too, the listed forms only */
	expect(run("EXAMPLE\\printer", "<ceo@example.com>"), ACT_ACCEPT,
	       R_BYPASS_LOGIN, NULL, NULL, NULL);
	expect(run("printer@example.com", "<ceo@example.com>"), ACT_ACCEPT,
	       R_BYPASS_LOGIN, NULL, NULL, NULL);
	expect(run("OTHER\\printer", "<ceo@example.com>"), ACT_REJECT,
	       R_LOGIN_UNKNOWN, "554", "5.7.1", NOT_OWNER);
	expect(run("printer@other.org", "<ceo@example.com>"), ACT_REJECT,
	       R_LOGIN_UNKNOWN, "554", "5.7.1", NOT_OWNER);
	pol.check_originator = false;
	expect(run("alice", "<bob@example.com>"), ACT_ACCEPT, R_CHECK_OFF, NULL,
	       NULL, NULL);
	/* unknown, ambiguous and invalid logins too (the home rule is on) */
	expect(run("nobody", "<bob@example.com>"), ACT_ACCEPT, R_CHECK_OFF, NULL,
	       NULL, NULL);
	expect(run("dup", "<bob@example.com>"), ACT_ACCEPT, R_CHECK_OFF, NULL,
	       NULL, NULL);
	expect(run("a\\b\\c", "<bob@example.com>"), ACT_ACCEPT, R_CHECK_OFF,
	       NULL, NULL, NULL);
	/* the home rule still applies with check_originator off */
	expect(run("carol", "<carol@example.com>"), ACT_REJECT, R_NOT_LOCAL,
	       "554", "5.7.1", "Mailbox is not local: carol@example.com");
	pol.check_originator = true;
}

static void
test_directory_down(void **s)
{
	struct facts f = {"alice", "<alice@example.com>", 19, false, NULL,
			  NULL, false};
	struct verdict v;
	(void)s;
	fdir.fail = 1;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_TEMPFAIL, R_DIR_ERROR, "451", "4.7.1",
	       "Cannot verify the originator address now, try again later");
	pol.on_directory_error = DIRERR_ACCEPT;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_ACCEPT, R_DIR_ERROR, NULL, NULL, NULL);
	pol.on_directory_error = DIRERR_REJECT;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_REJECT, R_DIR_ERROR, "554", "5.7.1", NOT_OWNER);
	pol.on_directory_error = DIRERR_TEMPFAIL;
	fdir.fail = 0;
}

static void
test_bad_sender(void **s)
{
	(void)s;
	struct verdict v = run("alice", "<alice@exa mple.com>");
	expect(v, ACT_REJECT, R_SENDER_INVALID, "501", "5.1.7",
	       "Bad sender address syntax");
	assert_non_null(strstr(v.facts, "sender_error=domain_syntax"));
	/* a hostile sender never reaches a reply unescaped */
	v = run("carol", "<carol@example.com>\r\n250 OK");
	assert_int_equal(v.reason, R_SENDER_INVALID);
	assert_null(strchr(v.reply.text, '\n'));
}

static void
test_unknown_verb(void **s)
{
	struct verdict v;
	(void)s;
	decide_unknown_verb(&pol, false, &v);
	expect(v, ACT_REJECT, R_UNKNOWN_VERB, "504", "5.7.4",
	       "Need to authenticate first");
	decide_unknown_verb(&pol, true, &v);
	assert_int_equal(v.action, ACT_ACCEPT);
}

/* Unauthenticated senders the RFC 5321 parser refuses but Postfix takes:
 * judged by their best-effort domain. */
static void
test_unauth_unparsable(void **s)
{
	static const char srs[] =
		"<SRS0=HHH=TT=example.org=averyveryveryveryveryveryveryvery"
		"longlocalpartthatisover64octets@forwarder.example>";
	struct verdict v;
	(void)s;
	v = run(NULL, srs);
	expect(v, ACT_ACCEPT, R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "sender_error=local_part_too_long"));
	assert_non_null(strstr(v.facts, "sender_domain=forwarder.example"));
	expect(run(NULL, "<john..doe@partner.example>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	expect(run(NULL, "<john.@partner.example>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	/* a local domain: 504, whatever the local part looks like */
	expect(run(NULL, "<john..doe@Example.COM>"), ACT_REJECT, R_NEED_AUTH,
	       "504", "5.7.4", "Need to authenticate first");
	expect(run(NULL, "<john..doe@example.com.>"), ACT_REJECT, R_NEED_AUTH,
	       "504", "5.7.4", "Need to authenticate first");
	expect(run(NULL, "<\"a@b\"..x@hq.corp.example>"), ACT_REJECT,
	       R_NEED_AUTH, "504", "5.7.4", "Need to authenticate first");
	/* the '@' inside quotes is not the domain's */
	expect(run(NULL, "<\"x@example.com\"..y@partner.example>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	/* no domain at all: the MTA appends its own, a local one */
	expect(run(NULL, "<john..doe>"), ACT_REJECT, R_NEED_AUTH, "504",
	       "5.7.4", "Need to authenticate first");
	/* no usable domain (blanks, controls, '>', broken UTF-8): as local */
	expect(run(NULL, "<john..doe@partner .example>"), ACT_REJECT,
	       R_NEED_AUTH, "504", "5.7.4", "Need to authenticate first");
	expect(run(NULL, "<x@partner.example>\r\nRCPT TO:<y@example.com>"),
	       ACT_REJECT, R_NEED_AUTH, "504", "5.7.4",
	       "Need to authenticate first"); /* "example.com" */
	expect(run(NULL, "<x@example.com>\r\nRCPT TO:<y@partner.example>"),
	       ACT_ACCEPT, R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	expect(run(NULL, "<x@partner.example\xff>"), ACT_REJECT, R_NEED_AUTH,
	       "504", "5.7.4", "Need to authenticate first");
	/* an IDN failing IDNA2008, a literal: domains */
	expect(run(NULL, "<x..y@\xe2\x98\x83.example>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	expect(run(NULL, "<x..y@[192.0.2.1]>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	pol.require_auth = false;
	expect(run(NULL, "<john..doe@example.com>"), ACT_ACCEPT,
	       R_SENDER_UNPARSABLE, NULL, NULL, NULL);
	pol.require_auth = true;
	/* authenticated stays strict */
	expect(run("alice", "<alice..x@example.com>"), ACT_REJECT,
	       R_SENDER_INVALID, "501", "5.1.7", "Bad sender address syntax");
}

/* {auth_type} without {auth_authen}; Sendmail's xtext logins. */
static void
test_missing_and_encoded_login(void **s)
{
	struct facts f = {"", "<alice@example.com>", 19, false, NULL, "PLAIN",
			  false};
	struct verdict v;
	(void)s;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_TEMPFAIL, R_LOGIN_MISSING, "451", "4.7.1",
	       "Cannot verify the originator address now, try again later");
	f.sender = "<someone@elsewhere.example>";
	f.sender_len = strlen(f.sender);
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_TEMPFAIL, R_LOGIN_MISSING, NULL, NULL, NULL);
	pol.on_missing_login = MISSING_ANONYMOUS;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_ACCEPT, R_FOREIGN_SENDER, NULL, NULL, NULL);
	f.sender = "<alice@example.com>";
	f.sender_len = strlen(f.sender);
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_REJECT, R_NEED_AUTH, NULL, NULL, NULL);
	pol.on_missing_login = MISSING_TEMPFAIL;

	/* xtext: EXAMPLE\jdoe and a '+' in a login */
	f.auth_type = NULL;
	f.login = "EXAMPLE+5CJDoe";
	f.sender = "<john@example.com>";
	f.sender_len = strlen(f.sender);
	f.login_xtext = true;
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_ACCEPT, R_OWNER, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "login_decoded=\"EXAMPLE\\\\JDoe\""));
	f.login_xtext = false; /* as is: no such login */
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_REJECT, R_LOGIN_UNKNOWN, NULL, NULL, NULL);
	f.login_xtext = true;
	f.login = "EXAMPLE+5cjdoe"; /* not xtext */
	decide(&pol, &fdir.dir, &f, &v);
	expect(v, ACT_REJECT, R_LOGIN_INVALID, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "login_error=xtext"));

	assert_true(policy_login_is_xtext(&pol, "8.17.1"));
	assert_false(policy_login_is_xtext(&pol, "Postfix 3.7.11"));
	assert_false(policy_login_is_xtext(&pol, NULL));
	pol.login_encoding = LOGIN_ENC_XTEXT;
	assert_true(policy_login_is_xtext(&pol, NULL));
	pol.login_encoding = LOGIN_ENC_NONE;
	assert_false(policy_login_is_xtext(&pol, "8.17.1"));
	pol.login_encoding = LOGIN_ENC_AUTO;
}

/* policy.conf(5) "home server" table, row by row. */
static void
test_home_server_table(void **s)
{
	static const char *ls_london[] = {"mail1.london.example.com"};
	static const char *ls_bare[] = {"mail2"};
	static const struct {
		const char *self; /* server_name (NULL: j below) */
		const char *j;
		const char *const *ls;
		size_t nls;
		const char *home;
		bool local;
	} rows[] = {
		{"mail1", NULL, NULL, 0, "mail1", true},
		{"mail1", NULL, NULL, 0, "MAIL1", true},
		{"mail1", NULL, NULL, 0, "mail1.paris.example.com", false},
		{"mail1", NULL, NULL, 0, "mail1.london.example.com", false},
		{"mail1", NULL, ls_london, 1, "mail1.london.example.com", true},
		{"mail1.paris.example.com", NULL, NULL, 0, "mail1", true},
		{"mail1.paris.example.com", NULL, NULL, 0,
		 "Mail1.Paris.Example.COM", true},
		{"mail1.paris.example.com", NULL, NULL, 0,
		 "mail1.london.example.com", false},
		{"mail1.paris.example.com", NULL, NULL, 0, "mail2", false},
		{"mail1.paris.example.com", NULL, NULL, 0, "mail1.paris", false},
		{"mail1.paris.example.com", NULL, ls_bare, 1, "mail2", true},
		{"mail1.paris.example.com", NULL, ls_bare, 1,
		 "mail2.paris.example.com", true},
		{"mail1.paris.example.com", NULL, ls_bare, 1,
		 "mail2.london.example.com", false},
		{"mail1.paris.example.com", NULL, ls_london, 1,
		 "mail1.london.example.com", true},
		{"mail1.paris.example.com", NULL, ls_london, 1, "mail1", true},
		{NULL, "mx1.paris.example.com", NULL, 0, "MX1", true},
		{NULL, "mx1.paris.example.com", NULL, 0, "mx1.london.example.com",
		 false},
		{NULL, NULL, NULL, 0, "mail1", false},
		{"SERVER1", NULL, NULL, 0, "server1", true},
	};
	const char *saved_sn = pol.server_name;
	const char *const *saved_ls = pol.local_servers;
	size_t saved_n = pol.nlocal_servers;
	(void)s;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pol.server_name = rows[i].self;
		pol.local_servers = rows[i].ls;
		pol.nlocal_servers = rows[i].nls;
		bool got = policy_home_is_local(&pol, rows[i].home, rows[i].j);
		if (got != rows[i].local)
			fail_msg("row %zu: self=%s home=%s: got %d", i + 1,
				 rows[i].self ? rows[i].self : rows[i].j,
				 rows[i].home, got);
	}
	pol.server_name = saved_sn;
	pol.local_servers = saved_ls;
	pol.nlocal_servers = saved_n;
	/* a mailbox without a home: home_server_missing */
	expect(run("alice", "<alice@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	pol.home_missing_refuse = true;
	struct verdict v = run("alice", "<alice@example.com>");
	expect(v, ACT_REJECT, R_NOT_LOCAL, "554", "5.7.1",
	       "Mailbox is not local: alice@example.com");
	assert_non_null(strstr(v.facts, "rule=home_server_missing"));
	pol.home_missing_refuse = false;
}

/* allowed_forged_senders waives refusals only, with its own reason. */
static void
test_allowed_forged_senders(void **s)
{
	static const char *const pats[] = {"noreply@example.com",
					   "@apps.example.com", "printer@*"};
	struct verdict v;
	char key[KEY_BUF];
	(void)s;
	strmap_init(&pol.allowed_senders, 4);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(exempt_pattern_key(pats[i], &pol.norm, key,
						    sizeof(key)),
				 NORM_OK);
		strmap_add(&pol.allowed_senders, strdup(key), (void *)pats[i]);
	}
	/* unauthenticated: need_auth waived */
	v = run(NULL, "<NoReply@Example.COM>");
	expect(v, ACT_ACCEPT, R_ALLOWED_SENDER, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "exempted=need_auth"));
	assert_non_null(strstr(v.facts, "pattern=noreply@example.com"));
	/* a sub-address of a listed address: its base address matches */
	v = run(NULL, "<noreply+bounces@example.com>");
	expect(v, ACT_ACCEPT, R_ALLOWED_SENDER, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "pattern=noreply@example.com"));
	expect(run("nobody", "<printer+x@example.org>"), ACT_ACCEPT,
	       R_ALLOWED_SENDER, NULL, NULL, NULL);
	/* any login: not_owner and login_unknown waived */
	expect(run("alice", "<x@apps.example.com>"), ACT_ACCEPT,
	       R_ALLOWED_SENDER, NULL, NULL, NULL);
	v = run("nobody", "<printer@example.org>");
	expect(v, ACT_ACCEPT, R_ALLOWED_SENDER, NULL, NULL, NULL);
	assert_non_null(strstr(v.facts, "exempted=login_unknown"));
	/* owners keep their own reason; others are still refused */
	expect(run("alice", "<alice@example.com>"), ACT_ACCEPT, R_OWNER, NULL,
	       NULL, NULL);
	expect(run("alice", "<bob@example.com>"), ACT_REJECT, R_NOT_OWNER,
	       "554", "5.7.1", NOT_OWNER);
	expect(run(NULL, "<scanner@example.com>"), ACT_REJECT, R_NEED_AUTH,
	       "504", "5.7.4", "Need to authenticate first");
	/* a foreign sender stays foreign_sender: nothing was waived */
	expect(run(NULL, "<printer@elsewhere.example>"), ACT_ACCEPT,
	       R_FOREIGN_SENDER, NULL, NULL, NULL);
	/* the sub-domain is not the domain */
	expect(run("alice", "<x@sub.apps.example.com>"), ACT_REJECT,
	       R_NOT_OWNER, "554", "5.7.1", NOT_OWNER);
	assert_string_equal(exempt_match(&pol.allowed_senders,
					 "printer@example.net"),
			    "printer@*");
	assert_null(exempt_match(&pol.allowed_senders, "printers@example.net"));
	for (size_t i = 0; i < pol.allowed_senders.cap; i++)
		free((void *)pol.allowed_senders.slots[i].key);
	strmap_free(&pol.allowed_senders);
	memset(&pol.allowed_senders, 0, sizeof(pol.allowed_senders));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_forged_senders),
		cmocka_unit_test(test_unauth_null_sender),
		cmocka_unit_test(test_unauth_local_domain_need_auth),
		cmocka_unit_test(test_unauth_trusted_client),
		cmocka_unit_test(test_unauth_foreign),
		cmocka_unit_test(test_auth_owner_alias_subaddress),
		cmocka_unit_test(test_ownership_lookups),
		cmocka_unit_test(test_auth_catchall),
		cmocka_unit_test(test_auth_send_as),
		cmocka_unit_test(test_auth_not_owner),
		cmocka_unit_test(test_auth_not_local),
		cmocka_unit_test(test_identity_forms),
		cmocka_unit_test(test_auth_null_sender),
		cmocka_unit_test(test_bypass_and_switches),
		cmocka_unit_test(test_directory_down),
		cmocka_unit_test(test_bad_sender),
		cmocka_unit_test(test_unknown_verb),
		cmocka_unit_test(test_unauth_unparsable),
		cmocka_unit_test(test_missing_and_encoded_login),
		cmocka_unit_test(test_home_server_table),
	};
	return cmocka_run_group_tests_name("decide", tests, setup, teardown);
}
