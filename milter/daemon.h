/*
 * daemon.h - process set-up: background, pid file, privilege drop and the
 * listening socket (stale UNIX socket removal, umask).
 */
#ifndef MILTER_DAEMON_H
#define MILTER_DAEMON_H

#include "config.h"

/* Detach from the terminal; 0 or -1. */
int daemon_detach(void);
/* Write the pid file ("" = none); 0 or -1 with err. */
int daemon_write_pid(const char *path, char *err, size_t errsz);
/* Become user ("" = stay); 0 or -1 with err. */
int daemon_drop_privileges(const char *user, char *err, size_t errsz);
/* Stack size of the threads created from now on (libmilter's session
 * threads), in KiB; 0 keeps libc's default. 0 or -1 with err. */
int daemon_thread_stack(unsigned kb, char *err, size_t errsz);
/* Remove a UNIX socket left by a dead instance; refuse if one answers. */
int daemon_clear_socket(const char *spec, char *err, size_t errsz);

#endif
