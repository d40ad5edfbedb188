/*
 * mailbox_list.h - RFC 5322 mailbox-list parsing for header values (From:,
 * Sender:), as the MTA hands them to a milter: folding kept as CRLF or a
 * bare LF followed by a blank (Postfix and Sendmail pass "\n\t").
 *
 * Handles unfolding, comments (nested, with quoted-pairs), quoted strings,
 * display names with RFC 2047 encoded words (kept as opaque text, never
 * decoded), angle-addr with or without a display name, a source route
 * before the address (ignored), groups ("Team: a@x, b@x;"), empty list
 * elements, and the obsolete local-part forms ("a . b", "a..b", a trailing
 * dot). Only the addresses come out. Pure: no I/O, no allocation.
 */
#ifndef POLICY_MAILBOX_LIST_H
#define POLICY_MAILBOX_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"

/* The most mailboxes one header value may name. */
#define MBOX_LIST_MAX 64

enum mbox_status {
	MBOX_OK = 0,
	MBOX_E_EMPTY,    /* no mailbox at all */
	MBOX_E_FOLD,     /* CR or LF not part of a fold (line end + blank) */
	MBOX_E_CONTROL,  /* NUL or another control octet */
	MBOX_E_QUOTE,    /* unterminated quoted string */
	MBOX_E_COMMENT,  /* unbalanced parentheses */
	MBOX_E_LITERAL,  /* unterminated or bad [domain literal] */
	MBOX_E_ANGLE,    /* < > misplaced, unbalanced, or empty <> */
	MBOX_E_NO_AT,    /* a mailbox without @domain */
	MBOX_E_LOCAL,    /* local part not word *("." word) */
	MBOX_E_DOMAIN,   /* domain not atom *("." atom) or a literal */
	MBOX_E_GROUP,    /* group where none may be, nested, or no ";" */
	MBOX_E_SYNTAX,   /* anything else out of place (two addresses
	                    without a comma, a stray special) */
	MBOX_E_LONG,     /* a local part or domain over ADDR_BUF */
	MBOX_E_TOO_MANY, /* more than the caller's limit */
	MBOX_STATUS_COUNT
};

/* One mailbox: the addr-spec only. */
struct mbox {
	char local[ADDR_BUF]; /* content: quotes, escapes and CFWS removed */
	size_t local_len;
	char domain[ADDR_BUF]; /* atoms joined by ".", or "[literal]" */
	size_t domain_len;
};

/* What a list may contain. */
struct mbox_rules {
	bool groups; /* "name: a, b;" allowed (From:); not for Sender: */
	size_t max;  /* at most this many mailboxes (<= MBOX_LIST_MAX) */
};

/* Parse value[0..len) as a mailbox list. fn (may be NULL) is called for
 * each mailbox in order, as it is parsed: a caller that wants all or
 * nothing parses twice, first with fn NULL. *count receives the number
 * of mailboxes, *errpos the offset where an error was found. */
enum mbox_status mbox_list_parse(const char *value, size_t len,
                                 const struct mbox_rules *rules,
                                 void (*fn)(const struct mbox *m, void *arg),
                                 void *arg, size_t *count, size_t *errpos);

/* A short, stable name for a status ("fold", "syntax", ...). */
const char *mbox_status_name(enum mbox_status st);

/* Write the mailbox as an RFC 5321 path "<local@domain>", quoting the
 * local part when it is not a dot-atom. Returns the length, 0 if it did
 * not fit in size. */
size_t mbox_format_path(const struct mbox *m, char *buf, size_t size);

#endif
