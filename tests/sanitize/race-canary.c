/*
 * race-canary.c - a libmilter filter with one deliberate data race in its
 * MAIL callback (an unlocked counter shared by every connection), built
 * with the TSan build. tests/sanitize.sh runs it under load and stops it:
 * the TSan reports must show the canary's race counted as ours (a race in
 * code libmilter calls is never taken for libmilter's) and libmilter's own
 * shutdown reports set aside, with and without a symbolizer.
 *
 *   race-canary unix:/path
 */
#include <stdio.h>
#include <string.h>

#include <libmilter/mfapi.h>

static long mail_count; /* the race: written by every worker, no lock */

/* MAIL: count without a lock, accept. */
static sfsistat
rc_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	mail_count++;
	return SMFIS_ACCEPT;
}

static struct smfiDesc desc = {
	.xxfi_name = "race-canary",
	.xxfi_version = SMFI_VERSION,
	.xxfi_envfrom = rc_envfrom,
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: race-canary SOCKET\n");
		return 64;
	}
	if (smfi_setconn(argv[1]) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE)
		return 1;
	int rc = smfi_main();
	fprintf(stderr, "race-canary: %ld messages\n", mail_count);
	return rc == MI_SUCCESS ? 0 : 1;
}
