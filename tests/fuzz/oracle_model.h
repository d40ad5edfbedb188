/*
 * oracle_model.h - the differential oracle's own model of who may send as
 * what (COMMON.md's issue 9 semantics), written from the specification
 * without any code of policy/: a world (a directory and the policy keys
 * that matter) and a transaction in structured form, and the verdict the
 * specification gives. tests/fuzz/fuzz_oracle.c renders the same world as
 * an accounts file and policy.conf and runs the real filter against it.
 */
#ifndef TESTS_ORACLE_MODEL_H
#define TESTS_ORACLE_MODEL_H

#include <stdbool.h>

#define M_ENTRIES 10
#define M_NAMES 3
#define M_ADDRS 4
#define M_LIST 4
#define M_HDR_ADDRS 3

/* An address: local part ("" with catchall for "@domain") and domain. */
struct m_addr {
	char local[80];
	char domain[48];
};

/* One line of the accounts file. */
struct m_entry {
	const char *logins[M_NAMES];
	int nlogins;
	struct m_addr addrs[M_ADDRS]; /* local "" = the catch-all @domain */
	int naddrs;
	const char *delegates[M_NAMES]; /* logins of mailboxes */
	int ndelegates;
	bool contact;     /* type=contact: holds addresses, is no account */
	const char *home; /* NULL: none recorded */
};

/* The directory and the policy keys the model needs. */
struct m_world {
	struct m_entry e[M_ENTRIES];
	int n;
	const char *local_domains[M_LIST];
	int nlocal;
	const char *realms[M_LIST]; /* as in force (defaults resolved) */
	int nrealms;
	const char *nt[M_LIST];
	int nnt;
	char delims[4];      /* subaddress_delimiter, "" = off */
	bool case_sensitive; /* local_part_case = sensitive */
	bool check_originator, check_home, check_header_from;
	bool require_auth, allow_null;
	const char *server_name;
	const char *bypass; /* one bypass login or NULL */
};

/* MAIL FROM as the generator built it. */
struct m_sender {
	bool null;       /* <> */
	bool valid;      /* a valid RFC 5321 path */
	struct m_addr a; /* valid: the address; else a.domain is the
	                    best-effort domain ("" if none) */
};

/* One header (From: or Sender:) in structured form. */
struct m_header {
	bool bad; /* rendered unparsable */
	struct m_addr a[M_HDR_ADDRS];
	bool a_invalid[M_HDR_ADDRS]; /* parses, but no RFC 5321 path */
	int na;
};

struct m_tx {
	const char *login; /* "" = not authenticated */
	struct m_sender s;
	struct m_header from[2], sender[2];
	int nfrom, nsender;
};

enum m_action { M_ACCEPT, M_REJECT, M_TEMPFAIL };

struct m_verdict {
	enum m_action action;
	const char *reason; /* the filter's reason name */
};

/* The specification's verdict for one transaction. */
struct m_verdict m_decide(const struct m_world *w, const struct m_tx *t);

#endif
