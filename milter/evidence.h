/*
 * evidence.h - what an admin gets to see of a refused message besides the
 * log line (Q186134): the message kept whole in the archive folder, and a
 * rate-limited notice to a postmaster address.
 *
 * The callbacks feed a per-message collector; at end of message, if the
 * verdict refuses it, evidence_refused() finishes the archive copy
 * (atomically, mode 0600) and queues a notice. Without archive/notify in
 * the configuration every call is a cheap no-op.
 */
#ifndef MILTER_EVIDENCE_H
#define MILTER_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "verdict.h"

struct evidence;

/* Facts about the message for the header block and the notice. */
struct evidence_facts {
	const char *login;
	const char *client;
	const char *qid;
	const char *sender; /* envelope, as sent */
};

/* Start collecting (NULL when nothing is configured or on no memory). */
struct evidence *evidence_begin(const struct config *c);
void evidence_rcpt(struct evidence *e, const char *rcpt);
void evidence_header(struct evidence *e, const char *name, const char *value);
void evidence_body(struct evidence *e, const unsigned char *chunk, size_t len);
/* The message was refused: archive it and queue a notice. */
void evidence_refused(struct evidence *e, const struct evidence_facts *f,
		      const struct verdict *v);
/* A refusal before DATA (no body): only the notice. */
void evidence_notice_only(const struct config *c,
			  const struct evidence_facts *f,
			  const struct verdict *v);
void evidence_free(struct evidence *e);

/* Start and stop the notifier thread. */
int evidence_start(void);
void evidence_stop(void);

#endif
