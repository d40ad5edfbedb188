/*
 * fake_smfi.c - the libmilter calls callbacks.c uses, recorded in memory.
 * smfi_setreply checks what the real one checks (a 4xx/5xx code, no CR or
 * LF in the text) and records what it was given.
 */
#include <stdio.h>
#include <string.h>

#include "fake_smfi.h"

/* Forget all macros and the recorded reply. */
void
fake_reset(SMFICTX *ctx)
{
	ctx->nmacros = 0;
	ctx->replied = false;
	ctx->reply_calls = 0;
	ctx->reply_refused = 0;
	ctx->rcode[0] = ctx->xcode[0] = ctx->text[0] = '\0';
}

/* Set or replace one macro. */
void
fake_macro(SMFICTX *ctx, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < ctx->nmacros; i++) {
		if (strcmp(ctx->name[i], name) == 0) {
			ctx->value[i] = value;
			return;
		}
	}
	if (ctx->nmacros == FAKE_MACROS)
		return;
	ctx->name[ctx->nmacros] = name;
	ctx->value[ctx->nmacros++] = value;
}

/* Printable ASCII only, no CR/LF, '%' only in pairs. */
bool
fake_text_is_clean(const char *t)
{
	for (; *t != '\0'; t++) {
		if ((unsigned char)*t < 0x20 || (unsigned char)*t > 0x7e)
			return false;
		if (*t == '%') {
			if (t[1] != '%')
				return false;
			t++;
		}
	}
	return true;
}

/* The private pointer. */
void *
smfi_getpriv(SMFICTX *ctx)
{
	return ctx->priv;
}

/* Set the private pointer. */
int
smfi_setpriv(SMFICTX *ctx, void *p)
{
	ctx->priv = p;
	return MI_SUCCESS;
}

/* Look a macro up as "{name}" or "name". */
char *
smfi_getsymval(SMFICTX *ctx, char *name)
{
	size_t i;

	for (i = 0; i < ctx->nmacros; i++)
		if (strcmp(ctx->name[i], name) == 0)
			return (char *)ctx->value[i];
	return NULL;
}

/* Record a reply; refuse what libmilter refuses. */
int
smfi_setreply(SMFICTX *ctx, char *rcode, char *xcode, char *text)
{
	ctx->reply_calls++;
	if (rcode == NULL || strlen(rcode) != 3 ||
	    (rcode[0] != '4' && rcode[0] != '5') ||
	    (text != NULL && strpbrk(text, "\r\n") != NULL)) {
		ctx->reply_refused++;
		return MI_FAILURE;
	}
	snprintf(ctx->rcode, sizeof(ctx->rcode), "%s", rcode);
	snprintf(ctx->xcode, sizeof(ctx->xcode), "%s", xcode ? xcode : "");
	snprintf(ctx->text, sizeof(ctx->text), "%s", text ? text : "");
	ctx->replied = true;
	return MI_SUCCESS;
}

/* Accept any macro list. */
int
smfi_setsymlist(SMFICTX *ctx, int stage, char *macros)
{
	(void)ctx;
	(void)stage;
	(void)macros;
	return MI_SUCCESS;
}

/* Like the real one at end of message: a name and a value without CR/LF
 * (the MTA would otherwise write a broken header). */
int
smfi_addheader(SMFICTX *ctx, char *name, char *value)
{
	if (name == NULL || value == NULL || name[0] == '\0' ||
	    strpbrk(name, "\r\n: ") != NULL || strpbrk(value, "\r\n") != NULL) {
		ctx->reply_refused++;
		return MI_FAILURE;
	}
	ctx->headers_added++;
	return MI_SUCCESS;
}
