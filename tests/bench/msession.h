/*
 * msession.h - one SMTP session as Postfix's smtpd drives a milter:
 * CONNECT and HELO once, then per message MAIL, RCPT, DATA, headers, EOH,
 * body, EOM (stopping where the filter gives a final answer), ABORT after
 * every transaction, QUIT at the end.
 */
#ifndef BENCH_MSESSION_H
#define BENCH_MSESSION_H

#include <stddef.h>

#include "mproto.h"
#include "mwork.h"

/* How one message ended. */
struct ms_outcome {
	char label[48];  /* "MAIL accept", "MAIL 554 5.7.1", "EOM continue" */
	int cls;         /* MS_ACCEPTED, MS_REFUSED, ... (mstats.h) */
	int replycode;   /* 1 if it ended with an SMFIR_REPLYCODE */
	int mismatch;    /* 1 if it differs from the entry's expectation */
	unsigned replies; /* replies awaited: round trips spent */
};

/* CONNECT and HELO; 0 to go on, 1 if the filter ended the session
 * (outcome filled), -1 on error. */
int ms_session_start(struct mconn *c, struct ms_outcome *o);
/* One transaction; 0 done (outcome filled), -1 on error. The queue id
 * is formed from seq. */
int ms_message(struct mconn *c, const struct mw_entry *e, unsigned long seq,
	       size_t body_size, struct ms_outcome *o);
/* QUIT. */
void ms_session_end(struct mconn *c);

#endif
