/*
 * fuzz_reply.c - libFuzzer target: reply cleaning and formatting. Whatever
 * the client sent, the reply handed to smfi_setreply() holds printable
 * ASCII only, no CR/LF, every '%' doubled, and fits its buffer. The first
 * half of the input is also tried as a configured reply line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_smfi.h"
#include "reply.h"

/* Abort so libFuzzer records a crash. */
static void
check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: clean it, put it in the not-local reply, parse it as a line. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reply_template t, u;
	static struct reply r;
	char out[2 * REPLY_SENDER_MAX + 16], err[256], line[1200];
	char *text;
	size_t n;

	n = reply_clean((const char *)data, size, REPLY_SENDER_MAX, out,
			sizeof(out));
	check(n == strlen(out) && n < sizeof(out));
	check(fake_text_is_clean(out));

	check(reply_parse("554 5.7.1 Mailbox is not local: %s", 1, &t, err,
			  sizeof(err)) == 0);
	reply_format(&t, (const char *)data, size, &r);
	check(fake_text_is_clean(r.text));
	check(strlen(r.code) == 3 && fake_text_is_clean(r.xcode));
	reply_line(&r, line, sizeof(line));
	check(strpbrk(line, "\r\n") == NULL);

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (reply_parse(text, (int)(size & 1), &u, err, sizeof(err)) == 0) {
		reply_format(&u, "x%y\r\n", 5, &r);
		check(fake_text_is_clean(r.text));
		check(r.code[0] == '4' || r.code[0] == '5');
	}
	free(text);
	return 0;
}
