#!/bin/bash
# header-from.sh - the header From table (header-from.table: folded,
# multi-address, grouped and broken From:/Sender: headers) against both
# real backends: the fixtures it names are turned into LDIF
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
ldif=$(mktemp "${TMPDIR:-/tmp}/header-from.XXXXXX.ldif") || exit 1
trap 'rm -f "$ldif"; slapd_env_stop' EXIT
for name in sendas catchall subaddr; do
	f=$here/fixtures/$name.accounts
	awk -v name="$name" -v suffix="$SLAPD_SUFFIX" \
		-f "$here/accounts2ldif.awk" "$f" "$f" || exit 1
done > "$ldif"
if ! slapd_env_start "$top_srcdir/tests/ldap/data/base.ldif" "$ldif"; then
	echo "Bail out! cannot start slapd"
	exit 1
fi
"$OWNERSHIP_TEST" "$here/header-from.table" "$here/fixtures"
