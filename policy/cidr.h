/*
 * cidr.h - trusted_networks: IPv4 and IPv6 prefixes and matching a client
 * address against a list of them. IPv4-mapped IPv6 clients match IPv4
 * prefixes. Pure: no I/O.
 */
#ifndef POLICY_CIDR_H
#define POLICY_CIDR_H

#include <stdbool.h>
#include <stddef.h>

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
};

/* Parse "192.0.2.0/24", "2001:db8::/32", or a bare address. 0 or -1. */
int cidr_parse(const char *text, struct cidr *out);

/* True if the address (family, 4 or 16 octets) is inside any prefix. */
bool cidr_match(const struct cidr *list, size_t n, int family,
		const unsigned char *addr);

#endif
