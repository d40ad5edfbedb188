/*
 * identity.c - reduce a SASL login ("user", "DOMAIN\user", "user@REALM")
 * to the whole login, the reduced login and the %u / %d / %s pieces the
 * directory searches with. Only listed NT domains and realms are removed.
 */
#include <string.h>
#include <strings.h>

#include "identity.h"
#include "normalize.h"
#include "textutil.h"

static const char *const id_names[ID_STATUS_COUNT] = {
	[ID_OK] = "ok",
	[ID_E_EMPTY] = "empty_login",
	[ID_E_LONG] = "login_too_long",
	[ID_E_CONTROL] = "control_character",
	[ID_E_UTF8] = "invalid_utf8",
	[ID_E_FORM] = "login_form",
};

/* Stable name of a status for logs. */
const char *
id_status_name(enum id_status st)
{
	if ((unsigned)st >= ID_STATUS_COUNT)
		return "unknown";
	return id_names[st];
}

/* Defaults: nothing listed (no login is reduced), fold case. */
void
identity_rules_default(struct identity_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->fold_case = true;
	r->max_len = LOGIN_MAX;
}

/* Number of times c occurs in s[0..len). */
static size_t
count_char(const char *s, size_t len, char c)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += (s[i] == c);
	return n;
}

/* Is the NT domain d[0..len) listed? */
static bool
nt_listed(const struct identity_rules *r, const char *d, size_t len)
{
	for (size_t i = 0; i < r->nnt_domains; i++)
		if (strlen(r->nt_domains[i]) == len &&
		    strncasecmp(r->nt_domains[i], d, len) == 0)
			return true;
	return false;
}

/* Is the realm d[0..len) listed (exactly, or below a ".parent" entry)? */
static bool
realm_listed(const struct identity_rules *r, const char *d, size_t len)
{
	char folded[LOGIN_MAX + 8];

	if (r->nrealms == 0 || domain_fold(d, len, folded, sizeof(folded)) != 0)
		return false;
	for (size_t i = 0; i < r->nrealms; i++) {
		const char *e = r->realms[i];
		size_t el = strlen(e), fl = strlen(folded);
		if (strcmp(e, folded) == 0)
			return true;
		if (e[0] == '.' && fl > el && strcmp(folded + fl - el, e) == 0)
			return true;
	}
	return false;
}

/* True if the identity was reduced. */
bool
identity_reduced(const struct identity *id)
{
	return id->login[0] != '\0' && strcmp(id->login, id->user) != 0;
}

/* Split the login into user and domain; user and ulen: the reduced user. */
static enum id_status
split(const char *login, size_t len, const struct identity_rules *r,
      struct identity *out, const char **user, size_t *ulen)
{
	const char *bs = memchr(login, '\\', len);
	const char *at = memchr(login, '@', len);

	*user = login;
	*ulen = len;
	if (bs != NULL && at != NULL)
		return ID_E_FORM; /* both DOMAIN\ and @REALM */
	if (bs != NULL) {
		size_t dl = (size_t)(bs - login);
		if (dl == 0 || bs + 1 == login + len)
			return ID_E_FORM;
		copy_bounded(out->domain, sizeof(out->domain), login, dl);
		if (nt_listed(r, login, dl)) {
			*user = bs + 1;
			*ulen = len - dl - 1;
		}
	} else if (at != NULL) {
		size_t ul = (size_t)(at - login), rl = len - ul - 1;
		if (ul == 0 || rl == 0)
			return ID_E_FORM;
		copy_bounded(out->domain, sizeof(out->domain), at + 1, rl);
		if (realm_listed(r, at + 1, rl))
			*ulen = ul;
	}
	return ID_OK;
}

/* Reduce a login by the rules. */
enum id_status
identity_parse(const char *login, size_t len, const struct identity_rules *r,
	       struct identity *out)
{
	const char *user;
	size_t ulen;
	enum id_status st;

	memset(out, 0, sizeof(*out));
	if (login == NULL || len == 0)
		return ID_E_EMPTY;
	if (len > r->max_len || len > LOGIN_MAX)
		return ID_E_LONG;
	if (has_control(login, len))
		return ID_E_CONTROL;
	if (!utf8_valid(login, len))
		return ID_E_UTF8;
	if (count_char(login, len, '\\') > 1 || count_char(login, len, '@') > 1)
		return ID_E_FORM;
	copy_bounded(out->sent, sizeof(out->sent), login, len);
	copy_bounded(out->login, sizeof(out->login), login, len);

	st = split(login, len, r, out, &user, &ulen);
	if (st != ID_OK) {
		out->login[0] = '\0';
		return st;
	}
	if (ulen == 0)
		return ID_E_EMPTY;
	copy_bounded(out->user, sizeof(out->user), user, ulen);
	if (r->fold_case) {
		ascii_lower_str(out->login);
		ascii_lower_str(out->user);
		ascii_lower_str(out->domain);
	}
	return ID_OK;
}
