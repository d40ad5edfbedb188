/*
 * fuzz_callbacks.c - libFuzzer target: the real libmilter callbacks of
 * milter/callbacks.c driven in any order with any macro values, through
 * the fake SMFICTX of fake_smfi.c.
 *
 * Input: one octet choosing the configuration (reject stage, home-server
 * rule, header From check), then records "OP LEN BYTES..." (LEN octets of
 * value, NUL/CR/LF allowed; a value is cut at its first NUL as C strings
 * are). After every callback the target checks:
 *   - any reply set is one libmilter accepts and carries no unsanitised
 *     client bytes (printable ASCII, '%' doubled);
 *   - no message is accepted that the policy refuses: an authenticated
 *     login other than alice (or carol, when her mailbox is local) never
 *     gets a non-null sender through, alice only her own addresses and the
 *     one she may send as; without AUTH no sender in a local domain passes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "callbacks.h"
#include "config.h"
#include "fake_smfi.h"
#include "identity.h"
#include "log.h"
#include "normalize.h"
#include "snapshot.h"

#define NCONF 4
#define MAXVALS 64

static struct config *conf[NCONF];
static char tmpdir[256];

static const char accounts[] =
	"alice alice@example.com,a.smith@example.com\n"
	"sales sales@example.com delegates=alice\n"
	"carol carol@example.com home=mail2\n";

/* Abort so libFuzzer records a crash. */
static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_callbacks: violated: %s\n", what);
		abort();
	}
}

/* Write a file; abort on failure (set-up only). */
static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	check(f != NULL, "create a set-up file");
	fputs(text, f);
	check(fclose(f) == 0, "write a set-up file");
}

/* Remove the set-up files at exit. */
static void
cleanup(void)
{
	char p[512];
	int i;

	for (i = 0; i < NCONF; i++) {
		snprintf(p, sizeof(p), "%s/policy%d.conf", tmpdir, i);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/accounts", tmpdir);
	unlink(p);
	rmdir(tmpdir);
}

/* Load configuration number i. */
static struct config *
load_conf(int i)
{
	static const char *stage[NCONF] = {"mail", "rcpt", "data", "data"};
	char path[512], text[2048], err[1024];
	struct config *c;

	snprintf(text, sizeof(text),
		 "socket = \"unix:%s/sock\"\nuser = \"\"\npid_file = \"\"\n"
		 "server_name = \"mail1\"\n"
		 "local_domains = {\"example.com\", \"example.org\"}\n"
		 "directory = \"file\"\naccounts_file = \"%s/accounts\"\n"
		 "policy {\n reject_stage = \"%s\"\n check_home_server = %s\n"
		 " check_header_from = %s\n subaddress_delimiter = \"+\"\n"
		 " require_auth = true\n}\n",
		 tmpdir, tmpdir, stage[i], i % 2 ? "false" : "true",
		 i == 3 ? "true" : "false");
	snprintf(path, sizeof(path), "%s/policy%d.conf", tmpdir, i);
	write_file(path, text);
	c = config_load(path, true, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "fuzz_callbacks: %s\n", err);
	check(c != NULL, "the set-up configuration loads");
	return c;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write the accounts file and load the configurations once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");
	char path[512];
	int i;

	(void)argc;
	(void)argv;
	snprintf(tmpdir, sizeof(tmpdir), "%s/om-fuzzcb.XXXXXX", t ? t : "/tmp");
	check(mkdtemp(tmpdir) != NULL, "mkdtemp");
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/accounts", tmpdir);
	write_file(path, accounts);
	for (i = 0; i < NCONF; i++)
		conf[i] = load_conf(i);
	log_set_level(getenv("FUZZ_LOG") ? LOG_DEBUG : LOG_ERR);
	return 0;
}

/* What the policy allows for the current message. */
struct oracle {
	bool forbidden; /* the policy refuses this message */
	bool open;      /* a message is in progress */
};

/* Is key one that login user may send as? */
static bool
owned_by(const char *user, const char *key, bool home_rule)
{
	if (strcmp(user, "alice") == 0)
		return strcmp(key, "alice@example.com") == 0 ||
		       strcmp(key, "a.smith@example.com") == 0 ||
		       strcmp(key, "sales@example.com") == 0;
	if (strcmp(user, "sales") == 0) /* an account of its own, no home:
					   home_server_missing = accept */
		return strcmp(key, "sales@example.com") == 0;
	if (strcmp(user, "carol") == 0)
		return !home_rule && strcmp(key, "carol@example.com") == 0;
	return false;
}

/* Decide, independently of decide.c, whether the policy refuses. */
static bool
policy_refuses(const struct config *c, const char *login, const char *sender)
{
	struct identity_rules r;
	struct identity id;
	struct address a;
	char key[KEY_BUF];
	const char *dom;

	if (addr_parse(sender, strlen(sender), &c->policy.limits, &a) !=
	    ADDR_OK)
		return login[0] != '\0'; /* unparseable: refused with AUTH */
	if (a.is_null)
		return false;
	if (addr_key(&a, &c->policy.norm, key, sizeof(key)) != NORM_OK)
		return login[0] != '\0';
	if (login[0] == '\0') {
		dom = key_domain(key);
		return strcmp(dom, "example.com") == 0 ||
		       strcmp(dom, "example.org") == 0;
	}
	r = c->policy.identity;
	if (identity_parse(login, strlen(login), &r, &id) != ID_OK)
		return true;
	if (owned_by(id.user, key, c->policy.check_home_server))
		return false;
	/* delimiter "+" and no address of the accounts holds a '+': the
	 * sender's base address (local part cut at its first '+', unless
	 * that is the first octet) decides */
	char base[KEY_BUF];
	const char *plus = strchr(key, '+'), *at = strrchr(key, '@');
	if (key[0] == '"' || plus == NULL || plus == key || at == NULL ||
	    plus > at)
		return true;
	snprintf(base, sizeof(base), "%.*s%s", (int)(plus - key), key, at);
	return !owned_by(id.user, base, c->policy.check_home_server);
}

/* Check a callback's outcome against the reply rules and the oracle. */
static void
after(SMFICTX *ctx, sfsistat rc, struct oracle *o, bool at_eom)
{
	check(ctx->reply_refused == 0, "libmilter would refuse the reply");
	if (ctx->replied) {
		check(fake_text_is_clean(ctx->text),
		      "reply text carries unsanitised bytes");
		check(rc == SMFIS_REJECT || rc == SMFIS_TEMPFAIL,
		      "a reply without a refusal");
	}
	if (o->open && o->forbidden) {
		check(rc != SMFIS_ACCEPT, "refused message accepted");
		check(!(at_eom && rc == SMFIS_CONTINUE),
		      "refused message passed end of message");
	}
	if (rc == SMFIS_ACCEPT || rc == SMFIS_REJECT ||
	    rc == SMFIS_TEMPFAIL || at_eom)
		o->open = false;
	ctx->replied = false;
	ctx->reply_calls = 0;
}

/* A NUL-terminated copy of the next value; NULL when the input ends. */
static char *
take(const uint8_t **p, const uint8_t *end, char **vals, size_t *nvals)
{
	size_t len;
	char *v;

	if (*p >= end || *nvals == MAXVALS)
		return NULL;
	len = **p;
	(*p)++;
	if (len > (size_t)(end - *p))
		len = (size_t)(end - *p);
	if (len == 255) { /* a long value: the octets repeated to 10 KB */
		len = 10240;
	}
	v = malloc(len + 1);
	if (v == NULL)
		return NULL;
	if (len == 10240) {
		size_t i, have = (size_t)(end - *p) < 255 ? (size_t)(end - *p)
							   : 255;
		for (i = 0; i < len; i++)
			v[i] = have ? (char)(*p)[i % have] : 'a';
		*p += have;
	} else {
		memcpy(v, *p, len);
		*p += len;
	}
	v[len] = '\0';
	vals[(*nvals)++] = v;
	return v;
}

/* One input: a whole milter connection. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smfi_str ctx;
	const uint8_t *p = data, *end = data + size;
	struct config *c;
	struct oracle o = {false, false};
	struct sockaddr_in sin;
	char *vals[MAXVALS], *v, *argv[2] = {NULL, NULL};
	const char *login = "";
	size_t nvals = 0, i;
	unsigned long pf[4];
	sfsistat rc;
	uint8_t op;

	if (size < 1)
		return 0;
	c = conf[*p++ % NCONF];
	snapshot_set(config_ref(c));
	memset(&ctx, 0, sizeof(ctx));
	rc = origin_milter_desc.xxfi_negotiate(&ctx, 0x1ff, 0x1fffff, 0, 0,
					       &pf[0], &pf[1], &pf[2], &pf[3]);
	check(rc == SMFIS_CONTINUE, "negotiate");
	while (p < end) {
		op = *p++ % 12;
		switch (op) {
		case 0: /* connect: IPv4 client, or none */
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(0xc000020a);
			rc = origin_milter_desc.xxfi_connect(
				&ctx, "client", (p < end && (*p & 1)) ?
				(_SOCK_ADDR *)&sin : NULL);
			after(&ctx, rc, &o, false);
			break;
		case 1: /* {auth_authen} */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			fake_macro(&ctx, "{auth_authen}", v);
			login = v;
			break;
		case 2: /* MAIL FROM */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			o.open = true;
			o.forbidden = policy_refuses(c, login, v);
			argv[0] = v;
			rc = origin_milter_desc.xxfi_envfrom(&ctx, argv);
			after(&ctx, rc, &o, false);
			break;
		case 3: /* RCPT TO */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			argv[0] = v;
			rc = origin_milter_desc.xxfi_envrcpt(&ctx, argv);
			after(&ctx, rc, &o, false);
			break;
		case 4: /* From: header */
		case 5: /* Sender: header */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			rc = origin_milter_desc.xxfi_header(
				&ctx, op == 4 ? "From" : "Sender", v);
			after(&ctx, rc, &o, false);
			break;
		case 6: /* body */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			rc = origin_milter_desc.xxfi_body(
				&ctx, (unsigned char *)v, strlen(v));
			after(&ctx, rc, &o, false);
			break;
		case 7:
			rc = origin_milter_desc.xxfi_eom(&ctx);
			after(&ctx, rc, &o, true);
			break;
		case 8:
			rc = origin_milter_desc.xxfi_abort(&ctx);
			o.open = false;
			break;
		case 9: /* unknown verb */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			rc = origin_milter_desc.xxfi_unknown(&ctx, v);
			after(&ctx, rc, &o, false);
			break;
		case 10: /* j, {daemon_name} or i */
			if ((v = take(&p, end, vals, &nvals)) == NULL)
				goto done;
			fake_macro(&ctx, (v[0] & 3) == 0 ? "j" :
				   (v[0] & 3) == 1 ? "{daemon_name}" : "i", v);
			break;
		case 11: /* the login macro goes away (no AUTH) */
			fake_macro(&ctx, "{auth_authen}", "");
			login = "";
			break;
		}
	}
done:
	origin_milter_desc.xxfi_close(&ctx);
	check(ctx.priv == NULL, "close frees the connection");
	for (i = 0; i < nvals; i++)
		free(vals[i]);
	return 0;
}
