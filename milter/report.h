/*
 * report.h - report-only mode in the daemon: which rule a refusal belongs
 * to and whether this listener enforces it, the header added to reported
 * messages, and what the listeners of a snapshot need negotiated.
 */
#ifndef MILTER_REPORT_H
#define MILTER_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define REPORT_VALUE_MAX 400

/* Is a refusal for rule r only reported on this listener? */
bool report_only(const struct listener *l, enum rule r);

/* The header value "would-reject check=RULE reason=X login=L": one line,
 * printable ASCII only (CR, LF and the rest replaced by '?'), bounded. */
void report_value(char *buf, size_t size, enum rule r, enum reason why,
		  const char *login);

/* What any listener of the snapshot (the top level included) asks for:
 * negotiation happens before connect, when the listener is not known. */
struct report_needs {
	bool header_check;  /* some check_header_from */
	bool data_stage;    /* some reject_stage = data */
	bool rcpt_stage;    /* some reject_stage = rcpt */
	bool all_mail;      /* every reject_stage = mail */
	bool require_auth;  /* some require_auth (XEXCH50) */
	bool add_header;    /* some report_header */
};
void report_needs_of(const struct config *c, struct report_needs *n);

#endif
