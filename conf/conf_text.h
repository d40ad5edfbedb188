/*
 * conf_text.h - read policy.conf as the text libconfuse is given: comments
 * blanked out (newlines kept, so its line numbers are the file's own) and
 * a file that ends inside a string, comment or section refused.
 */
#ifndef CONF_CONF_TEXT_H
#define CONF_CONF_TEXT_H

#include <stddef.h>

/* The file's text with every comment outside a quoted string replaced by
 * blanks; malloc'd, NUL-terminated. NULL with "FILE[:LINE]: message" in
 * err when it cannot be read or ends inside a string, comment or section. */
char *conf_text_read(const char *path, char *err, size_t errsz);

#endif
