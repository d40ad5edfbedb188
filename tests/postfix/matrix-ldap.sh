#!/bin/bash
# tests/postfix/matrix-ldap.sh - the Postfix end-to-end matrix (matrix.sh)
# with directory = ldap against a private slapd (tests/ldap/slapd-env.sh)
# holding the same accounts (data/accounts.ldif). TAP output.
OM_MATRIX_DIRECTORY=ldap exec bash "$(cd "$(dirname "$0")" && pwd)/matrix.sh"
