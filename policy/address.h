/*
 * address.h - RFC 5321 envelope path parsing (MAIL FROM / RCPT TO).
 *
 * Pure: no I/O, no allocation. The parser takes the raw argument as the MTA
 * passes it (angle brackets optional), drops a source route, keeps quoted
 * local parts and UTF-8 intact, and reports every malformation with its own
 * status code.
 */
#ifndef POLICY_ADDRESS_H
#define POLICY_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Hard ceiling of every buffer; the configurable limits stay below it. */
#define ADDR_BUF 1024

struct addr_limits {
	size_t local_max;  /* octets in the local part (RFC 5321: 64) */
	size_t domain_max; /* octets in the domain (RFC 5321: 255) */
	size_t path_max;   /* octets in the whole path (RFC 5321: 256) */
};

enum addr_status {
	ADDR_OK = 0,
	ADDR_E_EMPTY,          /* nothing at all (not even <>) */
	ADDR_E_PATH_LONG,      /* path longer than path_max */
	ADDR_E_LOCAL_LONG,     /* local part longer than local_max */
	ADDR_E_DOMAIN_LONG,    /* domain longer than domain_max */
	ADDR_E_ANGLE,          /* unbalanced or misplaced < > */
	ADDR_E_ROUTE,          /* malformed source route */
	ADDR_E_NO_AT,          /* no @ between local part and domain */
	ADDR_E_LOCAL_SYNTAX,   /* local part is not a dot-string */
	ADDR_E_QUOTE,          /* unterminated or bad quoted string */
	ADDR_E_DOMAIN_SYNTAX,  /* domain is not a valid host name */
	ADDR_E_LITERAL,        /* bad address literal [...] */
	ADDR_E_CONTROL,        /* NUL, CR, LF or another control octet */
	ADDR_E_UTF8,           /* invalid UTF-8 sequence */
	ADDR_E_TRAILING,       /* text after the closing > */
	ADDR_STATUS_COUNT
};

/* A parsed path. For the null path is_null is set and both parts are empty. */
struct address {
	bool is_null;
	bool quoted;  /* local part needed quoting (not a dot-atom) */
	bool literal; /* domain is an address literal */
	bool utf8;    /* some octet >= 0x80 (SMTPUTF8) */
	size_t local_len, domain_len;
	char local[ADDR_BUF];  /* unquoted, unescaped content */
	char domain[ADDR_BUF]; /* as sent, without a trailing dot */
};

/* The RFC 5321 limits: 64, 255, 256. */
void addr_limits_default(struct addr_limits *lim);

/* Parse one path of len octets (NUL bytes inside are an error). */
enum addr_status addr_parse(const char *s, size_t len,
			    const struct addr_limits *lim, struct address *out);

/* A short, stable name for a status ("local_syntax", ...). */
const char *addr_status_name(enum addr_status st);

/* Write the address as a path would carry it, re-quoting the local part when
 * needed: local@domain (no brackets). Returns the length, or 0 if it did not
 * fit in size. */
size_t addr_format(const struct address *a, char *buf, size_t size);

#endif
