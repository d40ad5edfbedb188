/*
 * mailbox_list.c - RFC 5322 mailbox-list parser (sections 3.2-3.4 and the
 * obsolete forms of 4.4 that are safe): a lexer that skips CFWS (folds,
 * blanks, nested comments) and yields atoms, quoted strings, domain
 * literals, encoded words and specials; a recursive-descent parser over
 * it that keeps only each mailbox's addr-spec.
 */
#include <string.h>

#include "mailbox_list.h"

enum tok_type {
	T_END = 0,
	T_ATOM,    /* 1*atext (UTF-8 octets count as atext, RFC 6532) */
	T_QSTR,    /* "..." (span includes the quotes) */
	T_DLIT,    /* [...] */
	T_EWORD,   /* =?charset?enc?text?= holding non-atext octets */
	T_SPECIAL, /* one of < > @ , ; : . */
};

struct tok {
	enum tok_type type;
	const char *s; /* span in the value */
	size_t len;
};

struct parser {
	const char *s;
	size_t len, i;
	struct tok cur; /* the lookahead */
	enum mbox_status err;
	size_t errpos;
	const struct mbox_rules *rules;
	void (*fn)(const struct mbox *, void *);
	void *arg;
	size_t count;
	struct mbox m;
};

/* Words and dots before a special: a display name or a local part. */
struct phrase {
	size_t nwords;
	bool local_ok; /* word *("." word), dots tolerated anywhere */
	bool long_;    /* did not fit in m.local */
};

/* Record the first error; always returns it. */
static enum mbox_status
fail(struct parser *p, enum mbox_status st, size_t pos)
{
	if (p->err == MBOX_OK) {
		p->err = st;
		p->errpos = pos;
	}
	return p->err;
}

/* RFC 5322 atext, plus every octet >= 0x80. */
static bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80 ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Control octets other than HTAB (CR and LF are looked at first). */
static bool
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Length of a fold at i: CRLF or LF followed by a blank; 0 if none. */
static size_t
fold_len(const struct parser *p, size_t i)
{
	size_t n;

	if (p->s[i] == '\r')
		n = (i + 1 < p->len && p->s[i + 1] == '\n') ? 2 : 0;
	else
		n = p->s[i] == '\n' ? 1 : 0;
	if (n == 0 || i + n >= p->len ||
	    (p->s[i + n] != ' ' && p->s[i + n] != '\t'))
		return 0;
	return n;
}

/* One octet inside a quoted string, comment or literal at p->i: a fold,
 * a quoted-pair (when qp) or a plain octet. Advances; error otherwise. */
static enum mbox_status
inner_octet(struct parser *p, bool qp, enum mbox_status unterminated,
            size_t start)
{
	unsigned char c = (unsigned char)p->s[p->i];
	size_t n;

	if (c == '\r' || c == '\n') {
		if ((n = fold_len(p, p->i)) == 0)
			return fail(p, MBOX_E_FOLD, p->i);
		p->i += n;
		return MBOX_OK;
	}
	if (is_ctl(c))
		return fail(p, MBOX_E_CONTROL, p->i);
	if (qp && c == '\\') {
		if (p->i + 1 >= p->len)
			return fail(p, unterminated, start);
		c = (unsigned char)p->s[p->i + 1];
		if (c == '\r' || c == '\n')
			return fail(p, MBOX_E_FOLD, p->i + 1);
		if (is_ctl(c))
			return fail(p, MBOX_E_CONTROL, p->i + 1);
		p->i += 2;
		return MBOX_OK;
	}
	p->i++;
	return MBOX_OK;
}

/* Skip a comment at p->i == '(' (nested, quoted-pairs, folds). */
static enum mbox_status
skip_comment(struct parser *p)
{
	size_t start = p->i, depth = 0;

	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0) {
				p->i++;
				return MBOX_OK;
			}
		} else if (inner_octet(p, true, MBOX_E_COMMENT, start) !=
		           MBOX_OK) {
			return p->err;
		} else {
			continue;
		}
		p->i++;
	}
	return fail(p, MBOX_E_COMMENT, start);
}

/* Skip blanks, folds and comments. */
static enum mbox_status
skip_cfws(struct parser *p)
{
	while (p->i < p->len) {
		char c = p->s[p->i];
		size_t n;
		if (c == ' ' || c == '\t') {
			p->i++;
		} else if (c == '\r' || c == '\n') {
			if ((n = fold_len(p, p->i)) == 0)
				return fail(p, MBOX_E_FOLD, p->i);
			p->i += n;
		} else if (c == '(') {
			if (skip_comment(p) != MBOX_OK)
				return p->err;
		} else {
			break;
		}
	}
	return MBOX_OK;
}

/* Scan a "..." or [...] span at p->i; close is '"' or ']'. */
static enum mbox_status
scan_delimited(struct parser *p, char close, enum mbox_status bad)
{
	size_t start = p->i;

	p->i++;
	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c == close) {
			p->i++;
			return MBOX_OK;
		}
		if (close == ']' && (c == '[' || c == '\\'))
			return fail(p, bad, p->i);
		if (inner_octet(p, close == '"', bad, start) != MBOX_OK)
			return p->err;
	}
	return fail(p, bad, start);
}

/* Length of an RFC 2047 encoded word at i, 0 if there is none: "=?",
 * charset, "?", encoding, "?", text, "?=". The only octet outside atext
 * tolerated is a comma in the text (old mailers did not encode it); no
 * blank, dot or other special, so an encoded word never spans what
 * would otherwise be two tokens of an address. */
static size_t
eword_len(const struct parser *p, size_t i)
{
	size_t j = i + 2, parts = 0;

	if (i + 1 >= p->len || p->s[i] != '=' || p->s[i + 1] != '?')
		return 0;
	while (j < p->len && parts < 3) {
		size_t from = j;
		while (j < p->len && p->s[j] != '?' &&
		       (is_atext((unsigned char)p->s[j]) ||
		        (parts == 2 && p->s[j] == ',')))
			j++;
		if (j == from || j >= p->len || p->s[j] != '?')
			return 0;
		parts++;
		j++;
	}
	if (parts < 3 || j >= p->len || p->s[j] != '=')
		return 0;
	return j + 1 - i;
}

/* Read the next token into p->cur. */
static enum mbox_status
advance(struct parser *p)
{
	size_t start, n;
	unsigned char c;

	p->cur.type = T_END;
	p->cur.len = 0;
	if (skip_cfws(p) != MBOX_OK)
		return p->err;
	start = p->i;
	p->cur.s = p->s + start;
	if (p->i >= p->len)
		return MBOX_OK;
	c = (unsigned char)p->s[p->i];
	if (c == '"') {
		if (scan_delimited(p, '"', MBOX_E_QUOTE) != MBOX_OK)
			return p->err;
		p->cur.type = T_QSTR;
	} else if (c == '[') {
		if (scan_delimited(p, ']', MBOX_E_LITERAL) != MBOX_OK)
			return p->err;
		p->cur.type = T_DLIT;
	} else if (strchr("<>@,;:.", c) != NULL) {
		p->i++;
		p->cur.type = T_SPECIAL;
	} else if (c == ')') {
		return fail(p, MBOX_E_COMMENT, p->i);
	} else if ((n = eword_len(p, p->i)) > 0) {
		bool plain = true;
		for (size_t k = p->i; k < p->i + n; k++)
			plain = plain && is_atext((unsigned char)p->s[k]);
		p->i += n;
		p->cur.type = T_EWORD;
		if (plain) { /* an atom that happens to look encoded */
			while (p->i < p->len &&
			       is_atext((unsigned char)p->s[p->i]))
				p->i++;
			p->cur.type = T_ATOM;
		}
	} else if (is_atext(c)) {
		while (p->i < p->len && is_atext((unsigned char)p->s[p->i]))
			p->i++;
		p->cur.type = T_ATOM;
	} else if (is_ctl(c)) {
		return fail(p, MBOX_E_CONTROL, p->i);
	} else {
		return fail(p, MBOX_E_SYNTAX, p->i); /* ] or \ */
	}
	p->cur.len = p->i - start;
	return MBOX_OK;
}

/* Is the lookahead the special c? */
static bool
at(const struct parser *p, char c)
{
	return p->cur.type == T_SPECIAL && p->cur.s[0] == c;
}

/* Offset of the lookahead, for errors. */
static size_t
pos(const struct parser *p)
{
	return (size_t)(p->cur.s - p->s);
}

/* Append n octets to buf (bounded by ADDR_BUF); false if they do not fit. */
static bool
append(char *buf, size_t *len, const char *s, size_t n)
{
	if (*len + n >= ADDR_BUF)
		return false;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return true;
}

/* Append the content of a quoted string token: no quotes, no folds, the
 * quoted-pairs resolved. */
static bool
append_qstr(char *buf, size_t *len, const struct tok *t)
{
	for (size_t k = 1; k + 1 < t->len; k++) {
		char c = t->s[k];
		if (c == '\r' || c == '\n')
			continue; /* unfolding keeps the blank after it */
		if (c == '\\')
			c = t->s[++k];
		if (!append(buf, len, &c, 1))
			return false;
	}
	return true;
}

/* Words and dots: a display name, or (if local_ok) a local part whose
 * content is built in p->m.local as it goes. */
static enum mbox_status
phrase(struct parser *p, struct phrase *ph)
{
	bool prev_word = false;

	memset(ph, 0, sizeof(*ph));
	ph->local_ok = true;
	p->m.local_len = 0;
	p->m.local[0] = '\0';
	for (;;) {
		const struct tok *t = &p->cur;
		bool fits = true;
		if (t->type == T_ATOM || t->type == T_QSTR) {
			if (prev_word)
				ph->local_ok = false; /* "john doe@x" */
			fits =
			    t->type == T_ATOM
			        ? append(p->m.local, &p->m.local_len, t->s,
			                 t->len)
			        : append_qstr(p->m.local, &p->m.local_len, t);
			prev_word = true;
			ph->nwords++;
		} else if (t->type == T_EWORD || t->type == T_DLIT) {
			ph->local_ok = false; /* display names only */
			prev_word = true;
			ph->nwords++;
		} else if (at(p, '.')) {
			fits = append(p->m.local, &p->m.local_len, ".", 1);
			prev_word = false;
		} else {
			return MBOX_OK;
		}
		if (!fits)
			ph->long_ = true;
		if (advance(p) != MBOX_OK)
			return p->err;
	}
}

/* domain = dot-atom / domain-literal / obs-domain, one trailing dot
 * tolerated; into p->m.domain. */
static enum mbox_status
domain(struct parser *p)
{
	p->m.domain_len = 0;
	if (p->cur.type == T_DLIT) {
		for (size_t k = 0; k < p->cur.len; k++) {
			char c = p->cur.s[k];
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (!append(p->m.domain, &p->m.domain_len, &c, 1))
				return fail(p, MBOX_E_LONG, pos(p));
		}
		return advance(p);
	}
	for (;;) {
		if (p->cur.type != T_ATOM)
			return fail(p, MBOX_E_DOMAIN, pos(p));
		if (!append(p->m.domain, &p->m.domain_len, p->cur.s,
		            p->cur.len))
			return fail(p, MBOX_E_LONG, pos(p));
		if (advance(p) != MBOX_OK || !at(p, '.'))
			return p->err;
		if (advance(p) != MBOX_OK)
			return p->err;
		if (p->cur.type != T_ATOM)
			return MBOX_OK; /* "example.com." */
		if (!append(p->m.domain, &p->m.domain_len, ".", 1))
			return fail(p, MBOX_E_LONG, pos(p));
	}
}

/* Hand one complete mailbox over. */
static enum mbox_status
emit(struct parser *p)
{
	if (++p->count > p->rules->max)
		return fail(p, MBOX_E_TOO_MANY, pos(p));
	if (p->fn != NULL)
		p->fn(&p->m, p->arg);
	return MBOX_OK;
}

/* local-part "@" domain, the local part read by phrase() already. */
static enum mbox_status
addr_spec(struct parser *p, const struct phrase *ph)
{
	if (!at(p, '@'))
		return fail(p, ph->nwords > 0 ? MBOX_E_NO_AT : MBOX_E_SYNTAX,
		            pos(p));
	if (ph->nwords == 0 || !ph->local_ok)
		return fail(p, MBOX_E_LOCAL, pos(p));
	if (ph->long_)
		return fail(p, MBOX_E_LONG, pos(p));
	if (advance(p) != MBOX_OK || domain(p) != MBOX_OK)
		return p->err;
	return MBOX_OK;
}

/* obs-route: "@a,@b:" before the address; the route is ignored. */
static enum mbox_status
route(struct parser *p)
{
	while (at(p, '@')) {
		if (advance(p) != MBOX_OK || domain(p) != MBOX_OK)
			return p->err;
		while (at(p, ','))
			if (advance(p) != MBOX_OK)
				return p->err;
	}
	if (!at(p, ':'))
		return fail(p, MBOX_E_ANGLE, pos(p));
	return advance(p);
}

/* After "<": [route] addr-spec ">". */
static enum mbox_status
angle_addr(struct parser *p)
{
	struct phrase ph;

	if (advance(p) != MBOX_OK)
		return p->err;
	if (at(p, '>'))
		return fail(p, MBOX_E_ANGLE, pos(p)); /* <> is no mailbox */
	if (at(p, '@') && route(p) != MBOX_OK)
		return p->err;
	if (phrase(p, &ph) != MBOX_OK || addr_spec(p, &ph) != MBOX_OK)
		return p->err;
	if (!at(p, '>'))
		return fail(p, MBOX_E_ANGLE, pos(p));
	return advance(p);
}

/* A mailbox whose leading words are read: name-addr or addr-spec. */
static enum mbox_status
mailbox(struct parser *p, const struct phrase *ph)
{
	if (at(p, '<')) {
		if (angle_addr(p) != MBOX_OK)
			return p->err;
	} else if (at(p, '>')) {
		return fail(p, MBOX_E_ANGLE, pos(p));
	} else if (addr_spec(p, ph) != MBOX_OK) {
		return p->err;
	}
	return emit(p);
}

/* The members of a group, after its ":", up to and with its ";". */
static enum mbox_status
group(struct parser *p)
{
	struct phrase ph;

	if (!p->rules->groups)
		return fail(p, MBOX_E_GROUP, pos(p));
	if (advance(p) != MBOX_OK)
		return p->err;
	for (;;) {
		if (at(p, ';'))
			return advance(p);
		if (p->cur.type == T_END)
			return fail(p, MBOX_E_GROUP, pos(p));
		if (at(p, ',')) {
			if (advance(p) != MBOX_OK)
				return p->err;
			continue;
		}
		if (phrase(p, &ph) != MBOX_OK)
			return p->err;
		if (at(p, ':'))
			return fail(p, MBOX_E_GROUP, pos(p)); /* nested */
		if (mailbox(p, &ph) != MBOX_OK)
			return p->err;
		if (!at(p, ',') && !at(p, ';'))
			return fail(p,
			            p->cur.type == T_END ? MBOX_E_GROUP
			                                 : MBOX_E_SYNTAX,
			            pos(p));
	}
}

/* Parse a mailbox list (with groups when the rules allow). */
enum mbox_status
mbox_list_parse(const char *value, size_t len, const struct mbox_rules *rules,
                void (*fn)(const struct mbox *, void *), void *arg,
                size_t *count, size_t *errpos)
{
	struct parser p;
	struct phrase ph;

	memset(&p, 0, sizeof(p));
	p.s = value;
	p.len = len;
	p.rules = rules;
	p.fn = fn;
	p.arg = arg;
	for (size_t k = 0; k < len; k++)
		if (value[k] == '\0') {
			fail(&p, MBOX_E_CONTROL, k);
			goto out;
		}
	if (advance(&p) != MBOX_OK)
		goto out;
	while (p.cur.type != T_END) {
		if (at(&p, ',')) {
			if (advance(&p) != MBOX_OK)
				goto out;
			continue;
		}
		if (phrase(&p, &ph) != MBOX_OK)
			goto out;
		if (at(&p, ':') && ph.nwords > 0) {
			if (group(&p) != MBOX_OK)
				goto out;
		} else if (mailbox(&p, &ph) != MBOX_OK) {
			goto out;
		}
		if (!at(&p, ',') && p.cur.type != T_END) {
			fail(&p, MBOX_E_SYNTAX, pos(&p));
			goto out;
		}
	}
	if (p.count == 0)
		fail(&p, MBOX_E_EMPTY, 0);
out:
	*count = p.count;
	*errpos = p.errpos;
	return p.err;
}

static const char *const names[MBOX_STATUS_COUNT] = {
    [MBOX_OK] = "ok",
    [MBOX_E_EMPTY] = "empty",
    [MBOX_E_FOLD] = "fold",
    [MBOX_E_CONTROL] = "control",
    [MBOX_E_QUOTE] = "quote",
    [MBOX_E_COMMENT] = "comment",
    [MBOX_E_LITERAL] = "literal",
    [MBOX_E_ANGLE] = "angle",
    [MBOX_E_NO_AT] = "no_at",
    [MBOX_E_LOCAL] = "local_part",
    [MBOX_E_DOMAIN] = "domain",
    [MBOX_E_GROUP] = "group",
    [MBOX_E_SYNTAX] = "syntax",
    [MBOX_E_LONG] = "too_long",
    [MBOX_E_TOO_MANY] = "too_many",
};

/* Stable name of a status. */
const char *
mbox_status_name(enum mbox_status st)
{
	return (unsigned)st < MBOX_STATUS_COUNT ? names[st] : "unknown";
}

/* True if s[0..n) is a dot-atom: atext runs joined by single dots. */
static bool
is_dot_atom(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '.' ? s[k + 1] == '.'
		                : !is_atext((unsigned char)s[k]))
			return false;
	}
	return true;
}

/* "<local@domain>", the local part quoted when needed. */
size_t
mbox_format_path(const struct mbox *m, char *buf, size_t size)
{
	bool quote = !is_dot_atom(m->local, m->local_len);
	size_t n = 0;

#define PUT(c)                                                                 \
	do {                                                                   \
		if (n + 1 >= size)                                             \
			return 0;                                              \
		buf[n++] = (c);                                                \
	} while (0)
	PUT('<');
	if (quote)
		PUT('"');
	for (size_t k = 0; k < m->local_len; k++) {
		if (quote && (m->local[k] == '"' || m->local[k] == '\\'))
			PUT('\\');
		PUT(m->local[k]);
	}
	if (quote)
		PUT('"');
	PUT('@');
	for (size_t k = 0; k < m->domain_len; k++)
		PUT(m->domain[k]);
	PUT('>');
#undef PUT
	buf[n] = '\0';
	return n;
}
