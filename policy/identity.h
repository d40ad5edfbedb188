/*
 * identity.h - reduce an SMTP AUTH login to the name the directory knows.
 *
 * Logins come as "user", "DOMAIN\user" (NTLM/SPA clients, Q191558) or
 * "user@REALM" (Kerberos, UPN). The rules come from policy.conf's identity
 * section. The pieces are offered to directory filters as %u (user),
 * %d (NT domain or realm) and %s (the login as sent). Pure: no I/O.
 */
#ifndef POLICY_IDENTITY_H
#define POLICY_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#define LOGIN_MAX 256

enum realm_mode {
	REALM_STRIP, /* user@REALM -> %u = user */
	REALM_KEEP,  /* user@REALM -> %u = user@REALM */
};

struct identity_rules {
	bool strip_nt_domain;   /* DOMAIN\user -> %u = user */
	enum realm_mode realm;  /* what becomes of @REALM */
	bool fold_case;         /* %u and %d lower-cased */
	size_t max_len;         /* longest login accepted (<= LOGIN_MAX) */
};

enum id_status {
	ID_OK = 0,
	ID_E_EMPTY,     /* empty login, or empty user part */
	ID_E_LONG,      /* longer than max_len */
	ID_E_CONTROL,   /* NUL, CR, LF or other control octets */
	ID_E_UTF8,      /* invalid UTF-8 */
	ID_E_FORM,      /* more than one separator, or both \ and @ misplaced */
	ID_STATUS_COUNT
};

struct identity {
	char sent[LOGIN_MAX + 1];   /* %s: the login as sent */
	char user[LOGIN_MAX + 1];   /* %u */
	char domain[LOGIN_MAX + 1]; /* %d: NT domain or realm, may be "" */
};

void identity_rules_default(struct identity_rules *r);

enum id_status identity_parse(const char *login, size_t len,
			      const struct identity_rules *r,
			      struct identity *out);

const char *id_status_name(enum id_status st);

#endif
