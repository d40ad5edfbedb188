# tests/directory/local.mk - the ownership table and the login-forms table
# (login forms, home servers, unauthenticated senders), each run against
# the accounts file and a private slapd (the same rows, the same verdicts).
check_PROGRAMS += tests/directory/ownership-test
tests_directory_ownership_test_SOURCES = tests/directory/ownership-test.c
tests_directory_ownership_test_CFLAGS = $(AM_CFLAGS) $(CONFUSE_CFLAGS) $(LDAP_CFLAGS)
tests_directory_ownership_test_LDADD = $(CONF_LIBS) $(POLICY_LIBS)
TESTS += tests/directory/ownership.sh tests/directory/login-forms.sh \
	tests/directory/header-from.sh
EXTRA_DIST += tests/directory/ownership.sh tests/directory/ownership.table \
	tests/directory/login-forms.sh tests/directory/login-forms.table \
	tests/directory/header-from.sh tests/directory/header-from.table \
	tests/directory/accounts2ldif.awk tests/directory/fixtures
