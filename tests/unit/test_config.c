/*
 * test_config.c - policy.conf loading: the sample file, defaults, and every
 * kind of error reported as FILE:LINE: message.
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

#include "config.h"

static char path[256];

/* Write text to a temporary policy.conf. */
static const char *
write_conf(const char *text)
{
	FILE *f;
	snprintf(path, sizeof(path), "/tmp/om-test-config-%ld.conf",
		 (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The load must fail with where and what in the message. */
static void
expect_error(const char *text, const char *line, const char *what)
{
	char err[1024], where[300];
	struct config *c = config_load(write_conf(text), false, err, sizeof(err));
	assert_null(c);
	snprintf(where, sizeof(where), "%s%s", path, line);
	if (strstr(err, where) == NULL || strstr(err, what) == NULL)
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(strstr(err, where));
	assert_non_null(strstr(err, what));
}

static void
test_sample_loads(void **state)
{
	char err[1024], conf[4096];
	struct config *c;
	(void)state;
	snprintf(conf, sizeof(conf), "%s/../../conf/policy.conf", TEST_SRCDIR);
	c = config_load(conf, false, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_int_equal(c->reject_stage, STAGE_MAIL);
	assert_true(c->policy.require_auth);
	assert_false(c->policy.check_home_server);
	assert_string_equal(c->policy.not_owner.code, "554");
	assert_string_equal(c->policy.not_owner.text,
			    "Originator address does not match authentication "
			    "credentials");
	assert_string_equal(c->policy.need_auth.xcode, "5.7.4");
	assert_int_equal(c->umask, 07);
	assert_int_equal(c->thread_stack_kb, 1024);
	config_unref(c);
}

static void
test_defaults_and_directory(void **state)
{
	char err[1024], text[2048];
	struct config *c;
	(void)state;
	snprintf(text, sizeof(text),
		 "accounts_file = \"%s/data/accounts\"\n"
		 "local_domains = {\"Example.COM\", \".corp.example\"}\n"
		 "bypass_logins = {\"Printer\"}\n"
		 "trusted_networks = {\"10.0.0.0/8\", \"2001:db8::/32\"}\n"
		 "policy { reject_stage = \"data\" }\n"
		 "archive = \"/var/spool/om-archive\"\n",
		 TEST_SRCDIR);
	c = config_load(write_conf(text), true, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_non_null(c->dir);
	assert_int_equal(c->reject_stage, STAGE_DATA);
	assert_true(policy_domain_is_local(&c->policy, "example.com"));
	assert_true(policy_domain_is_local(&c->policy, "a.corp.example"));
	assert_false(policy_domain_is_local(&c->policy, "corp.example.net"));
	assert_non_null(strmap_get(&c->policy.bypass_logins, "printer", NULL));
	assert_int_equal(c->policy.ntrusted, 2);
	assert_string_equal(c->policy.not_local.text, "Mailbox is not local: %s");
	assert_string_equal(c->policy.norm.subaddr_delims, "+");
	assert_int_equal(c->thread_stack_kb, 1024);
	config_unref(c);
	static const unsigned stacks[] = {0, 256, 65536};
	for (size_t i = 0; i < sizeof(stacks) / sizeof(stacks[0]); i++) {
		char t[64];
		snprintf(t, sizeof(t), "thread_stack_kb = %u\n", stacks[i]);
		c = config_load(write_conf(t), false, err, sizeof(err));
		assert_non_null(c);
		assert_int_equal(c->thread_stack_kb, stacks[i]);
		config_unref(c);
	}
	static const char *const sets[] = {"+", "-", "+-", "-+", ""};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		char t[128];
		snprintf(t, sizeof(t), "policy { subaddress_delimiter = \"%s\" }\n",
			 sets[i]);
		c = config_load(write_conf(t), false, err, sizeof(err));
		assert_non_null(c);
		assert_string_equal(c->policy.norm.subaddr_delims, sets[i]);
		config_unref(c);
	}
	c = config_load(write_conf(text), true, err, sizeof(err));
	assert_non_null(c);
	/* a second reference keeps it alive after the first is dropped */
	config_ref(c);
	config_unref(c);
	assert_non_null(c->dir);
	config_unref(c);
}

static void
test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("log_level = \"info\"\n\npolicy {\n reject_stage = \"eom\"\n}\n",
		     ":4:", "must be mail | rcpt | data");
	expect_error("trusted_networks = {\"10.0.0.0/8\",\n \"10.0.0.300/8\"}\n",
		     ":2:", "not an address or prefix");
	expect_error("reply {\n\n not_owner = \"250 2.0.0 fine\"\n}\n", ":3:",
		     "reply not_owner");
	expect_error("\nfrobnicate = 1\n", ":2:", "frobnicate");
	expect_error("socket = \"tcp:25\"\n", ":1:", "must be unix:/path");
	expect_error("umask = 01777\n", ":1:", "umask");
	expect_error("\nthread_stack_kb = 64\n", ":2:",
		     "thread_stack_kb = 64: must be 0 (the system's default) or "
		     "between 256 and 65536");
	expect_error("thread_stack_kb = 70000\n", ":1:", "thread_stack_kb");
	expect_error("policy {\n on_directory_error = \"ignore\"\n}\n", ":2:",
		     "tempfail | accept | reject");
	expect_error("local_domains = {\"exa mple.com\"}\n", ":1:",
		     "not a domain");
	expect_error("identity { realm = \"drop\" }\n", ":1:", "strip | keep");
	expect_error("policy { subaddress_delimiter = \"ab\" }\n", ":1:",
		     "subaddress_delimiter");
	/* only '+' and '-': '.' and '_' occur inside real local parts */
	expect_error("policy {\n subaddress_delimiter = \".\"\n}\n", ":2:",
		     "subaddress_delimiter = \".\"");
	expect_error("policy {\n\n subaddress_delimiter = \"+_\"\n}\n", ":3:",
		     "use \"+\", \"-\", \"+-\" or \"\" (off)");
	expect_error("policy { subaddress_delimiter = \"=\" }\n", ":1:",
		     "subaddress_delimiter");
	expect_error("policy { subaddress_delimiter = \"++\" }\n", ":1:",
		     "subaddress_delimiter");
	expect_error("reply { tempfail = \"554 5.7.1 no\" }\n", ":1:",
		     "must be a 4xx reply");
	expect_error("policy {\n check_originator = maybe\n}\n", ":2:",
		     "check_originator");
	expect_error("socket = \"unix:/x\"\nlog_level = \"loud\"\n", ":2:",
		     "error | warning");
	/* a file cut inside a section, a string or a comment must not load;
	 * the error names the line where the open one began */
	expect_error("log_level = \"info\" # {\n/* { */\npolicy {\n"
		     "  reject_stage = \"mail\"\n",
		     ":3:", "section opened here is not closed");
	expect_error("reply {\n not_owner = \"554 5.7.1 cut\n", ":2:",
		     "string opened here is not closed");
	expect_error("log_level = \"info\"\n/* a comment\n\n", ":2:",
		     "comment opened here is not closed");
}

/* Load text; it must load. */
static void
expect_loads(const char *text)
{
	char err[1024];
	struct config *c = config_load(write_conf(text), false, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "error was: %s\n", err);
	assert_non_null(c);
	config_unref(c);
}

/* An inet socket names a host, a loopback one unless allow_remote_mta
 * (before, inet:PORT listened on every interface). */
static void
test_socket_host_rule(void **state)
{
	(void)state;
	expect_error("# c\nsocket = \"inet:8895\"\n", ":2:",
		     "name the host to listen on");
	expect_error("socket = \"inet6:8895@\"\n", ":1:",
		     "name the host to listen on");
	expect_error("# c\n\nsocket = \"inet:8895@0.0.0.0\" # all\n", ":3:",
		     "0.0.0.0 is not a loopback address");
	expect_error("socket = \"inet:8895@192.0.2.1\"\n"
		     "allow_remote_mta = false\n",
		     ":1:", "allow_remote_mta = true");
	expect_error("# c\nsocket = \"inet6:8895@[::]\"\n", ":2:",
		     "not a loopback address");
	expect_error("socket = \"inet:8895@mail.example.com\"\n", ":1:",
		     "not a loopback address");
	expect_error("socket = \"inet:8895@[127.0.0.1\"\n", ":1:",
		     "must be unix:/path");
	expect_error("socket = \"inet:-1@127.0.0.1\"\n", ":1:",
		     "must be unix:/path");
	expect_loads("socket = \"inet:8895@127.0.0.1\"\n");
	expect_loads("socket = \"inet:8895@127.1.2.3\"\n");
	expect_loads("socket = \"inet:8895@localhost\"\n");
	expect_loads("socket = \"inet6:8895@[::1]\"\n");
	expect_loads("socket = \"inet6:8895@::1\"\n");
	/* the option may stand before or after the socket */
	expect_loads("allow_remote_mta = true\nsocket = \"inet:8895@0.0.0.0\"\n");
	expect_loads("socket = \"inet:8895@192.0.2.1\"\nallow_remote_mta = true\n");
	expect_loads("socket = \"unix:/run/x.sock\"\n");
}

/* Comments of every form before an error do not move its line (libconfuse
 * 3.3 counted a '#' line twice: this error was reported on line 7). */
static void
test_comments_keep_line_numbers(void **state)
{
	(void)state;
	expect_error("# one\n# two\nfrobnicate = 1\n", ":3:", "frobnicate");
	expect_error("## banner ##\n// slashes\n/* a\n   block */\n"
		     "log_level = \"info\" # trailing\n"
		     "policy { # open\n  /* x */ require_auth = true // y\n"
		     "  reject_stage = \"eom\"\n}\n",
		     ":8:", "must be mail | rcpt | data");
	/* a '#' or '//' inside a quoted string is not a comment */
	expect_error("# c\nreply {\n # c\n not_owner = \"554 5.7.1 a # b // c\"\n"
		     " tempfail = \"554 5.7.1 #\"\n}\n",
		     ":5:", "must be a 4xx reply");
}

/* The annotated sample conf/policy.conf with its line `find` replaced by
 * `repl` (as many lines as it has), written to path; the number of the
 * line replaced. */
static int
plant(const char *find, const char *repl)
{
	char sample[4096], line[1024];
	FILE *in, *out;
	int n = 0, at = 0;

	snprintf(sample, sizeof(sample), "%s/../../conf/policy.conf",
		 TEST_SRCDIR);
	in = fopen(sample, "r");
	assert_non_null(in);
	write_conf("");
	out = fopen(path, "w");
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) != NULL) {
		n++;
		if (at == 0 && strncmp(line, find, strlen(find)) == 0 &&
		    line[strlen(find)] == '\n') {
			at = n;
			fprintf(out, "%s\n", repl);
		} else {
			fputs(line, out);
		}
	}
	fclose(in);
	fclose(out);
	if (at == 0)
		fprintf(stderr, "sample has no line \"%s\"\n", find);
	assert_int_not_equal(at, 0);
	return at;
}

/* Load the planted sample; the error must name line `line` and `what`. */
static void
expect_planted(int line, const char *what)
{
	char err[1024], where[300];
	struct config *c = config_load(path, false, err, sizeof(err));

	assert_null(c);
	snprintf(where, sizeof(where), "%s:%d: ", path, line);
	if (strncmp(err, where, strlen(where)) != 0 ||
	    strstr(err, what) == NULL)
		fprintf(stderr, "expected %s...%s\nerror was: %s\n", where,
			what, err);
	assert_int_equal(strncmp(err, where, strlen(where)), 0);
	assert_non_null(strstr(err, what));
}

/* Errors planted at every depth of the annotated sample name their true
 * line: at top level, inside policy {}, inside ldap {}, inside a list
 * after comments. */
static void
test_sample_errors_true_line(void **state)
{
	int at;
	(void)state;

	at = plant("log_level = \"info\"", "log_level = \"loud\"");
	expect_planted(at, "error | warning");
	/* the case: libconfuse 3.3 said line 120 for this one */
	at = plant("  check_home_server = false", "  check_home_server = nope");
	expect_planted(at, "check_home_server");
	at = plant("  max_length = 256", "  max_length = 0 # too short");
	expect_planted(at, "max_length");
	at = plant("local_domains = {\"example.com\", \"example.org\"}",
		   "local_domains = {\"example.com\",   # main\n"
		   "  # \"old.example\",\n"
		   "  /* \"older.example\", */\n"
		   "  // \"oldest.example\",\n"
		   "  \"exa mple.org\"   # typo\n"
		   "}");
	expect_planted(at + 4, "not a domain");
	at = plant("bypass_logins = {}",
		   "bypass_logins = {\"printer\"}\n"
		   "directory = \"ldap\"\n"
		   "ldap {\n"
		   "\t# the servers\n"
		   "\turi = {\"ldap://ldap1.example.com\", # first\n"
		   "\t       \"ldap://ldap2.example.com\"}\n"
		   "\tbase = \"dc=example,dc=com\"\n"
		   "\t# bound connections\n"
		   "\tpool_size = 0\n"
		   "}");
	expect_planted(at + 8, "pool_size");
	unlink(path);
}

/* Comments stand anywhere in a list, and a commented-out item is not in
 * it (libconfuse alone refused both with "unexpected token"). */
static void
test_comments_inside_lists(void **state)
{
	char err[1024];
	struct config *c;
	(void)state;

	plant("local_domains = {\"example.com\", \"example.org\"}",
	      "local_domains = {\"example.com\",   # main\n"
	      "  # \"old.example\",\n"
	      "  \"example.org\", /* the other */ \"example.net\" // last\n"
	      "}   # end");
	c = config_load(path, false, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	assert_non_null(strmap_get(&c->policy.local_domains, "example.com", NULL));
	assert_non_null(strmap_get(&c->policy.local_domains, "example.org", NULL));
	assert_non_null(strmap_get(&c->policy.local_domains, "example.net", NULL));
	assert_null(strmap_get(&c->policy.local_domains, "old.example", NULL));
	assert_int_equal(c->policy.local_domains.used, 3);
	config_unref(c);
	unlink(path);
}

static void
test_cross_and_directory_errors(void **state)
{
	char err[1024];
	(void)state;
	assert_null(config_load(write_conf("archive = \"/tmp/a\"\n"), false, err,
				sizeof(err)));
	assert_non_null(strstr(err, "reject_stage"));
	assert_null(config_load(
		write_conf("accounts_file = \"/nonexistent/accounts\"\n"), true,
		err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/accounts"));
	assert_null(config_load("/nonexistent/policy.conf", false, err,
				sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/policy.conf"));
	unlink(path);
}

/* Load text (no directory); fails the test if it does not load. */
static struct config *
load_ok(const char *text)
{
	char err[1024];
	struct config *c = config_load(write_conf(text), false, err,
				       sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	return c;
}

/* identity: realms / nt_domains default to local_domains; the old keys
 * map onto them; the new policy keys. */
static void
test_identity_lists(void **state)
{
	struct config *c;
	const struct identity_rules *r;
	(void)state;
	c = load_ok("local_domains = {\"Example.COM\", \".corp.example\", "
		    "\"other.org\"}\n");
	r = &c->policy.identity;
	assert_int_equal(r->nrealms, 3);
	assert_string_equal(r->realms[0], "example.com");
	assert_string_equal(r->realms[1], ".corp.example");
	assert_string_equal(r->realms[2], "other.org");
	assert_int_equal(r->nnt_domains, 2); /* ".corp.example" gives none */
	assert_string_equal(r->nt_domains[0], "example");
	assert_string_equal(r->nt_domains[1], "other");
	assert_false(c->policy.home_missing_refuse);
	assert_int_equal(c->policy.on_missing_login, MISSING_TEMPFAIL);
	assert_int_equal(c->policy.login_encoding, LOGIN_ENC_AUTO);
	config_unref(c);

	c = load_ok("local_domains = {\"example.com\"}\n"
		    "identity { realms = {\"Corp.Example.COM\"}\n"
		    "  nt_domains = {\"CORP\", \"EXAMPLE\"} }\n"
		    "policy { home_server_missing = \"refuse\"\n"
		    "  on_missing_login = \"anonymous\"\n"
		    "  login_encoding = \"xtext\" }\n");
	r = &c->policy.identity;
	assert_int_equal(r->nrealms, 1);
	assert_string_equal(r->realms[0], "corp.example.com");
	assert_int_equal(r->nnt_domains, 2);
	assert_string_equal(r->nt_domains[0], "CORP");
	assert_true(c->policy.home_missing_refuse);
	assert_int_equal(c->policy.on_missing_login, MISSING_ANONYMOUS);
	assert_int_equal(c->policy.login_encoding, LOGIN_ENC_XTEXT);
	config_unref(c);

	/* empty lists: nothing is reduced */
	c = load_ok("local_domains = {\"example.com\"}\n"
		    "identity { realms = {}\n nt_domains = {} }\n");
	assert_int_equal(c->policy.identity.nrealms, 0);
	assert_int_equal(c->policy.identity.nnt_domains, 0);
	config_unref(c);

	/* the old keys: keep / false turn reduction off, strip / true are
	 * the local domains (no longer "any realm") */
	c = load_ok("local_domains = {\"example.com\"}\n"
		    "identity { realm = \"keep\"\n strip_nt_domain = false }\n");
	assert_int_equal(c->policy.identity.nrealms, 0);
	assert_int_equal(c->policy.identity.nnt_domains, 0);
	config_unref(c);
	c = load_ok("local_domains = {\"example.com\"}\n"
		    "identity { realm = \"strip\"\n strip_nt_domain = true }\n");
	assert_int_equal(c->policy.identity.nrealms, 1);
	assert_int_equal(c->policy.identity.nnt_domains, 1);
	config_unref(c);

	/* -n warns when require_auth has no local domain to protect */
	char warn[1024];
	c = load_ok("identity { fold_case = true }\n");
	assert_int_equal(config_warnings(c, warn, sizeof(warn)), 1);
	assert_non_null(strstr(warn, "require_auth is on but local_domains "
				     "is empty"));
	config_unref(c);
	c = load_ok("policy { require_auth = false }\n");
	assert_int_equal(config_warnings(c, warn, sizeof(warn)), 0);
	config_unref(c);
	c = load_ok("local_domains = {\"example.com\"}\n");
	assert_int_equal(config_warnings(c, warn, sizeof(warn)), 0);
	config_unref(c);

	expect_error("identity { realms = {\"exa mple.com\"} }\n", ":1:",
		     "realms: \"exa mple.com\" is not a domain");
	expect_error("identity { nt_domains = {\"A\\\\B\"} }\n", ":1:",
		     "is not an NT domain name");
	expect_error("identity { realms = {}\n realm = \"keep\" }\n", "",
		     "give realms or the old realm, not both");
	expect_error("identity { nt_domains = {}\n strip_nt_domain = false }\n",
		     "", "not both");
	expect_error("policy {\n home_server_missing = \"maybe\" }\n", ":2:",
		     "must be accept | refuse");
	expect_error("policy {\n on_missing_login = \"accept\" }\n", ":2:",
		     "must be tempfail | anonymous");
	expect_error("policy {\n login_encoding = \"base64\" }\n", ":2:",
		     "must be auto | xtext | none");
}

/* Report mode, per-rule modes, the header, listeners and exemptions. */
static void
test_modes_listeners_exemptions(void **state)
{
	char err[1024], text[2048];
	struct config *c;
	const struct listener *l;
	(void)state;
	snprintf(text, sizeof(text),
		 "accounts_file = \"%s/data/accounts\"\n"
		 "local_domains = {\"example.com\"}\n"
		 "trusted_networks = {\"192.0.2.0/24\"}\n"
		 "allowed_forged_senders = {\"NoReply@Example.com\", "
		 "\"@apps.example.com\", \"scanner@*\"}\n"
		 "policy {\n  mode = \"report\"\n  need_auth_mode = \"enforce\"\n"
		 "  report_header = true\n}\n"
		 "listener \"submission\" {\n  daemon_name = \"ORIGINATING\"\n"
		 "  require_auth = false\n  mode = \"enforce\"\n"
		 "  header_from_mode = \"report\"\n  reject_stage = \"data\"\n"
		 "  trusted_networks = {}\n  allowed_forged_senders = {}\n}\n"
		 "listener \"mx\" {\n  daemon_port = 25\n"
		 "  if_addr = \"127.0.0.0/8\"\n  report_header = false\n}\n",
		 TEST_SRCDIR);
	c = config_load(write_conf(text), false, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	/* the top level: report, but need_auth enforced */
	assert_int_equal(c->policy.mode[RULE_NOT_OWNER], MODE_REPORT);
	assert_int_equal(c->policy.mode[RULE_NOT_LOCAL], MODE_REPORT);
	assert_int_equal(c->policy.mode[RULE_HEADER_FROM], MODE_REPORT);
	assert_int_equal(c->policy.mode[RULE_NEED_AUTH], MODE_ENFORCE);
	assert_true(c->policy.report_header);
	assert_string_equal(c->policy.report_header_name, "X-Origin-Milter");
	assert_string_equal(exempt_match(&c->policy.allowed_senders,
					 "noreply@example.com"),
			    "NoReply@Example.com");
	assert_non_null(exempt_match(&c->policy.allowed_senders,
				     "scanner@other.example"));
	/* listener selection */
	assert_int_equal(c->nlisteners, 2);
	l = config_listener(c, "ORIGINATING", "587", "127.0.0.1");
	assert_string_equal(l->name, "submission");
	assert_false(l->policy.require_auth);
	assert_true(l->policy.check_originator);
	assert_int_equal(l->reject_stage, STAGE_DATA);
	assert_int_equal(l->policy.mode[RULE_NOT_OWNER], MODE_ENFORCE);
	assert_int_equal(l->policy.mode[RULE_NEED_AUTH], MODE_ENFORCE);
	assert_int_equal(l->policy.mode[RULE_HEADER_FROM], MODE_REPORT);
	assert_int_equal(l->policy.ntrusted, 0);
	assert_null(exempt_match(&l->policy.allowed_senders,
				 "noreply@example.com"));
	l = config_listener(c, "mail.example.com", "25", "127.0.0.1");
	assert_string_equal(l->name, "mx");
	assert_false(l->policy.report_header);
	assert_int_equal(l->policy.mode[RULE_NOT_OWNER], MODE_REPORT);
	assert_int_equal(l->policy.ntrusted, 1);
	assert_int_equal(l->reject_stage, STAGE_MAIL);
	/* port 25 on another address, or no macros: the top level */
	l = config_listener(c, "mail.example.com", "25", "IPv6:2001:db8::1");
	assert_ptr_equal(l, &c->top);
	assert_null(l->name);
	assert_ptr_equal(config_listener(c, NULL, NULL, NULL), &c->top);
	assert_string_equal(config_listener(c, NULL, "25", "[127.0.0.9]")->name,
			    "mx");
	config_unref(c);

	expect_error("policy {\n  mode = \"warn\"\n}\n", ":2:",
		     "enforce | report");
	expect_error("policy {\n  not_local_mode = \"off\"\n}\n", ":2:",
		     "not_local_mode");
	expect_error("policy {\n  report_header_name = \"X-A: b\"\n}\n",
		     ":2:", "report_header_name");
	expect_error("allowed_forged_senders = {\"not an address\"}\n", ":1:",
		     "allowed_forged_senders");
	expect_error("listener \"a\" {\n  if_addr = \"nowhere\"\n}\n", ":2:",
		     "if_addr");
	expect_error("listener \"a\" {\n  mode = \"x\"\n}\n", ":2:", "mode");
	expect_error("listener \"a\" {\n  local_part_case = \"sensitive\"\n}\n",
		     ":2:", "local_part_case");
	expect_error("listener \"a\" {\n  require_auth = false\n}\n", ":3:",
		     "needs daemon_name, daemon_port or if_addr");
	expect_error("listener \"a\" {\n daemon_port = 1\n}\n"
		     "listener \"a\" {\n daemon_port = 2\n}\n", ":", "a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_loads),
		cmocka_unit_test(test_defaults_and_directory),
		cmocka_unit_test(test_identity_lists),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_cross_and_directory_errors),
		cmocka_unit_test(test_comments_keep_line_numbers),
		cmocka_unit_test(test_sample_errors_true_line),
		cmocka_unit_test(test_comments_inside_lists),
		cmocka_unit_test(test_socket_host_rule),
		cmocka_unit_test(test_modes_listeners_exemptions),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
