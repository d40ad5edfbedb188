# tests/postfix/local.mk - end-to-end tests under a private, real Postfix.
# postfix-env.sh is the harness (sourced by other suites too); tap.sh prints TAP.
TESTS += tests/postfix/harness.sh
EXTRA_DIST += tests/postfix/postfix-env.sh tests/postfix/tap.sh \
	tests/postfix/harness.sh
