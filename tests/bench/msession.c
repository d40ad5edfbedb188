/*
 * msession.c - an SMTP session's milter events, as Postfix sends them
 * (see msession.h and Postfix's milter8.c).
 */
#include <stdio.h>
#include <string.h>

#include <libmilter/mfdef.h>

#include "msession.h"
#include "mstats.h"

#define SMFIM_CONNECT 0
#define SMFIM_HELO 1
#define SMFIM_ENVFROM 2
#define SMFIM_ENVRCPT 3
#define SMFIM_DATA 4
#define SMFIM_EOM 5
#define SMFIM_EOH 6

static const char body_line[] =
    "The quick brown fox jumps over the lazy dog, benchmark text line.\r\n";

/* Fill an outcome from the reply that ended a step. */
static void
outcome(struct mconn *c, const char *stage, enum mp_reply r,
	struct ms_outcome *o)
{
	const char *t = c->reply;

	o->replycode = r == MP_REPLYCODE;
	if (r == MP_REPLYCODE) {
		snprintf(o->label, sizeof o->label, "%s %.9s", stage, t);
		o->cls = t[0] == '5'   ? MS_REFUSED
			 : t[0] == '4' ? MS_TEMPFAILED
				       : MS_OTHER;
		return;
	}
	snprintf(o->label, sizeof o->label, "%s %s", stage, mp_reply_name(r));
	if (r == MP_ACCEPT || r == MP_CONTINUE || r == MP_NONE)
		o->cls = MS_ACCEPTED;
	else if (r == MP_REJECT)
		o->cls = MS_REFUSED;
	else if (r == MP_TEMPFAIL)
		o->cls = MS_TEMPFAILED;
	else
		o->cls = MS_OTHER;
}

/* True if a reply ends the transaction (or the session). */
static int
final(enum mp_reply r)
{
	return r != MP_NONE && r != MP_CONTINUE;
}

/* Count a step's round trip if a reply was awaited. */
static enum mp_reply
step(struct mconn *c, struct ms_outcome *o, int stage,
     const struct mp_macro *m, size_t nm, char cmd, const void *data,
     size_t len, uint32_t skip, uint32_t nr)
{
	int replied = !(c->protocol & skip) && !(nr && (c->protocol & nr));

	o->replies += (unsigned)replied;
	return mp_event(c, stage, m, nm, cmd, data, len, skip, nr);
}

/* CONNECT (with the connect macros) and HELO. */
int
ms_session_start(struct mconn *c, struct ms_outcome *o)
{
	static const struct mp_macro cm[] = {
	    {"j", "mx.example.com"},
	    {"{daemon_name}", "mx.example.com"},
	    {"{daemon_addr}", "127.0.0.1"},
	    {"v", "Postfix 3.7.11"},
	    {"_", "client.example.org [192.0.2.10]"},
	};
	static const char conn[] = "client.example.org\0" "4\xD4\x31"
				   "192.0.2.10";
	static const char helo[] = "client.example.org";
	enum mp_reply r;

	memset(o, 0, sizeof *o);
	/* host, family '4', port 54321 (network order), address */
	r = step(c, o, SMFIM_CONNECT, cm, 5, SMFIC_CONNECT, conn,
		 sizeof conn, SMFIP_NOCONNECT, SMFIP_NR_CONN);
	if (r == MP_ERROR)
		return -1;
	if (final(r)) {
		outcome(c, "CONNECT", r, o);
		return 1;
	}
	r = step(c, o, SMFIM_HELO, NULL, 0, SMFIC_HELO, helo, sizeof helo,
		 SMFIP_NOHELO, SMFIP_NR_HELO);
	if (r == MP_ERROR)
		return -1;
	if (final(r)) {
		outcome(c, "HELO", r, o);
		return 1;
	}
	return 0;
}

/* Send the message content: DATA, headers, EOH, body, EOM. */
static int
content(struct mconn *c, const struct mw_entry *e, const char *qid,
	size_t body_size, struct ms_outcome *o)
{
	const struct mp_macro im[] = {{"i", qid}};
	char hdr[600], body[8192];
	const char *h[][2] = {
	    {"Received", "from client.example.org by mx.example.com"},
	    {"From", e->sender[0] ? e->sender : "MAILER-DAEMON"},
	    {"To", "rcpt@remote.example"},
	    {"Subject", "benchmark message"},
	    {"Message-ID", qid},
	};
	size_t i, n, bl = sizeof body_line - 1;
	enum mp_reply r;

	r = step(c, o, SMFIM_DATA, im, 1, SMFIC_DATA, NULL, 0, SMFIP_NODATA,
		 SMFIP_NR_DATA);
	if (r == MP_ERROR || final(r))
		return r == MP_ERROR ? -1 : (outcome(c, "DATA", r, o), 1);
	for (i = 1; i < 5; i++) { /* Postfix hides its own Received: */
		n = mp_strings(hdr, sizeof hdr, h[i], 2);
		r = step(c, o, SMFIM_EOH, im, 1, SMFIC_HEADER, hdr, n,
			 SMFIP_NOHDRS, SMFIP_NR_HDR);
		if (r == MP_ERROR || final(r))
			return r == MP_ERROR ? -1
					     : (outcome(c, "HEADER", r, o), 1);
	}
	r = step(c, o, SMFIM_EOH, im, 1, SMFIC_EOH, NULL, 0, SMFIP_NOEOH,
		 SMFIP_NR_EOH);
	if (r == MP_ERROR || final(r))
		return r == MP_ERROR ? -1 : (outcome(c, "EOH", r, o), 1);
	if (body_size > sizeof body)
		body_size = sizeof body;
	for (n = 0; n + bl <= body_size; n += bl)
		memcpy(body + n, body_line, bl);
	if (n > 0) {
		r = step(c, o, SMFIM_EOM, im, 1, SMFIC_BODY, body, n,
			 SMFIP_NOBODY, SMFIP_NR_BODY);
		if (r == MP_ERROR || (final(r) && r != MP_SKIP))
			return r == MP_ERROR ? -1
					     : (outcome(c, "BODY", r, o), 1);
	}
	o->replies++;
	if (mp_queue(c, SMFIM_EOM, im, 1, SMFIC_BODYEOB, NULL, 0) != 0 ||
	    (r = mp_read_final(c)) == MP_ERROR)
		return -1;
	outcome(c, "EOM", r, o);
	return 1;
}

/* Check the outcome against the workload's expectation. */
static void
expect(const struct mw_entry *e, const struct mconn *c, struct ms_outcome *o)
{
	const char *x = e->expect;

	if (!x)
		return;
	if (strcmp(x, "accept") == 0)
		o->mismatch = o->cls != MS_ACCEPTED;
	else if (strcmp(x, "reject") == 0)
		o->mismatch = o->cls != MS_REFUSED;
	else if (strcmp(x, "tempfail") == 0)
		o->mismatch = o->cls != MS_TEMPFAILED;
	else
		o->mismatch = !o->replycode ||
			      strncmp(c->reply, x, strlen(x)) != 0;
}

/* One transaction: MAIL, RCPT, then the content; ABORT after it. */
int
ms_message(struct mconn *c, const struct mw_entry *e, unsigned long seq,
	   size_t body_size, struct ms_outcome *o)
{
	char qid[32], from[300], rcpt[] = "<rcpt@remote.example>", args[320];
	const char *at = strchr(e->sender, '@');
	const char *argv[] = {from};
	struct mp_macro mm[] = {
	    {"{auth_type}", e->login ? "PLAIN" : NULL},
	    {"{auth_authen}", e->login},
	    {"{auth_author}", NULL},
	    {"{mail_addr}", e->sender},
	    {"{mail_host}", at ? at + 1 : "mx.example.com"},
	    {"{mail_mailer}", at ? "smtp" : "local"},
	};
	static const struct mp_macro rm[] = {
	    {"{rcpt_addr}", "rcpt@remote.example"},
	    {"{rcpt_host}", "remote.example"},
	    {"{rcpt_mailer}", "smtp"},
	};
	enum mp_reply r;
	size_t n;

	memset(o, 0, sizeof *o);
	snprintf(qid, sizeof qid, "4B%010lX", seq);
	snprintf(from, sizeof from, "<%s>", e->sender);
	n = mp_strings(args, sizeof args, argv, 1);
	r = step(c, o, SMFIM_ENVFROM, mm, 6, SMFIC_MAIL, args, n,
		 SMFIP_NOMAIL, SMFIP_NR_MAIL);
	if (r == MP_ERROR)
		return -1;
	if (final(r)) {
		outcome(c, "MAIL", r, o);
	} else {
		r = step(c, o, SMFIM_ENVRCPT, rm, 3, SMFIC_RCPT, rcpt,
			 sizeof rcpt, SMFIP_NORCPT, SMFIP_NR_RCPT);
		if (r == MP_ERROR)
			return -1;
		if (final(r))
			outcome(c, "RCPT", r, o);
		else if (content(c, e, qid, body_size, o) < 0)
			return -1;
	}
	expect(e, c, o);
	return mp_send_noreply(c, SMFIC_ABORT);
}

/* QUIT: the milter connection ends with the SMTP session. */
void
ms_session_end(struct mconn *c)
{
	mp_send_noreply(c, SMFIC_QUIT);
}
