/*
 * decide.c - the decision engine: DESIGN.md's table, row by row.
 *
 *   {auth_type} without {auth_authen}: 451 (on_missing_login = tempfail)
 *                    or on as unauthenticated (anonymous).
 *   unauthenticated: <> accept; trusted client accept; local-domain sender
 *                    504 (require_auth); other sender accept. A sender the
 *                    RFC 5321 parser refuses is judged by its best-effort
 *                    domain (no domain counts as local: the MTA appends
 *                    its own).
 *   authenticated:   bypass login accept; owned (address, catch-all, send-as)
 *                    accept unless homed elsewhere (554 not local); anything
 *                    else 554 not owner; directory trouble 451 (or as the
 *                    admin chose). An unparsable sender is refused (501).
 *                    With check_originator = false an unknown, ambiguous
 *                    or invalid login is accepted (check_off).
 */
#include <string.h>
#include <strings.h>

#include "decide.h"
#include "sender_guess.h"
#include "textutil.h"
#include "xtext.h"

/*
 * Stack depth. decide() runs on libmilter's session threads. When a thread
 * ends, glibc gives the pages of its stack back to the kernel except the
 * top 16 KiB, and the next session thread faults every deeper page in
 * again: with the helpers below inlined, decide() alone was a 15 KiB frame
 * and each new session paid three to four page faults. The helpers that
 * hold large buffers are therefore kept out of line, so that only the
 * path taken holds its buffers (an unauthenticated sender never holds the
 * login's, an owned address never the refusal's), and no helper holds
 * more than one address-sized buffer. tests/bench prints the depth.
 */
#define OUT_OF_LINE __attribute__((noinline))

/* Append " key=value" to the facts (bounded); a value with blanks or
 * quotes is written in double quotes with \" and \\ escaped. */
static void
add_fact(struct verdict *v, const char *key, const char *value)
{
	size_t n = strlen(v->facts), cap = sizeof(v->facts), kl = strlen(key);
	bool quote = value[0] == '\0' || strpbrk(value, " \"\\=") != NULL;

	if (n + kl + 4 >= cap)
		return;
	if (n > 0)
		v->facts[n++] = ' ';
	memcpy(v->facts + n, key, kl);
	n += kl;
	v->facts[n++] = '=';
	if (quote)
		v->facts[n++] = '"';
	for (const char *p = value; *p && n + 4 < cap; p++) {
		if (quote && (*p == '"' || *p == '\\'))
			v->facts[n++] = '\\';
		v->facts[n++] = *p;
	}
	if (quote && n + 1 < cap)
		v->facts[n++] = '"';
	v->facts[n] = '\0';
}

/* Set the verdict's action, reason and reply. */
static void
set(struct verdict *v, enum action a, enum reason r,
    const struct reply_template *t, const char *sender, size_t slen)
{
	v->action = a;
	v->reason = r;
	if (t != NULL)
		reply_format(t, sender, slen, &v->reply);
}

/* Refuse with not_owner. */
static void
not_owner(const struct policy *p, const struct facts *f, struct verdict *v,
	  enum reason r)
{
	set(v, ACT_REJECT, r, &p->not_owner, f->sender, f->sender_len);
}

/* The directory did not answer: do what on_directory_error says. */
static void
dir_error(const struct policy *p, const struct facts *f, struct verdict *v,
	  const struct dir_lookup *l)
{
	add_fact(v, "directory_error",
		 l->trace.error[0] ? l->trace.error : "no answer");
	switch (p->on_directory_error) {
	case DIRERR_ACCEPT:
		set(v, ACT_ACCEPT, R_DIR_ERROR, NULL, NULL, 0);
		return;
	case DIRERR_REJECT:
		not_owner(p, f, v, R_DIR_ERROR);
		return;
	case DIRERR_TEMPFAIL:
		break;
	}
	set(v, ACT_TEMPFAIL, R_DIR_ERROR, &p->tempfail, f->sender,
	    f->sender_len);
}

/* True if the folded domain (or a ".parent" entry) is local. */
bool
policy_domain_is_local(const struct policy *p, const char *domain)
{
	if (strmap_get(&p->local_domains, domain, NULL) != NULL)
		return true;
	for (const char *d = strchr(domain, '.'); d != NULL;
	     d = strchr(d + 1, '.')) {
		if (strmap_get(&p->local_domains, d, NULL) != NULL)
			return true;
	}
	return false;
}

/* Compare a home server with one of this server's names, both qualified
 * by qualify_in: a bare name (no dot) stands for name.qualify_in when
 * qualify_in (self's own domain) is not NULL. Case-insensitive, exact. */
static bool
server_eq(const char *home, const char *name, const char *qualify_in)
{
	size_t hl = strcspn(home, "."), nl = strcspn(name, ".");
	bool hbare = home[hl] == '\0', nbare = name[nl] == '\0';

	if (strcasecmp(home, name) == 0)
		return true;
	if (qualify_in == NULL || hbare == nbare)
		return false;
	/* one bare, one qualified: the bare one in self's domain */
	const char *bare = hbare ? home : name, *fq = hbare ? name : home;
	size_t bl = hbare ? hl : nl;
	return strncasecmp(bare, fq, bl) == 0 && fq[bl] == '.' &&
	       strcasecmp(fq + bl + 1, qualify_in) == 0;
}

/* Is the home server this one (server_name or j, or local_servers)? */
bool
policy_home_is_local(const struct policy *p, const char *home,
		     const char *mta_name)
{
	const char *self = p->server_name ? p->server_name : mta_name;
	const char *dom = self ? strchr(self, '.') : NULL;

	if (dom != NULL && dom[1] == '\0')
		dom = NULL;
	else if (dom != NULL)
		dom++;
	if (self != NULL && server_eq(home, self, dom))
		return true;
	for (size_t i = 0; i < p->nlocal_servers; i++)
		if (server_eq(home, p->local_servers[i], dom))
			return true;
	return false;
}

/* Is {auth_authen} xtext: configured, or auto and the MTA is Sendmail? */
bool
policy_login_is_xtext(const struct policy *p, const char *mta_version)
{
	switch (p->login_encoding) {
	case LOGIN_ENC_XTEXT:
		return true;
	case LOGIN_ENC_NONE:
		return false;
	case LOGIN_ENC_AUTO:
		break;
	}
	/* Sendmail's $v is its bare version ("8.17.1"); Postfix's v is
	 * "Postfix 3.7.11" */
	return mta_version != NULL && mta_version[0] >= '0' &&
	       mta_version[0] <= '9';
}

/* Write the account's directory facts into the verdict. */
static OUT_OF_LINE void
account_facts(struct verdict *v, const struct dir_lookup *l)
{
	const struct dir_account *a = l->acct;
	char list[1024];
	size_t n = 0;

	list[0] = '\0';
	copy_bounded(v->account, sizeof(v->account), a->name, strlen(a->name));
	add_fact(v, "account_id", a->id);
	for (size_t i = 0; i < a->naddrs; i++) { /* whole addresses only */
		size_t len = strlen(a->addrs[i]);
		if (n + len + 2 > sizeof(list))
			break;
		if (i > 0)
			list[n++] = ',';
		memcpy(list + n, a->addrs[i], len);
		n += len;
		list[n] = '\0';
	}
	add_fact(v, "addresses", list[0] ? list : "(none)");
	add_fact(v, "home", a->home ? a->home : "(none)");
	add_fact(v, "source", l->trace.source);
	add_fact(v, "cache", l->trace.from_cache
				     ? (l->trace.stale ? "stale" : "hit")
				     : "miss");
	v->from_cache = l->trace.from_cache;
	v->stale = l->trace.stale;
}

/* Unauthenticated rows of the table; domain is the sender's folded
 * domain, or NULL for a sender the parser refused. */
static OUT_OF_LINE void
decide_unauth(const struct policy *p, const struct facts *f,
	      const char *domain, struct verdict *v)
{
	char guess[ADDR_BUF];
	bool local;

	if (f->client_trusted) {
		set(v, ACT_ACCEPT, R_TRUSTED_CLIENT, NULL, NULL, 0);
		return;
	}
	if (domain == NULL) {
		/* no (usable) domain: the MTA qualifies a bare local part
		 * with its own domain; garbage is not let through either */
		local = sender_domain_guess(f->sender, f->sender_len, guess,
					    sizeof(guess)) == 0 ||
			policy_domain_is_local(p, guess);
		add_fact(v, "sender_domain", guess[0] ? guess : "(none)");
	} else {
		local = policy_domain_is_local(p, domain);
	}
	if (p->require_auth && local) {
		set(v, ACT_REJECT, R_NEED_AUTH, &p->need_auth, f->sender,
		    f->sender_len);
		return;
	}
	set(v, ACT_ACCEPT, domain ? R_FOREIGN_SENDER : R_SENDER_UNPARSABLE,
	    NULL, NULL, 0);
}

/* Who holds one ownership key: 1 the account (owned, or send-as through
 * the holder's delegates: *send_as), 0 another entry or several (the
 * level decides: not owned), 2 nobody (ask the next level), -1 directory
 * error (verdict set). */
static OUT_OF_LINE int
holder_decides(const struct policy *p, struct directory *dir,
	       const struct facts *f, const char *key,
	       const struct dir_account *acct, struct verdict *v,
	       bool *send_as)
{
	struct dir_lookup owner;
	int rc = 0;

	dir_find_owner(dir, key, &owner);
	switch (owner.status) {
	case DIR_ERROR:
		dir_error(p, f, v, &owner);
		rc = -1;
		break;
	case DIR_NOTFOUND:
		rc = 2;
		break;
	case DIR_AMBIGUOUS:
		add_fact(v, "owner", "(several)");
		if (owner.trace.ncandidates)
			add_fact(v, "owner_candidates", owner.trace.candidates);
		break;
	case DIR_OK:
		add_fact(v, "owner", owner.acct->id);
		add_fact(v, "owner_source", owner.trace.source);
		if (owner.acct->is_group)
			add_fact(v, "owner_is_group", "yes");
		if (strcasecmp(owner.acct->id, acct->id) == 0) {
			rc = 1; /* the account's own entry (a newer copy) */
			break;
		}
		/* delegates, group members, Send-As ACEs (directory.h) */
		enum send_as_via via = dir_account_send_as(owner.acct, acct);
		if (via != SEND_AS_NONE)
			add_fact(v, "send_as", send_as_via_name(via));
		if (via != SEND_AS_NONE && via != SEND_AS_ACL_DENIED) {
			*send_as = true;
			rc = 1;
		}
		break;
	}
	dir_release(dir, &owner);
	return rc;
}

/* Which address an account owns (policy.conf(5)): the exact sender key,
 * else its base address, else the domain's catch-all; at each level the
 * account holding it owns it, and another entry holding it decides
 * (send-as if it delegates to the account). A directory lookup is made
 * only when the account does not hold the key itself. 1 owned (*r set),
 * 0 not owned, -1 directory error (verdict set). */
static OUT_OF_LINE int
owns(const struct policy *p, struct directory *dir, const struct facts *f,
     const char *key, const struct dir_account *acct, struct verdict *v,
     enum reason *r)
{
	char base[KEY_BUF];
	const char *keys[DIR_OWNER_LEVELS];
	size_t n = dir_owner_keys(key, p->norm.subaddr_delims, base, keys);

	for (size_t i = 0; i < n; i++) {
		bool send_as = false;
		int rc = 1;

		if (!dir_account_holds(acct, keys[i]))
			rc = holder_decides(p, dir, f, keys[i], acct, v,
					    &send_as);
		if (rc == 2)
			continue;
		add_fact(v, "decided_by", keys[i]);
		add_fact(v, "level", i == 0		? "exact"
				     : keys[i][0] == '@' ? "catchall"
							 : "base");
		if (rc == 1)
			*r = send_as		    ? R_SEND_AS
			     : keys[i][0] == '@' ? R_CATCHALL
						 : R_OWNER;
		return rc;
	}
	add_fact(v, "owner", "(none)");
	return 0;
}

/* Owned, catch-all or send-as; then the home-server rule. */
static void
check_account(const struct policy *p, struct directory *dir,
	      const struct facts *f, const char *key,
	      const struct dir_lookup *l, struct verdict *v)
{
	const struct dir_account *acct = l->acct;
	enum reason r = R_OWNER;
	int rc = owns(p, dir, f, key, acct, v, &r);

	if (rc < 0)
		return;
	if (rc == 0) {
		not_owner(p, f, v, R_NOT_OWNER);
		return;
	}
	if (p->check_home_server &&
	    (acct->home == NULL || acct->home[0] == '\0'
		     ? p->home_missing_refuse
		     : !policy_home_is_local(p, acct->home, f->mta_name))) {
		add_fact(v, "rule", acct->home && acct->home[0]
					    ? "check_home_server"
					    : "home_server_missing");
		set(v, ACT_REJECT, R_NOT_LOCAL, &p->not_local, v->sender,
		    strlen(v->sender));
		return;
	}
	set(v, ACT_ACCEPT, r, NULL, NULL, 0);
}

/* Is the login (folded) in bypass_logins? */
static bool
bypass(const struct policy *p, const char *login)
{
	char folded[LOGIN_MAX + 1];

	copy_bounded(folded, sizeof(folded), login, strlen(login));
	ascii_lower_str(folded);
	return strmap_get(&p->bypass_logins, folded, NULL) != NULL;
}

/* A login that is no mailbox: refused, or accepted (check_off) when the
 * originator is not checked. */
static void
login_refused(const struct policy *p, const struct facts *f,
	      struct verdict *v, enum reason r)
{
	if (!p->check_originator)
		set(v, ACT_ACCEPT, R_CHECK_OFF, NULL, NULL, 0);
	else
		not_owner(p, f, v, r);
}

/* The login as an identity: xtext decoded (Sendmail), bypass_logins,
 * then identity_parse. 1 when this settled the verdict (bypass, checks
 * off, an undecodable or invalid login), else 0 and *id is the login. */
static OUT_OF_LINE int
login_identity(const struct policy *p, const struct facts *f,
	       struct verdict *v, struct identity *id)
{
	enum id_status ist;
	char decoded[LOGIN_MAX * 3 + 1];
	const char *login = f->login;

	if (f->login_xtext) {
		if (xtext_decode(f->login, strlen(f->login), decoded,
				 sizeof(decoded)) < 0) {
			add_fact(v, "login_error", "xtext");
			login_refused(p, f, v, R_LOGIN_INVALID);
			return 1;
		}
		login = decoded;
		add_fact(v, "login_decoded", login);
	}
	if (bypass(p, login)) {
		set(v, ACT_ACCEPT, R_BYPASS_LOGIN, NULL, NULL, 0);
		return 1;
	}
	ist = identity_parse(login, strlen(login), &p->identity, id);
	if (ist == ID_OK && identity_reduced(id) && bypass(p, id->user)) {
		add_fact(v, "user", id->user);
		set(v, ACT_ACCEPT, R_BYPASS_LOGIN, NULL, NULL, 0);
		return 1;
	}
	if (!p->check_originator && !p->check_home_server) {
		set(v, ACT_ACCEPT, R_CHECK_OFF, NULL, NULL, 0);
		return 1;
	}
	if (ist != ID_OK) {
		add_fact(v, "login_error", id_status_name(ist));
		login_refused(p, f, v, R_LOGIN_INVALID);
		return 1;
	}
	return 0;
}

/* Authenticated rows of the table. */
static OUT_OF_LINE void
decide_auth(const struct policy *p, struct directory *dir,
	    const struct facts *f, const char *key, struct verdict *v)
{
	struct identity id;
	struct dir_lookup l;

	if (login_identity(p, f, v, &id))
		return;
	add_fact(v, "user", id.user);
	if (id.domain[0])
		add_fact(v, "login_domain", id.domain);
	dir_find_account(dir, &id, &l);
	if (identity_reduced(&id) && l.status != DIR_ERROR)
		add_fact(v, "login_match", l.reduced ? "reduced" : "whole");
	switch (l.status) {
	case DIR_OK:
		account_facts(v, &l);
		check_account(p, dir, f, key, &l, v);
		if (!p->check_originator && v->action == ACT_REJECT &&
		    v->reason == R_NOT_OWNER)
			set(v, ACT_ACCEPT, R_CHECK_OFF, NULL, NULL, 0);
		break;
	case DIR_NOTFOUND:
	case DIR_AMBIGUOUS:
		add_fact(v, "source", l.trace.source);
		if (l.trace.ncandidates)
			add_fact(v, "candidates", l.trace.candidates);
		if (l.trace.error[0])
			add_fact(v, "why", l.trace.error);
		add_fact(v, "error", "The requested mailbox is not available "
				     "on this server");
		login_refused(p, f, v,
			      l.status == DIR_AMBIGUOUS ? R_LOGIN_AMBIGUOUS
							: R_LOGIN_UNKNOWN);
		break;
	case DIR_ERROR:
		add_fact(v, "source", l.trace.source);
		dir_error(p, f, v, &l);
		break;
	}
	dir_release(dir, &l);
}

/* allowed_forged_senders: waive a refusal of a listed sender, keeping
 * the refusal's reason as a fact (exempted=REASON, pattern=PATTERN). */
static OUT_OF_LINE void
exempt_sender(const struct policy *p, const char *key, struct verdict *v)
{
	const char *pattern = exempt_match(&p->allowed_senders, key);
	char base[KEY_BUF];

	/* the sender as written, then its base address (SUB-ADDRESSES) */
	if (pattern == NULL && p->allowed_senders.used > 0 &&
	    key_base(key, p->norm.subaddr_delims, base, sizeof(base)) > 0)
		pattern = exempt_match(&p->allowed_senders, base);
	if (pattern == NULL)
		return;
	add_fact(v, "exempted", reason_name(v->reason));
	add_fact(v, "pattern", pattern);
	set(v, ACT_ACCEPT, R_ALLOWED_SENDER, NULL, NULL, 0);
}

/* Parse the sender, write it cleaned into v->sender and its lookup key
 * into key. ADDR_OK, or why the sender is unusable (a fact is added). */
static OUT_OF_LINE enum addr_status
sender_key(const struct policy *p, const struct facts *f, struct verdict *v,
	   char key[KEY_BUF])
{
	struct address a;
	enum addr_status st;

	st = addr_parse(f->sender, f->sender_len, &p->limits, &a);
	if (st != ADDR_OK) {
		add_fact(v, "sender_error", addr_status_name(st));
		return st;
	}
	if (a.is_null) {
		key[0] = '\0';
		return ADDR_OK;
	}
	if (addr_format(&a, v->sender, sizeof(v->sender)) == 0 ||
	    addr_key(&a, &p->norm, key, KEY_BUF) != NORM_OK) {
		add_fact(v, "sender_error", "idna");
		return ADDR_STATUS_COUNT; /* not a parse status: IDNA */
	}
	return ADDR_OK;
}

/* Decide one message. */
void
decide(const struct policy *p, struct directory *dir, const struct facts *f,
       struct verdict *v)
{
	char key[KEY_BUF];
	bool authed = f->login != NULL && f->login[0] != '\0';

	verdict_reset(v);
	reply_clean(f->sender, f->sender_len, REPLY_SENDER_MAX, v->sender,
		    sizeof(v->sender));
	if (!authed && f->auth_type != NULL && f->auth_type[0] != '\0') {
		add_fact(v, "auth_type", f->auth_type);
		add_fact(v, "error", "{auth_type} without {auth_authen}: the "
				     "MTA does not pass the login");
		if (p->on_missing_login == MISSING_TEMPFAIL) {
			set(v, ACT_TEMPFAIL, R_LOGIN_MISSING, &p->tempfail,
			    f->sender, f->sender_len);
			return;
		}
	}
	if (sender_key(p, f, v, key) != ADDR_OK) {
		if (!authed)
			decide_unauth(p, f, NULL, v);
		else
			set(v, ACT_REJECT, R_SENDER_INVALID, &p->bad_sender,
			    NULL, 0);
		return;
	}
	if (key[0] == '\0') { /* the null sender <> */
		if (!authed || p->allow_null_sender)
			set(v, ACT_ACCEPT, R_NULL_SENDER, NULL, NULL, 0);
		else
			not_owner(p, f, v, R_NULL_DENIED);
		return;
	}
	add_fact(v, "sender_key", key);
	if (!authed)
		decide_unauth(p, f, key_domain(key), v);
	else
		decide_auth(p, dir, f, key, v);
	if (v->action == ACT_REJECT)
		exempt_sender(p, key, v);
}

/* An Exchange-only verb before AUTH. */
void
decide_unknown_verb(const struct policy *p, bool authenticated,
		    struct verdict *v)
{
	verdict_reset(v);
	if (authenticated) {
		set(v, ACT_ACCEPT, R_UNKNOWN_VERB, NULL, NULL, 0);
		return;
	}
	set(v, ACT_REJECT, R_UNKNOWN_VERB, &p->need_auth, NULL, 0);
}
