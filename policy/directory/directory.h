/*
 * directory.h - the directory interface the decision engine asks.
 *
 * A backend (accounts file, LDAP) answers two questions:
 *   1. which mailbox does this login map to?          (find_account)
 *   2. which mailbox owns this address, and who may send as it? (find_owner)
 * Answers are immutable account records. A backend that caches hands out
 * counted references; every record obtained must be given back with
 * dir_release(). A backend is created per configuration snapshot, used by
 * many threads at once, and destroyed when the snapshot's last user is gone.
 *
 * Address keys are the normalised keys of normalize.h ("local@domain", the
 * catch-all "@domain"); backends return account addresses in that form.
 */
#ifndef POLICY_DIRECTORY_H
#define POLICY_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "identity.h"
#include "normalize.h"

enum dir_status {
	DIR_OK = 0,    /* exactly one mailbox */
	DIR_NOTFOUND,  /* no entry at all */
	DIR_AMBIGUOUS, /* several entries, none or several of them mailboxes */
	DIR_ERROR,     /* the directory did not answer (temporary) */
};

/* One mailbox (or, for find_owner, any entry holding the address). */
struct dir_account {
	const char *id;           /* stable identifier: DN, or login for files */
	const char *name;         /* account name for logs (uid, login) */
	const char *const *addrs; /* normalised keys, catch-alls as "@domain" */
	size_t naddrs;
	const char *home;         /* home server name, NULL if none recorded */
	const char *const *delegates; /* ids (DNs/logins) that may send as it */
	size_t ndelegates;
	bool is_group;            /* delegates are the group's members */
	/* Active Directory (NULL/0 elsewhere): */
	const char *sid;          /* objectSid, "S-1-5-21-..." */
	const char *const *token; /* the SIDs of every group it is in,
				     nested ones too (tokenGroups) */
	size_t ntoken;
	const char *const *send_as_aces; /* its DACL's Send-As ACEs in
					    order: "+SID" allow, "-SID" deny */
	size_t nsend_as_aces;
	bool delegates_on_behalf; /* its delegates hold Exchange's Send on
				     Behalf (publicDelegates), not Send As */
};

/* Why an account may (or may not) send as another entry's address. */
enum send_as_via {
	SEND_AS_NONE = 0,    /* no grant at all */
	SEND_AS_DELEGATE,    /* listed as a delegate (or group member) */
	SEND_AS_ON_BEHALF,   /* a Send on Behalf delegate: the message must
				carry Sender: <the delegate's own address> */
	SEND_AS_GROUP,       /* member of the group, nested (tokenGroups) */
	SEND_AS_ACL,         /* an allow ACE for Send-As names it */
	SEND_AS_ACL_DENIED,  /* a deny ACE for Send-As comes first */
};

/* Where an answer came from, for logs and the explain tool. */
struct dir_trace {
	char source[256];  /* server URI or "file:PATH:LINE" */
	bool from_cache;
	bool stale;        /* served from an expired cache entry (stale_grace) */
	char error[256];   /* DIR_ERROR: what failed */
	/* DIR_AMBIGUOUS: every candidate, for the log */
	char candidates[1024];
	unsigned ncandidates;
};

struct dir_lookup {
	enum dir_status status;
	const struct dir_account *acct; /* DIR_OK: the account (a reference) */
	void *ref;                      /* backend's handle for dir_release */
	struct dir_trace trace;
	bool reduced; /* find_account: matched by the reduced login */
};

struct directory;

struct directory_ops {
	const char *name; /* "file", "ldap" */
	/* Map a login (id->user) to exactly one mailbox. dir_find_account
	 * calls it with the whole login first, then with the reduced one. */
	void (*find_account)(struct directory *d, const struct identity *id,
			     struct dir_lookup *out);
	/* The entry that holds an address key exactly (a catch-all key
	 * "@domain" is just a key). DIR_NOTFOUND when nobody holds it;
	 * DIR_AMBIGUOUS when several entries do and mailbox_filter cannot
	 * choose. Never strips or widens the key: the caller does. */
	void (*find_owner)(struct directory *d, const char *key,
			   struct dir_lookup *out);
	/* Give back out->ref. */
	void (*release)(struct directory *d, struct dir_lookup *l);
	/* One line of statistics (cache hits etc.), may be NULL. */
	void (*stats)(struct directory *d, char *buf, size_t size);
	void (*destroy)(struct directory *d);
};

struct directory {
	const struct directory_ops *ops;
	void *impl;
};

/* Convenience wrappers. dir_find_account looks up id->login (the whole
 * login) first and id->user (the reduced login) only if no mailbox has the
 * whole one; the record says which matched (struct dir_lookup.reduced). */
void dir_find_account(struct directory *d, const struct identity *id,
		      struct dir_lookup *out);
void dir_find_owner(struct directory *d, const char *key,
		    struct dir_lookup *out);
void dir_release(struct directory *d, struct dir_lookup *l);
void dir_destroy(struct directory *d);

/* Helpers for backends. */
void dir_lookup_init(struct dir_lookup *l);
void dir_trace_add_candidate(struct dir_trace *t, const char *id);

/* True if acct holds the address key exactly (no sub-address or catch-all
 * reasoning: see dir_owner_keys). */
bool dir_account_holds(const struct dir_account *acct, const char *key);

/* Which address an account owns is decided on up to three keys, most
 * specific first: the exact key, its base address when it has an
 * extension (key_base with delims), and the domain's catch-all "@domain".
 * The first key that the account or any other entry holds decides.
 * Points keys at them (the base address is written into base, the others
 * point into key) and returns how many (1 to 3). */
#define DIR_OWNER_LEVELS 3
size_t dir_owner_keys(const char *key, const char *delims, char base[KEY_BUF],
		      const char *keys[DIR_OWNER_LEVELS]);
/* True if delegate_id is among acct's delegates. */
bool dir_account_delegates_to(const struct dir_account *acct,
			      const char *delegate_id);

/* May acct send as owner's addresses? Delegation first, then group
 * membership by SID, then owner's Send-As ACEs in DACL order as Windows
 * evaluates one right: the first ACE naming a SID of acct's token (its
 * SID, its groups, Everyone, Authenticated Users, Self on its own entry)
 * decides. */
enum send_as_via dir_account_send_as(const struct dir_account *owner,
				     const struct dir_account *acct);
const char *send_as_via_name(enum send_as_via v);

#endif
