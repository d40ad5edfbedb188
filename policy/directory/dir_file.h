/*
 * dir_file.h - the accounts-file directory backend (the default).
 *
 * One account per line:
 *
 *   # logins             addresses                          options
 *   alice                alice@example.com,a.smith@example.com
 *   jdoe,john            john@example.com                   home=mail2
 *   sales                sales@example.com                  delegates=alice
 *   boss                 boss@example.com,@example.org
 *   john                 john@partner.example               type=contact
 *
 * Logins and addresses are comma-separated lists without spaces; logins
 * match case-insensitively. "@domain" is a catch-all. Options: home=SERVER,
 * delegates=LOGIN[,LOGIN] (they may send as this mailbox), type=mailbox|
 * contact (a contact is Q198704's "custom recipient": it may share a login
 * with a mailbox but is never one). '#' starts a comment. An address may
 * belong to one entry only. The whole file is loaded into hash tables:
 * lookups are O(1), loading is linear.
 */
#ifndef POLICY_DIR_FILE_H
#define POLICY_DIR_FILE_H

#include <stddef.h>

#include "directory.h"
#include "normalize.h"

/* Load path; NULL and "path:line: message" in err on failure. */
struct directory *dir_file_open(const char *path, const struct norm_opts *norm,
				char *err, size_t errsz);

/* The same from an accounts file held in memory (buf[0..len), NUL octets
 * refused as in a file); name stands for the path in messages and traces.
 * Nothing is read from disk and nothing waits: for tests and fuzzing. */
struct directory *dir_file_parse_buf(const char *name, const char *buf,
				     size_t len, const struct norm_opts *norm,
				     char *err, size_t errsz);

#endif
