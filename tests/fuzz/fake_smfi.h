/*
 * fake_smfi.h - a tiny stand-in for the five libmilter calls callbacks.c
 * makes (smfi_getpriv/setpriv/getsymval/setreply/setsymlist), so the real
 * callbacks run in a fuzzer or a unit test without an MTA. The reply the
 * filter sets is recorded for the caller to inspect.
 */
#ifndef TESTS_FAKE_SMFI_H
#define TESTS_FAKE_SMFI_H

#include <stdbool.h>
#include <stddef.h>

#include <libmilter/mfapi.h>

#define FAKE_MACROS 16

struct smfi_str {
	void *priv;
	const char *name[FAKE_MACROS];
	const char *value[FAKE_MACROS];
	size_t nmacros;
	bool replied;          /* smfi_setreply accepted a reply */
	int reply_calls;       /* every smfi_setreply call */
	int reply_refused;     /* calls the real libmilter would refuse */
	char rcode[8];
	char xcode[32];
	char text[4096];
	int headers_added;     /* smfi_addheader calls accepted */
};

/* Forget all macros and the recorded reply (priv is kept). */
void fake_reset(SMFICTX *ctx);
/* Set a macro (the strings must outlive the callback). */
void fake_macro(SMFICTX *ctx, const char *name, const char *value);
/* True if a reply text is safe for the MTA: printable ASCII only, no CR/LF,
 * and every '%' doubled. */
bool fake_text_is_clean(const char *text);

#endif
