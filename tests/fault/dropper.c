/*
 * dropper.c - an MTA that drops its milter connections mid-transaction.
 *
 *   dropper SOCKET COUNT SEED
 *
 * COUNT times: connect to the filter's UNIX socket, write a prefix of one
 * whole transaction as Postfix would send it (OPTNEG, connect macros,
 * CONNECT, MAIL macros with {auth_authen}, MAIL, RCPT, HEADER, EOH, EOM)
 * cut at a random octet (mid-packet too), sometimes read a few replies
 * first, then close without QUIT. Prints "dropped N" and exits 0 if every
 * connect succeeded (the filter stayed up), 1 otherwise.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF 2048

/* Append one packet: length, command, data. */
static size_t
packet(unsigned char *buf, size_t at, char cmd, const void *data, size_t len)
{
	uint32_t n = htonl((uint32_t)(len + 1));

	memcpy(buf + at, &n, 4);
	buf[at + 4] = (unsigned char)cmd;
	memcpy(buf + at + 5, data, len);
	return at + 5 + len;
}

/* The whole transaction, as one stream of packets; returns its length. */
static size_t
transaction(unsigned char *buf, unsigned i)
{
	static const char conn_mac[] = "Cj\0mail1.example.com\0{daemon_name}\0mail1";
	static const char conn[] = "client.example\0" "4\0\0" "192.0.2.10";
	static const char mail_mac[] = "M{auth_authen}\0alice\0{auth_type}\0PLAIN";
	static const char bad_mac[] = "M{auth_authen}\0alice";
	static const char hdr[] = "From\0<bob@example.com>";
	uint32_t opt[3] = {htonl(6), htonl(0x1ff), htonl(0x1fffff)};
	const char *from;
	size_t at = 0;

	at = packet(buf, at, 'O', opt, sizeof(opt));
	at = packet(buf, at, 'D', conn_mac, sizeof(conn_mac));
	at = packet(buf, at, 'C', conn, sizeof(conn));
	if (i & 1)
		at = packet(buf, at, 'D', mail_mac, sizeof(mail_mac));
	else
		at = packet(buf, at, 'D', bad_mac, sizeof(bad_mac));
	from = (i & 2) ? "<bob@example.com>" : "<alice@example.com>";
	at = packet(buf, at, 'M', from, strlen(from) + 1);
	at = packet(buf, at, 'R', "<x@elsewhere.example>", 22);
	at = packet(buf, at, 'L', hdr, sizeof(hdr));
	at = packet(buf, at, 'N', "", 0);
	at = packet(buf, at, 'E', "", 0);
	return at;
}

/* Read whatever the filter sent within ms milliseconds. */
static void
drain(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	char junk[512];

	while (poll(&p, 1, ms) == 1 && read(fd, junk, sizeof(junk)) > 0)
		ms = 0;
}

/* One dropped session; -1 if the filter could not be reached. */
static int
drop_one(const char *path, unsigned i)
{
	unsigned char buf[BUF];
	struct sockaddr_un sa;
	size_t len = transaction(buf, i), cut;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	cut = 1 + (size_t)rand() % len;
	if (write(fd, buf, cut) < 0) {
		close(fd);
		return 0;
	}
	if (rand() % 3 == 0)
		drain(fd, rand() % 5);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path;
	unsigned long count, i, failed = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: dropper SOCKET COUNT SEED\n");
		return 64;
	}
	path = argv[1];
	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	count = strtoul(argv[2], NULL, 10);
	srand((unsigned)strtoul(argv[3], NULL, 10));
	for (i = 0; i < count && i < 1000000; i++)
		if (drop_one(path, (unsigned)rand()) != 0)
			failed++;
	printf("dropped %lu failed_connects %lu\n", count - failed, failed);
	return failed ? 1 : 0;
}
