/*
 * report.c - report-only mode helpers for the callbacks (see report.h).
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

/* Mode of rule r on listener l. */
bool
report_only(const struct listener *l, enum rule r)
{
	return (unsigned)r < RULE_COUNT && l->policy.mode[r] == MODE_REPORT;
}

/* Copy s into the value, printable ASCII only. */
static size_t
put_clean(char *buf, size_t n, size_t size, const char *s)
{
	for (; *s != '\0' && n + 1 < size; s++)
		buf[n++] = (*s > 32 && *s < 127) ? *s : '?';
	buf[n] = '\0';
	return n;
}

/* "would-reject check=... reason=... login=..." */
void
report_value(char *buf, size_t size, enum rule r, enum reason why,
	     const char *login)
{
	int n = snprintf(buf, size, "would-reject check=%s reason=%s login=",
			 rule_name(r), reason_name(why));

	if (n < 0 || (size_t)n >= size)
		return;
	put_clean(buf, (size_t)n, size, login != NULL && login[0] ? login : "-");
}

/* One listener's needs into n. */
static void
add_needs(const struct listener *l, struct report_needs *n)
{
	n->header_check |= l->check_header_from;
	n->data_stage |= l->reject_stage == STAGE_DATA;
	n->rcpt_stage |= l->reject_stage == STAGE_RCPT;
	n->all_mail &= l->reject_stage == STAGE_MAIL;
	n->require_auth |= l->policy.require_auth;
	n->add_header |= l->policy.report_header;
}

/* The union over the top level and every listener section. */
void
report_needs_of(const struct config *c, struct report_needs *n)
{
	memset(n, 0, sizeof(*n));
	n->all_mail = true;
	add_needs(&c->top, n);
	for (size_t i = 0; i < c->nlisteners; i++)
		add_needs(&c->listeners[i], n);
}
