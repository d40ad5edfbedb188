/*
 * decide.h - the decision table of DESIGN.md.
 *
 * Given the facts the milter gathered (login, sender, client) and a
 * directory, decide(): accept, reject or tempfail, with the reply and a
 * reason code. No I/O of its own: the only outside calls go through the
 * directory interface.
 */
#ifndef POLICY_DECIDE_H
#define POLICY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"
#include "cidr.h"
#include "directory.h"
#include "exempt.h"
#include "identity.h"
#include "normalize.h"
#include "reply.h"
#include "strmap.h"
#include "verdict.h"

enum dir_error_mode {
	DIRERR_TEMPFAIL = 0,
	DIRERR_ACCEPT,
	DIRERR_REJECT,
};

/* {auth_type} without {auth_authen}: what the message is treated as. */
enum missing_login_mode {
	MISSING_TEMPFAIL = 0, /* 451: a misconfigured MTA passes nothing */
	MISSING_ANONYMOUS,    /* as an unauthenticated client */
};

/* How the MTA hands {auth_authen} over. */
enum login_encoding {
	LOGIN_ENC_AUTO = 0, /* xtext when the MTA is Sendmail (macro v) */
	LOGIN_ENC_XTEXT,    /* always RFC 3461 xtext (Sendmail) */
	LOGIN_ENC_NONE,     /* as is (Postfix) */
};

/* The policy part of a configuration snapshot (immutable once built). */
struct policy {
	bool require_auth;      /* 504 for unauthenticated local senders */
	bool check_originator;  /* 554 for senders the login does not own */
	bool check_home_server; /* 554 not local for mailboxes homed elsewhere */
	bool allow_null_sender; /* accept <> from authenticated clients */
	enum dir_error_mode on_directory_error;
	bool home_missing_refuse;  /* home_server_missing = refuse */
	enum missing_login_mode on_missing_login;
	enum login_encoding login_encoding;
	struct norm_opts norm;
	struct addr_limits limits;
	struct identity_rules identity;
	const char *server_name;           /* NULL: use the MTA's j macro */
	const char *const *local_servers;  /* other names of this server */
	size_t nlocal_servers;
	struct strmap local_domains;       /* folded domain -> non-NULL */
	struct strmap bypass_logins;       /* folded login -> non-NULL */
	const struct cidr *trusted;
	size_t ntrusted;
	struct strmap allowed_senders;     /* allowed_forged_senders keys */
	/* Applied by milter/ to decide()'s verdict, not by decide(): */
	enum rule_mode mode[RULE_COUNT];   /* enforce or only report a rule */
	bool report_header;                /* add a header to reported mail */
	const char *report_header_name;
	struct reply_template not_owner, not_local, need_auth, tempfail,
		bad_sender;
};

/* What the milter knows about one message. */
struct facts {
	const char *login;     /* {auth_authen}; NULL or "" without AUTH */
	const char *sender;    /* MAIL FROM argument, as sent */
	size_t sender_len;
	bool client_trusted;   /* client address inside trusted_networks */
	const char *mta_name;  /* the MTA's j / {daemon_name}, may be NULL */
	const char *auth_type; /* {auth_type}; NULL or "" when absent */
	bool login_xtext;      /* login is xtext (policy_login_is_xtext) */
};

/* Decide one message. */
void decide(const struct policy *p, struct directory *dir,
	    const struct facts *f, struct verdict *v);

/* An unknown SMTP verb (XEXCH50) from a client: need_auth unless it is
 * authenticated. */
void decide_unknown_verb(const struct policy *p, bool authenticated,
			 struct verdict *v);

/* Is {auth_authen} xtext-encoded, given login_encoding and the MTA's v
 * macro (Sendmail: "8.17.1"; Postfix: "Postfix 3.7.11"; NULL if absent)? */
bool policy_login_is_xtext(const struct policy *p, const char *mta_version);

/* True if the folded domain, or a parent written ".parent", is local. */
bool policy_domain_is_local(const struct policy *p, const char *domain);

/* Is this home server this server? */
bool policy_home_is_local(const struct policy *p, const char *home,
			  const char *mta_name);

#endif
