/*
 * main.c - origin-milter: command line, start-up order, and the libmilter
 * main loop.
 *
 * Start-up: load and check the configuration (errors: FILE:LINE: message),
 * pid file, drop privileges, then open the socket as the unprivileged user
 * with the configured umask. libmilter takes SIGHUP/SIGTERM/SIGINT as stop;
 * our control thread takes SIGUSR1 (reload) and SIGUSR2 (statistics).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "autoconf.h"
#include "config.h"
#include "daemon.h"
#include "dir_reaper.h"
#include "evidence.h"
#include "explain.h"
#include "log.h"
#include "reread.h"
#include "restart.h"
#include "signals.h"
#include "snapshot.h"
#include "socket_spec.h"

/* Print the usage text. */
static void
usage(FILE *f)
{
	fprintf(f,
		"usage: origin-milter [-f] [-c policy.conf] [-p socket]\n"
		"       origin-milter -n [-c policy.conf]\n"
		"       origin-milter [-c policy.conf] [-L LISTENER] [-j MTA_NAME] "
		"[-v MTA_VERSION]\n"
		"                     [-F FROM] -x LOGIN SENDER [CLIENT]\n"
		"  -c FILE  configuration (default %s)\n"
		"  -f       stay in the foreground (log = auto: log to stderr)\n"
		"  -n       check the configuration and exit\n"
		"  -p SPEC  socket (unix:/path, inet:PORT@HOST, ...), "
		"overrides policy.conf\n"
		"  -x       explain the verdict for LOGIN (\"-\" = none) "
		"sending as SENDER;\n"
		"           exit 0 accept, 1 reject, 75 tempfail\n"
		"  -L NAME  with -x: decide as the listener \"NAME\" section "
		"does\n"
		"  -j NAME  with -x: the MTA's name (its j macro, Postfix "
		"$myhostname);\n"
		"           default this host's name\n"
		"  -F FROM  with -x: a From: header value, checked as "
		"check_header_from does\n"
		"  -v VER   with -x: the MTA's v macro (\"8.17.1\" for Sendmail: "
		"xtext logins)\n"
		"  -V       print the version\n",
		DEFAULT_CONFIG);
}

/* A start-up failure: logged, and on the terminal unless the log is it. */
static void
start_failed(const char *err)
{
	log_event(LOG_ERR, "start_failed", "error=\"%s\"", err);
	if (log_destination() == LOG_DEST_SYSLOG)
		fprintf(stderr, "origin-milter: %s\n", err);
}

/* Hand the socket to libmilter and run until stopped. */
static int
run(const char *cfgpath, const char *sock, bool foreground)
{
	char err[1024];
	struct config *c = config_load(cfgpath, true, err, sizeof(err));
	int rc;

	if (c == NULL) {
		fprintf(stderr, "origin-milter: %s\n", err);
		return EX_CONFIG;
	}
	restart_remember(c, sock != NULL);
	if (sock == NULL) {
		sock = c->socket;
	} else if (socket_spec_check(sock, c->allow_remote_mta, err,
				     sizeof(err)) != 0) {
		fprintf(stderr, "origin-milter: -p: %s\n", err);
		config_unref(c);
		return EX_USAGE;
	}
	log_open("origin-milter", c->syslog_facility,
		 log_choose(c->log, foreground));
	log_set_level(c->log_level);
	if (!foreground && strcmp(c->log, "stderr") == 0)
		log_event(LOG_WARNING, "log_fallback",
			  "log=stderr destination=syslog "
			  "note=\"a detached daemon has no stderr: use -f\"");
	if (daemon_clear_socket(sock, err, sizeof(err)) != 0 ||
	    (!foreground && daemon_detach() != 0) ||
	    daemon_write_pid(c->pid_file, err, sizeof(err)) != 0 ||
	    daemon_drop_privileges(c->user, err, sizeof(err)) != 0) {
		start_failed(err[0] ? err : "cannot detach");
		config_unref(c);
		return EX_OSERR;
	}
	reread_check_log(c);
	umask(c->umask);
	signals_block();
	char pid_file[4096];
	snprintf(pid_file, sizeof(pid_file), "%s", c->pid_file);
	unsigned stack_kb = c->thread_stack_kb;
	snapshot_set(c); /* c belongs to the snapshot now; a reload frees it */
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(origin_milter_desc) == MI_FAILURE ||
	    smfi_opensocket(false) == MI_FAILURE) {
		snprintf(err, sizeof(err), "cannot open socket %s", sock);
		start_failed(err);
		snapshot_set(NULL);
		return EX_OSERR;
	}
	if (daemon_thread_stack(stack_kb, err, sizeof(err)) != 0) {
		start_failed(err);
		snapshot_set(NULL);
		return EX_OSERR;
	}
	if (dir_reaper_start() != 0 || signals_start(cfgpath) != 0 ||
	    evidence_start() != 0) {
		start_failed("cannot start threads");
		snapshot_set(NULL);
		dir_reaper_stop();
		return EX_OSERR;
	}
	log_event(LOG_NOTICE, "start",
		  "socket=%s config=%s version=%s thread_stack_kb=%u", sock,
		  cfgpath, PACKAGE_VERSION, stack_kb);
	rc = smfi_main();
	log_event(LOG_NOTICE, "stop", "status=%d", rc);
	signals_stop();
	evidence_stop();
	if (pid_file[0] != '\0' && unlink(pid_file) != 0)
		log_event(LOG_WARNING, "pid_file", "path=%s note=\"not removed\"",
			  pid_file);
	snapshot_set(NULL);
	dir_reaper_stop(); /* the old directories are destroyed by now */
	return rc == MI_SUCCESS ? 0 : EX_SOFTWARE;
}

int
main(int argc, char **argv)
{
	const char *cfgpath = DEFAULT_CONFIG, *sock = NULL;
	bool foreground = false, check = false, explain_mode = false;
	struct explain_args xa = {0};
	int ch;

	while ((ch = getopt(argc, argv, "c:fnp:xL:j:v:F:hV")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'p':
			sock = optarg;
			break;
		case 'x':
			explain_mode = true;
			break;
		case 'j':
			xa.mta_name = optarg;
			break;
		case 'F':
			xa.from_header = optarg;
			break;
		case 'v':
			xa.mta_version = optarg;
			break;
		case 'L':
			xa.listener = optarg;
			break;
		case 'V':
			printf("origin-milter %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (explain_mode) {
		if (argc - optind < 2 || argc - optind > 3) {
			usage(stderr);
			return EX_USAGE;
		}
		xa.login = argv[optind];
		xa.sender = argv[optind + 1];
		xa.client = argc - optind == 3 ? argv[optind + 2] : NULL;
		return explain(cfgpath, &xa);
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (check) {
		char err[1024];
		struct config *c = config_load(cfgpath, true, err, sizeof(err));
		if (c == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		reread_check_as_user(c);
		char warn[1024];
		if (config_warnings(c, warn, sizeof(warn)) > 0)
			fputs(warn, stderr);
		printf("%s: ok\n", cfgpath);
		config_unref(c);
		return 0;
	}
	return run(cfgpath, sock, foreground);
}
