/*
 * socket_spec.h - the milter socket a policy.conf or -p names: its syntax,
 * and the rule that an inet socket names a host, a loopback one unless a
 * remote MTA is allowed (the filter answers who owns which address: it
 * must not listen where anyone can ask).
 */
#ifndef CONF_SOCKET_SPEC_H
#define CONF_SOCKET_SPEC_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when spec is unix:/path, local:/path, inet:PORT@HOST or
 * inet6:PORT@HOST with a loopback HOST (any HOST when allow_remote);
 * else -1 and why in msg (no FILE:LINE prefix). */
int socket_spec_check(const char *spec, bool allow_remote, char *msg,
                      size_t msgsz);

#endif
