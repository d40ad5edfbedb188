/*
 * header_from.c - From:/Sender: address extraction and their ownership
 * check through the same decision table as the envelope sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header_from.h"

#define HDR_ADDRS_MAX 32

/* Append a value, bounded; a value that does not fit marks overflow with
 * a lone "\x01" line (refused by the check). */
void
header_from_collect(char **buf, size_t *len, const char *value, size_t max)
{
	size_t vlen = strlen(value);
	const char *add = value;
	char *p;

	if (*len + vlen + 2 > max) {
		add = "\x01";
		vlen = 1;
	}
	p = realloc(*buf, *len + vlen + 2);
	if (p == NULL)
		return;
	memcpy(p + *len, add, vlen);
	*len += vlen;
	p[(*len)++] = '\n';
	p[*len] = '\0';
	*buf = p;
}

/* Skip a (possibly nested) comment starting at *s == '('. */
static const char *
skip_comment(const char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')' && --depth == 0) {
			return s + 1;
		}
	}
	return NULL;
}

/* Skip a quoted string starting at *s == '"'. */
static const char *
skip_quoted(const char *s)
{
	for (s++; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '"')
			return s + 1;
	}
	return NULL;
}

/* Emit the address of one mailbox text [s, e): the <...> part if any,
 * else the text itself without comments and surrounding blanks. */
static int
emit(const char *s, const char *e,
     void (*fn)(const char *, size_t, void *), void *arg)
{
	char buf[1024];
	size_t n = 0;
	const char *lt = NULL, *gt = NULL;

	for (const char *p = s; p < e; p++) {
		if (*p == '"') {
			const char *q = skip_quoted(p);
			if (q == NULL || q > e)
				return -1;
			if (lt == NULL) {
				for (; p < q && n + 1 < sizeof(buf); p++)
					buf[n++] = *p;
			}
			p = q - 1;
			continue;
		}
		if (*p == '(') {
			const char *q = skip_comment(p);
			if (q == NULL || q > e)
				return -1;
			p = q - 1;
			continue;
		}
		if (*p == '<' && lt == NULL)
			lt = p;
		else if (*p == '>' && lt != NULL && gt == NULL)
			gt = p;
		else if (lt == NULL && *p != ' ' && *p != '\t' && *p != '\r' &&
			 *p != '\n' && n + 1 < sizeof(buf))
			buf[n++] = *p;
	}
	if (lt != NULL) {
		if (gt == NULL)
			return -1;
		fn(lt + 1, (size_t)(gt - lt - 1), arg);
		return 1;
	}
	if (n == 0)
		return 0;
	fn(buf, n, arg);
	return 1;
}

/* Split an address list at top-level commas (and group ':' ';'). */
int
header_addresses(const char *v, void (*fn)(const char *, size_t, void *),
		 void *arg)
{
	const char *start = v;
	int count = 0, r;

	for (const char *p = v;; p++) {
		if (*p == '"' || *p == '(') {
			const char *q = *p == '"' ? skip_quoted(p) : skip_comment(p);
			if (q == NULL)
				return -1;
			p = q - 1;
			continue;
		}
		if (*p == '<') {
			const char *q = strchr(p, '>');
			if (q == NULL)
				return -1;
			p = q;
			continue;
		}
		if (*p == ':') { /* group display name: drop it */
			start = p + 1;
			continue;
		}
		if (*p == ',' || *p == ';' || *p == '\0') {
			r = emit(start, p, fn, arg);
			if (r < 0)
				return -1;
			count += r;
			start = p + 1;
			if (*p == '\0')
				break;
		}
	}
	return count;
}

struct collect {
	char addrs[HDR_ADDRS_MAX][1024];
	int n;
	int overflow;
};

/* Keep one extracted address. */
static void
keep_addr(const char *a, size_t len, void *arg)
{
	struct collect *c = arg;

	if (c->n >= HDR_ADDRS_MAX || len >= sizeof(c->addrs[0])) {
		c->overflow = 1;
		return;
	}
	memcpy(c->addrs[c->n], a, len);
	c->addrs[c->n][len] = '\0';
	c->n++;
}

/* Refuse on behalf of the header check. */
static void
refuse(const struct policy *p, const struct facts *base, const char *what,
       const char *addr, struct verdict *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	out->action = ACT_REJECT;
	out->reason = R_NOT_OWNER;
	reply_format(&p->not_owner, base->sender, base->sender_len,
		     &out->reply);
	n = (size_t)snprintf(out->facts, sizeof(out->facts),
			     "rule=check_header_from header_error=%s", what);
	if (addr != NULL && n < sizeof(out->facts))
		snprintf(out->facts + n, sizeof(out->facts) - n,
			 " header_from=%.200s", addr);
}

/* Every From:/Sender: address must be accepted by decide(). */
int
header_from_check(const struct policy *p, struct directory *dir,
		  const struct facts *base, const char *values,
		  struct verdict *out)
{
	struct collect *c = calloc(1, sizeof(*c));
	char *copy = strdup(values), *save = NULL;
	int rc = 0;

	if (c == NULL || copy == NULL) {
		free(c);
		free(copy);
		refuse(p, base, "out_of_memory", NULL, out);
		out->action = ACT_TEMPFAIL;
		reply_format(&p->tempfail, NULL, 0, &out->reply);
		return 1;
	}
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '\x01' || header_addresses(line, keep_addr, c) < 0)
			c->overflow = 1;
	}
	if (c->overflow) {
		refuse(p, base, "unparsable", NULL, out);
		rc = 1;
	}
	for (int i = 0; rc == 0 && i < c->n; i++) {
		struct facts f = *base;
		char path[1100];
		snprintf(path, sizeof(path), "<%s>", c->addrs[i]);
		f.sender = path;
		f.sender_len = strlen(path);
		decide(p, dir, &f, out);
		if (out->action == ACT_ACCEPT)
			continue;
		if (out->reason == R_SENDER_INVALID ||
		    out->reason == R_NULL_DENIED) {
			refuse(p, base, "invalid_address", c->addrs[i], out);
		} else {
			size_t n = strlen(out->facts);
			snprintf(out->facts + n, sizeof(out->facts) - n,
				 " rule=check_header_from header_from=%.200s",
				 c->addrs[i]);
		}
		rc = 1;
	}
	free(c);
	free(copy);
	return rc;
}
