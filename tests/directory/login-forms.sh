#!/bin/bash
# login-forms.sh - the login-forms table (login-forms.table: login forms,
# home servers, unauthenticated senders) against both real backends: the
# fixtures it names (fixtures/logins, fixtures/homes) are turned into LDIF
# (accounts2ldif.awk) and loaded into a private slapd (tests/ldap/
# slapd-env.sh); ownership-test, the table runner, then runs each row
# against the accounts file and against slapd, and prints TAP.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${OWNERSHIP_TEST:=$top_builddir/tests/directory/ownership-test}"
here=$top_srcdir/tests/directory
. "$top_srcdir/tests/ldap/slapd-env.sh"
trap slapd_env_stop EXIT
trap "exit 1" TERM INT HUP
ldif=$(mktemp "${TMPDIR:-/tmp}/login-forms.XXXXXX.ldif") || exit 1
trap 'rm -f "$ldif"; slapd_env_stop' EXIT
for name in logins homes; do
	f=$here/fixtures/$name.accounts
	awk -v name="$name" -v suffix="$SLAPD_SUFFIX" \
		-f "$here/accounts2ldif.awk" "$f" "$f" || exit 1
done > "$ldif"
if ! slapd_env_start "$top_srcdir/tests/ldap/data/base.ldif" "$ldif"; then
	echo "Bail out! cannot start slapd"
	exit 1
fi
"$OWNERSHIP_TEST" "$here/login-forms.table" "$here/fixtures"
