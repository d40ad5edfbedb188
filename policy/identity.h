/*
 * identity.h - reduce an SMTP AUTH login to the names the directory knows.
 *
 * Logins come as "user", "DOMAIN\user" (NTLM/SPA clients, Q191558) or
 * "user@REALM" (Kerberos, UPN, full-address logins of hosting sites). The
 * whole login (case-folded) is always tried first; DOMAIN\ or @REALM is
 * removed only when the admin lists that NT domain or realm (policy.conf
 * identity section). The pieces are offered to directory filters as %u
 * (user), %d (NT domain or realm) and %s (the login as sent). Pure: no I/O.
 */
#ifndef POLICY_IDENTITY_H
#define POLICY_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#define LOGIN_MAX 256

struct identity_rules {
	/* realms whose "user@REALM" reduces to "user": folded domains (A-label),
	 * an entry ".parent" covers every subdomain of parent */
	const char *const *realms;
	size_t nrealms;
	/* NT domains whose "DOMAIN\user" reduces to "user" (any case) */
	const char *const *nt_domains;
	size_t nnt_domains;
	bool fold_case;         /* login, %u and %d lower-cased */
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
	char login[LOGIN_MAX + 1];  /* the whole login, folded: looked up first;
				       "" = only user is looked up */
	char user[LOGIN_MAX + 1];   /* %u: the reduced login (== login when no
				       listed realm / NT domain was removed) */
	char domain[LOGIN_MAX + 1]; /* %d: NT domain or realm, may be "" */
};

/* No realms, no NT domains (nothing is reduced), fold case. */
void identity_rules_default(struct identity_rules *r);

enum id_status identity_parse(const char *login, size_t len,
			      const struct identity_rules *r,
			      struct identity *out);

/* True if the identity was reduced (user differs from the whole login). */
bool identity_reduced(const struct identity *id);

const char *id_status_name(enum id_status st);

#endif
