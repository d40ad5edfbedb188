/*
 * oracle_model.c - the specification of COMMON.md ("the identity/address
 * semantics we adopt") as plain code over the structured world of
 * oracle_model.h, for the differential oracle. Deliberately naive: linear
 * scans, no hashing, no normalisation library, no code from policy/.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "oracle_model.h"

/* Case-insensitive equality. */
static bool
ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* Is s in the list (ignoring case)? */
static bool
listed(const char *const *list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (ieq(list[i], s))
			return true;
	return false;
}

/* The comparison key: domain folded, local part folded unless
 * local_part_case = sensitive. */
static void
key(const struct m_world *w, const char *local, const char *domain, char *out,
    size_t size)
{
	size_t n = (size_t)snprintf(out, size, "%s@%s", local, domain);

	for (size_t i = 0; i < n && i < size; i++)
		if (!w->case_sensitive || i >= strlen(local))
			out[i] = (char)tolower((unsigned char)out[i]);
}

/* The entry holding local@domain exactly (local "" = the catch-all), or
 * -1: every entry counts, mailbox or contact. */
static int
holder(const struct m_world *w, const char *local, const char *domain)
{
	char want[160], have[160];

	key(w, local, domain, want, sizeof(want));
	for (int i = 0; i < w->n; i++)
		for (int k = 0; k < w->e[i].naddrs; k++) {
			key(w, w->e[i].addrs[k].local, w->e[i].addrs[k].domain,
			    have, sizeof(have));
			if (strcmp(want, have) == 0)
				return i;
		}
	return -1;
}

/* The one mailbox with this login: its index, -1 for none (or contacts
 * only), -2 for several. */
static int
by_login(const struct m_world *w, const char *login)
{
	int found = -1, n = 0;

	for (int i = 0; i < w->n; i++)
		if (!w->e[i].contact &&
		    listed(w->e[i].logins, w->e[i].nlogins, login)) {
			found = i;
			n++;
		}
	return n > 1 ? -2 : found;
}

/* The login with a listed NT domain or realm removed, else the login. */
static void
reduce(const struct m_world *w, const char *login, char *out, size_t size)
{
	const char *bs = strchr(login, '\\'), *at = strchr(login, '@');
	char part[128];

	snprintf(out, size, "%s", login);
	if (bs != NULL && at == NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(bs - login), login);
		if (listed(w->nt, w->nnt, part))
			snprintf(out, size, "%s", bs + 1);
	} else if (at != NULL && bs == NULL) {
		if (listed(w->realms, w->nrealms, at + 1))
			snprintf(out, size, "%.*s", (int)(at - login), login);
	}
}

/* The account of a login: the whole login first, then the reduced one. */
static int
account(const struct m_world *w, const char *login)
{
	char user[128];
	int a = by_login(w, login);

	if (a != -1)
		return a;
	reduce(w, login, user, sizeof(user));
	return strcmp(user, login) == 0 ? -1 : by_login(w, user);
}

/* Postfix's split_addr: the base of a sub-address into base, or false. */
static bool
split(const struct m_world *w, const char *local, char *base, size_t size)
{
	size_t len = strlen(local), n = strcspn(local, w->delims);

	if (w->delims[0] == '\0' || ieq(local, "postmaster") ||
	    ieq(local, "mailer-daemon") || ieq(local, "double-bounce"))
		return false;
	if (strchr(w->delims, '-') != NULL &&
	    (strncasecmp(local, "owner-", 6) == 0 ||
	     (len > 8 && ieq(local + len - 8, "-request"))))
		return false;
	if (n == 0 || n == len)
		return false;
	snprintf(base, size, "%.*s", (int)n, local);
	return true;
}

/* Does entry h name a login of mailbox a among its delegates? */
static bool
delegates(const struct m_world *w, int h, int a)
{
	for (int i = 0; i < w->e[h].ndelegates; i++)
		if (listed(w->e[a].logins, w->e[a].nlogins,
		           w->e[h].delegates[i]))
			return true;
	return false;
}

/* Which rule lets mailbox a send as x, or "not_owner": the most specific
 * holder decides (exact, then base of a sub-address, then catch-all). */
static const char *
owns(const struct m_world *w, int a, const struct m_addr *x)
{
	char base[80];
	int h = holder(w, x->local, x->domain);
	bool catchall = false;

	if (h < 0 && split(w, x->local, base, sizeof(base)))
		h = holder(w, base, x->domain);
	if (h < 0) {
		h = holder(w, "", x->domain);
		catchall = true;
	}
	if (h == a)
		return catchall ? "catchall" : "owner";
	if (h >= 0 && delegates(w, h, a))
		return "send_as";
	return "not_owner";
}

/* A verdict. */
static struct m_verdict
v(enum m_action action, const char *reason)
{
	struct m_verdict r = {action, reason};
	return r;
}

/* The envelope rules for one sender. */
static struct m_verdict
envelope(const struct m_world *w, const char *login, const struct m_sender *s)
{
	bool authed = login[0] != '\0';
	bool local = s->a.domain[0] == '\0' ||
	             listed(w->local_domains, w->nlocal, s->a.domain);
	char user[128];
	const char *r;
	int a;

	if (!s->valid && authed)
		return v(M_REJECT, "sender_invalid");
	if (!s->valid)
		return local && w->require_auth
		           ? v(M_REJECT, "need_auth")
		           : v(M_ACCEPT, "sender_unparsable");
	if (s->null)
		return !authed || w->allow_null
		           ? v(M_ACCEPT, "null_sender")
		           : v(M_REJECT, "null_sender_denied");
	if (!authed)
		return local && w->require_auth ? v(M_REJECT, "need_auth")
		                                : v(M_ACCEPT, "foreign_sender");
	reduce(w, login, user, sizeof(user));
	if (w->bypass != NULL &&
	    (ieq(login, w->bypass) || ieq(user, w->bypass)))
		return v(M_ACCEPT, "bypass_login");
	if (!w->check_originator && !w->check_home)
		return v(M_ACCEPT, "check_off");
	a = account(w, login);
	if (a < 0)
		return !w->check_originator ? v(M_ACCEPT, "check_off")
		       : a == -2            ? v(M_REJECT, "login_ambiguous")
		                            : v(M_REJECT, "login_unknown");
	r = owns(w, a, &s->a);
	if (strcmp(r, "not_owner") == 0)
		return w->check_originator ? v(M_REJECT, r)
		                           : v(M_ACCEPT, "check_off");
	if (w->check_home && w->e[a].home != NULL &&
	    !ieq(w->e[a].home, w->server_name))
		return v(M_REJECT, "not_local");
	return v(M_ACCEPT, r);
}

/* Every address of one header by the envelope rules. */
static struct m_verdict
header(const struct m_world *w, const char *login, const struct m_header *h)
{
	struct m_sender s = {false, true, {"", ""}};
	struct m_verdict r = v(M_ACCEPT, "owner");

	if (h->bad)
		return v(M_REJECT, "header_unparsable");
	for (int i = 0; i < h->na && r.action == M_ACCEPT; i++) {
		if (h->a_invalid[i])
			return v(M_REJECT, "header_unparsable");
		s.a = h->a[i];
		r = envelope(w, login, &s);
	}
	return r;
}

/* The envelope, then (authenticated, check_header_from) the headers. */
struct m_verdict
m_decide(const struct m_world *w, const struct m_tx *t)
{
	struct m_verdict r = envelope(w, t->login, &t->s), h;

	if (r.action != M_ACCEPT || t->login[0] == '\0' ||
	    !w->check_header_from)
		return r;
	if (t->nfrom > 1 || t->nsender > 1)
		return v(M_REJECT, "header_unparsable");
	if (t->nfrom == 1 &&
	    (h = header(w, t->login, &t->from[0])).action != M_ACCEPT)
		return h;
	if (t->nsender == 1 &&
	    (h = header(w, t->login, &t->sender[0])).action != M_ACCEPT)
		return h;
	return r;
}
