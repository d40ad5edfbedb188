/*
 * explain.h - origin-milter [-L LISTENER] [-j MTA] [-F FROM] -x LOGIN SENDER
 * [CLIENT]:
 * the admin's troubleshooting tool. It decides one message exactly as the
 * daemon would (the same code path, judge.c, given the MTA's name) and
 * prints the verdict, the reply, the reason and the directory facts.
 */
#ifndef MILTER_EXPLAIN_H
#define MILTER_EXPLAIN_H

struct explain_args {
	const char *login;       /* "-" = not authenticated */
	const char *sender;      /* MAIL FROM argument */
	const char *client;      /* IP address, or NULL */
	const char *mta_name;    /* -j: the MTA's j macro; NULL = host name */
	const char *from_header; /* -F: a From: value to check, or NULL */
	const char *mta_version; /* the MTA's v macro (-v with -x), or NULL */
	const char *listener;    /* -L: a listener section's name, or NULL */
};

/* Exit code: 0 accept, 1 reject, 75 tempfail, 78 configuration error. */
int explain(const char *config_path, const struct explain_args *a);

#endif
