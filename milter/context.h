/*
 * context.h - per-connection and per-message state handed through the
 * libmilter callbacks (smfi_setpriv). A connection holds the configuration
 * snapshot it started with; a message holds its verdict until it is applied
 * at the configured stage.
 */
#ifndef MILTER_CONTEXT_H
#define MILTER_CONTEXT_H

#include <stdbool.h>

#include "config.h"
#include "evidence.h"
#include "header_from.h"
#include "report.h"
#include "queue_id.h"
#include "verdict.h"

#define CLIENT_MAX 64
#define LOGIN_LOG_MAX 300

struct message {
	struct evidence *evidence;
	struct hdr_from_set from_hdrs; /* check_header_from */
	bool decided;         /* a verdict is pending for this message */
	bool applied;         /* it was logged/applied already */
	bool authenticated;
	bool report;          /* the refusal in verdict is only reported */
	enum rule rule;       /* the rule behind a refusal in verdict */
	unsigned nreports;    /* report headers waiting for end of message */
	bool headers_checked; /* the header From check ran */
	char qid_gen[QUEUE_ID_MAX + 1]; /* id used for an insane `i' */
	/* everything from here on is written before it is read: not cleared */
	char report_values[2][REPORT_VALUE_MAX]; /* envelope, header From */
	struct verdict verdict;
	char login[LOGIN_LOG_MAX];
	char sender_raw[512]; /* as sent, for the archive header block */
};

struct connection {
	struct config *cfg;   /* snapshot for this connection */
	const struct listener *lst; /* its policy for this session (connect) */
	unsigned long pflags; /* protocol steps negotiated (SMFIP_*) */
	bool client_trusted;
	bool authenticated;   /* {auth_authen} seen in this connection */
	bool login_xtext;     /* {auth_authen} comes xtext-encoded (Sendmail) */
	char client[CLIENT_MAX];
	char mta_name[256];   /* j or {daemon_name} */
	bool in_msg;          /* msg holds a transaction in progress */
	struct message msg;   /* embedded: no allocation per message */
};

#endif
