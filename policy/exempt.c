/*
 * exempt.c - allowed_forged_senders patterns: normalising them into set
 * keys and matching a sender key against the set.
 */
#include <string.h>

#include "exempt.h"
#include "textutil.h"

/* "user@*" -> "user@*" with the local part folded; else key_from_text. */
enum norm_status
exempt_pattern_key(const char *pattern, const struct norm_opts *o, char *key,
		   size_t size)
{
	size_t n = strlen(pattern);

	if (n >= 3 && strcmp(pattern + n - 2, "@*") == 0) {
		char probe[ADDR_BUF + 16];
		char k[KEY_BUF];
		/* check the local part by giving it a placeholder domain */
		if (n - 2 + sizeof("@example.invalid") > sizeof(probe))
			return NORM_E_SPACE;
		memcpy(probe, pattern, n - 2);
		strcpy(probe + n - 2, "@example.invalid");
		enum norm_status st = key_from_text(probe, o, k, sizeof(k), NULL);
		if (st != NORM_OK)
			return st;
		size_t at = strlen(k) - strlen("@example.invalid");
		if (at + 3 > size)
			return NORM_E_SPACE;
		memcpy(key, k, at);
		strcpy(key + at, "@*");
		return NORM_OK;
	}
	return key_from_text(pattern, o, key, size, NULL);
}

/* Exact address, then "@domain", then "local@*". */
const char *
exempt_match(const struct strmap *set, const char *key)
{
	char buf[KEY_BUF];
	const char *d;
	const char *hit;

	if (set->used == 0)
		return NULL;
	if ((hit = strmap_get(set, key, NULL)) != NULL)
		return hit;
	if (catchall_key(key, buf, sizeof(buf)) > 0 &&
	    (hit = strmap_get(set, buf, NULL)) != NULL)
		return hit;
	d = strrchr(key, '@');
	if (d == NULL || (size_t)(d - key) + 3 > sizeof(buf))
		return NULL;
	memcpy(buf, key, (size_t)(d - key));
	strcpy(buf + (d - key), "@*");
	return strmap_get(set, buf, NULL);
}
