/*
 * ldap_watchdog.h - cut LDAP connections whose set-up outlives its deadline.
 *
 * libldap 2.5 with GnuTLS retries a TLS handshake (ldaps://, StartTLS)
 * inside gnutls_handshake for as long as the server stays silent: it
 * ignores LDAP_OPT_NETWORK_TIMEOUT and LDAP_OPT_TIMEOUT there and spins on
 * EAGAIN. A silent server (SIGSTOPped, hung, a black hole that accepted
 * the TCP connection) would hold a filter thread forever. The watchdog
 * learns each new socket through LDAP_OPT_CONNECT_CB and shuts it down
 * when the set-up's deadline passes, so the handshake fails at once.
 * Being the connect callback, it also drops a socket that TCP connected
 * to itself (a dead server on a local ephemeral port) and says so in
 * watch.self, so the port is free for the server to start again.
 */
#ifndef POLICY_LDAP_WATCHDOG_H
#define POLICY_LDAP_WATCHDOG_H

#include <ldap.h>
#include <stdbool.h>
#include <time.h>

struct watchdog;

/* One guarded connection set-up (embedded in a pool slot). */
struct watch {
	struct watch *next;
	struct watchdog *wd;
	struct ldap_conncb cb;   /* give &cb to LDAP_OPT_CONNECT_CB */
	struct timespec deadline;
	int fd;                  /* -1 until libldap has connected */
	bool armed, fired;
	bool self;               /* the socket was connected to itself (cut) */
};

/* A watchdog; its thread starts with the first watch. */
struct watchdog *watchdog_new(void);
/* Stop the thread and free (no watch may be armed). */
void watchdog_free(struct watchdog *wd);

/* Prepare w for use with wd (once). */
void watch_init(struct watch *w, struct watchdog *wd);
/* Guard the set-up that starts now until deadline (CLOCK_MONOTONIC);
 * 0, or -1 if the watchdog thread could not start. */
int watch_arm(struct watch *w, const struct timespec *deadline);
/* Stop guarding; true if the watchdog cut the connection. */
bool watch_disarm(struct watch *w);

#endif
