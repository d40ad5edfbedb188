/*
 * fuzz_sd.c - libFuzzer target: the self-relative security descriptor
 * parser of the Send-As check (sd_parse.c). Any input: no read outside
 * the buffer (ASan), a result of 0 or -1, every ACE handed out names a
 * well-formed SID string ("S-1-" and digits/dashes, bounded); the same
 * input also goes through sid_to_string alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd_parse.h"

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

/* A SID string as sid_to_string writes it. */
static void
check_sid(const char *s)
{
	size_t n = strlen(s);
	check(n >= 5 && n < SID_STR_MAX && strncmp(s, "S-1-", 4) == 0);
	for (size_t i = 4; i < n; i++)
		check((s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      (s[i] >= 'a' && s[i] <= 'f') || s[i] == 'x');
}

/* Callback: check each ACE's SID, count them. */
static int
on_ace(void *arg, bool allow, const char *sid)
{
	(void)allow;
	check_sid(sid);
	++*(size_t *)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	int rc = sd_walk_right(data, size, SD_SEND_AS_GUID, on_ace, &n);
	check(rc == 0 || rc == -1);
	char s[SID_STR_MAX];
	int used = sid_to_string(data, size, s, sizeof(s));
	check(used == -1 || ((size_t)used <= size && used >= 8));
	if (used > 0)
		check_sid(s);
	/* a too small output buffer is refused, never overrun */
	char tiny[8];
	used = sid_to_string(data, size, tiny, sizeof(tiny));
	check(used == -1 || strlen(tiny) < sizeof(tiny));
	return 0;
}
