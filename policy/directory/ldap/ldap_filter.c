/*
 * ldap_filter.c - RFC 4515 escaping and filter template expansion.
 */
#include <stdio.h>
#include <string.h>

#include "ldap_filter.h"

/* True if octet c must be written as \XX inside an assertion value. */
static int
needs_escape(unsigned char c)
{
	return c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 ||
	       c == 0x7f;
}

/* Escape in[0..len) per RFC 4515 (octets >= 0x80 pass: UTF-8 is fine). */
size_t
filter_escape(const char *in, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (size == 0)
		return (size_t)-1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (!needs_escape(c)) {
			if (o + 1 >= size)
				goto full;
			out[o++] = (char)c;
			continue;
		}
		if (o + 3 >= size)
			goto full;
		out[o++] = '\\';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return o;
full:
	out[0] = '\0';
	return (size_t)-1;
}

/* The variable for letter c, or NULL. */
static const struct filter_var *
find_var(const struct filter_var *vars, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (vars[i].c == c)
			return &vars[i];
	return NULL;
}

/* Expand the template; every value is escaped on the way in. */
int
filter_expand(const char *tmpl, const struct filter_var *vars, size_t nvars,
	      char *out, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return -1;
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '%') {
			if (o + 1 >= size)
				goto full;
			out[o++] = *p;
			if (*p == '%')
				p++;
			continue;
		}
		const struct filter_var *v = find_var(vars, nvars, p[1]);
		if (v == NULL)
			goto full;
		size_t n = filter_escape(v->val, v->len, out + o, size - o);
		if (n == (size_t)-1)
			goto full;
		o += n;
		p++;
	}
	out[o] = '\0';
	return 0;
full:
	out[0] = '\0';
	return -1;
}

/* Check that tmpl only uses the allowed placeholders. */
int
filter_check_template(const char *tmpl, const char *allowed)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] == '\0' || strchr(allowed, p[1]) == NULL)
			return -1;
		p++;
	}
	return 0;
}
