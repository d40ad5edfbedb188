# tests/postfix/local.mk - end-to-end tests under a private, real Postfix.
# postfix-env.sh is the harness (sourced by other suites too), om-env.sh
# runs the built filter beside it, tap.sh prints TAP.
TESTS += tests/postfix/harness.sh tests/postfix/matrix.sh
EXTRA_DIST += tests/postfix/postfix-env.sh tests/postfix/om-env.sh \
	tests/postfix/tap.sh tests/postfix/harness.sh tests/postfix/matrix.sh
