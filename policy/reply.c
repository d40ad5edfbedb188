/*
 * reply.c - configured reply lines and the cleaning of client bytes that
 * go into them.
 */
#include <stdio.h>
#include <string.h>

#include "reply.h"

/* True for "D.D.D" with 1-3 digit subject/detail, class matching code. */
static int
xcode_ok(const char *x, size_t len, char class)
{
	size_t i = 0, parts = 0, digits = 0;

	if (len < 5 || x[0] != class || x[1] != '.')
		return 0;
	for (i = 2; i <= len; i++) {
		if (i == len || x[i] == '.') {
			if (digits == 0 || digits > 3)
				return 0;
			parts++;
			digits = 0;
			continue;
		}
		if (x[i] < '0' || x[i] > '9')
			return 0;
		digits++;
	}
	return parts == 2;
}

/* Check the admin's text: printable ASCII, at most one "%s" if allowed. */
static int
text_ok(const char *t, int allow_sender, char *err, size_t errsz)
{
	int placeholders = 0;

	for (const char *p = t; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c >= 0x7f) {
			snprintf(err, errsz, "reply text must be printable ASCII");
			return 0;
		}
		if (c == '%' && p[1] == 's') {
			placeholders++;
			p++;
		}
	}
	if (placeholders > (allow_sender ? 1 : 0)) {
		snprintf(err, errsz, allow_sender
					     ? "reply text may hold one %%s"
					     : "reply text may not hold %%s");
		return 0;
	}
	return 1;
}

/* Parse "554 5.7.1 text". */
int
reply_parse(const char *line, int allow_sender, struct reply_template *t,
	    char *err, size_t errsz)
{
	const char *sp1, *sp2;

	memset(t, 0, sizeof(*t));
	if (strlen(line) < 11 || (line[0] != '4' && line[0] != '5') ||
	    line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9' ||
	    line[3] != ' ') {
		snprintf(err, errsz,
			 "reply must be \"4xx|5xx X.Y.Z text\", got \"%.40s\"",
			 line);
		return -1;
	}
	sp1 = line + 3;
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL || !xcode_ok(sp1 + 1, (size_t)(sp2 - sp1 - 1), line[0])) {
		snprintf(err, errsz,
			 "reply needs an enhanced status code of class %c "
			 "(RFC 3463), e.g. %c.7.1",
			 line[0], line[0]);
		return -1;
	}
	if (sp2[1] == '\0' || strlen(sp2 + 1) > REPLY_TEXT_MAX / 2) {
		snprintf(err, errsz, "reply text empty or longer than %d",
			 REPLY_TEXT_MAX / 2);
		return -1;
	}
	if (!text_ok(sp2 + 1, allow_sender, err, errsz))
		return -1;
	memcpy(t->code, line, 3);
	memcpy(t->xcode, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	strcpy(t->text, sp2 + 1);
	return 0;
}

/* Clean client bytes; see reply.h. */
size_t
reply_clean(const char *in, size_t len, size_t max, char *out, size_t outsz)
{
	size_t n = 0, i;

	if (outsz == 0)
		return 0;
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			continue;
		if (n + 3 >= outsz)
			break;
		if (c >= 0x80)
			c = '?';
		out[n++] = (char)c;
		if (c == '%')
			out[n++] = '%';
	}
	if (i < len && n + 4 < outsz) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return n;
}

/* Build a reply, doubling '%' of the template and inserting the sender. */
void
reply_format(const struct reply_template *t, const char *sender,
	     size_t sender_len, struct reply *out)
{
	size_t n = 0, cap = sizeof(out->text);

	memcpy(out->code, t->code, sizeof(out->code));
	memcpy(out->xcode, t->xcode, sizeof(out->xcode));
	for (const char *p = t->text; *p && n + 3 < cap; p++) {
		if (p[0] == '%' && p[1] == 's') {
			n += reply_clean(sender ? sender : "", sender_len,
					 REPLY_SENDER_MAX, out->text + n,
					 cap - n);
			p++;
			continue;
		}
		out->text[n++] = *p;
		if (*p == '%')
			out->text[n++] = '%';
	}
	out->text[n] = '\0';
}

/* "554 5.7.1 text" with doubled '%' made single again. */
void
reply_line(const struct reply *r, char *buf, size_t size)
{
	size_t n;

	n = (size_t)snprintf(buf, size, "%s %s ", r->code, r->xcode);
	for (const char *p = r->text; *p && n + 1 < size; p++) {
		buf[n++] = *p;
		if (p[0] == '%' && p[1] == '%')
			p++;
	}
	if (n < size)
		buf[n] = '\0';
}
