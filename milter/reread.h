/*
 * reread.h - the files a reload reads again (policy.conf, the accounts
 * file, the LDAP bind password file), checked as the user that will read
 * them: the daemon reads them first as root, then drops to "user".
 */
#ifndef MILTER_REREAD_H
#define MILTER_REREAD_H

#include "config.h"

/* In the daemon, after dropping privileges: log event=reload_will_fail
 * for each file this process cannot open now; the count. */
int reread_check_log(const struct config *c);
/* For -n: the same check as c->user (a child drops privileges when we
 * are root), one warning line per file on stderr; non-zero when any. */
int reread_check_as_user(const struct config *c);

#endif
