#!/bin/bash
# ownership.sh - the ownership table (ownership.table) against both real
# backends: every fixture under fixtures/ is turned into LDIF
# (accounts2ldif.awk) and loaded into a private slapd (tests/ldap/
# slapd-env.sh); ownership-test then runs each row against the accounts
# file and against slapd, and prints TAP.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
here=$top_srcdir/tests/directory
. "$top_srcdir/tests/ldap/slapd-env.sh"
trap slapd_env_stop EXIT
trap "exit 1" TERM INT HUP
ldif=$(mktemp "${TMPDIR:-/tmp}/ownership.XXXXXX.ldif") || exit 1
trap 'rm -f "$ldif"; slapd_env_stop' EXIT
for f in "$here"/fixtures/*.accounts; do
	name=$(basename "$f" .accounts)
	awk -v name="$name" -v suffix="$SLAPD_SUFFIX" \
		-f "$here/accounts2ldif.awk" "$f" "$f" || exit 1
done > "$ldif"
if ! slapd_env_start "$top_srcdir/tests/ldap/data/base.ldif" "$ldif"; then
	echo "Bail out! cannot start slapd"
	exit 1
fi
"$top_builddir/tests/directory/ownership-test" "$here/ownership.table" \
	"$here/fixtures"
