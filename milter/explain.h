/*
 * explain.h - origin-milter [-L LISTENER] -x LOGIN SENDER [CLIENT]: the admin's
 * troubleshooting tool. It decides one message exactly as the daemon would
 * and prints the verdict, the reply, the reason and the directory facts.
 */
#ifndef MILTER_EXPLAIN_H
#define MILTER_EXPLAIN_H

/* Exit code: 0 accept, 1 reject, 75 tempfail, 78 configuration error. */
int explain(const char *config_path, const char *login, const char *sender,
	    const char *client, const char *listener);

#endif
