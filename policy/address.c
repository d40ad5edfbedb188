/*
 * address.c - RFC 5321 envelope path parser.
 *
 *   Reverse-path = Path / "<>"
 *   Path         = "<" [ A-d-l ":" ] Mailbox ">"     (brackets optional here)
 *   Mailbox      = Local-part "@" ( Domain / address-literal )
 *
 * SMTPUTF8 (RFC 6531) octets are accepted in atoms, quoted strings and
 * domain labels when they form valid UTF-8. No allocation, no I/O.
 */
#include <arpa/inet.h>
#include <string.h>

#include "address.h"
#include "textutil.h"

struct cursor {
	const char *p;
	const char *end;
};

static const char *const status_names[ADDR_STATUS_COUNT] = {
	[ADDR_OK] = "ok",
	[ADDR_E_EMPTY] = "empty",
	[ADDR_E_PATH_LONG] = "path_too_long",
	[ADDR_E_LOCAL_LONG] = "local_part_too_long",
	[ADDR_E_DOMAIN_LONG] = "domain_too_long",
	[ADDR_E_ANGLE] = "angle_brackets",
	[ADDR_E_ROUTE] = "source_route",
	[ADDR_E_NO_AT] = "no_at_sign",
	[ADDR_E_LOCAL_SYNTAX] = "local_part_syntax",
	[ADDR_E_QUOTE] = "quoted_string",
	[ADDR_E_DOMAIN_SYNTAX] = "domain_syntax",
	[ADDR_E_LITERAL] = "address_literal",
	[ADDR_E_CONTROL] = "control_character",
	[ADDR_E_UTF8] = "invalid_utf8",
	[ADDR_E_TRAILING] = "trailing_text",
};

/* Stable name of a status for logs. */
const char *
addr_status_name(enum addr_status st)
{
	if ((unsigned)st >= ADDR_STATUS_COUNT)
		return "unknown";
	return status_names[st];
}

/* The RFC 5321 section 4.5.3.1 limits. */
void
addr_limits_default(struct addr_limits *lim)
{
	lim->local_max = 64;
	lim->domain_max = 255;
	lim->path_max = 256;
}

/* RFC 5322 atext, plus any octet of a UTF-8 sequence (checked earlier). */
static bool
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Letter, digit, or a UTF-8 octet (U-label). */
static bool
is_let_dig(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* True if s[0..len) is a dot-atom: atoms joined by single dots. */
static bool
is_dot_string(const char *s, size_t len)
{
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return false;
			continue;
		}
		if (!is_atext(c))
			return false;
	}
	return true;
}

/* Check a domain name (without trailing dot): labels of 1..63 octets,
 * starting and ending with a letter or digit, hyphens inside. Underscores
 * are tolerated inside labels, as many MTAs do. */
static bool
domain_ok(const char *s, size_t len)
{
	size_t label = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (label == 0 && !is_let_dig(c))
			return false;
		if (!is_let_dig(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return s[len - 1] != '-';
}

/* Check an address literal's content (between the brackets). */
static bool
literal_ok(const char *s, size_t len)
{
	char buf[64];
	unsigned char bin[16];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strncasecmp(buf, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, buf + 5, bin) == 1;
	if (inet_pton(AF_INET, buf, bin) == 1)
		return true;
	/* General-address-literal: Standardized-tag ":" 1*dcontent */
	const char *colon = memchr(buf, ':', len);
	if (colon == NULL || colon == buf || colon[1] == '\0')
		return false;
	for (const char *q = buf; q < colon; q++)
		if (!is_let_dig((unsigned char)*q) && *q != '-')
			return false;
	for (const char *q = colon + 1; *q; q++) {
		unsigned char c = (unsigned char)*q;
		if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']')
			return false;
	}
	return true;
}

/* Skip a source route "@a,@b:" (RFC 5321 A-d-l); it is ignored. */
static enum addr_status
skip_route(struct cursor *c)
{
	while (c->p < c->end && *c->p == '@') {
		const char *start = ++c->p;
		while (c->p < c->end && *c->p != ',' && *c->p != ':')
			c->p++;
		if (c->p >= c->end || !domain_ok(start, (size_t)(c->p - start)))
			return ADDR_E_ROUTE;
		if (*c->p++ == ':')
			return ADDR_OK;
	}
	return ADDR_E_ROUTE;
}

/* Parse a quoted local part; stores the unescaped content. */
static enum addr_status
parse_quoted(struct cursor *c, struct address *a)
{
	size_t n = 0;

	c->p++; /* opening quote */
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;
		if (ch == '\\') {
			if (++c->p >= c->end)
				return ADDR_E_QUOTE;
			ch = (unsigned char)*c->p;
			if (ch < 32 || ch == 127)
				return ADDR_E_QUOTE;
		} else if (ch < 32 || ch == 127) {
			return ADDR_E_QUOTE;
		}
		if (n + 1 >= sizeof(a->local))
			return ADDR_E_LOCAL_LONG;
		a->local[n++] = (char)ch;
		c->p++;
	}
	if (c->p >= c->end)
		return ADDR_E_QUOTE;
	c->p++; /* closing quote */
	a->local[n] = '\0';
	a->local_len = n;
	/* "john"@x is the same mailbox as john@x: keep the plain form. */
	a->quoted = !is_dot_string(a->local, n);
	return ADDR_OK;
}

/* Parse an unquoted (dot-string) local part up to the '@'. */
static enum addr_status
parse_dot_string(struct cursor *c, struct address *a)
{
	const char *start = c->p;
	const char *at = memchr(start, '@', (size_t)(c->end - start));
	size_t n;

	if (at == NULL)
		return ADDR_E_NO_AT;
	n = (size_t)(at - start);
	if (!is_dot_string(start, n))
		return ADDR_E_LOCAL_SYNTAX;
	if (n >= sizeof(a->local))
		return ADDR_E_LOCAL_LONG;
	memcpy(a->local, start, n);
	a->local[n] = '\0';
	a->local_len = n;
	a->quoted = false;
	c->p = at;
	return ADDR_OK;
}

/* Parse the domain or address literal that ends the mailbox. */
static enum addr_status
parse_domain(struct cursor *c, struct address *a,
	     const struct addr_limits *lim)
{
	const char *s = c->p;
	size_t n = (size_t)(c->end - s);

	if (n > 0 && s[0] == '[') {
		if (s[n - 1] != ']' || !literal_ok(s + 1, n - 2))
			return ADDR_E_LITERAL;
		a->literal = true;
	} else {
		if (n > 1 && s[n - 1] == '.' && s[n - 2] != '.')
			n--; /* one trailing dot: an absolute name */
		if (!domain_ok(s, n))
			return ADDR_E_DOMAIN_SYNTAX;
	}
	if (n > lim->domain_max || n >= sizeof(a->domain))
		return ADDR_E_DOMAIN_LONG;
	memcpy(a->domain, s, n);
	a->domain[n] = '\0';
	a->domain_len = n;
	return ADDR_OK;
}

/* Find the end of the bracketed path: the '>' outside a quoted string. */
static const char *
find_close(const char *p, const char *end)
{
	bool q = false;

	for (; p < end; p++) {
		if (q && *p == '\\' && p + 1 < end) {
			p++;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (!q && *p == '>')
			return p;
	}
	return NULL;
}

/* Parse a Mailbox in [c->p, c->end). */
static enum addr_status
parse_mailbox(struct cursor *c, struct address *a,
	      const struct addr_limits *lim)
{
	const char *start = c->p;
	enum addr_status st;

	st = (*c->p == '"') ? parse_quoted(c, a) : parse_dot_string(c, a);
	if (st != ADDR_OK)
		return st;
	if ((size_t)(c->p - start) > lim->local_max)
		return ADDR_E_LOCAL_LONG;
	if (c->p >= c->end || *c->p != '@')
		return (a->quoted || *start == '"') ? ADDR_E_QUOTE : ADDR_E_NO_AT;
	c->p++;
	return parse_domain(c, a, lim);
}

/* Parse one envelope path. */
enum addr_status
addr_parse(const char *s, size_t len, const struct addr_limits *lim,
	   struct address *out)
{
	struct cursor c = {s, s + len};
	size_t wire = len;

	memset(out, 0, offsetof(struct address, local));
	out->local[0] = out->domain[0] = '\0';
	if (len == 0)
		return ADDR_E_EMPTY;
	if (has_control(s, len))
		return ADDR_E_CONTROL;
	if (!utf8_valid(s, len))
		return ADDR_E_UTF8;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			out->utf8 = true;

	if (s[0] == '<') {
		const char *close = find_close(s + 1, c.end);
		if (close == NULL)
			return ADDR_E_ANGLE;
		if (close + 1 != c.end)
			return ADDR_E_TRAILING;
		c.p = s + 1;
		c.end = close;
	} else {
		wire += 2;
		if (find_close(s, c.end) != NULL)
			return ADDR_E_ANGLE;
	}
	if (wire > lim->path_max)
		return ADDR_E_PATH_LONG;
	if (c.p == c.end) {
		out->is_null = true;
		return ADDR_OK;
	}
	if (*c.p == '@') {
		enum addr_status st = skip_route(&c);
		if (st != ADDR_OK)
			return st;
		if (c.p == c.end)
			return ADDR_E_ROUTE;
	}
	return parse_mailbox(&c, out, lim);
}

/* Append one octet to buf if room is left (one octet kept for the NUL). */
static bool
put(char *buf, size_t size, size_t *n, char ch)
{
	if (*n + 1 >= size)
		return false;
	buf[(*n)++] = ch;
	return true;
}

/* Write local@domain, re-quoting the local part when it needs it. */
size_t
addr_format(const struct address *a, char *buf, size_t size)
{
	size_t n = 0;
	bool ok = true;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (a->is_null)
		return 0;
	if (a->quoted)
		ok = put(buf, size, &n, '"');
	for (size_t i = 0; ok && i < a->local_len; i++) {
		char ch = a->local[i];
		if (a->quoted && (ch == '"' || ch == '\\'))
			ok = put(buf, size, &n, '\\');
		ok = ok && put(buf, size, &n, ch);
	}
	if (ok && a->quoted)
		ok = put(buf, size, &n, '"');
	ok = ok && put(buf, size, &n, '@');
	for (size_t i = 0; ok && i < a->domain_len; i++)
		ok = put(buf, size, &n, a->domain[i]);
	if (!ok) {
		buf[0] = '\0';
		return 0;
	}
	buf[n] = '\0';
	return n;
}
