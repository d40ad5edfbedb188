/*
 * smtpgen.c - an SMTP submission load generator for the end-to-end
 * benchmark: N threads, each an SMTP session after another (EHLO, AUTH
 * PLAIN, -m messages of MAIL/RCPT/DATA, QUIT), logins userI (password
 * -P) sending as userI@example.com, -r percent of them as a neighbour
 * (refused by origin-milter and by reject_sender_login_mismatch). Counts
 * the final reply of each message by class and prints mgen's RESULT line.
 *
 *   smtpgen -p PORT [-c CONNS] [-d SECS] [-W WARMUP] [-m PER_SESSION]
 *           [-a ACCOUNTS] [-r REFUSE_PCT] [-P PASSWORD]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "mstats.h"

#define MAX_CONNS 256

static int port;
static unsigned conns = 1, per_session = 1, refuse_pct;
static unsigned long accounts = 100;
static double duration = 3, warmup, t_measure, t_end;
static const char *password = "benchpw";

struct sconn {
	int fd;
	char buf[4096];
	size_t pos, len;
};

struct worker {
	pthread_t tid;
	unsigned id;
	struct mstats st;
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read one line (CRLF stripped); -1 on EOF or error. */
static int
get_line(struct sconn *c, char *line, size_t size)
{
	size_t n = 0;
	ssize_t r;

	for (;;) {
		if (c->pos == c->len) {
			r = recv(c->fd, c->buf, sizeof c->buf, 0);
			if (r <= 0)
				return -1;
			c->pos = 0;
			c->len = (size_t)r;
		}
		char ch = c->buf[c->pos++];
		if (ch == '\n')
			break;
		if (ch != '\r' && n + 1 < size)
			line[n++] = ch;
	}
	line[n] = '\0';
	return 0;
}

/* Read a whole (multi-line) reply; its code, or -1. */
static int
reply(struct sconn *c, char *last, size_t size)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (get_line(c, last, size) != 0 || strlen(last) < 3)
			return -1;
		if (last[3] != '-')
			return atoi(last);
	}
	return -1;
}

/* Send a command and read its reply. */
static int
cmd(struct sconn *c, const char *text, char *last, size_t size)
{
	size_t len = strlen(text);

	if (send(c->fd, text, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	return reply(c, last, size);
}

/* Base64 of len bytes. */
static void
b64(const unsigned char *in, size_t len, char *out)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < len; i += 3, out += 4) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[0] = t[v >> 18];
		out[1] = t[(v >> 12) & 63];
		out[2] = t[(v >> 6) & 63];
		out[3] = t[v & 63];
	}
	if (i < len) {
		v = (uint32_t)in[i] << 16 |
		    (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		out[0] = t[v >> 18];
		out[1] = t[(v >> 12) & 63];
		out[2] = i + 1 < len ? t[(v >> 6) & 63] : '=';
		out[3] = '=';
		out += 4;
	}
	*out = '\0';
}

/* Connect, EHLO, AUTH PLAIN as userI; 0 on success. */
static int
open_session(struct sconn *c, unsigned long acct)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct timeval tv = {30, 0};
	unsigned char plain[200];
	char line[512], enc[300], text[400];
	int one = 1, n;

	c->pos = c->len = 0;
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    reply(c, line, sizeof line) != 220 ||
	    cmd(c, "EHLO client.example.org\r\n", line, sizeof line) != 250)
		return -1;
	n = snprintf((char *)plain + 1, sizeof plain - 1, "user%lu", acct);
	plain[0] = '\0';
	plain[n + 1] = '\0';
	n += 2 + snprintf((char *)plain + n + 2, sizeof plain - (size_t)n - 2,
			  "%s", password);
	b64(plain, (size_t)n, enc);
	snprintf(text, sizeof text, "AUTH PLAIN %s\r\n", enc);
	return cmd(c, text, line, sizeof line) == 235 ? 0 : -1;
}

/* One message; the class of its outcome, or -1 on I/O error. */
static int
message(struct sconn *c, unsigned long acct, int bad)
{
	static const char body[] =
	    "From: bench\r\nTo: rcpt@remote.example\r\nSubject: bench\r\n\r\n"
	    "The quick brown fox jumps over the lazy dog.\r\n.\r\n";
	char line[512], text[300];
	int code;

	snprintf(text, sizeof text, "MAIL FROM:<user%lu@example.com>\r\n",
		 bad ? (acct + 1) % accounts : acct);
	if ((code = cmd(c, text, line, sizeof line)) < 0)
		return -1;
	if (code == 250)
		code = cmd(c, "RCPT TO:<rcpt@remote.example>\r\n", line,
			   sizeof line);
	if (code == 250)
		code = cmd(c, "DATA\r\n", line, sizeof line);
	if (code == 354)
		code = cmd(c, body, line, sizeof line);
	if (code < 0)
		return -1;
	if (code != 250 && cmd(c, "RSET\r\n", line, sizeof line) < 0)
		return -1;
	return code == 250 ? MS_ACCEPTED
	       : code >= 500 ? MS_REFUSED
	       : code >= 400 ? MS_TEMPFAILED
			     : MS_OTHER;
}

/* A worker: sessions until the end. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t s = 0x9E3779B97F4A7C15ull * (w->id + 1);
	struct sconn c;
	unsigned long acct, i = w->id;
	double t0, t1;
	unsigned k;
	int cls;

	while ((t0 = now()) < t_end) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		acct = s % accounts;
		if (open_session(&c, acct) != 0) {
			w->st.errors += t0 >= t_measure;
			close(c.fd);
			usleep(10000);
			continue;
		}
		for (k = 0; k < per_session && t0 < t_end; k++, i += conns) {
			cls = message(&c, acct, (i * 37 % 100) < refuse_pct);
			t1 = now();
			if (cls < 0) {
				w->st.errors += t1 >= t_measure;
				break;
			}
			if (t0 >= t_measure && t1 <= t_end)
				ms_add(&w->st, (uint32_t)((t1 - t0) * 1e6),
				       cls == MS_ACCEPTED ? "250" : "refused",
				       cls);
			t0 = t1;
		}
		send(c.fd, "QUIT\r\n", 6, MSG_NOSIGNAL);
		close(c.fd);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static struct worker w[MAX_CONNS];
	struct mstats all = {0};
	unsigned i;
	int ch;

	while ((ch = getopt(argc, argv, "p:c:d:W:m:a:r:P:")) != -1) {
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'c': conns = (unsigned)atoi(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'W': warmup = atof(optarg); break;
		case 'm': per_session = (unsigned)atoi(optarg); break;
		case 'a': accounts = strtoul(optarg, NULL, 10); break;
		case 'r': refuse_pct = (unsigned)atoi(optarg); break;
		case 'P': password = optarg; break;
		default: port = 0; optind = argc; break;
		}
	}
	if (port <= 0 || conns < 1 || conns > MAX_CONNS || per_session < 1 ||
	    !accounts || duration <= 0 || duration + warmup > 600) {
		fprintf(stderr, "usage: smtpgen -p PORT [-c CONNS] [-d SECS] "
				"[-W WARMUP] [-m PER_SESSION] [-a ACCOUNTS] "
				"[-r REFUSE_PCT] [-P PASSWORD]\n");
		return 64;
	}
	t_measure = now() + warmup;
	t_end = t_measure + duration;
	for (i = 0; i < conns; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
	}
	conns = i;
	for (i = 0; i < conns; i++) {
		pthread_join(w[i].tid, NULL);
		ms_merge(&all, &w[i].st);
		ms_free(&w[i].st);
	}
	ms_sort(&all);
	printf("smtpgen: %lu messages in %.1f s over %u sessions at once: "
	       "%.1f msg/s; accepted %lu refused %lu tempfail %lu errors %lu\n",
	       (unsigned long)all.msgs, duration, conns,
	       (double)all.msgs / duration, (unsigned long)all.accepted,
	       (unsigned long)all.refused, (unsigned long)all.tempfailed,
	       (unsigned long)all.errors);
	printf("RESULT label=smtpgen conns=%u msgs=%lu secs=%.3f rate=%.1f "
	       "p50_us=%u p99_us=%u p999_us=%u accepted=%lu refused=%lu "
	       "tempfail=%lu errors=%lu\n",
	       conns, (unsigned long)all.msgs, duration,
	       (double)all.msgs / duration, ms_pct(&all, 50), ms_pct(&all, 99),
	       ms_pct(&all, 99.9), (unsigned long)all.accepted,
	       (unsigned long)all.refused, (unsigned long)all.tempfailed,
	       (unsigned long)all.errors);
	return all.msgs ? 0 : 1;
}
