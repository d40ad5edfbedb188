/*
 * fuzz_ldapfilter.c - libFuzzer target: RFC 4515 escaping of the values a
 * client controls (login pieces, address keys) into LDAP search filters.
 * The escaped form holds no raw '*', '(', ')', '\' or NUL, every '\' is
 * followed by two hex digits, and unescaping gives the input back; a
 * filter expanded from a template keeps the template's structure (its
 * parentheses balance, the value cannot close or open a component).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldap_filter.h"

#define OUT_MAX 8192

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

/* Value of a hex digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Check the escaped form of in and that it decodes back to in. */
static void
check_escaped(const uint8_t *in, size_t len, const char *out, size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		check(out[i] != '\0' && out[i] != '*' && out[i] != '(' &&
		      out[i] != ')');
		if (out[i] == '\\') {
			check(i + 2 < n && hexval(out[i + 1]) >= 0 &&
			      hexval(out[i + 2]) >= 0);
			check(j < len && (uint8_t)(hexval(out[i + 1]) * 16 +
				      hexval(out[i + 2])) == in[j]);
			i += 2;
		} else {
			check(j < len && (uint8_t)out[i] == in[j]);
		}
		j++;
	}
	check(j == len);
}

/* Parentheses of a filter, counted outside escapes: balanced, never < 0. */
static void
check_balanced(const char *f)
{
	long depth = 0;

	for (; *f; f++) {
		if (*f == '(')
			depth++;
		else if (*f == ')')
			depth--;
		check(depth >= 0);
	}
	check(depth == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: a value; escaped, then put into two templates. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[OUT_MAX];
	struct filter_var v[2];
	size_t n, half = size / 2;

	n = filter_escape((const char *)data, size, out, sizeof(out));
	if (n != (size_t)-1) {
		check(n == strlen(out));
		check_escaped(data, size, out, n);
	} else {
		check(out[0] == '\0');
	}
	v[0] = (struct filter_var){'u', (const char *)data, half};
	v[1] = (struct filter_var){'d', (const char *)data + half, size - half};
	if (filter_expand("(&(objectClass=inetOrgPerson)(uid=%u)(o=%d))", v, 2,
			  out, sizeof(out)) == 0) {
		check(strncmp(out, "(&(objectClass=inetOrgPerson)(uid=", 34) == 0);
		check_balanced(out);
	}
	if (filter_expand("(|(mail=%u)(mailLocalAddress=%u)(x=100%%))", v, 1,
			  out, sizeof(out)) == 0)
		check_balanced(out);
	return 0;
}
