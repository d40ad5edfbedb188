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
	expect_error("policy {\n on_directory_error = \"ignore\"\n}\n", ":2:",
		     "tempfail | accept | reject");
	expect_error("local_domains = {\"exa mple.com\"}\n", ":1:",
		     "not a domain");
	expect_error("identity { realm = \"drop\" }\n", ":1:", "strip | keep");
	expect_error("policy { subaddress_delimiter = \"ab\" }\n", ":1:",
		     "subaddress_delimiter");
	expect_error("reply { tempfail = \"554 5.7.1 no\" }\n", ":1:",
		     "must be a 4xx reply");
	expect_error("policy {\n check_originator = maybe\n}\n", ":2:",
		     "check_originator");
	expect_error("socket = \"unix:/x\"\nlog_level = \"loud\"\n", ":2:",
		     "error | warning");
	/* a file cut inside a section or a string must not load */
	expect_error("log_level = \"info\" # {\n/* { */\npolicy {\n"
		     "  reject_stage = \"mail\"\n",
		     ":3:", "not closed");
	expect_error("reply {\n not_owner = \"554 5.7.1 cut\n", ":3:",
		     "unterminated string");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_loads),
		cmocka_unit_test(test_defaults_and_directory),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_cross_and_directory_errors),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
