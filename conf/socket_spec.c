/*
 * socket_spec.c - check the milter socket spec (see socket_spec.h).
 *
 * libmilter reads inet:PORT with no host as "every interface", and
 * resolves a host name with gethostbyname. Here, without DNS: a host is
 * loopback when it is an address in 127.0.0.0/8 or ::1 (bare or in
 * brackets, IPv4-mapped included) or the name localhost; anything else
 * (0.0.0.0, ::, another address or name) needs allow_remote_mta.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "socket_spec.h"

#define HOST_MAX 256

/* Is host (brackets removed) loopback? */
static bool
is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	if (n > 0 && host[n - 1] == '.')
		n--;
	return n == 9 && strncasecmp(host, "localhost", 9) == 0;
}

/* Check spec; see socket_spec.h. */
int
socket_spec_check(const char *spec, bool allow_remote, char *msg, size_t msgsz)
{
	const char *p, *at;
	char host[HOST_MAX], *end;
	long port;

	if ((strncmp(spec, "unix:", 5) == 0 && spec[5] == '/') ||
	    (strncmp(spec, "local:", 6) == 0 && spec[6] == '/')) {
		if (strlen(strchr(spec, ':') + 1) < 100)
			return 0;
		snprintf(msg, msgsz,
		         "socket path too long (100 octets at most)");
		return -1;
	}
	if (strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0)
		goto syntax;
	p = strchr(spec, ':') + 1;
	port = strtol(p, &end, 10);
	if (end == p || *p == '-' || *p == '+' || port <= 0 || port > 65535 ||
	    (*end != '\0' && *end != '@'))
		goto syntax;
	if (*end == '\0' || end[1] == '\0') {
		snprintf(msg, msgsz,
		         "socket = \"%s\": name the host to listen on, e.g. "
		         "%.*s@127.0.0.1 (without one libmilter listens on "
		         "every interface)",
		         spec, (int)(end - spec), spec);
		return -1;
	}
	at = end + 1;
	snprintf(host, sizeof(host), "%s", at);
	if (host[0] == '[') {
		char *close = strchr(host, ']');
		if (close == NULL || close[1] != '\0')
			goto syntax;
		*close = '\0';
		memmove(host, host + 1, strlen(host));
	}
	if (host[0] == '\0')
		goto syntax;
	if (allow_remote || is_loopback(host))
		return 0;
	snprintf(msg, msgsz,
	         "socket = \"%s\": %s is not a loopback address, and anyone "
	         "who reaches the port could query the directory through the "
	         "filter; use 127.0.0.1 or ::1, or set allow_remote_mta = true "
	         "when the MTA runs on another host",
	         spec, at);
	return -1;
syntax:
	snprintf(msg, msgsz,
	         "socket = \"%s\": must be unix:/path, local:/path, "
	         "inet:PORT@HOST or inet6:PORT@HOST",
	         spec);
	return -1;
}
