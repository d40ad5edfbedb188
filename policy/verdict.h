/*
 * verdict.h - what the decision engine answers: an action, the SMTP reply,
 * and a reason code shared by the log, the archive, the notice and the
 * explain tool.
 */
#ifndef POLICY_VERDICT_H
#define POLICY_VERDICT_H

#include "directory.h"
#include "reply.h"

enum action {
	ACT_ACCEPT = 0,
	ACT_REJECT,
	ACT_TEMPFAIL,
};

enum reason {
	R_NULL_SENDER = 0,   /* <> allowed */
	R_TRUSTED_CLIENT,    /* unauthenticated, client in trusted_networks */
	R_FOREIGN_SENDER,    /* unauthenticated, sender not in a local domain */
	R_NEED_AUTH,         /* unauthenticated, local-domain sender */
	R_UNKNOWN_VERB,      /* Exchange-only verb (XEXCH50) before AUTH */
	R_BYPASS_LOGIN,      /* login listed in bypass_logins */
	R_CHECK_OFF,         /* check_originator = false */
	R_OWNER,             /* sender is one of the account's addresses */
	R_CATCHALL,          /* the account holds @domain */
	R_SEND_AS,           /* the sender's mailbox delegates to the account */
	R_NOT_OWNER,         /* none of the above */
	R_NOT_LOCAL,         /* owned, but homed on another server */
	R_LOGIN_UNKNOWN,     /* login maps to no mailbox */
	R_LOGIN_AMBIGUOUS,   /* login maps to several entries */
	R_LOGIN_INVALID,     /* login not a valid name */
	R_SENDER_INVALID,    /* MAIL FROM not a valid path */
	R_NULL_DENIED,       /* <> from an authenticated client, not allowed */
	R_DIR_ERROR,         /* directory did not answer; on_directory_error */
	R_HEADER_UNPARSABLE, /* check_header_from: From:/Sender: cannot be
				judged (unparsable, empty, repeated) */
	R_SENDER_UNPARSABLE, /* unauthenticated, MAIL FROM not RFC 5321 but
				its domain is not local: accepted */
	R_LOGIN_MISSING,     /* {auth_type} without {auth_authen} */
	R_ALLOWED_SENDER,    /* refusal waived: sender in allowed_forged_senders */
	R_REASON_COUNT
};

/* The rule behind a refusal; each can be enforced or only reported
 * (policy mode). Header From verdicts belong to RULE_HEADER_FROM whatever
 * their reason: the caller knows which check gave them. */
enum rule {
	RULE_NOT_OWNER = 0, /* every refusal not named below */
	RULE_NOT_LOCAL,     /* not_local (check_home_server) */
	RULE_NEED_AUTH,     /* need_auth, unknown_verb (require_auth) */
	RULE_HEADER_FROM,   /* the From:/Sender: check (check_header_from) */
	RULE_COUNT
};

enum rule_mode {
	MODE_ENFORCE = 0, /* refuse */
	MODE_REPORT,      /* log event=would_reject, count, accept */
};

/* Room for the facts behind a verdict (addresses, DNs, sources). */
#define VERDICT_FACTS 2048

struct verdict {
	enum action action;
	enum reason reason;
	struct reply reply;   /* meaningful unless ACT_ACCEPT */
	char account[LOGIN_MAX + 1]; /* the mailbox the login mapped to */
	char sender[512];     /* sender as logged (cleaned, bounded) */
	char facts[VERDICT_FACTS]; /* key=value directory facts for log/explain */
	bool from_cache, stale;
};

/* An empty verdict (accept, no reason, no facts), writing only what the
 * readers look at: the strings are cleared by their first octet, not
 * whole (a decision per message; tests/bench). */
void verdict_reset(struct verdict *v);

const char *action_name(enum action a);
const char *reason_name(enum reason r);
/* The envelope rule a refusal with this reason belongs to. */
enum rule reason_rule(enum reason r);
/* "not_owner", "not_local", "need_auth", "header_from". */
const char *rule_name(enum rule r);

#endif
