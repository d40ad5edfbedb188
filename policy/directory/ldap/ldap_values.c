/*
 * ldap_values.c - proxyAddresses, home server and DN value helpers.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ldap_values.h"

/* "smtp:" prefix (case-insensitive) or NULL. */
const char *
proxy_smtp_address(const char *val)
{
	if (strncasecmp(val, "smtp:", 5) != 0 || val[5] == '\0')
		return NULL;
	return val + 5;
}

/* Copy n octets lower-cased into out; -1 if empty or too long. */
static int
copy_lower(const char *s, size_t n, char *out, size_t size)
{
	if (n == 0 || n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return 0;
}

/* "/o=Org/.../cn=SERVER1" -> "SERVER1" (as written). */
static int
x500_last_cn(const char *val, char *out, size_t size)
{
	const char *last = strrchr(val, '/');
	if (last == NULL || strncasecmp(last + 1, "cn=", 3) != 0)
		return -1;
	last += 4;
	size_t n = strlen(last);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, last, n + 1);
	return 0;
}

/* "...,CN=SERVER1,CN=Servers,..." -> "SERVER1". */
static int
dn_server(const char *val, char *out, size_t size)
{
	const char *end = NULL;
	for (const char *p = val; (p = strchr(p, ',')) != NULL; p++) {
		if (strncasecmp(p, ",cn=servers", 11) == 0 &&
		    (p[11] == ',' || p[11] == '\0')) {
			end = p;
			break;
		}
	}
	if (end == NULL)
		return -1;
	const char *start = end;
	while (start > val && start[-1] != ',')
		start--;
	if (strncasecmp(start, "cn=", 3) != 0)
		return -1;
	start += 3;
	size_t n = (size_t)(end - start);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, start, n);
	out[n] = '\0';
	return 0;
}

/* Short server name of a home-server value. */
int
home_server_name(const char *val, char *out, size_t size)
{
	if (val[0] == '/')
		return x500_last_cn(val, out, size);
	if (dn_server(val, out, size) == 0)
		return 0;
	return copy_lower(val, strlen(val), out, size);
}

/* Lower-case a DN in place. */
void
dn_fold(char *dn)
{
	for (; *dn != '\0'; dn++)
		*dn = (char)tolower((unsigned char)*dn);
}
