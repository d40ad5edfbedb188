/*
 * nullfilter.c - the reference filter: libmilter, accepts every message at
 * MAIL, negotiating the protocol steps origin-milter negotiates (HELO and
 * everything after MAIL declined, no reply to CONNECT, only the MAIL
 * macros it reads requested with smfi_setsymlist). Its throughput is the
 * protocol's own limit on this machine, which origin-milter is measured
 * against.
 *
 *   nullfilter -p unix:/path [-P EXTRA_SMFIP_HEX] [-f PIDFILE] [-e] [-m]
 *              [-s STACK_KB]
 *
 * Two switches exist only so the smoke test can check mgen's other paths:
 * -e takes every step to end-of-message (adds a header there), -m refuses
 * a sender whose local part is not the login (554 5.7.1, as origin-milter
 * would).
 *
 * -s gives libmilter's session threads that stack size (KiB), as
 * origin-milter's thread_stack_kb does, for a reference row that isolates
 * the cost of the decision from the gain of the smaller stacks.
 */
#define _GNU_SOURCE /* pthread_setattr_default_np */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static unsigned long extra_flags;
static unsigned long mail_seen;
static int full_path, check_login;

/* Decline what is not needed; ask for the MAIL macros only. */
static sfsistat
nf_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
	     unsigned long f2, unsigned long f3, unsigned long *pf0,
	     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIP_NOHELO | SMFIP_NR_CONN | SMFIP_NORCPT |
			     SMFIP_NODATA | SMFIP_NOHDRS | SMFIP_NOEOH |
			     SMFIP_NOBODY | SMFIP_NOUNKNOWN | extra_flags;

	if (full_path)
		want = SMFIP_NOHELO | SMFIP_NR_CONN | SMFIP_NR_HDR |
		       extra_flags;

	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_SETSYMLIST | (full_path ? SMFIF_ADDHDRS : 0));
	*pf1 = want & f1;
	*pf2 = *pf3 = 0;
	if (smfi_setsymlist(ctx, SMFIM_CONNECT, "j") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVFROM,
			    "{auth_authen} {auth_type}") != MI_SUCCESS)
		return SMFIS_REJECT;
	return SMFIS_CONTINUE;
}

/* CONNECT: no reply is due. */
static sfsistat
nf_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	(void)ctx;
	(void)host;
	(void)addr;
	return SMFIS_NOREPLY;
}

/* -m: 1 if an authenticated login sends as another local part. */
static int
foreign_sender(const char *login, const char *from)
{
	size_t n;

	if (!login || !login[0])
		return 0;
	n = strlen(login);
	if (from[0] == '<')
		from++;
	return strncmp(from, login, n) != 0 || from[n] != '@';
}

/* MAIL: read the login as a real filter would, then accept. */
static sfsistat
nf_envfrom(SMFICTX *ctx, char **argv)
{
	const char *login = smfi_getsymval(ctx, "{auth_authen}");

	if (login && login[0])
		__atomic_add_fetch(&mail_seen, 1, __ATOMIC_RELAXED);
	if (check_login && foreign_sender(login, argv[0])) {
		smfi_setreply(ctx, "554", "5.7.1",
			      "Originator address does not match "
			      "authentication credentials");
		return SMFIS_REJECT;
	}
	return full_path ? SMFIS_CONTINUE : SMFIS_ACCEPT;
}

/* -e: end of message, with a modification to read past. */
static sfsistat
nf_eom(SMFICTX *ctx)
{
	smfi_addheader(ctx, "X-Null-Filter", "seen");
	return SMFIS_ACCEPT;
}

static struct smfiDesc desc = {
    .xxfi_name = "nullfilter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_SETSYMLIST | SMFIF_ADDHDRS,
    .xxfi_connect = nf_connect,
    .xxfi_envfrom = nf_envfrom,
    .xxfi_eom = nf_eom,
    .xxfi_negotiate = nf_negotiate,
};

/* Write our pid for the benchmark script. */
static int
write_pid(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *pidfile = NULL;
	unsigned long stack_kb = 0;
	int ch;

	while ((ch = getopt(argc, argv, "p:P:f:ems:")) != -1) {
		switch (ch) {
		case 'e': full_path = 1; break;
		case 'm': check_login = 1; break;
		case 'p': sock = optarg; break;
		case 'P': extra_flags = strtoul(optarg, NULL, 16); break;
		case 'f': pidfile = optarg; break;
		case 's': stack_kb = strtoul(optarg, NULL, 10); break;
		default: sock = NULL; optind = argc; break;
		}
	}
	if (!sock) {
		fprintf(stderr, "usage: nullfilter -p SOCKET [-P SMFIP_HEX] "
				"[-f PIDFILE] [-e] [-m] [-s STACK_KB]\n");
		return 64;
	}
	if (strncmp(sock, "unix:", 5) == 0)
		unlink(sock + 5);
	if (pidfile && write_pid(pidfile) != 0) {
		perror(pidfile);
		return 73;
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE) {
		fprintf(stderr, "nullfilter: cannot set up %s\n", sock);
		return 70;
	}
	smfi_setbacklog(1024);
	if (stack_kb > 0) {
		pthread_attr_t a;
		if (pthread_attr_init(&a) != 0 ||
		    pthread_attr_setstacksize(&a, stack_kb * 1024) != 0 ||
		    pthread_setattr_default_np(&a) != 0) {
			fprintf(stderr, "nullfilter: -s %lu refused\n", stack_kb);
			return 64;
		}
		pthread_attr_destroy(&a);
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
