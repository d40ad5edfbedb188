/*
 * sender_guess.c - the domain of a sender the strict parser refused, the
 * way a lenient MTA reads it: after the last '@' outside quotes.
 */
#include <stdbool.h>
#include <string.h>

#include "normalize.h"
#include "sender_guess.h"
#include "textutil.h"

/* A character a domain (a host name, an IDN, an address literal) may
 * hold. */
static bool
host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '[' || c == ']' || c == ':' || c >= 0x80;
}

/* Best-effort folded domain of s[0..len); 0 if none. */
size_t
sender_domain_guess(const char *s, size_t len, char *out, size_t size)
{
	const char *at = NULL;
	bool quoted = false;

	if (size == 0)
		return 0;
	out[0] = '\0';
	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
		s++, len -= 2;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && quoted)
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '@' && !quoted)
			at = s + i;
	}
	if (at == NULL)
		return 0;
	size_t dl = len - (size_t)(at + 1 - s);
	if (dl > 0 && at[dl] == '.')
		dl--;
	if (dl == 0 || dl >= size)
		return 0;
	/* anything but host name characters, UTF-8 or an address literal:
	 * no domain anybody delivers for, so none (the caller counts it as
	 * local) */
	if (!utf8_valid(at + 1, dl))
		return 0;
	for (size_t i = 1; i <= dl; i++)
		if (!host_char((unsigned char)at[i]))
			return 0;
	if (domain_fold(at + 1, dl, out, size) != 0) {
		copy_bounded(out, size, at + 1, dl);
		ascii_lower_str(out);
	}
	return strlen(out);
}
