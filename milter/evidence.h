/*
 * evidence.h - what an admin gets to see of a refused message besides the
 * log line (Q186134): the message kept whole in the archive folder, and a
 * rate-limited notice to a postmaster address.
 *
 * The callbacks feed a per-message collector; at end of message, if the
 * verdict refuses it, evidence_refused() finishes the archive copy
 * (atomically, mode 0600, within the configured bounds) and queues a
 * notice. Without archive/notify in the configuration every call is a
 * cheap no-op.
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
	const char *login;  /* "" = not authenticated */
	const char *client;
	const char *qid;    /* a checked queue id (queue_id.h), "" = none */
	const char *sender; /* envelope, as sent */
};

/* Would Q186134 archive a message refused so (authenticated, not allowed
 * to use the originator address, or not local)? Never a need_auth refusal
 * nor a temporary failure. */
bool evidence_archives(const struct verdict *v, bool authenticated);
/* Does a refusal with this verdict send a notice? (never a tempfail) */
bool evidence_notifies(const struct verdict *v);

/* Start collecting for a message; v is its envelope refusal waiting for
 * end of data, or NULL for a message the header From check may still
 * refuse (headers are then held in memory, nothing is spooled unless
 * evidence_keep() is called). NULL when nothing is wanted. */
struct evidence *evidence_begin(const struct config *c,
				const struct verdict *v, bool authenticated);
/* The header From check refused the message: keep the copy. */
void evidence_keep(struct evidence *e);
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
