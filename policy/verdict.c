/*
 * verdict.c - names of actions and reason codes, as logs and tools print
 * them. The names are a stable interface: admins grep for them.
 */
#include <stddef.h>
#include <string.h>

#include "verdict.h"

static const char *const reason_names[R_REASON_COUNT] = {
	[R_NULL_SENDER] = "null_sender",
	[R_TRUSTED_CLIENT] = "trusted_client",
	[R_FOREIGN_SENDER] = "foreign_sender",
	[R_NEED_AUTH] = "need_auth",
	[R_UNKNOWN_VERB] = "unknown_verb",
	[R_BYPASS_LOGIN] = "bypass_login",
	[R_CHECK_OFF] = "check_off",
	[R_OWNER] = "owner",
	[R_CATCHALL] = "catchall",
	[R_SEND_AS] = "send_as",
	[R_NOT_OWNER] = "not_owner",
	[R_NOT_LOCAL] = "not_local",
	[R_LOGIN_UNKNOWN] = "login_unknown",
	[R_LOGIN_AMBIGUOUS] = "login_ambiguous",
	[R_LOGIN_INVALID] = "login_invalid",
	[R_SENDER_INVALID] = "sender_invalid",
	[R_NULL_DENIED] = "null_sender_denied",
	[R_DIR_ERROR] = "directory_error",
	[R_HEADER_UNPARSABLE] = "header_unparsable",
	[R_SENDER_UNPARSABLE] = "sender_unparsable",
	[R_LOGIN_MISSING] = "login_missing",
	[R_ALLOWED_SENDER] = "allowed_forged_sender",
};

static const char *const rule_names[RULE_COUNT] = {
	[RULE_NOT_OWNER] = "not_owner",
	[RULE_NOT_LOCAL] = "not_local",
	[RULE_NEED_AUTH] = "need_auth",
	[RULE_HEADER_FROM] = "header_from",
};

void
verdict_reset(struct verdict *v)
{
	memset(v, 0, offsetof(struct verdict, reply));
	v->reply.code[0] = '\0';
	v->reply.xcode[0] = '\0';
	v->reply.text[0] = '\0';
	v->account[0] = '\0';
	v->sender[0] = '\0';
	v->facts[0] = '\0';
	v->from_cache = false;
	v->stale = false;
}

/* "accept", "reject" or "tempfail". */
const char *
action_name(enum action a)
{
	switch (a) {
	case ACT_ACCEPT:
		return "accept";
	case ACT_REJECT:
		return "reject";
	case ACT_TEMPFAIL:
		return "tempfail";
	}
	return "unknown";
}

/* Stable name of a reason code. */
const char *
reason_name(enum reason r)
{
	if ((unsigned)r >= R_REASON_COUNT)
		return "unknown";
	return reason_names[r];
}

/* The envelope rule behind a refusal with reason r. */
enum rule
reason_rule(enum reason r)
{
	switch (r) {
	case R_NOT_LOCAL:
		return RULE_NOT_LOCAL;
	case R_NEED_AUTH:
	case R_UNKNOWN_VERB:
		return RULE_NEED_AUTH;
	default:
		return RULE_NOT_OWNER;
	}
}

/* Stable name of a rule (policy.conf keys and log lines use it). */
const char *
rule_name(enum rule r)
{
	if ((unsigned)r >= RULE_COUNT)
		return "unknown";
	return rule_names[r];
}
