/*
 * explain.c - print why a message would be accepted or refused. The
 * decision goes through judge.c, the daemon's own path: only the way the
 * facts arrive (arguments instead of the MTA) and the printing differ.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "explain.h"
#include "header_from.h"
#include "judge.h"
#include "report.h"

/* What each reason means, in the admin's words. */
static const char *
rule_text(enum reason r)
{
	switch (r) {
	case R_NULL_SENDER:
		return "the null sender <> is allowed (bounces, receipts)";
	case R_TRUSTED_CLIENT:
		return "unauthenticated, but the client is in trusted_networks";
	case R_FOREIGN_SENDER:
		return "unauthenticated, and the sender is not in a "
		       "local_domains domain: inbound mail, not ours to judge";
	case R_NEED_AUTH:
		return "unauthenticated client using a local_domains sender "
		       "(policy require_auth)";
	case R_UNKNOWN_VERB:
		return "Exchange-only verb before AUTH";
	case R_BYPASS_LOGIN:
		return "the login is in bypass_logins and may send as anyone";
	case R_CHECK_OFF:
		return "check_originator is off";
	case R_OWNER:
		return "the sender is one of the account's addresses";
	case R_CATCHALL:
		return "the account holds the sender domain's catch-all, and "
		       "nobody holds the sender nor its base address";
	case R_SEND_AS:
		return "the mailbox holding the sender lists the account as a "
		       "delegate (send-as)";
	case R_NOT_OWNER:
		return "the most specific entry holding the sender (as "
		       "written, else its base address, else the domain's "
		       "catch-all) is not the account and does not delegate "
		       "to it, or nobody holds any of them (check_originator)";
	case R_NOT_LOCAL:
		return "the account owns the sender but its mailbox is homed "
		       "on another server (check_home_server)";
	case R_LOGIN_UNKNOWN:
		return "the login maps to no mailbox in the directory";
	case R_LOGIN_AMBIGUOUS:
		return "the login maps to more than one mailbox (see "
		       "candidates)";
	case R_LOGIN_INVALID:
		return "the login is not a valid name (see login_error)";
	case R_SENDER_INVALID:
		return "MAIL FROM is not a valid RFC 5321 path";
	case R_NULL_DENIED:
		return "<> from an authenticated client, allow_null_sender off";
	case R_DIR_ERROR:
		return "the directory did not answer (on_directory_error)";
	case R_HEADER_UNPARSABLE:
		return "check_header_from: the From: or Sender: header is "
		       "unparsable, empty or repeated (see header_error)";
	case R_SENDER_UNPARSABLE:
		return "unauthenticated, MAIL FROM is not a valid RFC 5321 path "
		       "(the MTA accepts it) and its domain is not local";
	case R_LOGIN_MISSING:
		return "the MTA passed {auth_type} but not {auth_authen} "
		       "(on_missing_login)";
	case R_ALLOWED_SENDER:
		return "the sender is in allowed_forged_senders: the refusal "
		       "named by exempted= is waived";
	case R_REASON_COUNT:
		break;
	}
	return "?";
}

/* Print the facts one per line ("key=value", values maybe quoted). */
static void
print_facts(const char *facts)
{
	const char *p = facts;

	while (*p) {
		bool q = false;
		fputs("  ", stdout);
		for (; *p && (q || *p != ' '); p++) {
			if (*p == '\\' && q && p[1]) {
				putchar(*++p);
				continue;
			}
			if (*p == '"') {
				q = !q;
				continue;
			}
			putchar(*p);
		}
		putchar('\n');
		while (*p == ' ')
			p++;
	}
}

/* The client as the MTA would hand it over (a socket address); false if
 * client is not an IP address. */
static bool
client_sockaddr(const char *client, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, client, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, client, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		return true;
	}
	return false;
}

/* The listener section called name, the top level for NULL, or NULL. */
static const struct listener *
listener_named(const struct config *c, const char *name)
{
	if (name == NULL)
		return &c->top;
	for (size_t i = 0; i < c->nlisteners; i++)
		if (strcmp(c->listeners[i].name, name) == 0)
			return &c->listeners[i];
	return NULL;
}

/* Print the verdict (reported: a refusal mode report only logs). */
static void
print_verdict(const struct listener *lst, const struct verdict *v,
	      bool by_header, bool reported)
{
	char line[1100];

	printf("verdict:  %s\n", reported ? "would_reject (mode report: logged, "
					     "counted, the message is accepted)"
					   : action_name(v->action));
	if (v->action != ACT_ACCEPT) {
		enum rule r = by_header ? RULE_HEADER_FROM : reason_rule(v->reason);
		reply_line(&v->reply, line, sizeof(line));
		printf("reply:    %s\n", line);
		printf("stage:    %s\n", by_header ? "data (end of message: "
						     "the headers decided)"
						   : stage_name(lst->reject_stage));
		printf("check:    %s (%s)\n", rule_name(r),
		       reported ? "report" : "enforce");
	}
	printf("reason:   %s\n", reason_name(v->reason));
	printf("rule:     %s\n", rule_text(v->reason));
	if (v->account[0])
		printf("account:  %s\n", v->account);
	if (v->facts[0]) {
		printf("facts:\n");
		print_facts(v->facts);
	}
}

/* Decide and print. */
int
explain(const char *config_path, const struct explain_args *a)
{
	char err[1024], host[256] = "", cbuf[64];
	struct config *c = config_load(config_path, true, err, sizeof(err));
	struct sockaddr_storage ss;
	struct judge_input in;
	struct verdict v;
	const struct listener *lst;
	bool reported;
	const char *mta = a->mta_name, *mta_note = "(-j)";
	int rc;

	if (c == NULL) {
		fprintf(stderr, "origin-milter: %s\n", err);
		return EX_CONFIG;
	}
	lst = listener_named(c, a->listener);
	if (lst == NULL) {
		fprintf(stderr, "origin-milter: no listener \"%s\" in %s\n",
			a->listener, c->path);
		config_unref(c);
		return EX_USAGE;
	}
	if (mta == NULL) { /* Postfix's $myhostname defaults to this */
		gethostname(host, sizeof(host) - 1);
		mta = host;
		mta_note = "(this host's name; -j NAME for the MTA's)";
	}
	in.login = strcmp(a->login, "-") == 0 ? "" : a->login;
	in.sender = a->sender;
	in.mta_name = mta;
	in.auth_type = in.login[0] ? "PLAIN" : ""; /* as an MTA passes it */
	in.login_xtext = policy_login_is_xtext(&c->policy, a->mta_version);
	judge_client(&lst->policy,
		     a->client && client_sockaddr(a->client, &ss)
			     ? (const struct sockaddr *)&ss
			     : NULL,
		     cbuf, sizeof(cbuf), &in.client_trusted);
	judge_envelope(c, lst, &in, &v);

	printf("login:    %s\n", in.login[0] ? in.login : "(not authenticated)");
	printf("sender:   %s\n", in.sender);
	printf("client:   %s%s\n", a->client ? a->client : "(not given)",
	       in.client_trusted ? " (trusted_networks)" : "");
	if (lst->policy.server_name != NULL)
		printf("server:   %s (server_name)\n", lst->policy.server_name);
	else
		printf("server:   %s %s\n", mta[0] ? mta : "(not known)",
		       mta_note);
	if (a->from_header != NULL)
		printf("From:     %s\n", a->from_header);
	printf("config:   %s (directory %s)\n", c->path, c->directory_kind);
	printf("listener: %s\n", lst->name ? lst->name : "(top level)");
	if (c->dir->ops->stats != NULL) {
		char stats[1024];
		c->dir->ops->stats(c->dir, stats, sizeof(stats));
		printf("directory: %s\n", stats);
	}
	bool by_header = false;
	if (a->from_header != NULL && v.action == ACT_ACCEPT &&
	    judge_wants_headers(lst, &in)) {
		struct hdr_from_set hdrs = {0};
		header_from_collect(&hdrs, "From", a->from_header);
		by_header = judge_headers(c, lst, &in, &hdrs, &v);
		if (by_header)
			printf("header:   From: refused (check_header_from)\n");
		else
			printf("header:   From: accepted (check_header_from)\n");
		header_from_free(&hdrs);
	}
	reported = v.action == ACT_REJECT &&
		   report_only(lst, by_header ? RULE_HEADER_FROM
					      : reason_rule(v.reason));
	print_verdict(lst, &v, by_header, reported);
	rc = v.action == ACT_ACCEPT || reported ? 0
	     : v.action == ACT_REJECT		 ? 1
						 : EX_TEMPFAIL;
	config_unref(c);
	return rc;
}
