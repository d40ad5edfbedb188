/*
 * reply.h - SMTP replies: parsing the configured "554 5.7.1 text" lines and
 * cleaning what the client sent before it goes into one.
 *
 * A reply text handed to smfi_setreply() must hold no CR/LF and has every
 * '%' doubled; the sender put into "Mailbox is not local: %s" is cleaned of
 * control octets and non-ASCII, and bounded in length. Pure: no I/O.
 */
#ifndef POLICY_REPLY_H
#define POLICY_REPLY_H

#include <stddef.h>

#define REPLY_TEXT_MAX 480 /* text octets after un-doubling: fits 512 */
#define REPLY_SENDER_MAX 256 /* client octets kept in a reply */

/* A reply ready for smfi_setreply(): '%' doubled. */
struct reply {
	char code[4];                       /* "554" */
	char xcode[16];                     /* "5.7.1" */
	char text[2 * REPLY_TEXT_MAX + 1];
};

/* A reply as the admin wrote it; "%s" marks where the sender goes. */
struct reply_template {
	char code[4];
	char xcode[16];
	char text[REPLY_TEXT_MAX + 1];
};

/* Parse "554 5.7.1 Some text" as written in policy.conf. allow_sender: the
 * text may hold one "%s" for the sender. 0 on success, else -1 and err. */
int reply_parse(const char *line, int allow_sender, struct reply_template *t,
		char *err, size_t errsz);

/* Clean client bytes for a reply: drop CR, LF and other controls, replace
 * non-ASCII octets with '?', double '%', keep at most max input octets
 * (marking a cut with "..."). Returns the length written. */
size_t reply_clean(const char *in, size_t len, size_t max, char *out,
		   size_t outsz);

/* Build a reply from a template, the cleaned sender in place of "%s". */
void reply_format(const struct reply_template *t, const char *sender,
		  size_t sender_len, struct reply *out);

/* The reply as one line "554 5.7.1 text" with '%%' un-doubled (logs,
 * explain tool). */
void reply_line(const struct reply *r, char *buf, size_t size);

#endif
