/*
 * ldap_pool.c - bound libldap handles shared by the filter's threads, with
 * lazy connection, failover across URIs and deadlines on every wait.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sasl/sasl.h>

#include "ldap_pool.h"
#include "ldap_watchdog.h"

struct slot {
	LDAP *ld;
	size_t uri;     /* index of the URI it is connected to */
	int busy;
	struct watch watch; /* bounds connect, TLS and bind */
};

struct ldap_pool {
	const struct ldap_opts *o;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct slot *slots;
	time_t *down_until;    /* per URI: failed recently, try it last */
	struct watchdog *wd;
	unsigned long searches, connects, failures, timeouts;
};

/* d = now + seconds on CLOCK_MONOTONIC. */
void
deadline_after(struct timespec *d, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	long ns = (long)((seconds - (double)(long)seconds) * 1e9);
	d->tv_sec += (time_t)seconds;
	d->tv_nsec += ns;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

/* Seconds until d (negative when passed). */
double
deadline_left(const struct timespec *d)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(d->tv_sec - now.tv_sec) +
	       (double)(d->tv_nsec - now.tv_nsec) / 1e9;
}

/* A timeval of the given seconds, at least 1 ms. */
static struct timeval
tv_of(double s)
{
	struct timeval tv;
	if (s < 0.001)
		s = 0.001;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* Create a pool; nothing is connected yet. */
struct ldap_pool *
ldap_pool_new(const struct ldap_opts *o)
{
	struct ldap_pool *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->o = o;
	p->slots = calloc(o->pool_size, sizeof(*p->slots));
	p->down_until = calloc(o->nuris, sizeof(*p->down_until));
	p->wd = watchdog_new();
	if (p->slots == NULL || p->down_until == NULL || p->wd == NULL) {
		free(p->slots);
		free(p->down_until);
		watchdog_free(p->wd);
		free(p);
		return NULL;
	}
	for (unsigned i = 0; i < o->pool_size; i++)
		watch_init(&p->slots[i].watch, p->wd);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	return p;
}

/* Close every handle and free the pool (no search may be running). */
void
ldap_pool_free(struct ldap_pool *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < p->o->pool_size; i++)
		if (p->slots[i].ld != NULL)
			ldap_unbind_ext_s(p->slots[i].ld, NULL, NULL);
	watchdog_free(p->wd);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->slots);
	free(p->down_until);
	free(p);
}

/* Take a free slot, preferring a connected one; NULL at the deadline. */
static struct slot *
acquire(struct ldap_pool *p, const struct timespec *deadline)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct slot *empty = NULL;
		for (unsigned i = 0; i < p->o->pool_size; i++) {
			struct slot *s = &p->slots[i];
			if (s->busy)
				continue;
			if (s->ld != NULL) {
				s->busy = 1;
				pthread_mutex_unlock(&p->lock);
				return s;
			}
			if (empty == NULL)
				empty = s;
		}
		if (empty != NULL) {
			empty->busy = 1;
			pthread_mutex_unlock(&p->lock);
			return empty;
		}
		if (pthread_cond_timedwait(&p->freed, &p->lock, deadline) ==
		    ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Give a slot back; close its handle first if it went bad. */
static void
release(struct ldap_pool *p, struct slot *s, int bad)
{
	if (bad && s->ld != NULL) {
		ldap_unbind_ext_s(s->ld, NULL, NULL);
		s->ld = NULL;
	}
	pthread_mutex_lock(&p->lock);
	s->busy = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* Remember that URI i failed: try it last for retry_after seconds. */
static void
mark_down(struct ldap_pool *p, size_t i)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&p->lock);
	p->down_until[i] = now.tv_sec + (time_t)p->o->retry_after;
	pthread_mutex_unlock(&p->lock);
	__atomic_fetch_add(&p->failures, 1, __ATOMIC_RELAXED);
}

/* The URIs in the order to try: healthy ones first, each group in
 * configured order. */
static void
uri_order(struct ldap_pool *p, size_t *order)
{
	struct timespec now;
	size_t n = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->o->nuris; i++)
		if (p->down_until[i] <= now.tv_sec)
			order[n++] = i;
	for (size_t i = 0; i < p->o->nuris; i++)
		if (p->down_until[i] > now.tv_sec)
			order[n++] = i;
	pthread_mutex_unlock(&p->lock);
}

/* Per-handle options: protocol, timeouts, TLS. */
static int
set_handle_opts(LDAP *ld, const struct ldap_opts *o, double budget)
{
	int v3 = LDAP_VERSION3;
	struct timeval tv = tv_of(budget);

	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) != 0)
		return -1;
	static const int levels[] = {
		[TLS_CHECK_DEMAND] = LDAP_OPT_X_TLS_DEMAND,
		[TLS_CHECK_NEVER] = LDAP_OPT_X_TLS_NEVER,
		[TLS_CHECK_ALLOW] = LDAP_OPT_X_TLS_ALLOW,
		[TLS_CHECK_TRY] = LDAP_OPT_X_TLS_TRY,
		[TLS_CHECK_HARD] = LDAP_OPT_X_TLS_HARD,
	};
	int level = (unsigned)o->tls_require_cert < 5
			    ? levels[o->tls_require_cert]
			    : LDAP_OPT_X_TLS_DEMAND;
	int newctx = 0;
	if ((o->tls_ca_file != NULL &&
	     ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, o->tls_ca_file)) ||
	    (o->tls_cert_file != NULL &&
	     ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, o->tls_cert_file)) ||
	    (o->tls_key_file != NULL &&
	     ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, o->tls_key_file)) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &level) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &newctx))
		return -1;
	return 0;
}

/* SASL interaction for GSSAPI: nothing to ask, take the defaults. */
static int
sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	sasl_interact_t *it = in;
	for (; it->id != SASL_CB_LIST_END; it++) {
		it->result = it->defresult ? it->defresult : "";
		it->len = (unsigned)strlen(it->result);
	}
	return LDAP_SUCCESS;
}

/* SASL GSSAPI bind with the keytab's credentials (synchronous; the
 * watchdog bounds it). */
static int
gssapi_bind(LDAP *ld, char *err, size_t errsz)
{
	int rc = ldap_set_option(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
	if (rc == LDAP_SUCCESS)
		rc = ldap_sasl_interactive_bind_s(ld, NULL, "GSSAPI", NULL,
						  NULL, LDAP_SASL_QUIET,
						  sasl_interact, NULL);
	if (rc != LDAP_SUCCESS) {
		char *diag = NULL;
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		snprintf(err, errsz, "bind: GSSAPI: %s%s%.120s",
			 ldap_err2string(rc), diag ? ": " : "",
			 diag ? diag : "");
		ldap_memfree(diag);
	}
	return rc;
}

/* The error text of a refused bind; names the fix when the server wants
 * TLS or Kerberos (AD's "ldap server require strong auth"). */
static void
bind_error(char *err, size_t errsz, int rc)
{
	if (rc == LDAP_STRONG_AUTH_REQUIRED ||
	    rc == LDAP_CONFIDENTIALITY_REQUIRED)
		snprintf(err, errsz, "bind: %s: simple bind without TLS "
			 "refused (AD: ldap server require strong auth); use "
			 "ldaps://, starttls = true or sasl_mech = GSSAPI",
			 ldap_err2string(rc));
	else
		snprintf(err, errsz, "bind: %s", ldap_err2string(rc));
}

/* Bind ld as configured, waiting on the bind's own message id. */
static int
do_bind(LDAP *ld, const struct ldap_opts *o, double budget, char *err,
	size_t errsz)
{
	struct berval cred = { 0, NULL };
	const char *dn = NULL, *mech = LDAP_SASL_SIMPLE;
	int msgid, rc, lerr = 0;
	LDAPMessage *res = NULL;

	if (o->bind == LDAP_BIND_SIMPLE) {
		dn = o->bind_dn;
		cred.bv_val = o->bind_password;
		cred.bv_len = strlen(o->bind_password);
	} else if (o->bind == LDAP_BIND_EXTERNAL) {
		mech = "EXTERNAL";
	}
	/* EXTERNAL: an empty initial response (no authzid, RFC 4422). */
	static char empty[] = "";
	if (o->bind == LDAP_BIND_EXTERNAL)
		cred.bv_val = empty;
	if (o->bind == LDAP_BIND_GSSAPI)
		return gssapi_bind(ld, err, errsz);
	rc = ldap_sasl_bind(ld, dn, mech, &cred, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		snprintf(err, errsz, "bind: %s", ldap_err2string(rc));
		return rc;
	}
	struct timeval tv = tv_of(budget);
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
	if (rc <= 0) {
		ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &lerr);
		snprintf(err, errsz, "bind: %s", rc == 0 ? "timed out" :
			 ldap_err2string(lerr));
		return rc == 0 ? LDAP_TIMEOUT : (lerr ? lerr : LDAP_OTHER);
	}
	rc = ldap_parse_result(ld, res, &lerr, NULL, NULL, NULL, NULL, 1);
	if (rc == LDAP_SUCCESS)
		rc = lerr;
	if (rc != LDAP_SUCCESS)
		bind_error(err, errsz, rc);
	return rc;
}

/* StartTLS if configured, then bind; the LDAP code. */
static int
secure_and_bind(LDAP *ld, const struct ldap_opts *o, const char *uri,
		double budget, char *err, size_t errsz)
{
	char berr[200];
	int rc;
	if (o->starttls && strncasecmp(uri, "ldap://", 7) == 0) {
		rc = ldap_start_tls_s(ld, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			snprintf(err, errsz, "%s: starttls: %s", uri,
				 ldap_err2string(rc));
			return rc;
		}
	}
	rc = do_bind(ld, o, budget, berr, sizeof(berr));
	if (rc != LDAP_SUCCESS)
		snprintf(err, errsz, "%s: %s", uri, berr);
	return rc;
}

/* Open, secure and bind one handle to uri for slot s, the watchdog
 * cutting the socket at the budget's end; NULL with err set. */
static LDAP *
open_one(const struct ldap_opts *o, struct slot *s, const char *uri,
	 double budget, char *err, size_t errsz)
{
	LDAP *ld = NULL;
	struct timespec until;
	int rc = ldap_initialize(&ld, uri);
	if (rc != LDAP_SUCCESS) {
		snprintf(err, errsz, "%s: %s", uri, ldap_err2string(rc));
		return NULL;
	}
	if (set_handle_opts(ld, o, budget) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_CONNECT_CB, &s->watch.cb) != 0) {
		snprintf(err, errsz, "%s: cannot set options", uri);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	deadline_after(&until, budget);
	if (watch_arm(&s->watch, &until) != 0) {
		snprintf(err, errsz, "%s: cannot start the watchdog", uri);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	rc = secure_and_bind(ld, o, uri, budget, err, errsz);
	bool cut = watch_disarm(&s->watch);
	if (rc == LDAP_SUCCESS && !cut && !s->watch.self)
		return ld;
	if (s->watch.self)
		snprintf(err, errsz, "%s: connected to itself: nothing listens "
			 "on that port", uri);
	else if (cut)
		snprintf(err, errsz, "%s: no answer in time", uri);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return NULL;
}

/* Budget for one attempt: the time left shared by the tries left. */
static double
attempt_budget(const struct timespec *deadline, size_t tries_left)
{
	double left = deadline_left(deadline);
	return tries_left > 1 ? left / (double)tries_left : left;
}

/* Connect slot s to the first URI (in failover order) that answers. */
static int
connect_slot(struct ldap_pool *p, struct slot *s,
	     const struct timespec *deadline, char *err, size_t errsz)
{
	size_t order[p->o->nuris];
	uri_order(p, order);
	snprintf(err, errsz, "no server tried");
	for (size_t k = 0; k < p->o->nuris; k++) {
		double budget = attempt_budget(deadline, p->o->nuris - k);
		if (budget <= 0)
			return -1;
		s->ld = open_one(p->o, s, p->o->uris[order[k]], budget, err,
				 errsz);
		if (s->ld != NULL) {
			s->uri = order[k];
			__atomic_fetch_add(&p->connects, 1, __ATOMIC_RELAXED);
			return 0;
		}
		mark_down(p, order[k]);
	}
	return -1;
}

/* True if rc means the connection is gone and another try may help. */
static int
conn_lost(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	       rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY ||
	       rc == LDAP_TIMEOUT;
}

/* Search on s with its own message id; the LDAP code, and r->msg. */
static int
search_on(struct slot *s, const struct pool_query *q, double budget,
	  struct pool_result *r)
{
	int msgid, lerr = 0;
	struct timeval tv = tv_of(budget);
	int rc = ldap_search_ext(s->ld, q->base, q->scope, q->filter,
				 q->attrs, 0, q->sctrls, NULL, &tv, q->sizelimit,
				 &msgid);
	if (rc != LDAP_SUCCESS)
		return rc;
	rc = ldap_result(s->ld, msgid, LDAP_MSG_ALL, &tv, &r->msg);
	if (rc == 0) {
		ldap_abandon_ext(s->ld, msgid, NULL, NULL);
		return LDAP_TIMEOUT;
	}
	if (rc < 0) {
		ldap_get_option(s->ld, LDAP_OPT_RESULT_CODE, &lerr);
		return lerr ? lerr : LDAP_SERVER_DOWN;
	}
	LDAPMessage *last = NULL;
	for (LDAPMessage *m = r->msg; m != NULL; m = ldap_next_message(s->ld, m))
		last = m;
	if (last == NULL || ldap_msgtype(last) != LDAP_RES_SEARCH_RESULT)
		return LDAP_OTHER;
	rc = ldap_parse_result(s->ld, last, &lerr, NULL, NULL, NULL, NULL, 0);
	return rc != LDAP_SUCCESS ? rc : lerr;
}

/* Close the idle handles to URI u: they are as dead as the one that
 * just failed, and would use up the retries. */
static void
drop_idle(struct ldap_pool *p, size_t u)
{
	LDAP *dead[p->o->pool_size];
	unsigned n = 0;
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->o->pool_size; i++) {
		struct slot *s = &p->slots[i];
		if (!s->busy && s->ld != NULL && s->uri == u) {
			dead[n++] = s->ld;
			s->ld = NULL;
		}
	}
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < n; i++)
		ldap_unbind_ext_s(dead[i], NULL, NULL);
}

/* Release a failed slot and record why. */
static void
fail_slot(struct ldap_pool *p, struct slot *s, struct pool_result *r, int rc)
{
	snprintf(r->error, sizeof(r->error), "%s: %s", p->o->uris[s->uri],
		 rc == LDAP_TIMEOUT ? "no answer in time" : ldap_err2string(rc));
	if (rc == LDAP_TIMEOUT)
		__atomic_fetch_add(&p->timeouts, 1, __ATOMIC_RELAXED);
	mark_down(p, s->uri);
	drop_idle(p, s->uri);
	if (r->msg != NULL) {
		ldap_msgfree(r->msg);
		r->msg = NULL;
	}
	release(p, s, 1);
}

/* Search with failover; see ldap_pool.h. */
int
ldap_pool_search(struct ldap_pool *p, const struct pool_query *q,
		 const struct timespec *deadline, struct pool_result *r)
{
	memset(r, 0, sizeof(*r));
	__atomic_fetch_add(&p->searches, 1, __ATOMIC_RELAXED);
	size_t n = p->o->nuris;
	for (size_t k = 0; k <= n; k++) {
		struct slot *s = acquire(p, deadline);
		if (s == NULL) {
			if (r->error[0] == '\0')
				snprintf(r->error, sizeof(r->error),
					 "no free connection in time");
			return -1;
		}
		if (s->ld == NULL &&
		    connect_slot(p, s, deadline, r->error,
				 sizeof(r->error)) != 0) {
			release(p, s, 1);
			return -1;
		}
		/* share the time left among the servers not tried yet */
		double budget = attempt_budget(deadline, n - (k < n ? k : n - 1));
		int rc = search_on(s, q, budget, r);
		if (conn_lost(rc)) {
			fail_slot(p, s, r, rc);
			if (deadline_left(deadline) <= 0)
				return -1;
			continue;
		}
		r->ld = s->ld;
		r->rc = rc;
		r->slot = s;
		snprintf(r->source, sizeof(r->source), "%s", p->o->uris[s->uri]);
		return 0;
	}
	return -1;
}

/* Free a search's messages and give its handle back. */
void
ldap_pool_done(struct ldap_pool *p, struct pool_result *r)
{
	if (r->msg != NULL)
		ldap_msgfree(r->msg);
	r->msg = NULL;
	if (r->slot != NULL)
		release(p, r->slot, 0);
	r->slot = NULL;
}

/* Statistics line. */
void
ldap_pool_stats(struct ldap_pool *p, char *buf, size_t size)
{
	snprintf(buf, size, "ldap searches=%lu connects=%lu failures=%lu "
		 "timeouts=%lu pool=%u",
		 __atomic_load_n(&p->searches, __ATOMIC_RELAXED),
		 __atomic_load_n(&p->connects, __ATOMIC_RELAXED),
		 __atomic_load_n(&p->failures, __ATOMIC_RELAXED),
		 __atomic_load_n(&p->timeouts, __ATOMIC_RELAXED),
		 p->o->pool_size);
}
