/*
 * header_from.c - keep the From:/Sender: values of a message and judge
 * every address in them with decide(), the envelope's own decision, so the
 * header cannot be owned by a rule the envelope does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "header_from.h"
#include "mailbox_list.h"

/* Keep the first value of a header; count the others. */
static void
keep(char **slot, unsigned *n, struct hdr_from_set *s, const char *value)
{
	size_t len = strlen(value);

	if ((*n)++ > 0)
		return; /* a second one is refused whatever it says */
	if (len > HDR_VALUE_MAX) {
		s->too_long = true;
		return;
	}
	*slot = malloc(len + 1);
	if (*slot == NULL) {
		s->no_memory = true;
		return;
	}
	memcpy(*slot, value, len + 1);
}

/* Keep a From: or Sender: header. */
void
header_from_collect(struct hdr_from_set *s, const char *name, const char *value)
{
	if (strcasecmp(name, "From") == 0)
		keep(&s->from, &s->nfrom, s, value);
	else if (strcasecmp(name, "Sender") == 0)
		keep(&s->sender, &s->nsender, s, value);
}

/* Was either header seen? */
bool
header_from_any(const struct hdr_from_set *s)
{
	return s->nfrom > 0 || s->nsender > 0;
}

/* Free and clear. */
void
header_from_free(struct hdr_from_set *s)
{
	free(s->from);
	free(s->sender);
	memset(s, 0, sizeof(*s));
}

/* Append " key=value" to the facts, at most max octets of the value; in
 * double quotes (with \" and \\) when it holds blanks, folds, quotes or
 * '='; a CR is dropped, other control octets become blanks. */
static void
fact(struct verdict *v, const char *key, const char *value, size_t max)
{
	size_t n = strlen(v->facts), cap = sizeof(v->facts), i;
	bool quote = value[0] == '\0';

	for (i = 0; value[i] && i < max; i++)
		if ((unsigned char)value[i] <= 0x20 || value[i] == 0x7f ||
		    strchr("\"\\=", value[i]) != NULL)
			quote = true;
	if (n + strlen(key) + 8 >= cap)
		return;
	n += (size_t)snprintf(v->facts + n, cap - n, "%s%s=%s", n ? " " : "",
	                      key, quote ? "\"" : "");
	for (i = 0; value[i] && i < max && n + 6 < cap; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c == '\r')
			continue;
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (quote && (c == '"' || c == '\\'))
			v->facts[n++] = '\\';
		v->facts[n++] = (char)c;
	}
	if (value[i] && i >= max && n + 6 < cap)
		n += (size_t)snprintf(v->facts + n, cap - n, "...");
	if (quote)
		v->facts[n++] = '"';
	v->facts[n] = '\0';
}

/* Refuse the message for a header that cannot be judged. */
static int
unparsable(const struct policy *p, const char *header, const char *why,
           const char *value, struct verdict *out)
{
	verdict_reset(out);
	out->action = ACT_REJECT;
	out->reason = R_HEADER_UNPARSABLE;
	reply_format(&p->not_owner, NULL, 0, &out->reply);
	fact(out, "rule", "check_header_from", 64);
	fact(out, "header", header, 16);
	fact(out, "header_error", why, 64);
	if (value != NULL)
		fact(out, "header_value", value, 200);
	return 1;
}

/* State of the per-address decisions of one header. */
struct judge {
	const struct policy *p;
	struct directory *dir;
	const struct facts *base;
	const char *header;
	struct verdict *out;
	int refused; /* stop at the first refusal */
	bool on_behalf; /* a From: address was granted as Send on Behalf */
};

/* Send on Behalf without Sender: the delegate's own address: refused. */
static int
on_behalf_refused(struct judge *j, const char *sender)
{
	struct verdict *out = j->out;
	out->action = ACT_REJECT;
	out->reason = R_NOT_OWNER;
	reply_format(&j->p->not_owner, NULL, 0, &out->reply);
	fact(out, "rule", "check_header_from", 64);
	fact(out, "header", "Sender", 16);
	fact(out, "header_error", sender ? "on_behalf_sender_not_own"
					 : "on_behalf_needs_sender", 64);
	if (sender != NULL)
		fact(out, "header_from", sender, 200);
	return 1;
}

/* Decide one header address as if it were the envelope sender. */
static void
judge_one(const struct mbox *m, void *arg)
{
	struct judge *j = arg;
	char path[2 * ADDR_BUF + 8], why[64];
	struct facts f = *j->base;

	if (j->refused)
		return;
	if (mbox_format_path(m, path, sizeof(path)) == 0) {
		j->refused =
		    unparsable(j->p, j->header, "too_long", NULL, j->out);
		return;
	}
	f.sender = path;
	f.sender_len = strlen(path);
	decide(j->p, j->dir, &f, j->out);
	if (j->out->action == ACT_ACCEPT) {
		if (strstr(j->out->facts, "send_as=on_behalf") != NULL)
			j->on_behalf = true;
		/* on behalf of someone: Sender: is the delegate's own */
		if (j->on_behalf && strcmp(j->header, "Sender") == 0 &&
		    j->out->reason != R_OWNER)
			j->refused = on_behalf_refused(j, path);
		return;
	}
	j->refused = 1;
	if (j->out->reason == R_SENDER_INVALID ||
	    j->out->reason == R_NULL_DENIED) {
		const char *e = strstr(j->out->facts, "sender_error=");
		snprintf(why, sizeof(why), "address_%.*s",
		         e ? (int)strcspn(e + 13, " ") : 7,
		         e ? e + 13 : "invalid");
		unparsable(j->p, j->header, why, path, j->out);
		return;
	}
	fact(j->out, "rule", "check_header_from", 64);
	fact(j->out, "header", j->header, 16);
	fact(j->out, "header_from", path, 200);
}

/* Parse one header value (all or nothing), then judge its addresses. */
static int
check_value(struct judge *j, const char *value, bool groups, size_t max)
{
	struct mbox_rules rules = {groups, max};
	enum mbox_status st;
	size_t count, at;
	char why[64];

	st = mbox_list_parse(value, strlen(value), &rules, NULL, NULL, &count,
	                     &at);
	if (st == MBOX_E_TOO_MANY && max == 1)
		return unparsable(j->p, j->header, "not_one_mailbox", value,
		                  j->out);
	if (st != MBOX_OK) {
		snprintf(why, sizeof(why), "%s", mbox_status_name(st));
		unparsable(j->p, j->header, why, value, j->out);
		snprintf(why, sizeof(why), "%zu", at);
		fact(j->out, "header_error_at", why, 16);
		return 1;
	}
	mbox_list_parse(value, strlen(value), &rules, judge_one, j, &count,
	                &at);
	return j->refused;
}

/* Every From: address, then the Sender: address. */
int
header_from_check(const struct policy *p, struct directory *dir,
                  const struct facts *base, const struct hdr_from_set *s,
                  struct verdict *out)
{
	struct judge j = {p, dir, base, "From", out, 0, false};

	if (s->no_memory) {
		unparsable(p, s->nfrom ? "From" : "Sender", "out_of_memory",
		           NULL, out);
		out->action = ACT_TEMPFAIL;
		reply_format(&p->tempfail, NULL, 0, &out->reply);
		return 1;
	}
	if (s->nfrom > 1)
		return unparsable(p, "From", "several_from_headers", NULL, out);
	if (s->nsender > 1)
		return unparsable(p, "Sender", "several_sender_headers", NULL,
		                  out);
	if (s->too_long)
		return unparsable(p, s->from ? "Sender" : "From", "too_long",
		                  NULL, out);
	if (s->from != NULL &&
	    check_value(&j, s->from, true, MBOX_LIST_MAX) != 0)
		return 1;
	j.header = "Sender";
	if (s->sender != NULL && check_value(&j, s->sender, false, 1) != 0)
		return 1;
	if (j.on_behalf && s->sender == NULL)
		return on_behalf_refused(&j, NULL);
	return 0;
}
