/*
 * header_from.h - check_header_from: the addresses of the From: and Sender:
 * headers must pass the same ownership rule as the envelope sender, since
 * users see the header, not the envelope. Pure apart from the directory.
 */
#ifndef POLICY_HEADER_FROM_H
#define POLICY_HEADER_FROM_H

#include <stddef.h>

#include "decide.h"

/* Append one header value to *buf (newline-separated), keeping the total
 * under max octets; values beyond that are dropped (and the check then
 * refuses, see header_from_check). */
void header_from_collect(char **buf, size_t *len, const char *value,
			 size_t max);

/* Split an RFC 5322 address list into bare addresses ("a@b"), calling fn
 * for each; comments, display names and groups are skipped. Returns the
 * number of addresses, or -1 for an unbalanced quote, comment or bracket. */
int header_addresses(const char *value,
		     void (*fn)(const char *addr, size_t len, void *arg),
		     void *arg);

/* Check every address of the collected values with decide(). Returns 0 if
 * all are accepted, 1 if one is not (out holds the refusal, with facts
 * naming the header address and rule=check_header_from). */
int header_from_check(const struct policy *p, struct directory *dir,
		      const struct facts *base, const char *values,
		      struct verdict *out);

#endif
