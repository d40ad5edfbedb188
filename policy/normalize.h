/*
 * normalize.h - comparison keys for addresses.
 *
 * Two addresses name the same mailbox for origin-milter when their keys are
 * equal. A key is local@domain with the domain case-folded and in A-label
 * (IDNA) form and the local part folded or not as policy says; nothing is
 * ever dropped from it (a directory value and a sender are compared
 * whole). A catch-all is the key "@domain". key_base() gives the base
 * address of a sub-address (alice+tag@ -> alice@), which ownership tries
 * only when nobody holds the exact key. Pure: no I/O.
 */
#ifndef POLICY_NORMALIZE_H
#define POLICY_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"

#define KEY_BUF (2 * ADDR_BUF + 8)

struct norm_opts {
	bool local_case_sensitive; /* local_part_case = sensitive */
	char subaddr_delims[8];    /* from "+-"; empty: no sub-addresses */
};

enum norm_status {
	NORM_OK = 0,
	NORM_E_IDNA,  /* a UTF-8 domain that is not a valid IDN */
	NORM_E_SPACE, /* the key did not fit */
	NORM_E_SYNTAX, /* key_from_text: not an address */
};

/* Key of a parsed address (not the null path). */
enum norm_status addr_key(const struct address *a, const struct norm_opts *o,
			  char *key, size_t size);

/* Key of an address written in a directory or accounts file ("a@b" or the
 * catch-all "@b"); parses with the RFC limits. Returns NORM_OK or an error;
 * *perr receives the parser status when parsing failed. */
enum norm_status key_from_text(const char *text, const struct norm_opts *o,
			       char *key, size_t size, enum addr_status *perr);

/* The base address of a key: the key with its extension removed, split at
 * the first of delims in the local part as Postfix's split_addr does (not
 * postmaster, MAILER-DAEMON, double-bounce; with '-' not owner-* nor
 * *-request; not at a leading delimiter; never a quoted local part).
 * Returns its length, 0 when the key has no extension (or buf is short). */
size_t key_base(const char *key, const char *delims, char *buf, size_t size);

/* Domain part of a key ("" for none); the catch-all key of a key. */
const char *key_domain(const char *key);
size_t catchall_key(const char *key, char *buf, size_t size);

/* Case-fold a domain into A-label form; 0 on success. */
int domain_fold(const char *in, size_t len, char *out, size_t size);

#endif
