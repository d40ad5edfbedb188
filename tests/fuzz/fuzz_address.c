/*
 * fuzz_address.c - libFuzzer target: the RFC 5321 path parser, its key
 * normalisation and its formatter. A path that parses must format, and
 * the formatted form must parse again to the same parts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "normalize.h"

/* Abort with a message libFuzzer records as a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: parse, key, format, re-parse. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct address a, b;
	struct addr_limits lim;
	struct norm_opts no = {false, "+"};
	char key[KEY_BUF], buf[3 * ADDR_BUF];
	size_t n;

	addr_limits_default(&lim);
	if (addr_parse((const char *)data, size, &lim, &a) != ADDR_OK)
		return 0;
	check(a.local_len < ADDR_BUF && a.domain_len < ADDR_BUF);
	check(strlen(a.local) == a.local_len);
	check(strlen(a.domain) == a.domain_len);
	check(memchr(a.local, '\r', a.local_len) == NULL);
	check(memchr(a.domain, '\n', a.domain_len) == NULL);
	if (a.is_null)
		return 0;
	(void)addr_key(&a, &no, key, sizeof(key));
	n = addr_format(&a, buf, sizeof(buf));
	check(n > 0 && n == strlen(buf));
	/* a source route is dropped; quoting may lengthen the path */
	lim.path_max = lim.local_max = lim.domain_max = ADDR_BUF - 1;
	if (addr_parse(buf, n, &lim, &b) != ADDR_OK)
		return 0;
	check(b.local_len == a.local_len &&
	      memcmp(b.local, a.local, a.local_len) == 0);
	check(b.domain_len == a.domain_len &&
	      memcmp(b.domain, a.domain, a.domain_len) == 0);
	return 0;
}
