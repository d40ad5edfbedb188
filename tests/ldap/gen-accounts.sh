#!/bin/bash
# gen-accounts.sh N - print an LDIF of N OpenLDAP-style accounts
# (uid=userI,ou=people,dc=example,dc=com; mail userI@example.com, alias
# uI.alias@example.com, mailHost mx(I%4).example.com) for slapadd. Needs
# base.ldif's ou=people. awk writes 100,000 accounts in well under a second;
# slapadd -q loads them in a few seconds (see bench.sh for the timing).
n=${1:?usage: gen-accounts.sh N}
suffix=${SLAPD_SUFFIX:-dc=example,dc=com}
awk -v n="$n" -v s="$suffix" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "dn: uid=user%d,ou=people,%s\nobjectClass: inetOrgPerson\n" \
		       "objectClass: inetLocalMailRecipient\nuid: user%d\n" \
		       "cn: User %d\nsn: %d\nmail: user%d@example.com\n" \
		       "mailLocalAddress: u%d.alias@example.com\n" \
		       "mailHost: mx%d.example.com\n\n", \
		       i, s, i, i, i, i, i, i % 4
}'
