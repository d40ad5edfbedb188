/*
 * dir-ldap-test.c - the LDAP backend against a real slapd (started by
 * dir-ldap.sh through slapd-env.sh): identity forms, aliases, catch-all,
 * send-as, groups, home server, ambiguity, injection, cache, and faults
 * (slapd stopped, paused, restarted, a hung first server, a dead one).
 * cmocka, printing TAP.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <ldap.h>

#include "cache.h"
#include "dir_ldap.h"
#include "directory.h"
#include "identity.h"
#include "ldap_filter.h"
#include "ldap_opts.h"

static char *plain_attrs[] = { "mail", "mailLocalAddress" };
static char *proxy_attrs[] = { "proxyAddresses" };
static char *groups[] = { "groupOfNames", "group" };
static char *uris[4];

/* An environment variable the test script must set. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		fprintf(stderr, "Bail out! %s not set (run dir-ldap.sh)\n",
			name);
		exit(1);
	}
	return v;
}

/* OpenLDAP profile options against the test slapd. */
static void
openldap_opts(struct ldap_opts *o)
{
	/* the ldap section's defaults (conf/ldap_conf.c) this test relies on */
	memset(o, 0, sizeof(*o));
	o->scope = LDAP_SCOPE_SUBTREE;
	o->account_filter = "(&(objectClass=inetOrgPerson)(uid=%u))";
	o->name_attr = "uid";
	o->home_attr = "mailHost";
	o->member_attr = "member";
	o->pool_size = 4;
	o->cache_ttl = 300;
	o->negative_cache_ttl = 60;
	o->cache_size = 10000;
	o->retry_after = 30;
	uris[0] = (char *)env("SLAPD_URI");
	o->uris = uris;
	o->nuris = 1;
	o->bind = LDAP_BIND_SIMPLE;
	o->bind_dn = (char *)env("SLAPD_BINDDN");
	o->bind_password = (char *)env("SLAPD_BINDPW");
	o->base = (char *)env("SLAPD_SUFFIX");
	o->address_attrs = plain_attrs;
	o->naddress_attrs = 2;
	o->proxy_attrs = proxy_attrs;
	o->nproxy_attrs = 0;
	o->delegate_attr = "publicDelegates";
	o->group_send_as = true;
	o->group_classes = groups;
	o->ngroup_classes = 2;
	o->timeout = 2;
}

/* Active Directory profile options against the test slapd. */
static void
ad_opts(struct ldap_opts *o)
{
	openldap_opts(o);
	o->account_filter = "(&(objectClass=adUser)(|(sAMAccountName=%u)"
			    "(userPrincipalName=%s)(mailNickname=%u)))";
	/* a mailbox has a home: the server name or the store (homeMDB) */
	o->mailbox_filter = "(|(msExchHomeServerName=*)(homeMDB=*))";
	o->naddress_attrs = 0;
	o->nproxy_attrs = 1;
	o->name_attr = "sAMAccountName";
	o->home_attr = "msExchHomeServerName";
	o->home_mdb_attr = "homeMDB";
}

/* Create a directory or fail the test. */
static struct directory *
make_dir(const struct ldap_opts *o)
{
	char err[256] = "";
	struct norm_opts n = { false, "" };
	struct directory *d = dir_ldap_create(o, &n, err, sizeof(err));
	if (d == NULL)
		fail_msg("dir_ldap_create: %s", err);
	return d;
}

/* Identity of a login under the rules a configuration with local_domains
 * example.com and corp.example.com gets by default (realm kept if asked). */
static void
ident(struct identity *id, const char *login, bool keep_realm)
{
	static const char *const realms[] = { "example.com",
					      "corp.example.com" };
	static const char *const nts[] = { "EXAMPLE", "CORP" };
	struct identity_rules r;
	identity_rules_default(&r);
	r.realms = realms;
	r.nrealms = keep_realm ? 0 : 2;
	r.nt_domains = nts;
	r.nnt_domains = 2;
	assert_int_equal(identity_parse(login, strlen(login), &r, id), ID_OK);
}

/* Look up a login; the status. */
static enum dir_status
account(struct directory *d, const char *login, struct dir_lookup *l)
{
	struct identity id;
	ident(&id, login, false);
	dir_find_account(d, &id, l);
	return l->status;
}

/* Look up a raw %u (no identity parsing: injection tests). */
static enum dir_status
raw_account(struct directory *d, const char *user, struct dir_lookup *l)
{
	struct identity id;
	memset(&id, 0, sizeof(id));
	snprintf(id.user, sizeof(id.user), "%s", user);
	snprintf(id.sent, sizeof(id.sent), "%s", user);
	dir_find_account(d, &id, l);
	return l->status;
}

/* True if v holds s. */
static bool
has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Monotonic seconds. */
static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run "slapd-env.sh CMD DIR". */
static void
slapd_cmd(const char *cmd)
{
	char line[1024];
	snprintf(line, sizeof(line), "'%s' %s '%s' >/dev/null 2>&1",
		 env("SLAPD_ENV_SH"), cmd, env("SLAPD_DIR"));
	assert_int_equal(system(line), 0);
}

/* Teardown: slapd running and not paused, whatever the test did. */
static int
slapd_back(void **state)
{
	(void)state;
	char line[1024];
	snprintf(line, sizeof(line),
		 "'%s' resume '%s' >/dev/null 2>&1; "
		 "'%s' start '%s' >/dev/null 2>&1", env("SLAPD_ENV_SH"),
		 env("SLAPD_DIR"), env("SLAPD_ENV_SH"), env("SLAPD_DIR"));
	if (system(line) == -1)
		return -1;
	return 0;
}

/* The number after "name=" in a stats line. */
static unsigned long
stat_of(struct directory *d, const char *name)
{
	char buf[512], pat[64];
	d->ops->stats(d, buf, sizeof(buf));
	snprintf(pat, sizeof(pat), " %s=", name);
	const char *p = strstr(buf, pat);
	assert_non_null(p);
	return strtoul(p + strlen(pat), NULL, 10);
}

/* uid login: the entry, its addresses, home and the answering URI. */
static void
test_uid_login(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_string_equal(l.acct->id, "uid=alice,ou=people,dc=example,dc=com");
	assert_string_equal(l.acct->name, "alice");
	assert_true(has(l.acct->addrs, l.acct->naddrs, "alice@example.com"));
	assert_true(has(l.acct->addrs, l.acct->naddrs,
			"alice.smith@example.com"));
	assert_string_equal(l.acct->home, "mx1.example.com");
	assert_string_equal(l.trace.source, env("SLAPD_URI"));
	assert_false(l.trace.from_cache);
	dir_release(d, &l);
	assert_int_equal(account(d, "EXAMPLE\\Alice", &l), DIR_OK);
	assert_string_equal(l.acct->name, "alice");
	dir_release(d, &l);
	assert_int_equal(account(d, "nobody", &l), DIR_NOTFOUND);
	dir_destroy(d);
}

/* AD identity forms: sAMAccountName, DOMAIN\user, UPN; proxyAddresses. */
static void
test_ad_identities(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	struct identity id;
	ad_opts(&o);
	struct directory *d = make_dir(&o);
	const char *forms[] = { "jdoe", "CORP\\jdoe", "JDOE" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(account(d, forms[i], &l), DIR_OK);
		assert_string_equal(l.acct->id,
				    "cn=jane doe,ou=ad,dc=example,dc=com");
		dir_release(d, &l);
	}
	ident(&id, "jdoe@corp.example.com", true);
	dir_find_account(d, &id, &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "jdoe");
	assert_int_equal(l.acct->naddrs, 3);
	assert_true(has(l.acct->addrs, 3, "jane.doe@corp.example.com"));
	assert_true(has(l.acct->addrs, 3, "jdoe@corp.example.com"));
	assert_true(has(l.acct->addrs, 3, "jd@corp.example.com"));
	assert_false(has(l.acct->addrs, 3, "xjd@corp.example.com"));
	assert_string_equal(l.acct->home, "SERVER1");
	assert_true(has(l.acct->delegates, l.acct->ndelegates,
			"cn=john roe,ou=ad,dc=example,dc=com"));
	dir_release(d, &l);
	assert_int_equal(account(d, "jroe", &l), DIR_OK);
	assert_string_equal(l.acct->home, "SERVER2");
	assert_true(has(l.acct->addrs, l.acct->naddrs,
			"john.roe@corp.example.com"));
	dir_release(d, &l);
	dir_destroy(d);
}

/* mailbox_filter applies to a single match too: a login whose only entry
 * is a contact is no account (as type=contact in the accounts file), and
 * the entries that carry it are named for the log. */
static void
test_single_contact(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	char base[256];
	openldap_opts(&o);
	snprintf(base, sizeof(base), "ou=contacts,%s", env("SLAPD_SUFFIX"));
	o.base = base; /* eve's mailbox is elsewhere: her contact is alone */
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "eve", &l), DIR_OK); /* no filter: taken */
	dir_release(d, &l);
	dir_destroy(d);
	o.mailbox_filter = "(objectClass=inetLocalMailRecipient)";
	d = make_dir(&o);
	assert_int_equal(account(d, "eve", &l), DIR_NOTFOUND);
	assert_null(l.acct);
	assert_int_equal(l.trace.ncandidates, 1);
	assert_non_null(strstr(l.trace.candidates,
			       "uid=eve,ou=contacts,dc=example,dc=com"));
	assert_non_null(strstr(l.trace.error, "not mailboxes"));
	/* frank's second entry there is a mailbox: it is the account */
	assert_int_equal(account(d, "frank", &l), DIR_OK);
	assert_string_equal(l.acct->id, "uid=frank,ou=contacts,dc=example,dc=com");
	dir_release(d, &l);
	assert_int_equal(account(d, "nobody", &l), DIR_NOTFOUND);
	assert_int_equal(l.trace.ncandidates, 0);
	dir_destroy(d);
}

/* find_owner: exact alias, catch-all key, nobody, remote home. */
static void
test_owner(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	struct directory *d = make_dir(&o);
	dir_find_owner(d, "alice.smith@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "alice");
	dir_release(d, &l);
	/* exact keys only: the catch-all is looked up as "@domain" */
	dir_find_owner(d, "anyone@catchall.example", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "@catchall.example", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "bob");
	assert_true(dir_account_holds(l.acct, "@catchall.example"));
	assert_false(dir_account_holds(l.acct, "anyone@catchall.example"));
	dir_release(d, &l);
	dir_find_owner(d, "bob@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->name, "bob");
	dir_release(d, &l);
	dir_find_owner(d, "carol@example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->home, "mx2.example.com");
	dir_release(d, &l);
	dir_find_owner(d, "nobody@nowhere.example", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "alice@catchall.example.org", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_destroy(d);
}

/* Send-as: publicDelegates DNs (written in another case) and groups. */
static void
test_send_as(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup acc, own;
	openldap_opts(&o);
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "dave", &acc), DIR_OK);
	dir_find_owner(d, "shared@example.com", &own);
	assert_int_equal(own.status, DIR_OK);
	assert_false(own.acct->is_group);
	assert_true(dir_account_delegates_to(own.acct, acc.acct->id));
	dir_release(d, &own);
	dir_find_owner(d, "sales@example.com", &own);
	assert_int_equal(own.status, DIR_OK);
	assert_true(own.acct->is_group);
	assert_int_equal(own.acct->ndelegates, 2);
	assert_false(dir_account_delegates_to(own.acct, acc.acct->id));
	dir_release(d, &acc);
	assert_int_equal(account(d, "alice", &acc), DIR_OK);
	assert_true(dir_account_delegates_to(own.acct, acc.acct->id));
	dir_release(d, &own);
	dir_release(d, &acc);
	dir_destroy(d);
	o.group_send_as = false;
	d = make_dir(&o);
	dir_find_owner(d, "sales@example.com", &own);
	assert_int_equal(own.status, DIR_OK);
	assert_true(own.acct->is_group);
	assert_int_equal(own.acct->ndelegates, 0);
	dir_release(d, &own);
	dir_destroy(d);
}

/* AD group: members of CN=Support may send as support@. */
static void
test_ad_group(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup acc, own;
	ad_opts(&o);
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "jdoe", &acc), DIR_OK);
	dir_find_owner(d, "support@corp.example.com", &own);
	assert_int_equal(own.status, DIR_OK);
	assert_true(own.acct->is_group);
	assert_true(dir_account_delegates_to(own.acct, acc.acct->id));
	dir_release(d, &own);
	dir_find_owner(d, "jane.doe@corp.example.com", &own);
	assert_int_equal(own.status, DIR_OK);
	assert_string_equal(own.acct->id, acc.acct->id);
	dir_release(d, &own);
	dir_release(d, &acc);
	dir_destroy(d);
}

/* Q198704: mailbox_filter picks the mailbox; otherwise refuse, list DNs. */
static void
test_ambiguous(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "eve", &l), DIR_AMBIGUOUS);
	assert_int_equal(l.trace.ncandidates, 2);
	assert_non_null(strstr(l.trace.candidates,
			       "uid=eve,ou=people,dc=example,dc=com"));
	assert_non_null(strstr(l.trace.candidates,
			       "uid=eve,ou=contacts,dc=example,dc=com"));
	assert_null(l.acct);
	dir_find_owner(d, "info@example.com", &l);
	assert_int_equal(l.status, DIR_AMBIGUOUS);
	assert_int_equal(l.trace.ncandidates, 2);
	dir_destroy(d);
	o.mailbox_filter = "(mailHost=*)";
	d = make_dir(&o);
	assert_int_equal(account(d, "eve", &l), DIR_OK);
	assert_string_equal(l.acct->id, "uid=eve,ou=people,dc=example,dc=com");
	dir_release(d, &l);
	dir_find_owner(d, "info@example.com", &l); /* neither has mailHost */
	assert_int_equal(l.status, DIR_AMBIGUOUS);
	assert_int_equal(l.trace.ncandidates, 2);
	assert_int_equal(account(d, "frank", &l), DIR_AMBIGUOUS);
	assert_int_equal(l.trace.ncandidates, 2);
	assert_non_null(strstr(l.trace.candidates, "ou=contacts"));
	assert_non_null(strstr(l.trace.candidates, "ou=people"));
	assert_true(l.trace.error[0] != '\0');
	dir_destroy(d);
	ad_opts(&o);
	d = make_dir(&o);
	assert_int_equal(account(d, "kim", &l), DIR_OK);
	assert_string_equal(l.acct->id, "cn=kim mailbox,ou=ad,dc=example,dc=com");
	dir_release(d, &l);
	/* the custom recipient also holds kim@: the mailbox wins */
	dir_find_owner(d, "kim@corp.example.com", &l);
	assert_int_equal(l.status, DIR_OK);
	assert_string_equal(l.acct->id, "cn=kim mailbox,ou=ad,dc=example,dc=com");
	dir_release(d, &l);
	dir_destroy(d);
	ad_opts(&o);
	o.mailbox_filter = NULL;
	d = make_dir(&o);
	dir_find_owner(d, "kim@corp.example.com", &l);
	assert_int_equal(l.status, DIR_AMBIGUOUS);
	assert_int_equal(l.trace.ncandidates, 2);
	dir_destroy(d);
}

/* Filter metacharacters from the client match nothing. */
static void
test_injection(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	const char *evil[] = { "*", "*)(uid=*", "alice)(uid=*", "al*",
			       "alice\\", "*)(|(uid=*", "alice)(|(uid=*)",
			       "\\2a", "a\\29\\28uid=*" };
	openldap_opts(&o);
	struct directory *d = make_dir(&o);
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		if (raw_account(d, evil[i], &l) != DIR_NOTFOUND)
			fail_msg("login '%s' gave status %d", evil[i],
				 (int)l.status);
	}
	dir_find_owner(d, "*@example.com", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	dir_find_owner(d, "*)(mail=*@example.com", &l);
	assert_int_equal(l.status, DIR_NOTFOUND);
	char out[64];
	assert_int_equal(filter_escape("a\0*()\\b", 7, out, sizeof(out)), 17);
	assert_string_equal(out, "a\\00\\2a\\28\\29\\5cb");
	assert_int_equal(filter_escape("abcdef", 6, out, 4), (size_t)-1);
	dir_destroy(d);
}

/* Cache: hit, negative hit, expiry, eviction. */
static void
test_cache(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	o.cache_size = 2;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_false(l.trace.from_cache);
	dir_release(d, &l);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_true(l.trace.from_cache);
	assert_string_equal(l.trace.source, env("SLAPD_URI"));
	dir_release(d, &l);
	assert_int_equal(account(d, "nobody", &l), DIR_NOTFOUND);
	assert_false(l.trace.from_cache);
	assert_int_equal(account(d, "nobody", &l), DIR_NOTFOUND);
	assert_true(l.trace.from_cache);
	unsigned long searches = stat_of(d, "searches");
	cache_test_shift_clock(61); /* past negative_cache_ttl */
	assert_int_equal(account(d, "nobody", &l), DIR_NOTFOUND);
	assert_false(l.trace.from_cache);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_true(l.trace.from_cache); /* ttl 300 */
	dir_release(d, &l);
	cache_test_shift_clock(300);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_false(l.trace.from_cache);
	dir_release(d, &l);
	assert_int_equal(stat_of(d, "searches"), searches + 2);
	assert_int_equal(account(d, "bob", &l), DIR_OK); /* evicts nobody */
	dir_release(d, &l);
	assert_int_equal(account(d, "carol", &l), DIR_OK); /* evicts alice */
	dir_release(d, &l);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_false(l.trace.from_cache);
	dir_release(d, &l);
	assert_int_equal(account(d, "carol", &l), DIR_OK);
	assert_true(l.trace.from_cache);
	dir_release(d, &l);
	assert_true(stat_of(d, "evictions") >= 2);
	dir_destroy(d);
}

struct worker {
	struct directory *d;
	enum dir_status st;
};

/* Thread body: one lookup of dave. */
static void *
lookup_dave(void *arg)
{
	struct worker *w = arg;
	struct dir_lookup l;
	struct identity id;
	struct identity_rules r;
	identity_rules_default(&r);
	identity_parse("dave", 4, &r, &id);
	dir_find_account(w->d, &id, &l);
	w->st = l.status;
	dir_release(w->d, &l);
	return NULL;
}

/* Concurrent misses for one login make one search. */
static void
test_coalesce(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	pthread_t t[6];
	struct worker w[6];
	openldap_opts(&o);
	o.timeout = 5;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK); /* connect */
	dir_release(d, &l);
	unsigned long before = stat_of(d, "searches");
	slapd_cmd("pause");
	for (int i = 0; i < 6; i++) {
		w[i].d = d;
		w[i].st = DIR_ERROR;
		assert_int_equal(pthread_create(&t[i], NULL, lookup_dave, &w[i]), 0);
	}
	usleep(400 * 1000);
	slapd_cmd("resume");
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].st, DIR_OK);
	}
	assert_int_equal(stat_of(d, "searches"), before + 1);
	assert_true(stat_of(d, "coalesced") >= 1);
	dir_destroy(d);
}

/* slapd stopped: DIR_ERROR within the timeout, never an answer. */
static void
test_stopped(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	o.timeout = 1;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	slapd_cmd("stop");
	double t0 = now();
	assert_int_equal(account(d, "bob", &l), DIR_ERROR);
	assert_true(now() - t0 < 1.5);
	assert_null(l.acct);
	assert_true(l.trace.error[0] != '\0');
	t0 = now();
	dir_find_owner(d, "bob@example.com", &l);
	assert_int_equal(l.status, DIR_ERROR);
	assert_true(now() - t0 < 1.5);
	dir_destroy(d);
}

/* slapd paused (SIGSTOP): DIR_ERROR within the timeout, pooled or new. */
static void
test_paused(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	o.timeout = 1;
	o.cache_size = 0;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	slapd_cmd("pause");
	double t0 = now();
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	double took = now() - t0;
	assert_true(took < 1.5);
	t0 = now();
	assert_int_equal(account(d, "bob", &l), DIR_ERROR); /* new handle */
	assert_true(now() - t0 < 1.5);
	slapd_cmd("resume");
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	dir_destroy(d);
}

/* slapd restarted: the next lookup succeeds on a new connection, also
 * when every pooled connection died with the old slapd. */
static void
test_restarted(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	pthread_t t[4];
	struct worker w[4];
	openldap_opts(&o);
	o.cache_size = 0;
	o.timeout = 5;
	struct directory *d = make_dir(&o);
	slapd_cmd("pause"); /* four lookups at once: four connections */
	for (int i = 0; i < 4; i++) {
		w[i].d = d;
		assert_int_equal(pthread_create(&t[i], NULL, lookup_dave, &w[i]), 0);
	}
	usleep(300 * 1000);
	slapd_cmd("resume");
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].st, DIR_OK);
	}
	assert_int_equal(stat_of(d, "connects"), 4);
	slapd_cmd("restart");
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	assert_int_equal(account(d, "bob", &l), DIR_OK);
	dir_release(d, &l);
	assert_int_equal(stat_of(d, "connects"), 5);
	dir_destroy(d);
}

/* A listening socket that never answers: a hung server. */
static int
hung_server(char *uri, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(uri, size, "ldap://127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

/* Failover: a dead and a hung first URI; the answer names the second. */
static void
test_failover(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	char hung[80];
	int fd = hung_server(hung, sizeof(hung));
	openldap_opts(&o);
	o.timeout = 2;
	o.cache_size = 0;
	uris[0] = "ldap://127.0.0.1:1";
	uris[1] = (char *)env("SLAPD_URI");
	o.nuris = 2;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_string_equal(l.trace.source, env("SLAPD_URI"));
	dir_release(d, &l);
	dir_destroy(d);
	openldap_opts(&o);
	o.timeout = 2;
	o.cache_size = 0;
	uris[0] = hung;
	uris[1] = (char *)env("SLAPD_URI");
	o.nuris = 2;
	d = make_dir(&o);
	double t0 = now();
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_true(now() - t0 < 2.5);
	assert_string_equal(l.trace.source, env("SLAPD_URI"));
	dir_release(d, &l);
	t0 = now(); /* the hung server now goes last: no wait */
	assert_int_equal(account(d, "bob", &l), DIR_OK);
	dir_release(d, &l);
	dir_destroy(d);
	close(fd);
}

/* A free even port in the ephemeral range (connect() gives out even
 * source ports first on Linux), or 0. */
static unsigned
ephemeral_port(void)
{
	unsigned lo = 32768, hi = 60999;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f != NULL) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2 || hi <= lo + 2)
			lo = 32768, hi = 60999;
		fclose(f);
	}
	srand((unsigned)getpid());
	for (int i = 0; i < 100; i++) {
		unsigned p = (lo + 1 + (unsigned)rand() % (hi - lo - 1)) & ~1u;
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons((uint16_t)p) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int ok = fd >= 0 &&
			 bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return p;
	}
	return 0;
}

/* True if a listening socket can take 127.0.0.1:port now. */
static bool
port_free(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int one = 1, ok;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	     listen(fd, 1) == 0;
	close(fd);
	return ok;
}

/*
 * A server on a local port in the ephemeral range is down; every lookup
 * tries to connect. Sooner or later the kernel gives a connect that very
 * port as its source and the socket is connected to itself. The backend
 * must see that at once (not bind to itself and hold the port, which
 * would keep the server from starting again): DIR_ERROR naming it, and
 * the port free for the server.
 */
static void
test_self_connect(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	char uri[64];
	unsigned port = ephemeral_port();
	if (port == 0)
		skip();
	snprintf(uri, sizeof(uri), "ldap://127.0.0.1:%u", port);
	openldap_opts(&o);
	o.timeout = 1;
	o.cache_size = 0;
	uris[0] = uri;
	o.nuris = 1;
	struct directory *d = make_dir(&o);
	int seen = 0, n;
	double t0 = now();
	for (n = 1; n <= 60000 && !seen; n++) {
		assert_int_equal(account(d, "alice", &l), DIR_ERROR);
		seen = strstr(l.trace.error, "connected to itself") != NULL;
	}
	fprintf(stderr, "# port %u: %s after %d lookups in %.1f s: %s\n", port,
		seen ? "connected to itself" : "never connected to itself",
		n - 1, now() - t0, l.trace.error);
	assert_true(port_free(port));
	dir_destroy(d);
	if (!seen) /* this kernel never handed out the port: nothing shown */
		skip();
}

/* stale_grace: an expired entry serves while no server answers. */
static void
test_stale(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	o.timeout = 1;
	o.cache_ttl = 60;
	o.stale_grace = 120;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	slapd_cmd("stop");
	cache_test_shift_clock(90);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	assert_true(l.trace.stale);
	assert_true(l.trace.from_cache);
	dir_release(d, &l);
	assert_int_equal(account(d, "bob", &l), DIR_ERROR);
	cache_test_shift_clock(120);
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	dir_destroy(d);
}

/* Binds: SASL EXTERNAL over ldapi, a wrong password, anonymous. */
static void
test_binds(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	uris[0] = (char *)env("SLAPD_LDAPI_URI");
	o.bind = LDAP_BIND_EXTERNAL;
	struct directory *d = make_dir(&o);
	if (account(d, "alice", &l) != DIR_OK)
		fail_msg("EXTERNAL: status %d %s", (int)l.status,
			 l.trace.error);
	assert_string_equal(l.trace.source, env("SLAPD_LDAPI_URI"));
	dir_release(d, &l);
	dir_destroy(d);
	openldap_opts(&o);
	o.bind_password = "wrong";
	d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	assert_non_null(strstr(l.trace.error, "nvalid credentials"));
	dir_destroy(d);
	openldap_opts(&o);
	o.bind = LDAP_BIND_ANONYMOUS;
	d = make_dir(&o);
	/* the ACL hides even the base from anonymous users: fail closed */
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	assert_non_null(strstr(l.trace.error, "No such object"));
	dir_destroy(d);
}

/* The test CA (verifies slapd) or an unrelated one (must not). */
static char *
ca_file(const char *name)
{
	static char path[2][512];
	static int k;
	char *p = path[k++ % 2];
	snprintf(p, 512, "%s/tests/ldap/tls/%s", env("top_srcdir"), name);
	return p;
}

/* TLS: StartTLS and ldaps:// verified by tls_ca_file; a wrong CA fails
 * closed; a hung ldaps:// server costs its share of the timeout only. */
static void
test_tls(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	char hung[80];
	openldap_opts(&o);
	o.starttls = true;
	o.tls_ca_file = ca_file("ca.pem");
	o.cache_size = 0;
	struct directory *d = make_dir(&o);
	if (account(d, "alice", &l) != DIR_OK)
		fail_msg("StartTLS: %s", l.trace.error);
	dir_release(d, &l);
	dir_destroy(d);
	o.starttls = false;
	uris[0] = (char *)env("SLAPD_LDAPS_URI");
	d = make_dir(&o);
	if (account(d, "alice", &l) != DIR_OK)
		fail_msg("ldaps: %s", l.trace.error);
	assert_string_equal(l.trace.source, env("SLAPD_LDAPS_URI"));
	dir_release(d, &l);
	dir_destroy(d);
	o.tls_ca_file = ca_file("other-ca.pem");
	d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	dir_destroy(d);
	uris[0] = (char *)env("SLAPD_URI");
	o.starttls = true;
	d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_ERROR);
	assert_non_null(strstr(l.trace.error, "starttls"));
	dir_destroy(d);
	char plain[64];
	int fd = hung_server(plain, sizeof(plain));
	snprintf(hung, sizeof(hung), "ldaps://%s", plain + strlen("ldap://"));
	openldap_opts(&o);
	o.tls_ca_file = ca_file("ca.pem");
	o.timeout = 2;
	uris[0] = hung;
	uris[1] = (char *)env("SLAPD_LDAPS_URI");
	o.nuris = 2;
	d = make_dir(&o);
	double t0 = now();
	if (account(d, "alice", &l) != DIR_OK)
		fail_msg("hung %s then ldaps: %s", hung, l.trace.error);
	assert_true(now() - t0 < 2.5);
	dir_release(d, &l);
	dir_destroy(d);
	close(fd);
}

/* slapd paused behind ldaps://: pooled and new connections fail closed
 * in time (the TLS handshake is cut by the watchdog). */
static void
test_tls_paused(void **state)
{
	(void)state;
	struct ldap_opts o;
	struct dir_lookup l;
	openldap_opts(&o);
	uris[0] = (char *)env("SLAPD_LDAPS_URI");
	o.tls_ca_file = ca_file("ca.pem");
	o.timeout = 1;
	o.cache_size = 0;
	struct directory *d = make_dir(&o);
	assert_int_equal(account(d, "alice", &l), DIR_OK);
	dir_release(d, &l);
	slapd_cmd("pause");
	for (int i = 0; i < 2; i++) { /* pooled handle, then a new one */
		double t0 = now();
		assert_int_equal(account(d, "bob", &l), DIR_ERROR);
		assert_true(now() - t0 < 1.5);
	}
	slapd_cmd("resume");
	assert_int_equal(account(d, "bob", &l), DIR_OK);
	dir_release(d, &l);
	dir_destroy(d);
}

/* dir_ldap_create does not contact a server. */
static void
test_create_offline(void **state)
{
	(void)state;
	struct ldap_opts o;
	openldap_opts(&o);
	uris[0] = "ldap://192.0.2.1:389";
	double t0 = now();
	struct directory *d = make_dir(&o);
	assert_true(now() - t0 < 0.1);
	assert_int_equal(stat_of(d, "connects"), 0);
	dir_destroy(d);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uid_login),
		cmocka_unit_test(test_ad_identities),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_send_as),
		cmocka_unit_test(test_ad_group),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_single_contact),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_cache),
		cmocka_unit_test_teardown(test_coalesce, slapd_back),
		cmocka_unit_test_teardown(test_stopped, slapd_back),
		cmocka_unit_test_teardown(test_paused, slapd_back),
		cmocka_unit_test_teardown(test_restarted, slapd_back),
		cmocka_unit_test(test_failover),
		cmocka_unit_test_teardown(test_stale, slapd_back),
		cmocka_unit_test(test_binds),
		cmocka_unit_test(test_tls),
		cmocka_unit_test_teardown(test_tls_paused, slapd_back),
		cmocka_unit_test(test_create_offline),
		cmocka_unit_test(test_self_connect),
	};
	if (getenv("DIR_LDAP_TEST_FILTER") != NULL) /* debugging one case */
		cmocka_set_test_filter(getenv("DIR_LDAP_TEST_FILTER"));
	return cmocka_run_group_tests_name("dir_ldap", tests, NULL, NULL);
}
