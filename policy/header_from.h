/*
 * header_from.h - check_header_from: every address of the From: header,
 * and the Sender: address when there is one, must be one the login may
 * send as, by the very decision the envelope sender gets (decide()), since
 * users see the header, not the envelope. Header values are parsed as RFC
 * 5322 mailbox lists (mailbox_list.h). Pure apart from the directory.
 *
 *   no From:, no Sender:        nothing to check (the envelope decided)
 *   two From: or two Sender:    refused, header_unparsable
 *   From: unparsable or empty   refused, header_unparsable
 *   Sender: not one mailbox     refused, header_unparsable
 *   an address RFC 5321 cannot carry (local part over 64 octets, bad
 *   IDN, ...)                    refused, header_unparsable
 *   an address decide() refuses refused with decide()'s verdict (not_owner,
 *                               not_local, login_unknown, tempfail, ...)
 *   out of memory while keeping a value: tempfail
 */
#ifndef POLICY_HEADER_FROM_H
#define POLICY_HEADER_FROM_H

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"

/* The longest header value kept (folds included); longer is refused. */
#define HDR_VALUE_MAX 8192

/* The From:/Sender: headers of one message. */
struct hdr_from_set {
	char *from;     /* first From: value, NULL if none (malloc'd) */
	char *sender;   /* first Sender: value, NULL if none */
	unsigned nfrom; /* From: headers seen */
	unsigned nsender;
	bool too_long;  /* a value over HDR_VALUE_MAX */
	bool no_memory; /* a value could not be kept */
};

/* Keep a header if it is From: or Sender: (name compared ignoring case);
 * others are ignored. */
void header_from_collect(struct hdr_from_set *s, const char *name,
                         const char *value);

/* True if a From: or Sender: header was seen. */
bool header_from_any(const struct hdr_from_set *s);

/* Free the kept values and clear the set. */
void header_from_free(struct hdr_from_set *s);

/* Check the headers for the login of base (base->sender is not used).
 * Returns 0 if they pass (out untouched), 1 if not: out holds the
 * verdict, with facts naming the header and rule=check_header_from. */
int header_from_check(const struct policy *p, struct directory *dir,
                      const struct facts *base, const struct hdr_from_set *s,
                      struct verdict *out);

#endif
