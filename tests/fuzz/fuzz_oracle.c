/*
 * fuzz_oracle.c - the differential oracle: a libFuzzer target (and, with
 * oracle_replay.c, a fixed-seed replay in make check) that builds a small
 * world from its input - an accounts file, the policy keys of issue 9
 * (realms, nt_domains, sub-address delimiters, local_part_case, home
 * server, bypass, check_header_from) - and a batch of transactions with
 * logins in every form, senders exact / sub-addressed / quoted / invalid,
 * and From:/Sender: headers in the shapes mail clients write (folded,
 * quoted names, encoded words, groups, broken ones). Each transaction runs
 * through the real filter (config_load, the accounts file, callbacks.c via
 * the fake SMFICTX) and through the model of oracle_model.c, which shares
 * no code with policy/; action and reason must be the same.
 *
 * A disagreement aborts, printing the accounts file, the policy and the
 * transaction (so does a world the filter refuses to load).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "callbacks.h"
#include "config.h"
#include "context.h"
#include "fake_smfi.h"
#include "log.h"
#include "oracle_model.h"
#include "snapshot.h"

#include "fuzz_oracle.h"

struct oracle_stats oracle_stats;

static char tmpdir[256];
static bool realms_default, nt_default; /* how gen_world chose them */

/* Abort so libFuzzer records a crash. */
static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_oracle: violated: %s\n", what);
		abort();
	}
}

/* ---- input octets as choices --------------------------------------------- */

struct src {
	const uint8_t *p, *end;
};

/* A choice in [0, n): the next octet, 0 once the input is used up. */
static unsigned
pick(struct src *s, unsigned n)
{
	return s->p < s->end ? *s->p++ % n : 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const LOGINS[] = {
    "alice",         "bob",        "jean",
    "jean-luc",      "sales",      "info",
    "postmaster",    "owner-news", "alice@hosted.example",
    "bob@other.net", "carol",      "EXAMPLE\\svc"};
static const char *const LOCALS[] = {
    "alice",      "bob",          "jean",    "jean-luc", "jean+x",
    "info",       "info-billing", "sales",   "sales+eu", "postmaster",
    "owner-news", "news-request", "a.smith", "carol",    "svc"};
static const char *const DOMAINS[] = {"example.com", "example.org",
                                      "hosted.example", "other.net"};
static const char *const NTS[] = {"EXAMPLE", "CORP", "OTHER", "example"};
static const char *const HOMES[] = {"mail1.example.com", "MAIL1.Example.COM",
                                    "mail2.example.com"};
static const char *const REALM_SETS[][3] = {{"hosted.example", NULL},
                                            {"example.com", "other.net", NULL}};
static const char *const NT_SETS[][3] = {{"CORP", NULL},
                                         {"example", "OTHER", NULL}};

/* Random case for ASCII letters: as is, all upper, or capitalised. */
static void
mix_case(struct src *s, char *t)
{
	unsigned how = pick(s, 8);

	for (size_t i = 0; t[i]; i++)
		if (t[i] >= 'a' && t[i] <= 'z' &&
		    (how == 1 || (how == 2 && i == 0)))
			t[i] = (char)(t[i] - 32);
}

/* ---- the world --------------------------------------------------------------
 */

/* Same key in this world? (local_part_case, domain always folded) */
static bool
same_key(const struct m_world *w, const struct m_addr *a,
         const struct m_addr *b)
{
	return strcasecmp(a->domain, b->domain) == 0 &&
	       (w->case_sensitive ? strcmp(a->local, b->local)
	                          : strcasecmp(a->local, b->local)) == 0;
}

/* True if some entry (the one being built included) holds a's key. */
static bool
taken(const struct m_world *w, const struct m_addr *a)
{
	for (int i = 0; i <= w->n && i < M_ENTRIES; i++)
		for (int k = 0; k < w->e[i].naddrs; k++)
			if (same_key(w, a, &w->e[i].addrs[k]))
				return true;
	return false;
}

/* A world from the choices. */
static void
gen_world(struct src *s, struct m_world *w)
{
	static const char *const delims[] = {"", "+", "-", "+-"};
	unsigned r;

	memset(w, 0, sizeof(*w));
	w->local_domains[w->nlocal++] = "example.com";
	w->local_domains[w->nlocal++] = "example.org";
	if (pick(s, 3) == 0)
		w->local_domains[w->nlocal++] = "hosted.example";
	snprintf(w->delims, sizeof(w->delims), "%s", delims[pick(s, 4)]);
	w->case_sensitive = pick(s, 6) == 0;
	w->check_originator = pick(s, 8) != 0;
	w->check_home = pick(s, 3) == 0;
	w->check_header_from = pick(s, 3) != 0;
	w->require_auth = pick(s, 8) != 0;
	w->allow_null = pick(s, 4) != 0;
	w->server_name = "mail1.example.com";
	w->bypass = pick(s, 4) == 0 ? "printer" : NULL;
	r = pick(s, 4); /* realms: default, none, or a list */
	if (r == 0)
		for (int i = 0; i < w->nlocal; i++)
			w->realms[w->nrealms++] = w->local_domains[i];
	for (int i = 0; r >= 2 && REALM_SETS[r - 2][i]; i++)
		w->realms[w->nrealms++] = REALM_SETS[r - 2][i];
	realms_default = r == 0;
	r = pick(s, 4); /* nt_domains: default (first labels), none, list */
	for (int i = 0; r == 0 && i < w->nlocal; i++)
		w->nt[w->nnt++] = strcmp(w->local_domains[i], "hosted.example")
		                      ? "example"
		                      : "hosted";
	for (int i = 0; r >= 2 && NT_SETS[r - 2][i]; i++)
		w->nt[w->nnt++] = NT_SETS[r - 2][i];
	nt_default = r == 0;
	/* at most 3 tries per entry: an exhausted input repeats itself */
	for (unsigned n = 2 + pick(s, 7), tries = 0;
	     w->n < (int)n && w->n < M_ENTRIES && tries < 3 * n; tries++) {
		struct m_entry *e = &w->e[w->n];
		memset(e, 0, sizeof(*e));
		for (unsigned k = 1 + pick(s, 2); e->nlogins < (int)k;) {
			const char *l = LOGINS[pick(s, NELEM(LOGINS))];
			bool dup = false;
			for (int j = 0; j < e->nlogins; j++)
				dup = dup || strcasecmp(e->logins[j], l) == 0;
			if (dup)
				break;
			e->logins[e->nlogins++] = l;
		}
		for (unsigned k = 1 + pick(s, 3); k > 0; k--) {
			struct m_addr a;
			memset(&a, 0, sizeof(a));
			if (pick(s, 8) != 0)
				snprintf(a.local, sizeof(a.local), "%s",
				         LOCALS[pick(s, NELEM(LOCALS))]);
			snprintf(a.domain, sizeof(a.domain), "%s",
			         DOMAINS[pick(s, NELEM(DOMAINS))]);
			mix_case(s, a.local);
			mix_case(s, a.domain);
			if (!taken(w, &a) && e->naddrs < M_ADDRS)
				e->addrs[e->naddrs++] = a;
		}
		if (e->naddrs == 0)
			continue;
		e->contact = pick(s, 6) == 0;
		r = pick(s, 6);
		e->home = r < NELEM(HOMES) ? HOMES[r] : NULL;
		if (w->n > 0 && pick(s, 3) == 0) {
			int j = (int)pick(s, (unsigned)w->n);
			if (!w->e[j].contact)
				e->delegates[e->ndelegates++] =
				    w->e[j].logins[pick(
				        s, (unsigned)w->e[j].nlogins)];
		}
		w->n++;
	}
}

/* Write the accounts file of the world. */
static void
write_accounts(const struct m_world *w, FILE *f)
{
	for (int i = 0; i < w->n; i++) {
		const struct m_entry *e = &w->e[i];
		for (int k = 0; k < e->nlogins; k++)
			fprintf(f, "%s%s", k ? "," : "", e->logins[k]);
		fputc(' ', f);
		for (int k = 0; k < e->naddrs; k++)
			fprintf(f, "%s%s@%s", k ? "," : "", e->addrs[k].local,
			        e->addrs[k].domain);
		if (e->contact)
			fprintf(f, " type=contact");
		if (e->home)
			fprintf(f, " home=%s", e->home);
		for (int k = 0; k < e->ndelegates; k++)
			fprintf(f, "%s%s",
			        k ? "," : " delegates=", e->delegates[k]);
		fputc('\n', f);
	}
}

/* A policy.conf list "{"a", "b"}". */
static void
write_list(FILE *f, const char *key, const char *const *v, int n)
{
	fprintf(f, "  %s = {", key);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", v[i]);
	fprintf(f, "}\n");
}

/* Write policy.conf; realms/nt_domains left out when the world took the
 * defaults (local_domains, their first labels), so those are tested too. */
static void
write_policy(const struct m_world *w, FILE *f, const char *accounts)
{
	fprintf(f,
	        "socket = \"unix:%s/sock\"\nuser = \"\"\npid_file = \"\"\n"
	        "server_name = \"%s\"\ndirectory = \"file\"\n"
	        "accounts_file = \"%s\"\n",
	        tmpdir, w->server_name, accounts);
	fprintf(f, "local_domains = {");
	for (int i = 0; i < w->nlocal; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", w->local_domains[i]);
	fprintf(f, "}\nbypass_logins = {%s%s%s}\n", w->bypass ? "\"" : "",
	        w->bypass ? w->bypass : "", w->bypass ? "\"" : "");
	fprintf(
	    f,
	    "policy {\n  reject_stage = \"mail\"\n  check_originator = %s\n"
	    "  check_home_server = %s\n  check_header_from = %s\n"
	    "  require_auth = %s\n  allow_null_sender = %s\n"
	    "  subaddress_delimiter = \"%s\"\n  local_part_case = \"%s\"\n}\n",
	    w->check_originator ? "true" : "false",
	    w->check_home ? "true" : "false",
	    w->check_header_from ? "true" : "false",
	    w->require_auth ? "true" : "false",
	    w->allow_null ? "true" : "false", w->delims,
	    w->case_sensitive ? "sensitive" : "insensitive");
	fprintf(f, "identity {\n");
	if (!realms_default)
		write_list(f, "realms", w->realms, w->nrealms);
	if (!nt_default)
		write_list(f, "nt_domains", w->nt, w->nnt);
	fprintf(f, "}\n");
}

/* ---- transactions
 * ------------------------------------------------------------ */

/* The entry a transaction is mostly about (its login, its addresses). */
static int me;

/* An address someone might send as: one of the directory's (mostly the
 * login's own entry), or a pool address, maybe with a sub-address, in
 * random case. */
static void
gen_addr(struct src *s, const struct m_world *w, struct m_addr *a)
{
	const struct m_entry *e =
	    &w->e[pick(s, 2) ? me : (int)pick(s, (unsigned)w->n)];
	const struct m_addr *d = &e->addrs[pick(s, (unsigned)e->naddrs)];

	memset(a, 0, sizeof(*a));
	if (pick(s, 3) != 0 && d->local[0]) {
		*a = *d;
	} else {
		snprintf(a->local, sizeof(a->local), "%s",
		         LOCALS[pick(s, NELEM(LOCALS))]);
		snprintf(a->domain, sizeof(a->domain), "%s",
		         pick(s, 2) ? d->domain
		                    : DOMAINS[pick(s, NELEM(DOMAINS))]);
	}
	if (pick(s, 4) == 0) {
		size_t n = strlen(a->local);
		snprintf(a->local + n, sizeof(a->local) - n, "%ctag",
		         "+-"[pick(s, 2)]);
	}
	mix_case(s, a->local);
	mix_case(s, a->domain);
}

/* The login of a transaction, in one of the forms clients send. */
static const char *
gen_login(struct src *s, const struct m_world *w, char *buf, size_t size)
{
	const struct m_entry *e = &w->e[me];
	const char *base = pick(s, 4) ? e->logins[pick(s, (unsigned)e->nlogins)]
	                              : LOGINS[pick(s, NELEM(LOGINS))];
	bool plain = strpbrk(base, "@\\") == NULL;

	switch (pick(s, 12)) {
	case 0:
	case 1:
		return "";
	case 2:
		return "zed";
	case 3:
		return w->bypass ? w->bypass : base;
	case 4:
		snprintf(buf, size, "%s", base);
		mix_case(s, buf);
		return buf;
	case 5:
	case 6:
		if (!plain)
			return base;
		snprintf(buf, size, "%s\\%s", NTS[pick(s, NELEM(NTS))], base);
		return buf;
	case 7:
	case 8:
		if (!plain)
			return base;
		snprintf(buf, size, "%s@%s", base,
		         DOMAINS[pick(s, NELEM(DOMAINS))]);
		mix_case(s, strchr(buf, '@'));
		return buf;
	default:
		return base;
	}
}

/* Write local@domain, the local part quoted one time in five. */
static size_t
put_addr(struct src *s, const struct m_addr *a, char *out, size_t size)
{
	bool q = pick(s, 5) == 0;

	return (size_t)snprintf(out, size, "%s%s%s@%s", q ? "\"" : "", a->local,
	                        q ? "\"" : "", a->domain);
}

/* MAIL FROM: valid (exact, sub-address, quoted), null or invalid. */
static void
gen_sender(struct src *s, const struct m_world *w, struct m_sender *m,
           char *text, size_t size)
{
	static const char long_local[] =
	    "srs0="
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned how = pick(s, 24);

	memset(m, 0, sizeof(*m));
	m->valid = true;
	if (how == 0) {
		m->null = true;
		snprintf(text, size, "<>");
		return;
	}
	gen_addr(s, w, &m->a);
	if (how == 1 || how == 2) { /* RFC 5321 refuses; Postfix does not */
		m->valid = false;
		snprintf(text, size, how == 1 ? "<%s@%s>" : "<%s..x@%s>",
		         how == 1 ? long_local : m->a.local, m->a.domain);
		for (char *d = m->a.domain; *d; d++)
			*d = (char)(*d >= 'A' && *d <= 'Z' ? *d + 32 : *d);
		return;
	}
	if (how == 3) { /* no domain: the MTA would add its own */
		m->valid = false;
		snprintf(text, size, "<%s>", m->a.local);
		m->a.domain[0] = '\0';
		return;
	}
	text[0] = '<';
	size_t n = 1 + put_addr(s, &m->a, text + 1, size - 2);
	snprintf(text + n, size - n, ">");
}

/* One header value with its structure; From: may be a list or group. */
static void
gen_header(struct src *s, const struct m_world *w, const struct m_tx *t,
           bool from, struct m_header *h, char *out, size_t size)
{
	static const char *const folds[] = {" ", "\n ", "\r\n\t", "\n\t"};
	size_t n = 0;
	bool group = from && pick(s, 6) == 0;
	unsigned bad = pick(s, 14);

	memset(h, 0, sizeof(*h));
	h->na = from ? 1 + (int)pick(s, 2) : 1;
	for (int i = 0; i < h->na; i++) {
		if (i == 0 && t->s.valid && !t->s.null && pick(s, 2))
			h->a[i] = t->s.a;
		else
			gen_addr(s, w, &h->a[i]);
		if (pick(s, 30) == 0) { /* parses, too long for RFC 5321 */
			memset(h->a[i].local, 'x', 65);
			h->a[i].local[65] = '\0';
			h->a_invalid[i] = true;
		}
	}
	if (group)
		n += (size_t)snprintf(out + n, size - n, "Team:%s",
		                      folds[pick(s, 4)]);
	for (int i = 0; i < h->na && n < size; i++) {
		const char *fold = folds[pick(s, 4)];
		if (i > 0)
			n += (size_t)snprintf(out + n, size - n, ",%s", fold);
		switch (pick(s, 5)) {
		case 0:
			n += put_addr(s, &h->a[i], out + n, size - n);
			break;
		case 1:
			n += (size_t)snprintf(out + n, size - n,
			                      "\"Smith, Al (Sales)\"%s<", fold);
			n += put_addr(s, &h->a[i], out + n, size - n);
			n += (size_t)snprintf(out + n, size - n, ">");
			break;
		case 2:
			n += (size_t)snprintf(out + n, size - n,
			                      "=?UTF-8?B?SsO8cmdlbg==?=%s<",
			                      fold);
			n += put_addr(s, &h->a[i], out + n, size - n);
			n += (size_t)snprintf(out + n, size - n, ">");
			break;
		case 3:
			n += put_addr(s, &h->a[i], out + n, size - n);
			n += (size_t)snprintf(out + n, size - n,
			                      "%s(Al (home))", fold);
			break;
		default:
			n += (size_t)snprintf(out + n, size - n,
			                      "Al Q. Smith <");
			n += put_addr(s, &h->a[i], out + n, size - n);
			n += (size_t)snprintf(out + n, size - n, ">");
		}
	}
	if (group && n < size)
		n += (size_t)snprintf(out + n, size - n, ";");
	if (bad == 0 && n < size) { /* a second address without a comma */
		n += (size_t)snprintf(out + n, size - n, " <a@example.com>");
		h->bad = true;
	} else if (bad == 1) { /* an unterminated quote */
		snprintf(out, size, "\"Al <%s@%s>", h->a[0].local,
		         h->a[0].domain);
		h->bad = true;
	} else if (bad == 2) { /* a line end that is no fold */
		snprintf(out, size, "Al\n<%s@%s>", h->a[0].local,
		         h->a[0].domain);
		h->bad = true;
	} else if (bad == 3 && from) { /* empty */
		snprintf(out, size, pick(s, 2) ? "" : "undisclosed:;");
		h->bad = true;
	}
	if (n >= size)
		h->bad = true; /* cannot happen with the sizes used */
}

/* A whole transaction: login, MAIL FROM, headers. */
struct gen_tx {
	struct m_tx m;
	char login[160];
	char sender[200];
	char from[2][1024], snd[2][1024];
};

/* A transaction from the choices. */
static void
gen_tx(struct src *s, const struct m_world *w, struct gen_tx *g)
{
	unsigned r;

	memset(g, 0, sizeof(*g));
	me = (int)pick(s, (unsigned)w->n);
	g->m.login = gen_login(s, w, g->login, sizeof(g->login));
	gen_sender(s, w, &g->m.s, g->sender, sizeof(g->sender));
	if (!w->check_header_from)
		return;
	r = pick(s, 10);
	g->m.nfrom = r == 0 ? 0 : r == 9 ? 2 : 1;
	r = pick(s, 20);
	g->m.nsender = r < 3 ? 1 : r == 3 ? 2 : 0;
	for (int i = 0; i < g->m.nfrom; i++)
		gen_header(s, w, &g->m, true, &g->m.from[i], g->from[i],
		           sizeof(g->from[i]));
	for (int i = 0; i < g->m.nsender; i++)
		gen_header(s, w, &g->m, false, &g->m.sender[i], g->snd[i],
		           sizeof(g->snd[i]));
}

/* ---- the filter
 * ----------------------------------------------------------------- */

/* Run one transaction through the callbacks; the verdict they reached. */
static struct m_verdict
filter(const struct gen_tx *g)
{
	static struct smfi_str ctx;
	char *argv[2] = {(char *)g->sender, NULL};
	unsigned long pf[4];
	struct connection *c;
	struct m_verdict out;
	sfsistat rc;

	memset(&ctx, 0, sizeof(ctx));
	rc = origin_milter_desc.xxfi_negotiate(&ctx, 0x1ff, 0x1fffff, 0, 0,
	                                       &pf[0], &pf[1], &pf[2], &pf[3]);
	check(rc == SMFIS_CONTINUE, "negotiate");
	origin_milter_desc.xxfi_connect(&ctx, "client", NULL);
	if (g->m.login[0]) {
		fake_macro(&ctx, "{auth_authen}", g->m.login);
		fake_macro(&ctx, "{auth_type}", "PLAIN");
	}
	rc = origin_milter_desc.xxfi_envfrom(&ctx, argv);
	if (rc == SMFIS_CONTINUE) {
		for (int i = 0; i < g->m.nfrom; i++)
			origin_milter_desc.xxfi_header(&ctx, "From",
			                               (char *)g->from[i]);
		for (int i = 0; i < g->m.nsender; i++)
			origin_milter_desc.xxfi_header(&ctx, "Sender",
			                               (char *)g->snd[i]);
		origin_milter_desc.xxfi_header(&ctx, "Subject", "oracle");
		rc = origin_milter_desc.xxfi_eom(&ctx);
	}
	c = ctx.priv;
	check(c != NULL, "a connection context");
	out.action = rc == SMFIS_REJECT     ? M_REJECT
	             : rc == SMFIS_TEMPFAIL ? M_TEMPFAIL
	                                    : M_ACCEPT;
	check(rc == SMFIS_REJECT || rc == SMFIS_TEMPFAIL ||
	          rc == SMFIS_ACCEPT || rc == SMFIS_CONTINUE,
	      "a final answer");
	out.reason = reason_name(c->msg.verdict.reason);
	origin_milter_desc.xxfi_close(&ctx);
	return out;
}

/* ---- comparing
 * ------------------------------------------------------------------- */

/* Print a disagreement: files and transaction. */
static void
report(const struct m_world *w, const struct gen_tx *g, struct m_verdict want,
       struct m_verdict got, const char *what)
{
	fprintf(stderr, "fuzz_oracle: %s\n--- accounts\n", what);
	write_accounts(w, stderr);
	fprintf(stderr, "--- policy.conf\n");
	write_policy(w, stderr, "accounts");
	fprintf(stderr, "--- transaction\nlogin=[%s] sender=[%s]\n", g->m.login,
	        g->sender);
	for (int i = 0; i < g->m.nfrom; i++)
		fprintf(stderr, "From: [%s]%s\n", g->from[i],
		        g->m.from[i].bad ? " (bad)" : "");
	for (int i = 0; i < g->m.nsender; i++)
		fprintf(stderr, "Sender: [%s]%s\n", g->snd[i],
		        g->m.sender[i].bad ? " (bad)" : "");
	fprintf(stderr, "model:  %d %s\nfilter: %d %s\n", want.action,
	        want.reason, got.action, got.reason);
}

/* Load the world into the filter: NULL (and err) if it refuses it. */
static struct config *
load_world(const struct m_world *w, char *err, size_t errsz)
{
	char apath[512], ppath[512];
	struct timeval old[2];
	FILE *f;

	snprintf(apath, sizeof(apath), "%s/accounts", tmpdir);
	snprintf(ppath, sizeof(ppath), "%s/policy.conf", tmpdir);
	f = fopen(apath, "w");
	check(f != NULL, "write the accounts file");
	write_accounts(w, f);
	check(fclose(f) == 0, "write the accounts file");
	/* an old modification time: the loader need not wait for it to
	 * settle */
	gettimeofday(&old[0], NULL);
	old[0].tv_sec -= 60;
	old[1] = old[0];
	check(utimes(apath, old) == 0, "backdate the accounts file");
	f = fopen(ppath, "w");
	check(f != NULL, "write policy.conf");
	write_policy(w, f, apath);
	check(fclose(f) == 0, "write policy.conf");
	return config_load(ppath, true, err, errsz);
}

/* Set-up once: a private folder, quiet logs. */
static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "%s/om-oracle.XXXXXX", t ? t : "/tmp");
	check(mkdtemp(tmpdir) != NULL, "mkdtemp");
	atexit(oracle_cleanup); /* libFuzzer runs end with exit() */
	log_set_level(getenv("FUZZ_LOG") ? LOG_DEBUG : LOG_CRIT);
}

/* Remove the private folder. */
void
oracle_cleanup(void)
{
	char p[512];

	if (!tmpdir[0])
		return;
	snprintf(p, sizeof(p), "%s/accounts", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/policy.conf", tmpdir);
	unlink(p);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* Count the agreed verdicts by action and reason. */
static void
count_reason(struct m_verdict v)
{
	size_t i;

	for (i = 0; i < ORACLE_REASONS && oracle_stats.reason[i].name; i++)
		if (oracle_stats.reason[i].action == (int)v.action &&
		    strcmp(oracle_stats.reason[i].name, v.reason) == 0)
			break;
	if (i == ORACLE_REASONS)
		return;
	oracle_stats.reason[i].name = v.reason;
	oracle_stats.reason[i].action = (int)v.action;
	oracle_stats.reason[i].n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: a world and its transactions. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct m_world w;
	static struct gen_tx g;
	struct src s = {data, data + size};
	struct config *c;
	char err[1024];
	unsigned ntx;

	setup();
	gen_world(&s, &w);
	if (w.n == 0)
		return 0;
	oracle_stats.worlds++;
	c = load_world(&w, err, sizeof(err));
	ntx = 4 + pick(&s, 28);
	if (c == NULL) {
		fprintf(stderr, "fuzz_oracle: %s\n", err);
		report(&w, &g, (struct m_verdict){M_ACCEPT, "-"},
		       (struct m_verdict){M_REJECT, "-"},
		       "the filter refuses a valid world");
		abort();
	}
	snapshot_set(config_ref(c));
	for (unsigned i = 0; i < ntx; i++) {
		struct m_verdict want, got;
		gen_tx(&s, &w, &g);
		want = m_decide(&w, &g.m);
		got = filter(&g);
		oracle_stats.tx++;
		if (want.action == got.action &&
		    strcmp(want.reason, got.reason) == 0) {
			oracle_stats.agree++;
			count_reason(want);
			continue;
		}
		report(&w, &g, want, got, "model and filter disagree");
		abort();
	}
	snapshot_set(NULL);
	config_unref(c);
	return 0;
}
