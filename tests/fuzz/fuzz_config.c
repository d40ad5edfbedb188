/*
 * fuzz_config.c - libFuzzer target: the policy.conf loader (libconfuse and
 * every validator). A file either loads into a snapshot that is freed
 * again, or is refused with a message naming the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_tmpfile.h"

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: the whole policy.conf, loaded without opening a directory. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024] = "";
	const char *path = fuzz_tmpfile("conf", data, size);
	struct config *c;

	if (path == NULL)
		return 0;
	c = config_load(path, false, err, sizeof(err));
	if (c == NULL) {
		check(err[0] != '\0');
		return 0;
	}
	check(c->policy.not_owner.code[0] == '4' ||
	      c->policy.not_owner.code[0] == '5');
	config_unref(c);
	return 0;
}
