/*
 * restart.h - the settings the daemon applies once, at start: socket,
 * user, umask, pid_file, log and thread_stack_kb. A reload that changes one of them says so
 * (event=restart_required) instead of ignoring it.
 */
#ifndef MILTER_RESTART_H
#define MILTER_RESTART_H

#include <stdbool.h>

#include "config.h"

/* Remember the values in force; socket_from_cmdline: -p overrode socket. */
void restart_remember(const struct config *c, bool socket_from_cmdline);
/* Log event=restart_required for each such key c changes; the count. */
int restart_check(const struct config *c);

#endif
