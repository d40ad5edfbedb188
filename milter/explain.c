/*
 * explain.c - print why a message would be accepted or refused.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "explain.h"

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

/* Is the client in trusted_networks? */
static bool
client_trusted(const struct policy *p, const char *client)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, client, a) == 1)
		return cidr_match(p->trusted, p->ntrusted, AF_INET, a);
	if (inet_pton(AF_INET6, client, a) == 1)
		return cidr_match(p->trusted, p->ntrusted, AF_INET6, a);
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

/* Decide and print. */
int
explain(const char *config_path, const char *login, const char *sender,
	const char *client, const char *listener)
{
	char err[1024], line[1100];
	struct config *c = config_load(config_path, true, err, sizeof(err));
	const struct listener *l;
	struct facts f;
	struct verdict v;
	bool reported;
	int rc;

	if (c == NULL) {
		fprintf(stderr, "origin-milter: %s\n", err);
		return EX_CONFIG;
	}
	l = listener_named(c, listener);
	if (l == NULL) {
		fprintf(stderr, "origin-milter: no listener \"%s\" in %s\n",
			listener, c->path);
		config_unref(c);
		return EX_USAGE;
	}
	if (strcmp(login, "-") == 0)
		login = "";
	memset(&f, 0, sizeof(f));
	f.login = login;
	f.sender = sender;
	f.sender_len = strlen(sender);
	f.client_trusted = client && client_trusted(&l->policy, client);
	f.mta_name = NULL;
	decide(&l->policy, c->dir, &f, &v);
	reported = v.action == ACT_REJECT &&
		   l->policy.mode[reason_rule(v.reason)] == MODE_REPORT;

	printf("login:    %s\n", login[0] ? login : "(not authenticated)");
	printf("sender:   %s\n", sender);
	printf("client:   %s%s\n", client ? client : "(not given)",
	       f.client_trusted ? " (trusted_networks)" : "");
	printf("config:   %s (directory %s)\n", c->path, c->directory_kind);
	printf("listener: %s\n", l->name ? l->name : "(top level)");
	if (c->dir->ops->stats != NULL) {
		char stats[1024];
		c->dir->ops->stats(c->dir, stats, sizeof(stats));
		printf("directory: %s\n", stats);
	}
	printf("verdict:  %s\n", reported ? "would_reject (mode report: logged, "
					     "counted, the message is accepted)"
					   : action_name(v.action));
	if (v.action != ACT_ACCEPT) {
		reply_line(&v.reply, line, sizeof(line));
		printf("reply:    %s\n", line);
		printf("stage:    %s\n", stage_name(l->reject_stage));
		printf("check:    %s (%s)\n", rule_name(reason_rule(v.reason)),
		       reported ? "report" : "enforce");
	}
	printf("reason:   %s\n", reason_name(v.reason));
	printf("rule:     %s\n", rule_text(v.reason));
	if (v.account[0])
		printf("account:  %s\n", v.account);
	if (v.facts[0]) {
		printf("facts:\n");
		print_facts(v.facts);
	}
	rc = v.action == ACT_ACCEPT || reported ? 0
	     : v.action == ACT_REJECT		 ? 1
						 : EX_TEMPFAIL;
	config_unref(c);
	return rc;
}
