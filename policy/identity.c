/*
 * identity.c - reduce a SASL login ("user", "DOMAIN\user", "user@REALM")
 * to the %u / %d / %s pieces the directory searches with.
 */
#include <string.h>

#include "identity.h"
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

/* Defaults: strip DOMAIN\, strip @REALM, fold case. */
void
identity_rules_default(struct identity_rules *r)
{
	r->strip_nt_domain = true;
	r->realm = REALM_STRIP;
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

/* Split "DOMAIN\user": domain into out->domain, the rest returned. */
static enum id_status
split_nt(const char *login, size_t len, const struct identity_rules *r,
	 struct identity *out, const char **user, size_t *ulen)
{
	const char *bs = memchr(login, '\\', len);

	*user = login;
	*ulen = len;
	if (bs == NULL)
		return ID_OK;
	if (bs == login || bs + 1 == login + len)
		return ID_E_FORM;
	copy_bounded(out->domain, sizeof(out->domain), login,
		     (size_t)(bs - login));
	if (r->strip_nt_domain) {
		*user = bs + 1;
		*ulen = len - (size_t)(bs + 1 - login);
	}
	return ID_OK;
}

/* Reduce a login by the rules. */
enum id_status
identity_parse(const char *login, size_t len, const struct identity_rules *r,
	       struct identity *out)
{
	const char *user, *at;
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

	st = split_nt(login, len, r, out, &user, &ulen);
	if (st != ID_OK)
		return st;
	at = memchr(user, '@', ulen);
	if (at != NULL) {
		size_t rlen = ulen - (size_t)(at + 1 - user);
		if (at == user || rlen == 0)
			return ID_E_FORM;
		if (out->domain[0] != '\0' && memchr(login, '\\', len))
			return ID_E_FORM; /* both DOMAIN\ and @REALM */
		copy_bounded(out->domain, sizeof(out->domain), at + 1, rlen);
		if (r->realm == REALM_STRIP)
			ulen = (size_t)(at - user);
	}
	if (ulen == 0)
		return ID_E_EMPTY;
	copy_bounded(out->user, sizeof(out->user), user, ulen);
	if (r->fold_case) {
		ascii_lower_str(out->user);
		ascii_lower_str(out->domain);
	}
	return ID_OK;
}
