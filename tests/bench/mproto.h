/*
 * mproto.h - the MTA side of the milter protocol (version 6), for mgen.
 *
 * Speaks to a filter the way Postfix's milter8.c does: SMFIC_OPTNEG
 * offering every action and protocol step, the filter's declined steps
 * (SMFIP_NO*), no-reply flags (SMFIP_NR_*) and requested macro lists
 * honoured, SMFIC_MACRO before each event. Output is buffered and flushed
 * only before a reply is awaited, as Postfix's VSTREAM does. Blocking I/O,
 * one connection per struct mconn; no allocation after mconn_open().
 */
#ifndef BENCH_MPROTO_H
#define BENCH_MPROTO_H

#include <stddef.h>
#include <stdint.h>

#define MP_OUTBUF 8192
#define MP_INBUF 4096
#define MP_NSTAGES 7    /* SMFIM_CONNECT .. SMFIM_EOH */
#define MP_SYMLIST 512  /* longest macro list kept per stage */

/* What a filter said to one event. */
enum mp_reply {
	MP_NONE = 0,  /* step declined or no reply expected */
	MP_CONTINUE,  /* 'c' */
	MP_ACCEPT,    /* 'a' */
	MP_REJECT,    /* 'r' */
	MP_TEMPFAIL,  /* 't' */
	MP_DISCARD,   /* 'd' */
	MP_REPLYCODE, /* 'y': text in mconn.reply */
	MP_SKIP,      /* 's' */
	MP_ERROR,     /* I/O or protocol error: text in mconn.err */
};

struct mconn {
	int fd;
	uint32_t version;   /* negotiated protocol version */
	uint32_t actions;   /* SMFIF_* the filter asked for */
	uint32_t protocol;  /* SMFIP_* the filter set (steps declined, NR) */
	int has_symlist[MP_NSTAGES];
	char symlist[MP_NSTAGES][MP_SYMLIST]; /* " name name " per stage */
	char reply[256];    /* last 'y' reply text */
	char err[128];      /* last error */
	size_t outlen;
	size_t inpos, inlen;
	unsigned char out[MP_OUTBUF];
	unsigned char in[MP_INBUF];
};

/* A macro name and its value; value NULL means "undefined, not sent". */
struct mp_macro {
	const char *name; /* as Postfix writes it: "j", "{auth_authen}" */
	const char *value;
};

/* Parse "unix:/p", "local:/p", "/p", "inet:port@host"; 0 on success. */
int mp_parse_socket(const char *spec, char *path, size_t pathsz,
		    char *host, size_t hostsz, int *port);
/* Connect and negotiate (timeout in seconds on every read); 0 on
 * success, -1 with c->err set. */
int mconn_open(struct mconn *c, const char *spec, int timeout);
void mconn_close(struct mconn *c);

/* Send the macros of a stage (filtered by the filter's symlist, if it sent
 * one) then the command cmd with its data; read the reply unless the step
 * is declined (step flag) or no reply is due (nr flag). */
enum mp_reply mp_event(struct mconn *c, int stage, const struct mp_macro *m,
		       size_t nm, char cmd, const void *data, size_t len,
		       uint32_t step, uint32_t nr);
/* Read replies to end-of-message until a final one (modifications and
 * progress are read and dropped). */
enum mp_reply mp_read_final(struct mconn *c);
/* Queue the macros of a stage and a command without awaiting a reply. */
int mp_queue(struct mconn *c, int stage, const struct mp_macro *m, size_t nm,
	     char cmd, const void *data, size_t len);
/* Queue a command that has no reply (ABORT, QUIT); QUIT also flushes. */
int mp_send_noreply(struct mconn *c, char cmd);

/* Build NUL-separated strings into buf: returns the length or 0. */
size_t mp_strings(char *buf, size_t size, const char *const *s, size_t n);

const char *mp_reply_name(enum mp_reply r);

#endif
