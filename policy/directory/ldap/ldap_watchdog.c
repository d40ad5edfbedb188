/*
 * ldap_watchdog.c - one thread that shuts down the sockets of connection
 * set-ups past their deadline (see ldap_watchdog.h for why).
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ldap_watchdog.h"

struct watchdog {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool started, stop;
	struct watch *armed;     /* list of armed watches */
};

/* a is before b. */
static bool
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Cut w's socket if it has one (lock held). */
static void
fire(struct watch *w)
{
	w->fired = true;
	if (w->fd >= 0)
		shutdown(w->fd, SHUT_RDWR);
}

/* Fire the expired watches; the earliest deadline left in *next. */
static bool
sweep(struct watchdog *wd, struct timespec *next)
{
	struct timespec now;
	bool any = false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (struct watch *w = wd->armed; w != NULL; w = w->next) {
		if (w->fired)
			continue;
		if (!ts_before(&now, &w->deadline)) {
			fire(w);
			continue;
		}
		if (!any || ts_before(&w->deadline, next))
			*next = w->deadline;
		any = true;
	}
	return any;
}

/* The watchdog thread. */
static void *
run(void *arg)
{
	struct watchdog *wd = arg;
	struct timespec next;
	pthread_mutex_lock(&wd->lock);
	while (!wd->stop) {
		if (sweep(wd, &next))
			pthread_cond_timedwait(&wd->wake, &wd->lock, &next);
		else
			pthread_cond_wait(&wd->wake, &wd->lock);
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

/* A new watchdog (no thread yet). */
struct watchdog *
watchdog_new(void)
{
	struct watchdog *wd = calloc(1, sizeof(*wd));
	if (wd == NULL)
		return NULL;
	pthread_mutex_init(&wd->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->wake, &ca);
	pthread_condattr_destroy(&ca);
	return wd;
}

/* Stop the thread and free the watchdog. */
void
watchdog_free(struct watchdog *wd)
{
	if (wd == NULL)
		return;
	pthread_mutex_lock(&wd->lock);
	wd->stop = true;
	pthread_cond_signal(&wd->wake);
	pthread_mutex_unlock(&wd->lock);
	if (wd->started)
		pthread_join(wd->thread, NULL);
	pthread_mutex_destroy(&wd->lock);
	pthread_cond_destroy(&wd->wake);
	free(wd);
}

/*
 * True if the TCP socket fd is connected to itself. A connect to a local
 * port nothing listens on, when that port lies in the ephemeral range, may
 * be given the same port as its source: TCP's simultaneous open then
 * "connects" the socket to itself. While a server on such a port is down,
 * a busy filter retrying thousands of times a second would hit this about
 * once a second and hold the port, so the server could not start again.
 */
static bool
self_connected(int fd)
{
	struct sockaddr_storage a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&a, &la) != 0 ||
	    getpeername(fd, (struct sockaddr *)&b, &lb) != 0 || la != lb ||
	    a.ss_family != b.ss_family)
		return false;
	if (a.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a, *y = (const void *)&b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a,
					  *y = (const void *)&b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr,
			      sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

/* Drop a self-connected socket so that the port is free at once: a
 * shutdown would exchange FINs with itself and leave the port in
 * TIME_WAIT for a minute (a listener's SO_REUSEADDR does not help, as the
 * client socket lacks it); connecting to AF_UNSPEC takes the socket to
 * CLOSED, releases the port, and makes libldap's next read or write fail
 * as a lost server. */
static void
drop_self(int fd)
{
	struct sockaddr none;
	memset(&none, 0, sizeof(none));
	none.sa_family = AF_UNSPEC;
	if (connect(fd, &none, sizeof(none)) != 0)
		shutdown(fd, SHUT_RDWR);
}

/* libldap connected: remember the socket (cut at once if late, or if it
 * is connected to itself: the set-up then fails as "server down"). */
static int
on_connect(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
	   struct ldap_conncb *ctx)
{
	(void)ld;
	(void)srv;
	(void)addr;
	struct watch *w = ctx->lc_arg;
	int fd = -1;
	ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd);
	bool self = self_connected(fd);
	if (self)
		drop_self(fd);
	pthread_mutex_lock(&w->wd->lock);
	w->fd = fd;
	w->self = w->self || self;
	if (w->armed && w->fired)
		fire(w);
	pthread_mutex_unlock(&w->wd->lock);
	return 0;
}

/* libldap closes the connection: forget the socket. */
static void
on_close(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld;
	(void)sb;
	struct watch *w = ctx->lc_arg;
	pthread_mutex_lock(&w->wd->lock);
	w->fd = -1;
	pthread_mutex_unlock(&w->wd->lock);
}

/* Prepare a watch. */
void
watch_init(struct watch *w, struct watchdog *wd)
{
	w->next = NULL;
	w->wd = wd;
	w->cb.lc_add = on_connect;
	w->cb.lc_del = on_close;
	w->cb.lc_arg = w;
	w->fd = -1;
	w->armed = w->fired = w->self = false;
}

/* Arm w until deadline. */
int
watch_arm(struct watch *w, const struct timespec *deadline)
{
	struct watchdog *wd = w->wd;
	int rc = 0;
	pthread_mutex_lock(&wd->lock);
	if (!wd->started) {
		rc = pthread_create(&wd->thread, NULL, run, wd);
		wd->started = rc == 0;
	}
	if (rc == 0) {
		w->deadline = *deadline;
		w->fd = -1;
		w->fired = w->self = false;
		w->armed = true;
		w->next = wd->armed;
		wd->armed = w;
		pthread_cond_signal(&wd->wake);
	}
	pthread_mutex_unlock(&wd->lock);
	return rc == 0 ? 0 : -1;
}

/* Disarm w; whether it fired. */
bool
watch_disarm(struct watch *w)
{
	struct watchdog *wd = w->wd;
	pthread_mutex_lock(&wd->lock);
	struct watch **pp = &wd->armed;
	while (*pp != NULL && *pp != w)
		pp = &(*pp)->next;
	if (*pp == w)
		*pp = w->next;
	w->armed = false;
	w->next = NULL;
	bool fired = w->fired;
	pthread_mutex_unlock(&wd->lock);
	return fired;
}
