#!/bin/bash
# bench.sh [N] [LOOKUPS] - the LDAP lookup-rate figures for the issue note:
# a private slapd with N generated accounts (default 100,000), the raw
# libldap search rate (ldap-rate) and the backend's cold and warm lookup
# rates (dir-rate), 1 and 4 threads. Run from the build folder after
# "make tests/ldap/ldap-rate tests/ldap/dir-rate".
n=${1:-100000}
lookups=${2:-20000}
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
. "$top_srcdir/tests/ldap/slapd-env.sh"
trap slapd_env_stop EXIT
ldif=$(mktemp "${TMPDIR:-/tmp}/accounts.XXXXXX")
trap 'slapd_env_stop; rm -f "$ldif"' EXIT
trap 'exit 1' TERM INT HUP
t0=$(date +%s.%N)
"$top_srcdir/tests/ldap/gen-accounts.sh" "$n" > "$ldif"
t1=$(date +%s.%N)
slapd_env_start "$top_srcdir/tests/ldap/data/base.ldif" "$ldif" || exit 1
t2=$(date +%s.%N)
printf 'generate %d accounts: %.2f s; slapadd + start: %.2f s\n' "$n" \
	"$(awk "BEGIN{print $t1 - $t0}")" "$(awk "BEGIN{print $t2 - $t1}")"
for th in 1 4; do
	"$top_builddir/tests/ldap/ldap-rate" "$SLAPD_URI" "$SLAPD_BINDDN" \
		"$SLAPD_BINDPW" "$SLAPD_SUFFIX" "$n" "$lookups" "$th"
	"$top_builddir/tests/ldap/dir-rate" "$SLAPD_URI" "$SLAPD_BINDDN" \
		"$SLAPD_BINDPW" "$SLAPD_SUFFIX" "$lookups" "$th"
done
