/*
 * test_hostile.c - hostile logins and senders through the real callbacks
 * (milter/callbacks.c) with the real policy.conf loader and accounts-file
 * backend, the MTA replaced by the fake SMFICTX of tests/fuzz/fake_smfi.c.
 *
 * Every case names the verdict the policy demands (accept, or the exact
 * reply code, enhanced code and text) and checks that the reply handed to
 * smfi_setreply() is one libmilter accepts and carries no client byte
 * unsanitised: printable ASCII only, no CR/LF, every '%' doubled. Cases
 * with NUL octets inside a value go to decide() directly, since the milter
 * protocol ends every macro and argument at its first NUL.
 */
#include <setjmp.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "callbacks.h"
#include "config.h"
#include "fake_smfi.h"
#include "log.h"
#include "snapshot.h"

#define NOT_OWNER "Originator address does not match authentication credentials"
#define NEED_AUTH "Need to authenticate first"
#define BAD_SENDER "Bad sender address syntax"

static char dir[256];
static struct config *cfg;

static const char accounts[] =
	"alice  alice@example.com,a.smith@example.com\n"
	"bob    bob@example.com\n"
	"carol  carol@example.com  home=mail2\n"
	"sales  sales@example.com  delegates=alice\n"
	"idn    idn@xn--bcher-kva.example\n";

/* Write a file in the test folder. */
static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Temporary folder, accounts file, policy.conf (home-server rule on,
 * refusals at MAIL), loaded and installed as the snapshot. */
static int
setup(void **state)
{
	char text[2048], path[512], err[1024];
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/om-hostile.XXXXXX", t ? t : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	put("accounts", accounts);
	snprintf(text, sizeof(text),
		 "socket = \"unix:%s/sock\"\nuser = \"\"\npid_file = \"\"\n"
		 "server_name = \"mail1\"\n"
		 "local_domains = {\"example.com\", \"example.org\", "
		 "\"xn--bcher-kva.example\"}\n"
		 "directory = \"file\"\naccounts_file = \"%s/accounts\"\n"
		 "policy {\n reject_stage = \"mail\"\n check_home_server = true\n"
		 " subaddress_delimiter = \"+\"\n require_auth = true\n}\n",
		 dir, dir);
	put("policy.conf", text);
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	cfg = config_load(path, true, err, sizeof(err));
	if (cfg == NULL) {
		fprintf(stderr, "# %s\n", err);
		return -1;
	}
	snapshot_set(config_ref(cfg));
	log_set_level(LOG_ERR);
	return 0;
}

/* Drop the snapshot and remove the folder. */
static int
teardown(void **state)
{
	char path[512];

	(void)state;
	snapshot_set(NULL);
	config_unref(cfg);
	snprintf(path, sizeof(path), "%s/accounts", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* One outcome of a MAIL FROM. */
struct outcome {
	sfsistat rc;
	char code[8], xcode[32], text[4096];
};

/* A whole connection: connect, {auth_authen} (NULL: no AUTH), MAIL FROM.
 * Checks the reply rules and returns what the filter answered. */
static struct outcome
mail(const char *login, const char *sender)
{
	static struct smfi_str ctx;
	struct sockaddr_in sin;
	unsigned long pf[4];
	char *argv[2] = {(char *)sender, NULL};
	struct outcome o;

	memset(&ctx, 0, sizeof(ctx));
	memset(&o, 0, sizeof(o));
	assert_int_equal(origin_milter_desc.xxfi_negotiate(&ctx, 0x1ff,
		0x1fffff, 0, 0, &pf[0], &pf[1], &pf[2], &pf[3]),
		SMFIS_CONTINUE);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.10", &sin.sin_addr);
	fake_macro(&ctx, "j", "mail1.example.com");
	origin_milter_desc.xxfi_connect(&ctx, "client.example",
					(_SOCK_ADDR *)&sin);
	if (login != NULL)
		fake_macro(&ctx, "{auth_authen}", login);
	fake_macro(&ctx, "i", "4XQID1");
	o.rc = origin_milter_desc.xxfi_envfrom(&ctx, argv);
	assert_int_equal(ctx.reply_refused, 0);
	if (ctx.replied) {
		assert_true(fake_text_is_clean(ctx.text));
		assert_true(strlen(ctx.text) <= 2 * REPLY_TEXT_MAX);
		snprintf(o.code, sizeof(o.code), "%s", ctx.rcode);
		snprintf(o.xcode, sizeof(o.xcode), "%s", ctx.xcode);
		snprintf(o.text, sizeof(o.text), "%s", ctx.text);
	}
	origin_milter_desc.xxfi_close(&ctx);
	assert_null(ctx.priv);
	return o;
}

/* The message must be accepted. */
static void
accepts(const char *login, const char *sender)
{
	struct outcome o = mail(login, sender);

	if (o.rc != SMFIS_ACCEPT)
		fprintf(stderr, "# %s / %s: rc %d %s %s %s\n", login, sender,
			o.rc, o.code, o.xcode, o.text);
	assert_int_equal(o.rc, SMFIS_ACCEPT);
}

/* The message must be refused with exactly this reply. */
static void
refuses(const char *login, const char *sender, const char *code,
	const char *xcode, const char *text)
{
	struct outcome o = mail(login, sender);

	if (o.rc != SMFIS_REJECT || strcmp(o.code, code) != 0 ||
	    strcmp(o.text, text) != 0)
		fprintf(stderr, "# %.40s / %.60s: rc %d \"%s %s %.200s\"\n",
			login ? login : "(no auth)", sender, o.rc, o.code,
			o.xcode, o.text);
	assert_int_equal(o.rc, SMFIS_REJECT);
	assert_string_equal(o.code, code);
	assert_string_equal(o.xcode, xcode);
	assert_string_equal(o.text, text);
}

/* Refused as not the owner. */
static void
not_owner(const char *login, const char *sender)
{
	refuses(login, sender, "554", "5.7.1", NOT_OWNER);
}

/* Logins carrying LDAP filter syntax map to nobody. */
static void
test_ldap_filter_logins(void **state)
{
	(void)state;
	not_owner("*)(uid=*", "<alice@example.com>");
	not_owner("*", "<alice@example.com>");
	not_owner("alice*", "<alice@example.com>");
	not_owner("alice)(|(uid=*))", "<alice@example.com>");
	not_owner("al\\2aice", "<alice@example.com>");
	not_owner("(&(uid=alice))", "<alice@example.com>");
	not_owner("alice\\00", "<alice@example.com>");
	/* and senders with filter syntax are just addresses nobody owns */
	refuses("alice", "<*)(mail=*@example.com>", "501", "5.1.7",
		BAD_SENDER); /* '(' is no atext */
	not_owner("alice", "<alice*@example.com>");
}

/* CR/LF, other controls and NUL: refused, never echoed. */
static void
test_controls(void **state)
{
	(void)state;
	not_owner("alice\r\nbob", "<alice@example.com>");
	not_owner("alice\n", "<alice@example.com>");
	not_owner("ali\tce", "<alice@example.com>");
	not_owner("alice\x7f", "<alice@example.com>");
	refuses("alice", "<alice@example.com>\r\nRCPT TO:<x@evil.example>",
		"501", "5.1.7", BAD_SENDER);
	refuses("alice", "<alice@exa\rmple.com>", "501", "5.1.7",
		BAD_SENDER);
	refuses("carol", "<carol\x1b[2J@example.com>", "501", "5.1.7",
		BAD_SENDER);
	/* without AUTH a broken sender in a local domain is not let through:
	 * judged by its domain (policy.conf(5) UNAUTHENTICATED SENDERS) */
	refuses(NULL, "<alice\r\n@example.com>", "504", "5.7.4", NEED_AUTH);
	refuses(NULL, "<alice@example.com\r\n>", "504", "5.7.4", NEED_AUTH);
	refuses(NULL, "<alice@evil.example\r\nRCPT TO:<x@example.com>>",
		"504", "5.7.4", NEED_AUTH);
}

/* NUL inside the sender (decide() with the real length). */
static void
test_nul(void **state)
{
	static const char s1[] = "<alice@example.com>\0<bob@evil.example>";
	static const char s2[] = "<alice\0@example.com>";
	struct facts f = {.login = "alice", .sender = s1,
			  .sender_len = sizeof(s1) - 1, .mta_name = "mail1"};
	struct verdict v;

	(void)state;
	decide(&cfg->policy, cfg->dir, &f, &v);
	assert_int_equal(v.action, ACT_REJECT);
	assert_string_equal(v.reply.code, "501");
	f.sender = s2;
	f.sender_len = sizeof(s2) - 1;
	decide(&cfg->policy, cfg->dir, &f, &v);
	assert_int_equal(v.action, ACT_REJECT);
	assert_true(fake_text_is_clean(v.reply.text));
	/* a NUL ends a macro on the wire: "alice\0bob" arrives as "alice",
	 * which still owns only her own addresses */
	not_owner("alice\0bob", "<bob@example.com>");
}

/* '%' sequences: harmless in logins, doubled when echoed. */
static void
test_percent(void **state)
{
	(void)state;
	not_owner("%s%n%x", "<alice@example.com>");
	not_owner("alice%n", "<alice@example.com>");
	accepts("alice", "<alice+%s%n@example.com>");
	not_owner("alice", "<%s%n@example.com>");
	refuses("carol", "<carol+%s%n%%@example.com>", "554", "5.7.1",
		"Mailbox is not local: carol+%%s%%n%%%%@example.com");
	refuses("carol", "<carol@example.com>", "554", "5.7.1",
		"Mailbox is not local: carol@example.com");
}

/* 10 KB values. */
static void
test_long(void **state)
{
	char *big = malloc(10241), *snd = malloc(10260);

	(void)state;
	assert_non_null(big);
	assert_non_null(snd);
	memset(big, 'a', 10240);
	big[10240] = '\0';
	not_owner(big, "<alice@example.com>");
	memcpy(big, "alice", 5); /* "alice" + 10 KB: still not alice */
	not_owner(big, "<alice@example.com>");
	snprintf(snd, 10260, "<carol+%s@example.com>", big);
	refuses("carol", snd, "501", "5.1.7", BAD_SENDER);
	snprintf(snd, 10260, "<alice@%s.example.com>", big);
	refuses("alice", snd, "501", "5.1.7", BAD_SENDER);
	snprintf(snd, 10260, "<%%%s@example.com>", big);
	refuses(NULL, snd, "504", "5.7.4", NEED_AUTH); /* by its domain */
	snprintf(snd, 10260, "<%%%s@partner.example>", big);
	accepts(NULL, snd);
	free(big);
	free(snd);
}

/* Invalid UTF-8 in logins and senders. */
static void
test_bad_utf8(void **state)
{
	(void)state;
	not_owner("al\xffice", "<alice@example.com>");
	not_owner("alice\xc3", "<alice@example.com>");
	not_owner("\xc0\xaf" "alice", "<alice@example.com>"); /* overlong "/" */
	refuses("alice", "<alice\xff@example.com>", "501", "5.1.7",
		BAD_SENDER);
	refuses("alice", "<alice@ex\xc3" "\x28mple.com>", "501", "5.1.7",
		BAD_SENDER);
	/* UTF-16 surrogate: no usable domain, so none: local */
	refuses(NULL, "<alice@example.com\xed\xa0\x80>", "504", "5.7.4",
		NEED_AUTH);
	accepts(NULL, "<alice\xff@partner.example>"); /* foreign domain */
}

/* IDNA: the U-label and the A-label of one domain are the same domain;
 * a different domain that looks alike is not. */
static void
test_idna(void **state)
{
	(void)state;
	accepts("idn", "<idn@xn--bcher-kva.example>");
	accepts("idn", "<idn@b\xc3\xbc" "cher.example>");
	accepts("idn", "<idn@B\xc3\x9c" "CHER.example>");
	accepts("idn", "<idn@XN--BCHER-KVA.EXAMPLE>");
	not_owner("idn", "<idn@bucher.example>");
	not_owner("alice", "<alice@xn--exmple-cua.com>"); /* exämple.com */
	not_owner("alice", "<alice@ex\xc3\xa4mple.com>");
	refuses(NULL, "<idn@b\xc3\xbc" "cher.example>", "504", "5.7.4",
		NEED_AUTH);
	accepts(NULL, "<alice@xn--exmple-cua.com>"); /* not a local domain */
}

/* Quoted local parts that try to smuggle an '@'. */
static void
test_quoted(void **state)
{
	(void)state;
	not_owner("alice", "<\"alice@example.com\"@evil.example>");
	not_owner("alice", "<\"alice@example.com\"@example.com>");
	not_owner("alice", "<\"bob\"@example.com>");
	refuses("alice", "<\"alice\\\"@example.com\">", "501", "5.1.7",
		BAD_SENDER); /* all quoted: no '@' at all */
	accepts("alice", "<\"alice\"@example.com>");
	refuses(NULL, "<\"bob@evil.example\"@example.com>", "504", "5.7.4",
		NEED_AUTH);
	accepts(NULL, "<\"alice@example.com\"@evil.example>");
	refuses("alice", "<\"alice@example.com>", "501", "5.1.7",
		BAD_SENDER);
}

/* Upper and lower case variants. */
static void
test_case(void **state)
{
	(void)state;
	accepts("ALICE", "<Alice@EXAMPLE.com>");
	accepts("Example\\Alice", "<A.SMITH@example.COM>");
	accepts("alice@EXAMPLE.COM", "<alice@example.com.>");
	not_owner("BOB", "<ALICE@EXAMPLE.COM>");
	not_owner("alice", "<BOB@Example.Com>");
	refuses(NULL, "<ALICE@EXAMPLE.COM>", "504", "5.7.4", NEED_AUTH);
	refuses(NULL, "<alice@Example.Org>", "504", "5.7.4", NEED_AUTH);
}

/* Source routes: the route is dropped, the mailbox decides. */
static void
test_source_routes(void **state)
{
	(void)state;
	accepts("alice", "<@evil.example:alice@example.com>");
	accepts("alice", "<@evil.example,@relay.example:alice@example.com>");
	not_owner("alice", "<@example.com:bob@evil.example>");
	not_owner("alice", "<@example.com:alice@evil.example>");
	refuses(NULL, "<@evil.example:alice@example.com>", "504", "5.7.4",
		NEED_AUTH);
	refuses("alice", "<@evil.example:@example.com>", "501", "5.1.7",
		BAD_SENDER);
	refuses("alice", "<@:alice@example.com>", "501", "5.1.7",
		BAD_SENDER);
}

/* Unknown verbs with hostile text before AUTH: 504, nothing echoed. */
static void
test_unknown_verb(void **state)
{
	static struct smfi_str ctx;
	unsigned long pf[4];

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	origin_milter_desc.xxfi_negotiate(&ctx, 0x1ff, 0x1fffff, 0, 0, &pf[0],
					  &pf[1], &pf[2], &pf[3]);
	assert_int_equal(origin_milter_desc.xxfi_unknown(&ctx,
		"XEXCH50 %s%n\r\n\xff"), SMFIS_REJECT);
	assert_string_equal(ctx.rcode, "504");
	assert_string_equal(ctx.text, NEED_AUTH);
	assert_true(fake_text_is_clean(ctx.text));
	origin_milter_desc.xxfi_close(&ctx);
}

/* A 10 KB queue id (the `i' macro) with a refusal archived at end of
 * data: the copy is written under a generated id, its header block is the
 * six lines it should be and nothing else (no stack bytes), and the file
 * name stays inside the archive folder. */
static void
test_long_queue_id_archive(void **state)
{
	static struct smfi_str ctx;
	char text[2048], path[1024], err[1024], adir[600], line[4096];
	char *qid = malloc(10241);
	char *argv[2] = {"<bob@example.com>", NULL};
	struct config *ac;
	struct sockaddr_in sin;
	unsigned long pf[4];
	struct dirent *de;
	DIR *d;
	int found = 0;

	(void)state;
	assert_non_null(qid);
	memset(qid, 'Q', 10240);
	qid[10240] = '\0';
	memcpy(qid, "../x/", 5);
	snprintf(adir, sizeof(adir), "%s/archive", dir);
	assert_int_equal(mkdir(adir, 0700), 0);
	snprintf(text, sizeof(text),
		 "socket = \"unix:%s/sock\"\nuser = \"\"\npid_file = \"\"\n"
		 "server_name = \"mail1\"\nlocal_domains = {\"example.com\"}\n"
		 "directory = \"file\"\naccounts_file = \"%s/accounts\"\n"
		 "archive = \"%s\"\npolicy {\n reject_stage = \"data\"\n}\n",
		 dir, dir, adir);
	put("archive.conf", text);
	snprintf(path, sizeof(path), "%s/archive.conf", dir);
	ac = config_load(path, true, err, sizeof(err));
	assert_non_null(ac);
	snapshot_set(config_ref(ac));

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(origin_milter_desc.xxfi_negotiate(&ctx, 0x1ff,
		0x1fffff, 0, 0, &pf[0], &pf[1], &pf[2], &pf[3]),
		SMFIS_CONTINUE);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.10", &sin.sin_addr);
	fake_macro(&ctx, "j", "mail1.example.com");
	origin_milter_desc.xxfi_connect(&ctx, "client.example",
					(_SOCK_ADDR *)&sin);
	fake_macro(&ctx, "{auth_authen}", "alice");
	fake_macro(&ctx, "i", qid);
	assert_int_equal(origin_milter_desc.xxfi_envfrom(&ctx, argv),
			 SMFIS_CONTINUE);
	origin_milter_desc.xxfi_header(&ctx, "From", "<bob@example.com>");
	origin_milter_desc.xxfi_body(&ctx, (unsigned char *)"body\r\n", 6);
	assert_int_equal(origin_milter_desc.xxfi_eom(&ctx), SMFIS_REJECT);
	origin_milter_desc.xxfi_close(&ctx);
	snapshot_set(config_ref(cfg));
	config_unref(ac);

	d = opendir(adir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		FILE *f;
		int lines = 0;
		size_t len;
		if (de->d_name[0] == '.')
			continue;
		found++;
		assert_true(strlen(de->d_name) < 80);
		assert_non_null(strstr(de->d_name, "-OM"));
		snprintf(path, sizeof(path), "%s/%s", adir, de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			len = strlen(line);
			for (size_t i = 0; i < len; i++)
				assert_true((line[i] >= 0x20 && line[i] < 0x7f) ||
					    line[i] == '\r' || line[i] == '\n');
			if (++lines <= 6)
				assert_int_equal(strncmp(line, "X-Origin-Milter-", 16), 0);
			else if (lines == 7)
				assert_string_equal(line, "From: <bob@example.com>\r\n");
			assert_null(strstr(line, "QQQQ"));
		}
		fclose(f);
		unlink(path);
	}
	closedir(d);
	rmdir(adir);
	snprintf(path, sizeof(path), "%s/archive.conf", dir);
	unlink(path);
	free(qid);
	assert_int_equal(found, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ldap_filter_logins),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_idna),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_source_routes),
		cmocka_unit_test(test_unknown_verb),
		cmocka_unit_test(test_long_queue_id_archive),
	};

	return cmocka_run_group_tests_name("hostile", tests, setup, teardown);
}
