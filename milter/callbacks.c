/*
 * callbacks.c - the libmilter callbacks. They gather facts from the MTA,
 * ask policy/ for a verdict once per message (at MAIL), and apply it at the
 * configured stage. Nothing here knows how the directory works.
 *
 * Postfix sends ABORT after every transaction and libmilter then does not
 * call xxfi_abort after EOM, so per-message state is freed at MAIL (reset),
 * EOM, abort and close alike.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "context.h"
#include "header_from.h"
#include "judge.h"
#include "log.h"
#include "snapshot.h"
#include "stats.h"
#include "textutil.h"

/* Monotonic nanoseconds. */
static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* NOREPLY where the MTA agreed to no reply for this step, else CONTINUE. */
static sfsistat
quiet(const struct connection *c, unsigned long nr_flag)
{
	return (c->pflags & nr_flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* The message in progress, or NULL. */
static struct message *
current_message(struct connection *c)
{
	return (c != NULL && c->in_msg) ? &c->msg : NULL;
}

/* Free the per-message state. */
static void
message_free(struct connection *c)
{
	if (!c->in_msg)
		return;
	evidence_free(c->msg.evidence);
	header_from_free(&c->msg.from_hdrs);
	c->msg.evidence = NULL;
	c->in_msg = false;
}

/* The connection context, created on first use (close may come first). */
static struct connection *
conn_get(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);

	if (c != NULL)
		return c;
	c = malloc(sizeof(*c)); /* msg is set up at MAIL (in_msg) */
	if (c == NULL)
		return NULL;
	memset(c, 0, offsetof(struct connection, msg));
	c->cfg = snapshot_get();
	if (c->cfg == NULL) {
		free(c);
		return NULL;
	}
	c->lst = &c->cfg->top;
	strcpy(c->client, "unknown");
	smfi_setpriv(ctx, c);
	return c;
}

/* Copy a macro's value (or "" when absent). */
static const char *
macro(SMFICTX *ctx, const char *name)
{
	const char *v = smfi_getsymval(ctx, (char *)name);
	return v ? v : "";
}

/* The message's queue id, checked (queue_id.h); "" when none was sent. */
static const char *
message_qid(SMFICTX *ctx, struct message *m)
{
	return queue_id_use(macro(ctx, "i"), m->qid_gen);
}

/* Log a verdict as one key=value line. */
static void
log_verdict(SMFICTX *ctx, const struct connection *c, struct message *m,
	    const char *stage)
{
	const struct verdict *v = &m->verdict;
	char ql[LOGIN_LOG_MAX * 4 + 8], qs[2100], qa[LOGIN_MAX * 4 + 8];
	char line[600] = "";
	int prio = v->action == ACT_ACCEPT ? LOG_INFO
		   : v->action == ACT_REJECT ? LOG_NOTICE
					      : LOG_WARNING;
	const char *qid;
	char rule[64] = "", lst[300] = "";

	if (!log_enabled(prio))
		return;
	qid = message_qid(ctx, m);
	if (v->action != ACT_ACCEPT) {
		reply_line(&v->reply, line, sizeof(line));
		snprintf(rule, sizeof(rule), " check=%s", rule_name(m->rule));
	}
	if (c->lst->name != NULL) {
		char q[280];
		snprintf(lst, sizeof(lst), " listener=%s",
			 log_quote(c->lst->name, q, sizeof(q)));
	}
	log_event(prio, m->report ? "would_reject" : action_name(v->action),
		  "reason=%s login=%s account=%s sender=%s client=%s qid=%s "
		  "stage=%s%s%s%s%s%s %s",
		  reason_name(v->reason),
		  m->authenticated ? log_quote(m->login, ql, sizeof(ql)) : "-",
		  v->account[0] ? log_quote(v->account, qa, sizeof(qa)) : "-",
		  log_quote(m->sender_raw[0] ? m->sender_raw : "<>", qs,
			    sizeof(qs)),
		  c->client, qid[0] ? qid : "-", stage, rule, lst,
		  line[0] ? " reply=\"" : "", line, line[0] ? "\"" : "",
		  v->facts);
}

/* Hand the reply to the MTA and translate the action. */
static sfsistat
reply_with(SMFICTX *ctx, const struct verdict *v)
{
	switch (v->action) {
	case ACT_ACCEPT:
		return SMFIS_ACCEPT;
	case ACT_REJECT:
		if (smfi_setreply(ctx, (char *)v->reply.code,
				  (char *)v->reply.xcode,
				  (char *)v->reply.text) != MI_SUCCESS)
			log_event(LOG_ERR, "error", "what=smfi_setreply code=%s",
				  v->reply.code);
		return SMFIS_REJECT;
	case ACT_TEMPFAIL:
		smfi_setreply(ctx, (char *)v->reply.code, (char *)v->reply.xcode,
			      (char *)v->reply.text);
		return SMFIS_TEMPFAIL;
	}
	return SMFIS_TEMPFAIL;
}

/* Facts for the archive header block and the notice. */
static void
evidence_facts_of(SMFICTX *ctx, const struct connection *c,
		  struct message *m, struct evidence_facts *f)
{
	f->login = m->authenticated ? m->login : "";
	f->client = c->client;
	f->qid = message_qid(ctx, m);
	f->sender = m->sender_raw;
}

/* Log and apply the pending verdict now (at stage). */
static sfsistat
apply(SMFICTX *ctx, struct connection *c, const char *stage)
{
	struct message *m = &c->msg;
	struct evidence_facts f;

	if (!m->applied) {
		m->applied = true;
		stats_verdict(&m->verdict, m->report ? (int)m->rule : -1);
		log_verdict(ctx, c, m, stage);
		if (m->report && c->lst->policy.report_header &&
		    m->nreports < 2)
			report_value(m->report_values[m->nreports++],
				     REPORT_VALUE_MAX, m->rule,
				     m->verdict.reason,
				     m->authenticated ? m->login : NULL);
		else if (!m->report && m->verdict.action != ACT_ACCEPT &&
			 strcmp(stage, "data") != 0 && c->cfg->notify[0]) {
			evidence_facts_of(ctx, c, m, &f);
			evidence_notice_only(c->cfg, &f, &m->verdict);
		}
	}
	if (m->report)
		return SMFIS_ACCEPT;
	return reply_with(ctx, &m->verdict);
}

/* Add the report headers of the message (end of message only). */
static void
add_report_headers(SMFICTX *ctx, const struct connection *c,
		   const struct message *m)
{
	for (unsigned i = 0; i < m->nreports; i++)
		if (smfi_addheader(ctx, (char *)c->lst->policy.report_header_name,
				   (char *)m->report_values[i]) != MI_SUCCESS)
			log_event(LOG_WARNING, "error",
				  "what=smfi_addheader header=%s client=%s "
				  "(did the MTA refuse SMFIF_ADDHDRS?)",
				  c->lst->policy.report_header_name, c->client);
}

/* Negotiation: the fewest steps and round trips this snapshot needs. */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
	     unsigned long f2, unsigned long f3, unsigned long *pf0,
	     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct connection *c = conn_get(ctx);
	struct report_needs nd;
	unsigned long want;
	bool data_stage, need_hdrs;

	(void)f2;
	(void)f3;
	if (c == NULL)
		return SMFIS_REJECT; /* libmilter: ends the connection */
	/* the listener is known only at connect: ask for what any needs */
	report_needs_of(c->cfg, &nd);
	data_stage = nd.data_stage;
	need_hdrs = nd.header_check || data_stage;
	want = SMFIP_NOHELO | SMFIP_NR_HELO | SMFIP_NR_EOH | SMFIP_NODATA |
	       SMFIP_NR_DATA | SMFIP_NR_CONN;
	if (!nd.header_check)
		want |= SMFIP_NOEOH; /* EOH decides the header check */
	if (!need_hdrs)
		want |= SMFIP_NOHDRS;
	want |= SMFIP_NR_HDR;
	if (!(data_stage && c->cfg->archive_dir[0]))
		want |= SMFIP_NOBODY;
	want |= SMFIP_NR_BODY;
	if (nd.all_mail && !c->cfg->notify[0])
		want |= SMFIP_NORCPT;
	if (!nd.rcpt_stage)
		want |= SMFIP_NR_RCPT;
	if (!nd.require_auth)
		want |= SMFIP_NOUNKNOWN;
	/* add-header only when some report_header needs it: a snapshot
	 * without it keeps the enforce path's single round trip */
	*pf0 = f0 & (SMFIF_SETSYMLIST | (nd.add_header ? SMFIF_ADDHDRS : 0));
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	c->pflags = *pf1;
	if (*pf0 & SMFIF_SETSYMLIST) {
		smfi_setsymlist(ctx, SMFIM_CONNECT,
				"j {daemon_name} {daemon_addr} {daemon_port} "
				"{if_addr} v");
		smfi_setsymlist(ctx, SMFIM_ENVFROM,
				"{auth_authen} {auth_type} {auth_author} i");
		smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* Connect: remember the client and this server's name. */
static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct connection *c = conn_get(ctx);
	const char *j, *if_addr;

	(void)host;
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	stats_connection();
	if_addr = macro(ctx, "{if_addr}");
	c->lst = config_listener(c->cfg, macro(ctx, "{daemon_name}"),
				 macro(ctx, "{daemon_port}"),
				 if_addr[0] ? if_addr : macro(ctx, "{daemon_addr}"));
	judge_client(&c->lst->policy, sa, c->client, sizeof(c->client),
		     &c->client_trusted);
	j = macro(ctx, "j");
	if (j[0] == '\0')
		j = macro(ctx, "{daemon_name}");
	copy_bounded(c->mta_name, sizeof(c->mta_name), j, strlen(j));
	j = macro(ctx, "v");
	c->login_xtext = policy_login_is_xtext(&c->cfg->policy,
					       j[0] ? j : NULL);
	return quiet(c, SMFIP_NR_CONN);
}

/* An unknown verb (XEXCH50) from a client that has not authenticated. */
static sfsistat
cb_unknown(SMFICTX *ctx, const char *cmd)
{
	struct connection *c = conn_get(ctx);
	struct verdict v;
	char q[300];
	bool report;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	decide_unknown_verb(&c->lst->policy, c->authenticated, &v);
	if (v.action == ACT_ACCEPT)
		return SMFIS_CONTINUE;
	report = report_only(c->lst, RULE_NEED_AUTH);
	log_event(LOG_NOTICE, report ? "would_reject" : "reject",
		  "reason=%s check=need_auth login=- client=%s command=%s "
		  "reply=\"%s %s %s\"",
		  reason_name(v.reason), c->client,
		  log_quote(cmd ? cmd : "", q, sizeof(q)), v.reply.code,
		  v.reply.xcode, v.reply.text);
	stats_verdict(&v, report ? RULE_NEED_AUTH : -1);
	return report ? SMFIS_CONTINUE : reply_with(ctx, &v);
}

/* {auth_type} without {auth_authen}: say it once per process, loudly. */
static void
warn_missing_login(const struct connection *c, const char *auth_type)
{
	static int said;
	char q[200];

	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		return;
	log_event(LOG_ERR, "error",
		  "what=missing_login auth_type=%s client=%s action=%s "
		  "text=\"the MTA passes {auth_type} but not {auth_authen}: "
		  "add {auth_authen} to its milter macros (Postfix: "
		  "milter_mail_macros; Sendmail: confMILTER_MACROS_ENVFROM)\"",
		  log_quote(auth_type, q, sizeof(q)), c->client,
		  c->cfg->policy.on_missing_login == MISSING_TEMPFAIL
			  ? "tempfail"
			  : "anonymous");
}

/* MAIL FROM: decide once for the whole message. */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct connection *c = conn_get(ctx);
	struct message *m;
	struct judge_input in;
	const char *login;
	uint64_t t0;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	message_free(c);
	m = &c->msg;
	memset(m, 0, offsetof(struct message, report_values));
	c->in_msg = true;
	login = macro(ctx, "{auth_authen}");
	m->authenticated = login[0] != '\0';
	c->authenticated = c->authenticated || m->authenticated;
	copy_bounded(m->login, sizeof(m->login), login, strlen(login));
	const char *sender = argv && argv[0] ? argv[0] : "";
	copy_bounded(m->sender_raw, sizeof(m->sender_raw), sender,
		     strlen(sender));

	in.login = login; /* whole, as sent: m->login is bounded */
	in.sender = sender;
	in.client_trusted = c->client_trusted;
	in.mta_name = c->mta_name;
	in.auth_type = macro(ctx, "{auth_type}");
	in.login_xtext = c->login_xtext;
	if (!m->authenticated && in.auth_type[0] != '\0')
		warn_missing_login(c, in.auth_type);
	t0 = now_ns();
	judge_envelope(c->cfg, c->lst, &in, &m->verdict);
	m->rule = reason_rule(m->verdict.reason);
	m->report = m->verdict.action == ACT_REJECT &&
		    report_only(c->lst, m->rule);
	stats_decision(&m->verdict, now_ns() - t0);
	m->decided = true;

	if (m->verdict.action == ACT_ACCEPT || m->report) {
		bool headers = judge_wants_headers(c->lst, &in);
		if (m->report) /* logged now, whatever the stage */
			apply(ctx, c, "mail");
		if (headers) /* the headers decide too: keep what a refusal
				by them would need */
			m->evidence = evidence_begin(c->cfg, NULL,
						     m->authenticated);
		if (headers || m->nreports > 0)
			return SMFIS_CONTINUE; /* or a header is to be added */
		return apply(ctx, c, "mail");
	}
	if (c->lst->reject_stage == STAGE_MAIL)
		return apply(ctx, c, "mail");
	if (c->lst->reject_stage == STAGE_DATA)
		m->evidence = evidence_begin(c->cfg, &m->verdict,
					     m->authenticated);
	return SMFIS_CONTINUE;
}

/* RCPT TO: refuse here when reject_stage = rcpt. */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct connection *c = conn_get(ctx);
	struct message *m = current_message(c);

	if (m == NULL || !m->decided)
		return c ? quiet(c, SMFIP_NR_RCPT) : SMFIS_CONTINUE;
	if (argv && argv[0])
		evidence_rcpt(m->evidence, argv[0]);
	if (m->verdict.action != ACT_ACCEPT && !m->report &&
	    c->lst->reject_stage == STAGE_RCPT)
		return apply(ctx, c, "rcpt");
	return quiet(c, SMFIP_NR_RCPT);
}

/* Keep From:/Sender: values (check_header_from); feed the archive. */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct connection *c = conn_get(ctx);
	struct message *m = current_message(c);

	if (c == NULL)
		return SMFIS_CONTINUE;
	if (m == NULL)
		return quiet(c, SMFIP_NR_HDR);
	evidence_header(m->evidence, name, value);
	if (c->lst->check_header_from && m->authenticated)
		header_from_collect(&m->from_hdrs, name, value);
	return quiet(c, SMFIP_NR_HDR);
}

/* Body chunks go to the archive copy only. */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct connection *c = conn_get(ctx);
	struct message *m = current_message(c);

	if (c == NULL)
		return SMFIS_CONTINUE;
	if (m != NULL)
		evidence_body(m->evidence, chunk, len);
	return quiet(c, SMFIP_NR_BODY);
}

/* What the MTA told us about the message in progress. */
static void
input_of(const struct connection *c, const struct message *m,
	 struct judge_input *in)
{
	in->login = m->authenticated ? m->login : "";
	in->sender = m->sender_raw;
	in->client_trusted = c->client_trusted;
	in->mta_name = c->mta_name;
	in->auth_type = NULL;
	in->login_xtext = c->login_xtext;
}

/* Header From check (once per message): every address in From:/Sender:
 * must be owned too. A refusal is a new verdict, applied (or reported) on
 * its own and keeping its evidence; an acceptance drops what was
 * collected for one. */
static void
check_headers(struct connection *c, struct message *m)
{
	struct judge_input in;
	struct verdict hv;

	if (m->headers_checked ||
	    (m->verdict.action != ACT_ACCEPT && !m->report))
		return;
	m->headers_checked = true;
	input_of(c, m, &in);
	if (!judge_wants_headers(c->lst, &in))
		return;
	if (judge_headers(c->cfg, c->lst, &in, &m->from_hdrs, &hv)) {
		m->verdict = hv;
		m->rule = RULE_HEADER_FROM;
		m->report = report_only(c->lst, RULE_HEADER_FROM);
		m->applied = false;
		if (!m->report) {
			evidence_keep(m->evidence);
			return;
		}
	}
	evidence_free(m->evidence);
	m->evidence = NULL;
}

/* End of headers: the header check can be decided now, so the body is
 * spooled only for a message it refuses. */
static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct connection *c = conn_get(ctx);
	struct message *m = current_message(c);

	if (c == NULL)
		return SMFIS_CONTINUE;
	if (m != NULL && m->decided)
		check_headers(c, m);
	return quiet(c, SMFIP_NR_EOH);
}

/* End of message: apply a verdict that waited for the data stage. */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct connection *c = conn_get(ctx);
	struct message *m = current_message(c);
	sfsistat rc;

	if (m == NULL || !m->decided)
		return SMFIS_CONTINUE;
	check_headers(c, m);
	if (m->verdict.action != ACT_ACCEPT && !m->report &&
	    m->evidence != NULL) {
		struct evidence_facts f;
		evidence_facts_of(ctx, c, m, &f);
		evidence_refused(m->evidence, &f, &m->verdict);
	}
	rc = apply(ctx, c, "data");
	if (rc == SMFIS_ACCEPT)
		add_report_headers(ctx, c, m);
	message_free(c);
	return rc == SMFIS_ACCEPT ? SMFIS_CONTINUE : rc;
}

/* Abort: the transaction is over. */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);

	if (c != NULL)
		message_free(c);
	return SMFIS_CONTINUE;
}

/* Close: free everything; may come without connect. */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct connection *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	message_free(c);
	config_unref(c->cfg);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc origin_milter_desc = {
	.xxfi_name = "origin-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_NONE,
	.xxfi_connect = cb_connect,
	.xxfi_helo = NULL,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = cb_unknown,
	.xxfi_data = NULL,
	.xxfi_negotiate = cb_negotiate,
};
