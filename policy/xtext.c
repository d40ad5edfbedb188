/*
 * xtext.c - decode RFC 3461 xtext ("+XX" is the octet 0xXX).
 */
#include "xtext.h"

/* Value of an upper-case hex digit, or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode xtext; -1 if malformed or out is too small. */
int
xtext_decode(const char *in, size_t len, char *out, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == '+') {
			if (len - i < 3)
				return -1;
			int hi = hexval(in[i + 1]), lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (int)n;
}
