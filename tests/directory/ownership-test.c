/*
 * ownership-test.c - run the ownership table (tests/directory/
 * ownership.table) against the real backends: the accounts file and, when
 * SLAPD_URI is set (ownership.sh starts a slapd), LDAP. Each row names a
 * fixture (an accounts file under fixtures/, turned into LDIF for slapd by
 * accounts2ldif.awk), a login, a sender, the expected verdict
 * "action/reason" ("error/config" when the directory must not load) and
 * any policy.conf options ("backend=file|ldap" limits a row to one
 * backend, for what only one can express). Each row and backend is
 * loaded through config_load() and judged by decide(), as the daemon does.
 * Options "From=VALUE" and "Sender=VALUE" (header-from.table) add message
 * headers, judged after an accepted envelope by header_from_check() as
 * check_header_from does; in VALUE, \s is a blank, \t a TAB, \n a LF, \r
 * a CR and \\ a backslash (folds as the MTA passes them). Prints TAP.
 *
 *   ownership-test TABLE FIXTURE_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "header_from.h"

#define MAX_OPTS 32
#define MAX_ROWS 1024
#define CONF_MAX 8192

/* One row of the table. */
struct row {
	unsigned line;
	char *fixture, *login, *sender, *expect;
	char *opts[MAX_OPTS];
	size_t nopts;
};

static const char *fixdir;
static char tmpdir[256];
static unsigned ntest, nfail;

/* Split the table into rows (the text is kept and cut in place). */
static size_t
read_table(const char *path, char *text, struct row *rows)
{
	size_t n = 0;
	unsigned line = 0;

	for (char *l = text, *next; l != NULL; l = next) {
		char *tok[4 + MAX_OPTS], *ts = NULL;
		size_t nt = 0;
		if ((next = strchr(l, '\n')) != NULL)
			*next++ = '\0';
		line++;
		for (char *t = strtok_r(l, " \t", &ts); t && nt < 4 + MAX_OPTS;
		     t = strtok_r(NULL, " \t", &ts)) {
			if (t[0] == '#')
				break;
			tok[nt++] = t;
		}
		if (nt == 0)
			continue;
		if (nt < 4 || n == MAX_ROWS) {
			printf("Bail out! %s: row \"%s\": expected FIXTURE "
			       "LOGIN SENDER ACTION/REASON [OPTIONS]\n",
			       path, tok[0]);
			exit(1);
		}
		struct row *r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->line = line;
		r->fixture = tok[0];
		r->login = tok[1];
		r->sender = tok[2];
		r->expect = tok[3];
		for (size_t i = 4; i < nt; i++)
			r->opts[r->nopts++] = tok[i];
	}
	return n;
}

/* The whole file, NUL-terminated. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		exit(1);
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("Bail out! %s: cannot read\n", path);
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A value as policy.conf wants it: lists, strings in quotes, booleans and
 * numbers as they are; anything else quoted. */
static void
put_value(FILE *f, const char *v)
{
	const char *p = v;

	if (v[0] == '{' || v[0] == '"' || strcmp(v, "true") == 0 ||
	    strcmp(v, "false") == 0) {
		fprintf(f, "%s", v);
		return;
	}
	while (*p >= '0' && *p <= '9')
		p++;
	if (p != v && *p == '\0') {
		fprintf(f, "%s", v);
		return;
	}
	fprintf(f, "\"%s\"", v);
}

/* Write the options of one section ("" = top level): "section.key=value"
 * from base, then from the row (a later key wins: libconfuse keeps the
 * last value). */
static void
put_section(FILE *f, const char *section, char *const *opts, size_t n)
{
	size_t sl = strlen(section);
	bool open = false;

	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i], *dot = strchr(o, '.'),
			   *eq = strchr(o, '=');
		if (eq == NULL)
			continue;
		if (dot == NULL || dot > eq) {
			if (sl != 0)
				continue;
			fprintf(f, "%.*s = ", (int)(eq - o), o);
		} else {
			if (sl == 0 || (size_t)(dot - o) != sl ||
			    strncmp(o, section, sl) != 0)
				continue;
			if (!open)
				fprintf(f, "%s {\n", section);
			open = true;
			fprintf(f, "  %.*s = ", (int)(eq - dot - 1), dot + 1);
		}
		put_value(f, eq + 1);
		fputc('\n', f);
	}
	if (open)
		fprintf(f, "}\n");
}

/* The options every row starts from, for one backend. */
static size_t
base_opts(const char *backend, const struct row *r, char **opts)
{
	static char buf[8][1024];
	size_t n = 0;

	snprintf(buf[0], sizeof(buf[0]),
		 "local_domains={\"example.com\",\"example.org\"}");
	opts[n++] = buf[0];
	if (strcmp(backend, "file") == 0) {
		opts[n++] = "directory=file";
		snprintf(buf[1], sizeof(buf[1]), "accounts_file=%s/%s.accounts",
			 fixdir, r->fixture);
		opts[n++] = buf[1];
		return n;
	}
	opts[n++] = "directory=ldap";
	snprintf(buf[2], sizeof(buf[2]), "ldap.uri={\"%s\"}",
		 getenv("SLAPD_URI"));
	opts[n++] = buf[2];
	snprintf(buf[3], sizeof(buf[3]), "ldap.bind_dn=%s",
		 getenv("SLAPD_BINDDN"));
	opts[n++] = buf[3];
	snprintf(buf[4], sizeof(buf[4]), "ldap.bind_password_file=%s/pw",
		 tmpdir);
	opts[n++] = buf[4];
	snprintf(buf[5], sizeof(buf[5]), "ldap.base=ou=%s,%s", r->fixture,
		 getenv("SLAPD_SUFFIX"));
	opts[n++] = buf[5];
	/* accounts2ldif.awk: mailboxes are inetLocalMailRecipient,
	 * contacts (type=contact) are not */
	opts[n++] = "ldap.mailbox_filter=(objectClass=inetLocalMailRecipient)";
	opts[n++] = "ldap.address_attributes={mail}";
	opts[n++] = "ldap.delegate_attribute=publicDelegates";
	return n;
}

/* A header option: "From=..." or "Sender=..." (not a policy.conf key). */
static bool
header_opt(const char *o)
{
	return strncmp(o, "From=", 5) == 0 || strncmp(o, "Sender=", 7) == 0;
}

/* Write policy.conf for one row and backend; its path. */
static const char *
write_conf(const char *backend, const struct row *r)
{
	static char path[512];
	char *opts[16 + MAX_OPTS];
	size_t n = base_opts(backend, r, opts);
	static const char *const sections[] = {"", "policy", "identity",
					       "reply", "ldap"};
	FILE *f;

	for (size_t i = 0; i < r->nopts; i++)
		if (strncmp(r->opts[i], "backend=", 8) != 0 &&
		    !header_opt(r->opts[i]))
			opts[n++] = r->opts[i];
	snprintf(path, sizeof(path), "%s/policy.conf", tmpdir);
	f = fopen(path, "w");
	if (f == NULL) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		put_section(f, sections[s], opts, n);
	fclose(f);
	return path;
}

/* Judge the row's From:/Sender: options as check_header_from does, if
 * the envelope was accepted for an authenticated login. */
static void
check_headers(const struct config *c, const struct row *r,
	      const struct facts *f, struct verdict *v)
{
	struct hdr_from_set set;
	struct verdict hv;
	char value[2048];

	memset(&set, 0, sizeof(set));
	for (size_t i = 0; i < r->nopts; i++) {
		const char *o = r->opts[i], *eq = strchr(o, '=');
		size_t n = 0;
		if (!header_opt(o))
			continue;
		for (const char *p = eq + 1; *p && n + 1 < sizeof(value); p++) {
			if (*p == '\\' && p[1] != '\0') {
				p++;
				value[n++] = *p == 's'	 ? ' '
					     : *p == 't' ? '\t'
					     : *p == 'n' ? '\n'
					     : *p == 'r' ? '\r'
							 : *p;
			} else {
				value[n++] = *p;
			}
		}
		value[n] = '\0';
		char name[8];
		snprintf(name, sizeof(name), "%.*s", (int)(eq - o), o);
		header_from_collect(&set, name, value);
	}
	if (header_from_any(&set) && v->action == ACT_ACCEPT &&
	    f->login[0] != '\0' &&
	    header_from_check(&c->policy, c->dir, f, &set, &hv) != 0)
		*v = hv;
	header_from_free(&set);
}

/* Does the row run against this backend ("backend=NAME" limits it)? */
static bool
row_runs(const char *backend, const struct row *r)
{
	for (size_t i = 0; i < r->nopts; i++)
		if (strncmp(r->opts[i], "backend=", 8) == 0 &&
		    strcmp(r->opts[i] + 8, backend) != 0)
			return false;
	return true;
}

/* Run one row against one backend; print its TAP line. */
static void
run_row(const char *backend, const struct row *r)
{
	char err[1024], got[128];
	struct config *c;
	struct facts f;
	struct verdict v;
	const char *conf;

	if (!row_runs(backend, r))
		return;
	conf = write_conf(backend, r);
	ntest++;
	c = config_load(conf, true, err, sizeof(err));
	if (c == NULL) {
		/* the directory's own FILE:LINE error, not a runner mistake */
		snprintf(got, sizeof(got), "%s",
			 strstr(err, ".accounts:") ? "error/config"
						   : "error/other");
	} else {
		memset(&f, 0, sizeof(f));
		f.login = strcmp(r->login, "-") == 0 ? "" : r->login;
		f.sender = r->sender; /* "<>" is the null sender */
		/* as for a Sendmail that passes no v macro: login_encoding
		 * decides (login-forms.table) */
		f.login_xtext = policy_login_is_xtext(&c->policy, NULL);
		f.sender_len = strlen(f.sender);
		decide(&c->policy, c->dir, &f, &v);
		check_headers(c, r, &f, &v);
		snprintf(got, sizeof(got), "%s/%s", action_name(v.action),
			 reason_name(v.reason));
	}
	bool ok = strcmp(got, r->expect) == 0;
	printf("%sok %u - %s row %u: %s %s %s -> %s", ok ? "" : "not ", ntest,
	       backend, r->line, r->fixture, r->login, r->sender, r->expect);
	for (size_t i = 0; i < r->nopts; i++)
		printf(" %s", r->opts[i]);
	printf("\n");
	if (c == NULL)
		printf("# %s\n", err); /* the load error, expected or not */
	if (!ok) {
		nfail++;
		printf("# got %s\n", got);
		if (c != NULL)
			printf("# facts: %s\n", v.facts);
	}
	config_unref(c);
}

int
main(int argc, char **argv)
{
	static struct row rows[MAX_ROWS];
	const char *backends[2] = {"file", "ldap"};
	size_t nb = 1, n;
	char pw[300];
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s TABLE FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	fixdir = argv[2];
	n = read_table(argv[1], slurp(argv[1]), rows);
	snprintf(tmpdir, sizeof(tmpdir), "%s/ownership.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (getenv("SLAPD_URI") != NULL && getenv("SLAPD_BINDPW") != NULL) {
		nb = 2;
		snprintf(pw, sizeof(pw), "%s/pw", tmpdir);
		f = fopen(pw, "w");
		if (f == NULL)
			return 1;
		fprintf(f, "%s\n", getenv("SLAPD_BINDPW"));
		fclose(f);
	}
	size_t plan = 0;
	for (size_t b = 0; b < nb; b++)
		for (size_t i = 0; i < n; i++)
			plan += row_runs(backends[b], &rows[i]);
	printf("1..%zu\n", plan);
	for (size_t b = 0; b < nb; b++)
		for (size_t i = 0; i < n; i++)
			run_row(backends[b], &rows[i]);
	snprintf(pw, sizeof(pw), "%s/pw", tmpdir);
	unlink(pw);
	snprintf(pw, sizeof(pw), "%s/policy.conf", tmpdir);
	unlink(pw);
	rmdir(tmpdir);
	printf("# %u of %u rows differ from the table\n", nfail, ntest);
	return nfail ? 1 : 0;
}
