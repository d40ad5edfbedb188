/*
 * textutil.c - byte-string checks shared by the address and login parsers.
 */
#include <string.h>

#include "textutil.h"

/* Length of the UTF-8 sequence starting with lead octet c, 0 if invalid. */
static size_t
utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* True if s[0..len) is well-formed UTF-8. */
bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq_len(p[i]);
		if (n == 0 || i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		/* overlong three/four-octet forms, surrogates, > U+10FFFF */
		if (n == 3 && p[i] == 0xe0 && p[i + 1] < 0xa0)
			return false;
		if (n == 3 && p[i] == 0xed && p[i + 1] >= 0xa0)
			return false;
		if (n == 4 && p[i] == 0xf0 && p[i + 1] < 0x90)
			return false;
		if (n == 4 && p[i] == 0xf4 && p[i + 1] >= 0x90)
			return false;
		i += n;
	}
	return true;
}

/* True if s[0..len) holds a C0 control octet or DEL. */
bool
has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* ASCII-only lower-casing of one octet. */
char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* ASCII-only lower-casing of a string in place. */
void
ascii_lower_str(char *s)
{
	for (; *s; s++)
		*s = ascii_lower(*s);
}

/* Bounded copy that always terminates. */
size_t
copy_bounded(char *dst, size_t size, const char *src, size_t len)
{
	if (size == 0)
		return 0;
	if (len > size - 1)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len;
}
