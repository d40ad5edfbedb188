/*
 * normalize.c - comparison keys: folded domain in A-label form, local part
 * folded or not, sub-address dropped, catch-all keys "@domain".
 */
#include <idn2.h>
#include <string.h>

#include "normalize.h"
#include "textutil.h"

/* Case-fold a domain into A-label form; 0 on success, -1 on failure. */
int
domain_fold(const char *in, size_t len, char *out, size_t size)
{
	bool ascii = true;
	char tmp[ADDR_BUF];
	char *alabel = NULL;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80)
			ascii = false;
	if (ascii) {
		if (len >= size)
			return -1;
		for (size_t i = 0; i < len; i++)
			out[i] = ascii_lower(in[i]);
		out[len] = '\0';
		return 0;
	}
	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, in, len);
	tmp[len] = '\0';
	if (idn2_to_ascii_8z(tmp, &alabel,
			     IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
		return -1;
	size_t n = strlen(alabel);
	if (n >= size) {
		idn2_free(alabel);
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = ascii_lower(alabel[i]);
	idn2_free(alabel);
	return 0;
}

/* Length of the local part once a sub-address is dropped. */
static size_t
strip_subaddress(const char *local, size_t len, const char *delims)
{
	if (delims[0] == '\0')
		return len;
	for (size_t i = 1; i < len; i++)
		if (strchr(delims, local[i]) != NULL)
			return i;
	return len;
}

/* Append the local part of a to key, quoted if the address needed it. */
static bool
put_local(const struct address *a, const struct norm_opts *o, char *key,
	  size_t size, size_t *n)
{
	size_t len = a->local_len;

	if (!a->quoted)
		len = strip_subaddress(a->local, len, o->subaddr_delims);
	if (a->quoted && *n + 1 < size)
		key[(*n)++] = '"';
	for (size_t i = 0; i < len; i++) {
		char ch = a->local[i];
		if (*n + 3 >= size)
			return false;
		if (a->quoted && (ch == '"' || ch == '\\'))
			key[(*n)++] = '\\';
		key[(*n)++] = o->local_case_sensitive ? ch : ascii_lower(ch);
	}
	if (a->quoted)
		key[(*n)++] = '"';
	return true;
}

/* Key of a parsed address. */
enum norm_status
addr_key(const struct address *a, const struct norm_opts *o, char *key,
	 size_t size)
{
	size_t n = 0;

	if (size < 4)
		return NORM_E_SPACE;
	if (!put_local(a, o, key, size, &n))
		return NORM_E_SPACE;
	key[n++] = '@';
	if (a->literal) {
		if (n + a->domain_len >= size)
			return NORM_E_SPACE;
		for (size_t i = 0; i < a->domain_len; i++)
			key[n++] = ascii_lower(a->domain[i]);
		key[n] = '\0';
		return NORM_OK;
	}
	if (domain_fold(a->domain, a->domain_len, key + n, size - n) != 0)
		return a->utf8 ? NORM_E_IDNA : NORM_E_SPACE;
	return NORM_OK;
}

/* Key of a directory value: "a@b", or the catch-all "@b". */
enum norm_status
key_from_text(const char *text, const struct norm_opts *o, char *key,
	      size_t size, enum addr_status *perr)
{
	struct addr_limits lim;
	struct address a;
	enum addr_status st;
	size_t len = strlen(text);

	if (perr)
		*perr = ADDR_OK;
	addr_limits_default(&lim);
	lim.path_max = ADDR_BUF;
	if (len > 1 && text[0] == '@' && memchr(text + 1, '@', len - 1) == NULL &&
	    memchr(text, ':', len) == NULL && len < ADDR_BUF - 2) {
		char probe[ADDR_BUF];
		probe[0] = 'x'; /* catch-all: check the domain as x@domain */
		memcpy(probe + 1, text, len);
		st = addr_parse(probe, len + 1, &lim, &a);
		if (st != ADDR_OK || a.literal) {
			if (perr)
				*perr = st;
			return NORM_E_SYNTAX;
		}
		if (size < 2)
			return NORM_E_SPACE;
		key[0] = '@';
		return domain_fold(a.domain, a.domain_len, key + 1, size - 1) == 0
			       ? NORM_OK
			       : NORM_E_IDNA;
	}
	st = addr_parse(text, len, &lim, &a);
	if (st == ADDR_OK && a.is_null)
		st = ADDR_E_EMPTY;
	if (st != ADDR_OK) {
		if (perr)
			*perr = st;
		return NORM_E_SYNTAX;
	}
	return addr_key(&a, o, key, size);
}

/* The domain part of a key. */
const char *
key_domain(const char *key)
{
	const char *at = strrchr(key, '@');
	return at ? at + 1 : "";
}

/* "@domain" of a key; returns its length, 0 if it did not fit. */
size_t
catchall_key(const char *key, char *buf, size_t size)
{
	const char *d = key_domain(key);
	size_t n = strlen(d);

	if (n + 2 > size)
		return 0;
	buf[0] = '@';
	memcpy(buf + 1, d, n + 1);
	return n + 1;
}
