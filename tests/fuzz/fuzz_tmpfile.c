/*
 * fuzz_tmpfile.c - one temporary file per process, rewritten per input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_tmpfile.h"

static char path[256];

/* Remove the file at exit. */
static void
cleanup(void)
{
	if (path[0] != '\0')
		unlink(path);
}

/* Write data to the per-process file. */
const char *
fuzz_tmpfile(const char *tag, const uint8_t *data, size_t size)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "%s/om-fuzz-%s.%ld",
			 dir ? dir : "/tmp", tag, (long)getpid());
		atexit(cleanup);
	}
	f = fopen(path, "wb");
	if (f == NULL)
		return NULL;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	if (fclose(f) != 0)
		return NULL;
	return path;
}
