#!/bin/bash
# dir-ldap.sh - start a private slapd with the test LDIF, run the LDAP
# backend tests (dir-ldap-test, TAP) against it, stop it whatever happens.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT
. "$top_srcdir/tests/ldap/slapd-env.sh"
trap slapd_env_stop EXIT
trap "exit 1" TERM INT HUP
if ! slapd_env_start "$top_srcdir/tests/ldap/data/base.ldif"; then
	echo "Bail out! cannot start slapd"
	exit 1
fi
"$top_builddir/tests/ldap/dir-ldap-test"
