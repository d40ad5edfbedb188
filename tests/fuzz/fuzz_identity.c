/*
 * fuzz_identity.c - libFuzzer target: login reduction. The first octet
 * picks the rules; a login that reduces yields NUL-terminated pieces with
 * no control octets and a non-empty user.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

/* No octet below 0x20 or DEL. */
static int
no_controls(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: rules from data[0], the login from the rest. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity_rules r;
	static struct identity id;

	if (size < 1)
		return 0;
	static const char *const realms[] = { "example.com", ".example.net" };
	static const char *const nts[] = { "EXAMPLE" };
	identity_rules_default(&r);
	r.nt_domains = nts;
	r.nnt_domains = data[0] & 1;
	r.realms = realms;
	r.nrealms = (data[0] & 2) ? 0 : 2;
	r.fold_case = (data[0] & 4) != 0;
	r.max_len = (data[0] & 8) ? LOGIN_MAX : 16;
	if (identity_parse((const char *)data + 1, size - 1, &r, &id) != ID_OK)
		return 0;
	check(id.user[0] != '\0' && id.login[0] != '\0');
	/* reduced only by removing a listed prefix or suffix */
	check(strlen(id.user) <= strlen(id.login));
	check(strlen(id.sent) <= LOGIN_MAX && strlen(id.user) <= LOGIN_MAX);
	check(no_controls(id.sent) && no_controls(id.user) &&
	      no_controls(id.domain));
	return 0;
}
