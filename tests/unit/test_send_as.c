/*
 * test_send_as.c - Exchange's Send As as origin-milter evaluates it: the
 * Send-As ACEs a security descriptor yields (sd_parse.c, in DACL order,
 * inherit-only and other rights left out, malformed input refused) and
 * the access check over a login's token (directory.c): the first ACE
 * naming one of its SIDs decides, a deny met first wins, nested groups
 * count through tokenGroups, Everyone and Self are in every token, and a
 * directory without SIDs never reaches the ACEs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "directory.h"
#include "sd_parse.h"

#define DOM "S-1-5-21-7-8-9-"

/* A growing buffer for building descriptors. */
struct buf {
	unsigned char b[512];
	size_t n;
};

/* Append bytes. */
static void
put(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Little-endian 16/32-bit append. */
static void
put16(struct buf *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	put(b, c, 2);
}

/* Little-endian 32-bit append. */
static void
put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	put(b, c, 4);
}

/* A domain SID S-1-5-21-7-8-9-rid (28 octets). */
static void
put_sid(struct buf *b, uint32_t rid)
{
	unsigned char h[8] = { 1, 5, 0, 0, 0, 0, 0, 5 };
	put(b, h, 8);
	put32(b, 21);
	put32(b, 7);
	put32(b, 8);
	put32(b, 9);
	put32(b, rid);
}

/* An object ACE (type 5 allow, 6 deny) for guid (NULL: none). */
static void
put_oace(struct buf *b, int type, int flags, uint32_t mask,
	 const unsigned char *guid, uint32_t rid)
{
	unsigned char h[2] = { (unsigned char)type, (unsigned char)flags };
	put(b, h, 2);
	put16(b, 4 + 8 + (guid ? 16 : 0) + 28);
	put32(b, mask);
	put32(b, guid ? 1 : 0);
	if (guid)
		put(b, guid, 16);
	put_sid(b, rid);
}

/* What the walk handed out, joined: "+rid -rid ...". */
struct seen {
	char s[256];
};

/* sd_walk_right callback. */
static int
collect(void *arg, bool allow, const char *sid)
{
	struct seen *w = arg;
	size_t n = strlen(w->s);
	snprintf(w->s + n, sizeof(w->s) - n, "%s%c%s", n ? " " : "",
		 allow ? '+' : '-', sid + strlen(DOM));
	return 0;
}

/* A descriptor with a DACL of the ACEs already in aces. */
static void
make_sd(struct buf *sd, const struct buf *aces, int count)
{
	unsigned char h[4] = { 1, 0, 0x04, 0x80 }; /* DACL, self-relative */
	sd->n = 0;
	put(sd, h, 4);
	put32(sd, 0);
	put32(sd, 0);
	put32(sd, 0);
	put32(sd, 20);
	unsigned char ah[2] = { 4, 0 };
	put(sd, ah, 2);
	put16(sd, (unsigned)(8 + aces->n));
	put16(sd, (unsigned)count);
	put16(sd, 0);
	put(sd, aces->b, aces->n);
}

/* Order kept; other rights, inherit-only ACEs and audit ones left out. */
static void
test_walk(void **state)
{
	(void)state;
	static const unsigned char other[16] = { 1, 2, 3 };
	struct buf aces = { .n = 0 }, sd;
	put_oace(&aces, 6, 0, 0x100, SD_SEND_AS_GUID, 1106);
	put_oace(&aces, 5, 0, 0x100, SD_SEND_AS_GUID, 1104);
	put_oace(&aces, 5, 0, 0x100, other, 1200);        /* another right */
	put_oace(&aces, 5, 0x08, 0x100, SD_SEND_AS_GUID, 1201); /* IO */
	put_oace(&aces, 5, 0, 0x10, SD_SEND_AS_GUID, 1202); /* RP only */
	put_oace(&aces, 5, 0, 0x100, NULL, 1114); /* all extended rights */
	make_sd(&sd, &aces, 6);
	struct seen w = { "" };
	assert_int_equal(sd_walk_right(sd.b, sd.n, SD_SEND_AS_GUID, collect,
				       &w), 0);
	assert_string_equal(w.s, "-1106 +1104 +1114");
	/* every truncation is refused, never read past */
	for (size_t n = 0; n < sd.n; n++) {
		struct seen x = { "" };
		assert_int_equal(sd_walk_right(sd.b, n, SD_SEND_AS_GUID,
					       collect, &x), -1);
	}
	/* no DACL: no ACE, no error */
	unsigned char nodacl[20] = { 1, 0, 0x00, 0x80 };
	struct seen z = { "" };
	assert_int_equal(sd_walk_right(nodacl, sizeof(nodacl),
				       SD_SEND_AS_GUID, collect, &z), 0);
	assert_string_equal(z.s, "");
}

/* SID strings. */
static void
test_sid_string(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	char s[SID_STR_MAX];
	put_sid(&b, 500);
	assert_int_equal(sid_to_string(b.b, b.n, s, sizeof(s)), 28);
	assert_string_equal(s, "S-1-5-21-7-8-9-500");
	assert_int_equal(sid_to_string(b.b, 27, s, sizeof(s)), -1);
	assert_int_equal(sid_to_string(b.b, b.n, s, 10), -1);
}

static const char *const sales_aces[] = { "-" DOM "1106", "+" DOM "1104",
					  "+" DOM "1114" };

/* The first ACE naming a SID of the token decides. */
static void
test_access_check(void **state)
{
	(void)state;
	struct dir_account sales = { .id = "cn=sales", .name = "sales" };
	sales.send_as_aces = sales_aces;
	sales.nsend_as_aces = 3;
	const char *carol_tok[] = { DOM "1113", DOM "1114", DOM "513" };
	struct dir_account carol = { .id = "cn=carol", .sid = DOM "1107",
				     .token = carol_tok, .ntoken = 3 };
	struct dir_account dave = { .id = "cn=dave", .sid = DOM "1106",
				    .token = carol_tok, .ntoken = 3 };
	struct dir_account bob = { .id = "cn=bob", .sid = DOM "1104" };
	struct dir_account gina = { .id = "cn=gina", .sid = DOM "1110" };
	struct dir_account nosid = { .id = "cn=bob" };
	assert_int_equal(dir_account_send_as(&sales, &bob), SEND_AS_ACL);
	assert_int_equal(dir_account_send_as(&sales, &carol), SEND_AS_ACL);
	assert_int_equal(dir_account_send_as(&sales, &dave),
			 SEND_AS_ACL_DENIED);
	assert_int_equal(dir_account_send_as(&sales, &gina), SEND_AS_NONE);
	assert_int_equal(dir_account_send_as(&sales, &nosid), SEND_AS_NONE);
	/* Everyone is in every token; Self only on one's own entry */
	const char *const every[] = { "+S-1-1-0" };
	const char *const self[] = { "+S-1-5-10" };
	struct dir_account o = { .id = "cn=gina", .send_as_aces = every,
				 .nsend_as_aces = 1 };
	assert_int_equal(dir_account_send_as(&o, &bob), SEND_AS_ACL);
	o.send_as_aces = self;
	assert_int_equal(dir_account_send_as(&o, &bob), SEND_AS_NONE);
	assert_int_equal(dir_account_send_as(&o, &gina), SEND_AS_ACL);
}

/* Delegates first; group membership through the token (nested). */
static void
test_delegates_and_groups(void **state)
{
	(void)state;
	const char *const dels[] = { "cn=dave" };
	struct dir_account boss = { .id = "cn=boss", .delegates = dels,
				    .ndelegates = 1,
				    .send_as_aces = sales_aces,
				    .nsend_as_aces = 3 };
	struct dir_account dave = { .id = "cn=dave", .sid = DOM "1106" };
	assert_int_equal(dir_account_send_as(&boss, &dave), SEND_AS_DELEGATE);
	const char *tok[] = { DOM "2000" };
	struct dir_account grp = { .id = "cn=team", .is_group = true,
				   .sid = DOM "2000" };
	struct dir_account m = { .id = "cn=m", .sid = DOM "1300",
				 .token = tok, .ntoken = 1 };
	assert_int_equal(dir_account_send_as(&grp, &m), SEND_AS_GROUP);
	m.ntoken = 0;
	assert_int_equal(dir_account_send_as(&grp, &m), SEND_AS_NONE);
	assert_string_equal(send_as_via_name(SEND_AS_ACL_DENIED), "acl_deny");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_sid_string),
		cmocka_unit_test(test_access_check),
		cmocka_unit_test(test_delegates_and_groups),
	};
	return cmocka_run_group_tests_name("send_as", tests, NULL, NULL);
}
