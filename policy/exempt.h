/*
 * exempt.h - allowed_forged_senders: sender patterns that known
 * applications may use without authentication or under any login.
 *
 * Patterns are "user@domain" (that address), "@domain" (any user of the
 * domain) and "user@*" (that user in any domain), stored as keys in a set:
 * the address key, the catch-all key, and "local@*" (local part folded as
 * local_part_case says). Pure: no I/O.
 */
#ifndef POLICY_EXEMPT_H
#define POLICY_EXEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "normalize.h"
#include "strmap.h"

/* Turn one pattern into its set key; NORM_OK or the error. */
enum norm_status exempt_pattern_key(const char *pattern,
				    const struct norm_opts *o, char *key,
				    size_t size);

/* The pattern that matches the sender key (most specific first), or NULL. */
const char *exempt_match(const struct strmap *set, const char *key);

#endif
