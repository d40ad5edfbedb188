/*
 * ldap_filter.h - build LDAP search filters from templates, safely.
 *
 * A template such as "(&(objectClass=inetOrgPerson)(uid=%u))" gets its
 * placeholders replaced by values the client sent. Every value is escaped
 * per RFC 4515 first (*, (, ), \ and NUL become \2a, \28, \29, \5c, \00;
 * other non-printable octets too), so a login like "*)(uid=*" matches
 * nothing it should not. Pure: no I/O.
 */
#ifndef POLICY_LDAP_FILTER_H
#define POLICY_LDAP_FILTER_H

#include <stddef.h>

/* One placeholder: %c is replaced by the escaped val (len octets). */
struct filter_var {
	char c;
	const char *val;
	size_t len;
};

/* Escape len octets of in per RFC 4515 into out; returns the length
 * written, or (size_t)-1 if it did not fit (out is then ""). */
size_t filter_escape(const char *in, size_t len, char *out, size_t size);

/* Expand tmpl with the variables ("%%" is a literal %). Returns 0, or -1
 * on an unknown placeholder or when out is too small. */
int filter_expand(const char *tmpl, const struct filter_var *vars,
		  size_t nvars, char *out, size_t size);

/* 0 if every %x in tmpl is one of the letters in allowed (or %%). */
int filter_check_template(const char *tmpl, const char *allowed);

#endif
