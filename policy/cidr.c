/*
 * cidr.c - prefix parsing and matching for trusted_networks.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

/* Parse a prefix or bare address. */
int
cidr_parse(const char *text, struct cidr *out)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	out->prefix = max;
	if (slash != NULL) {
		char *end;
		unsigned long p;
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		p = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || p > max)
			return -1;
		out->prefix = (unsigned)p;
	}
	return 0;
}

/* True if the first bits of a and b agree. */
static bool
prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Match an address against the list. */
bool
cidr_match(const struct cidr *list, size_t n, int family,
	   const unsigned char *addr)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0,
						 0, 0, 0, 0, 0xff, 0xff};

	if (family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	for (size_t i = 0; i < n; i++)
		if (list[i].family == family &&
		    prefix_eq(list[i].addr, addr, list[i].prefix))
			return true;
	return false;
}
