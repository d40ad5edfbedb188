/*
 * ldap-conf-test.c - the "ldap" section of policy.conf: defaults, an AD
 * profile, bind modes, and every validator's error carrying file:line.
 * Real libconfuse parsing of real files; no server needed. cmocka (TAP).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <ldap.h>

#include "dir_ldap.h"
#include "ldap_conf.h"
#include "ldap_opts.h"

static char errbuf[1024];
static char dirname_[64];
static const char *parsing; /* sections carry no file name: the root's */

/* libconfuse error function: keep the last message. */
static void
keep_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	int n = snprintf(errbuf, sizeof(errbuf), "%s:%d: ",
			 cfg && cfg->filename ? cfg->filename : parsing,
			 cfg ? cfg->line : 0);
	if (n < 0 || (size_t)n >= sizeof(errbuf))
		return;
	vsnprintf(errbuf + n, sizeof(errbuf) - (size_t)n, fmt, ap);
}

/* Write text to a file in the test folder; its path. */
static const char *
write_file(const char *name, const char *text)
{
	static char path[2][256];
	static int k;
	char *p = path[k++ % 2];
	snprintf(p, 256, "%s/%s", dirname_, name);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* Parse a policy.conf holding text; the cfg or NULL (errbuf set). */
static cfg_t *
parse(const char *text)
{
	static cfg_opt_t top[] = {
		CFG_SEC("ldap", ldap_conf_opts, CFGF_NONE),
		CFG_END()
	};
	errbuf[0] = '\0';
	cfg_t *cfg = cfg_init(top, CFGF_NONE);
	cfg_set_error_function(cfg, keep_error);
	ldap_conf_set_validators(cfg);
	parsing = write_file("policy.conf", text);
	if (cfg_parse(cfg, parsing) == CFG_SUCCESS)
		return cfg;
	cfg_free(cfg);
	return NULL;
}

/* Parse text expecting an error that mentions line and word. */
static void
expect_error(const char *text, int line, const char *word)
{
	char at[32];
	assert_null(parse(text));
	snprintf(at, sizeof(at), "policy.conf:%d:", line);
	if (strstr(errbuf, at) == NULL || strstr(errbuf, word) == NULL)
		fail_msg("want line %d and '%s', got: %s", line, word, errbuf);
}

/* Defaults are the OpenLDAP profile. */
static void
test_defaults(void **state)
{
	(void)state;
	char err[256];
	cfg_t *cfg = parse("ldap {\n uri = {\"ldap://127.0.0.1:389\"}\n"
			   " base = \"dc=example,dc=com\"\n}\n");
	assert_non_null(cfg);
	struct ldap_opts *o = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"),
						 err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(o->nuris, 1);
	assert_int_equal(o->tls_require_cert, TLS_CHECK_DEMAND);
	assert_false(o->send_as_acl || o->token_groups || o->refuse_disabled);
	assert_int_equal(o->member_range, 0);
	assert_string_equal(o->account_filter,
			    "(&(objectClass=inetOrgPerson)(uid=%u))");
	assert_int_equal(o->naddress_attrs, 2);
	assert_string_equal(o->address_attrs[0], "mail");
	assert_string_equal(o->address_attrs[1], "mailLocalAddress");
	assert_string_equal(o->home_attr, "mailHost");
	assert_int_equal(o->nproxy_attrs, 0);
	assert_int_equal(o->bind, LDAP_BIND_ANONYMOUS);
	assert_int_equal(o->scope, LDAP_SCOPE_SUBTREE);
	assert_true(o->timeout == 5.0);
	assert_int_equal(o->pool_size, 4);
	assert_int_equal(o->cache_ttl, 300);
	assert_int_equal(o->negative_cache_ttl, 60);
	assert_int_equal(o->stale_grace, 0);
	assert_null(o->mailbox_filter);
	ldap_opts_release(o);
	cfg_free(cfg);
}

/* The AD profile of contrib/ldap, with a simple bind. */
static void
test_ad_profile(void **state)
{
	(void)state;
	char err[256], text[2048];
	const char *pw = write_file("pw", "s3cret\n");
	snprintf(text, sizeof(text),
		 "ldap {\n"
		 " uri = {\"ldaps://dc1.corp.example.com\", "
		 "\"ldaps://dc2.corp.example.com\"}\n"
		 " base = \"DC=corp,DC=example,DC=com\"\n"
		 " bind_dn = \"CN=svc-milter,OU=Service,DC=corp,DC=example,DC=com\"\n"
		 " bind_password_file = \"%s\"\n"
		 " account_filter = \"(&(objectClass=user)(|(sAMAccountName=%%u)"
		 "(userPrincipalName=%%s)))\"\n"
		 " mailbox_filter = \"(msExchHomeServerName=*)\"\n"
		 " address_attributes = {}\n"
		 " proxy_address_attributes = {proxyAddresses}\n"
		 " name_attribute = sAMAccountName\n"
		 " home_server_attribute = msExchHomeServerName\n"
		 " home_mdb_attribute = homeMDB\n"
		 " delegate_attribute = publicDelegates\n"
		 " group_send_as = true\n"
		 " timeout = 3.5\n"
		 " stale_grace = 600\n"
		 "}\n", pw);
	cfg_t *cfg = parse(text);
	if (cfg == NULL)
		fail_msg("%s", errbuf);
	struct ldap_opts *o = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"),
						 err, sizeof(err));
	if (o == NULL)
		fail_msg("%s", err);
	assert_int_equal(o->nuris, 2);
	assert_string_equal(o->uris[1], "ldaps://dc2.corp.example.com");
	assert_int_equal(o->bind, LDAP_BIND_SIMPLE);
	assert_string_equal(o->bind_password, "s3cret");
	assert_int_equal(o->naddress_attrs, 0);
	assert_string_equal(o->proxy_attrs[0], "proxyAddresses");
	assert_string_equal(o->home_mdb_attr, "homeMDB");
	assert_true(o->group_send_as);
	assert_true(o->timeout == 3.5);
	assert_int_equal(o->stale_grace, 600);
	struct norm_opts n = { false, "" };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct directory *d = dir_ldap_create(o, &n, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_non_null(d);
	/* no server contacted: far below a connect timeout (whole seconds
	 * alone failed whenever the call straddled a second boundary) */
	double took = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(took < 5.0);
	dir_destroy(d);
	ldap_opts_release(o);
	cfg_free(cfg);
}

/* SASL EXTERNAL over ldapi; a missing password file. */
static void
test_binds(void **state)
{
	(void)state;
	char err[256];
	cfg_t *cfg = parse("ldap {\n uri = {\"ldapi://%2Frun%2Fslapd%2Fldapi\"}\n"
			   " base = \"dc=x\"\n sasl_mech = EXTERNAL\n}\n");
	assert_non_null(cfg);
	struct ldap_opts *o = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"),
						 err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(o->bind, LDAP_BIND_EXTERNAL);
	ldap_opts_release(o);
	cfg_free(cfg);
	cfg = parse("ldap {\n uri = {\"ldap://h\"}\n base = \"dc=x\"\n"
		    " bind_dn = \"cn=m\"\n"
		    " bind_password_file = \"/nonexistent/pw\"\n}\n");
	assert_non_null(cfg);
	assert_null(ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"), err,
				       sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/pw"));
	cfg_free(cfg);
	cfg = parse("ldap {\n uri = {\"ldap://h\"}\n base = \"dc=x\"\n"
		    " bind_dn = \"cn=m\"\n}\n");
	assert_null(ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"), err,
				       sizeof(err)));
	assert_non_null(strstr(err, "bind_password_file"));
	cfg_free(cfg);
	/* GSSAPI with a keytab; TLS client certificate; AD switches */
	cfg = parse("ldap {\n uri = {\"ldap://dc1.corp\"}\n base = \"dc=x\"\n"
		    " sasl_mech = GSSAPI\n sasl_keytab = \"/k.keytab\"\n"
		    " tls_require_cert = never\n tls_cert_file = \"/c.pem\"\n"
		    " tls_key_file = \"/c.key\"\n send_as_acl = true\n"
		    " refuse_disabled = true\n member_range = 1500\n}\n");
	assert_non_null(cfg);
	o = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"), err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(o->bind, LDAP_BIND_GSSAPI);
	assert_string_equal(o->sasl_keytab, "/k.keytab");
	assert_int_equal(o->tls_require_cert, TLS_CHECK_NEVER);
	assert_string_equal(o->tls_cert_file, "/c.pem");
	assert_string_equal(o->tls_key_file, "/c.key");
	assert_true(o->send_as_acl && o->token_groups && o->refuse_disabled);
	assert_int_equal(o->member_range, 1500);
	ldap_opts_release(o);
	cfg_free(cfg);
}

/* Every validator reports the file and line. */
static void
test_validators(void **state)
{
	(void)state;
	expect_error("ldap {\n base = \"dc=x\"\n uri = {\"http://x\"}\n}\n",
		     3, "uri");
	expect_error("ldap {\n timeout = 45\n}\n", 2, "timeout");
	expect_error("ldap {\n\n timeout = 0\n}\n", 3, "timeout");
	expect_error("ldap {\n account_filter = \"(uid=%x)\"\n}\n", 2,
		     "account_filter");
	expect_error("ldap {\n account_filter = \"(uid=%u\"\n}\n", 2,
		     "account_filter");
	expect_error("ldap {\n account_filter = \"uid=%u\"\n}\n", 2,
		     "account_filter");
	expect_error("ldap {\n owner_filter = \"(mail=%u)\"\n}\n", 2,
		     "owner_filter");
	expect_error("ldap {\n mailbox_filter = \"(mailHost=%u)\"\n}\n", 2,
		     "mailbox_filter");
	expect_error("ldap {\n scope = subtree\n}\n", 2, "scope");
	expect_error("ldap {\n sasl_mech = DIGEST-MD5\n}\n", 2, "sasl_mech");
	expect_error("ldap {\n tls_require_cert = yes\n}\n", 2,
		     "tls_require_cert");
	expect_error("ldap {\n member_range = 1\n}\n", 2, "member_range");
	expect_error("ldap {\n pool_size = 0\n}\n", 2, "pool_size");
	expect_error("ldap {\n cache_ttl = -1\n}\n", 2, "cache_ttl");
	expect_error("ldap {\n cache_size = 99999999\n}\n", 2, "cache_size");
	cfg_t *ok = parse("ldap {\n account_filter = "
			  "\"(&(uid=%u)(o=%d)(x=%s)(y=100%%))\"\n}\n");
	assert_non_null(ok);
	cfg_free(ok);
}

/* Set up the temporary folder. */
static int
setup(void **state)
{
	(void)state;
	snprintf(dirname_, sizeof(dirname_), "/tmp/ldapconf.XXXXXX");
	return mkdtemp(dirname_) ? 0 : -1;
}

/* Remove the temporary folder. */
static int
teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dirname_);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ad_profile),
		cmocka_unit_test(test_binds),
		cmocka_unit_test(test_validators),
	};
	return cmocka_run_group_tests_name("ldap_conf", tests, setup, teardown);
}
