/*
 * conf_text.c - read policy.conf as the text libconfuse is given.
 *
 * libconfuse 3.3 counts a '#' or '//' comment line twice and a block
 * comment's lines once too often, and accepts comments only where an option
 * name may stand (not inside a list). So comments never reach it: every
 * comment outside a quoted string (# ..., // ..., / * ... * /, the forms its
 * lexer knows) is blanked here, newlines kept, and libconfuse's line numbers
 * are the file's own. The same pass refuses what libconfuse would silently
 * take: a file ending inside a string, a comment or a section (it takes the
 * end of file as the missing '}'), and a NUL byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_text.h"

#define TEXT_MAX (4 << 20) /* no policy.conf is near this */
#define OPEN_MAX 32        /* section nesting remembered for messages */

enum mode { CODE, LINE_COMMENT, BLOCK_COMMENT, DQ_STRING, SQ_STRING };

/* The whole file, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *p =
			    cap < TEXT_MAX ? realloc(buf, cap + 65536) : NULL;
			if (p == NULL) {
				snprintf(err, errsz, "%s: %s", path,
				         cap < TEXT_MAX ? "out of memory"
				                        : "file too large");
				goto fail;
			}
			buf = p;
			cap += 65536;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Blank the comments of t[0..len) in place; 0, or -1 with the message. */
static int
blank_comments(const char *path, char *t, size_t len, char *err, size_t errsz)
{
	enum mode m = CODE;
	int line = 1, opened = 0, depth = 0;
	int open_line[OPEN_MAX];

	for (size_t i = 0; i < len; i++) {
		char c = t[i], next = i + 1 < len ? t[i + 1] : '\0';

		if (c == '\0') {
			snprintf(err, errsz, "%s:%d: NUL byte in the file",
			         path, line);
			return -1;
		}
		switch (m) {
		case CODE:
			if (c == '"' || c == '\'') {
				m = c == '"' ? DQ_STRING : SQ_STRING;
				opened = line;
			} else if (c == '#' || (c == '/' && next == '/')) {
				m = LINE_COMMENT;
				t[i] = ' ';
			} else if (c == '/' && next == '*') {
				m = BLOCK_COMMENT;
				opened = line;
				t[i] = t[i + 1] = ' ';
				i++;
			} else if (c == '{') {
				if (depth < OPEN_MAX)
					open_line[depth] = line;
				depth++;
			} else if (c == '}' && depth > 0) {
				depth--;
			}
			break;
		case LINE_COMMENT:
			if (c == '\n')
				m = CODE;
			else
				t[i] = ' ';
			break;
		case BLOCK_COMMENT:
			if (c == '*' && next == '/') {
				m = CODE;
				t[i] = t[i + 1] = ' ';
				i++;
			} else if (c != '\n') {
				t[i] = ' ';
			}
			break;
		case DQ_STRING:
		case SQ_STRING:
			if (c == '\\' && next != '\0') {
				i++; /* an escaped character ends nothing */
				c = next;
			} else if (c == (m == DQ_STRING ? '"' : '\'')) {
				m = CODE;
			}
			break;
		}
		if (c == '\n')
			line++;
	}
	if (m == DQ_STRING || m == SQ_STRING || m == BLOCK_COMMENT) {
		snprintf(err, errsz,
		         "%s:%d: %s opened here is not closed (the file ends "
		         "inside it)",
		         path, opened,
		         m == BLOCK_COMMENT ? "comment" : "string");
		return -1;
	}
	if (depth > 0) {
		snprintf(
		    err, errsz,
		    "%s:%d: section opened here is not closed (the file "
		    "ends inside it)",
		    path,
		    open_line[depth <= OPEN_MAX ? depth - 1 : OPEN_MAX - 1]);
		return -1;
	}
	return 0;
}

/* The file's text, comments blanked. */
char *
conf_text_read(const char *path, char *err, size_t errsz)
{
	size_t len;
	char *t = slurp(path, &len, err, errsz);

	if (t != NULL && blank_comments(path, t, len, err, errsz) != 0) {
		free(t);
		t = NULL;
	}
	return t;
}
