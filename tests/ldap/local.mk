# tests/ldap/local.mk - LDAP backend tests against a private slapd.
LDAPTEST_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(CMOCKA_CFLAGS) $(CONFUSE_CFLAGS)
LDAPTEST_LIBS = $(DIRLDAP_LIBS) $(POLICY_LIBS) $(CONFUSE_LIBS)

check_PROGRAMS += tests/ldap/dir-ldap-test
tests_ldap_dir_ldap_test_SOURCES = tests/ldap/dir-ldap-test.c
tests_ldap_dir_ldap_test_CFLAGS = $(LDAPTEST_CFLAGS)
tests_ldap_dir_ldap_test_LDADD = $(LDAPTEST_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/ldap/ldap-conf-test
tests_ldap_ldap_conf_test_SOURCES = tests/ldap/ldap-conf-test.c
tests_ldap_ldap_conf_test_CFLAGS = $(LDAPTEST_CFLAGS)
tests_ldap_ldap_conf_test_LDADD = libconf.a $(LDAPTEST_LIBS) $(CMOCKA_LIBS)

TESTS += tests/ldap/dir-ldap.sh tests/ldap/ldap-conf-test

EXTRA_DIST += tests/ldap/slapd-env.sh tests/ldap/dir-ldap.sh \
	tests/ldap/data/base.ldif tests/ldap/schema/ad-test.schema \
	tests/ldap/tls/README tests/ldap/tls/ca.pem tests/ldap/tls/other-ca.pem \
	tests/ldap/tls/server.pem tests/ldap/tls/server.key

# Lookup-rate tools for the benchmark note (tests/ldap/bench.sh runs them).
noinst_PROGRAMS += tests/ldap/ldap-rate tests/ldap/dir-rate
tests_ldap_ldap_rate_SOURCES = tests/ldap/ldap-rate.c
tests_ldap_ldap_rate_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
tests_ldap_ldap_rate_LDADD = $(LDAP_LIBS)
tests_ldap_dir_rate_SOURCES = tests/ldap/dir-rate.c
tests_ldap_dir_rate_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
tests_ldap_dir_rate_LDADD = $(LDAPTEST_LIBS)
EXTRA_DIST += tests/ldap/gen-accounts.sh tests/ldap/bench.sh
EXTRA_DIST += contrib/ldap/policy.conf.ldap-section contrib/ldap/openldap.conf \
	contrib/ldap/active-directory.conf contrib/ldap/README.AD
