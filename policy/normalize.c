/*
 * normalize.c - comparison keys: folded domain in A-label form, local part
 * folded or not, catch-all keys "@domain"; the base address of a key
 * (Postfix's split_addr rule) for the sub-address step of ownership.
 */
#include <idn2.h>
#include <string.h>
#include <strings.h>

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

/* Append the local part of a to key, quoted if the address needed it. */
static bool
put_local(const struct address *a, const struct norm_opts *o, char *key,
	  size_t size, size_t *n)
{
	size_t len = a->local_len;

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

/* True if Postfix would never split this local part (split_addr.c):
 * postmaster, MAILER-DAEMON, double-bounce; with '-' a delimiter also
 * owner-* and *-request (owner_request_special = yes). */
static bool
never_split(const char *local, size_t len, const char *delims)
{
	static const char *const reserved[] = {"postmaster", "mailer-daemon",
					       "double-bounce"};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (len == strlen(reserved[i]) &&
		    strncasecmp(local, reserved[i], len) == 0)
			return true;
	if (strchr(delims, '-') == NULL)
		return false;
	if (len >= 6 && strncasecmp(local, "owner-", 6) == 0)
		return true;
	return len > 8 && strncasecmp(local + len - 8, "-request", 8) == 0;
}

/* Base address of a key: the key without its extension, split at the
 * first delimiter of the local part as Postfix's split_addr does. */
size_t
key_base(const char *key, const char *delims, char *buf, size_t size)
{
	const char *at = strrchr(key, '@');
	size_t local, cut;

	if (delims[0] == '\0' || at == NULL || key[0] == '"')
		return 0; /* no delimiters, a catch-all, or a quoted local */
	local = (size_t)(at - key);
	if (never_split(key, local, delims))
		return 0;
	cut = strcspn(key, delims);
	if (cut == 0 || cut >= local)
		return 0; /* a leading delimiter, or none at all */
	if (cut + strlen(at) + 1 > size)
		return 0;
	memcpy(buf, key, cut);
	memcpy(buf + cut, at, strlen(at) + 1);
	return cut + strlen(at);
}
