/*
 * judge.h - the daemon's decision path without the I/O: from what the MTA
 * told us (login, sender, client, its own name) to a verdict, and the
 * header From/Sender check. The libmilter callbacks and the explain tool
 * (-x) both go through here, so -x decides exactly as the daemon does.
 */
#ifndef MILTER_JUDGE_H
#define MILTER_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "config.h"
#include "header_from.h"
#include "verdict.h"

/* One message as the MTA described it (strings as sent). */
struct judge_input {
	const char *login;    /* {auth_authen}; "" = not authenticated */
	const char *sender;   /* MAIL FROM argument */
	bool client_trusted;  /* see judge_client() */
	const char *mta_name; /* j or {daemon_name}; "" = not known */
	const char *auth_type; /* {auth_type}; NULL or "" when absent */
	bool login_xtext;     /* login is xtext (policy_login_is_xtext) */
};

/* Text form of the client address (NULL or non-IP: "local") and whether
 * it is in trusted_networks. */
void judge_client(const struct policy *p, const struct sockaddr *sa,
		  char *buf, size_t size, bool *trusted);

/* The envelope verdict (decided once per message, at MAIL) under the
 * policy of the listener the connection came in on. */
void judge_envelope(const struct config *c, const struct listener *lst,
		    const struct judge_input *in, struct verdict *v);

/* Does this message also get the header check (check_header_from on,
 * authenticated)? It runs when the envelope is accepted (or its refusal
 * only reported). */
bool judge_wants_headers(const struct listener *lst,
			 const struct judge_input *in);

/* Check the collected From:/Sender: headers (header_from_collect);
 * true if they refuse the message, v then holds that refusal. */
bool judge_headers(const struct config *c, const struct listener *lst,
		   const struct judge_input *in,
		   const struct hdr_from_set *hdrs, struct verdict *v);

#endif
