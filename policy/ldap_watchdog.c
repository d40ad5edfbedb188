/*
 * ldap_watchdog.c - one thread that shuts down the sockets of connection
 * set-ups past their deadline (see ldap_watchdog.h for why).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
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

/* libldap connected: remember the socket (cut at once if late). */
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
	pthread_mutex_lock(&w->wd->lock);
	w->fd = fd;
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
	w->armed = w->fired = false;
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
		w->fired = false;
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
