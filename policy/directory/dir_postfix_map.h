/*
 * dir_postfix_map.h - a directory backend that reads the SOURCE text of a
 * Postfix smtpd_sender_login_maps table (what postmap reads, or what
 * texthash: uses as is), with the meaning Postfix gives it under
 * reject_sender_login_mismatch:
 *
 *   # address            SASL logins that own it (comma and/or space)
 *   alice@example.com    alice
 *   sales@example.com    alice, bob
 *   @example.org         boss
 *   postmaster           admin      (bare user: each local_domains domain)
 *
 * A logical line starts with non-blank text; a line that starts with blank
 * space continues it; blank lines and lines whose first non-blank octet is
 * '#' are ignored. A key may be written in double quotes. The first line
 * for a key wins (Postfix warns about duplicates and keeps the first).
 *
 * Every login becomes an account whose addresses are the keys that list
 * it; the address owned most specifically decides (exact address, then
 * the address without its extension, then @domain), as Postfix looks up
 * user@domain, then the unextended address, then @domain.
 */
#ifndef POLICY_DIR_POSTFIX_MAP_H
#define POLICY_DIR_POSTFIX_MAP_H

#include <stddef.h>

#include "directory.h"
#include "normalize.h"
#include "strmap.h"

/* Load path. local_domains (folded domains; ".parent" entries are
 * skipped) gives the domains a bare "user" key stands for. NULL and
 * "path:line: message" in err on failure. */
struct directory *dir_postfix_map_open(const char *path,
				       const struct norm_opts *norm,
				       const struct strmap *local_domains,
				       char *err, size_t errsz);

#endif
