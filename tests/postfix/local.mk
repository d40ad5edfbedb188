# tests/postfix/local.mk - end-to-end tests under a private, real Postfix.
# postfix-env.sh is the harness (sourced by other suites too), om-env.sh
# runs the built filter beside it, tap.sh prints TAP. matrix-ldap.sh is the
# same matrix with a real slapd (tests/ldap/slapd-env.sh) as the directory.
TESTS += tests/postfix/harness.sh tests/postfix/matrix.sh \
	tests/postfix/matrix-ldap.sh tests/postfix/rollout.sh \
	tests/postfix/logins.sh
EXTRA_DIST += tests/postfix/postfix-env.sh tests/postfix/om-env.sh \
	tests/postfix/tap.sh tests/postfix/harness.sh tests/postfix/matrix.sh \
	tests/postfix/matrix-ldap.sh tests/postfix/rollout.sh \
	tests/postfix/data/accounts.ldif \
	tests/postfix/logins.sh tests/postfix/data/logins.ldif

# The Sendmail matrix shares om-env.sh, tap.sh and the transcript parsing.
include tests/sendmail/local.mk
