/*
 * reread.c - can the unprivileged daemon still read what a reload reads?
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "reread.h"

typedef void (*report_fn)(const char *key, const char *path, int err,
                          const char *user);

/* Try to open each file a reload reads; report the ones that fail. */
static int
check_files(const struct config *c, report_fn report)
{
	const char *keys[3], *paths[3];
	int nfiles = 0, bad = 0;

	keys[nfiles] = "config";
	paths[nfiles++] = c->path;
	if (strcmp(c->directory_kind, "file") == 0) {
		keys[nfiles] = "accounts_file";
		paths[nfiles++] = c->accounts_file;
	} else if (strcmp(c->directory_kind, "postfix_map") == 0) {
		keys[nfiles] = "sender_login_map";
		paths[nfiles++] = c->sender_login_map;
	} else if (strcmp(c->directory_kind, "ldap") == 0 &&
	           c->bind_password_file[0] != '\0') {
		keys[nfiles] = "bind_password_file";
		paths[nfiles++] = c->bind_password_file;
	}
	for (int i = 0; i < nfiles; i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		report(keys[i], paths[i], errno, c->user);
		bad++;
	}
	return bad;
}

/* Reporter for the running daemon: a log line. */
static void
to_log(const char *key, const char *path, int err, const char *user)
{
	char q[4200];

	log_event(LOG_WARNING, "reload_will_fail",
	          "key=%s path=%s user=%s error=\"%s\" "
	          "note=\"a reload (SIGUSR1) reads it again as this user\"",
	          key, log_quote(path, q, sizeof(q)), user[0] ? user : "-",
	          strerror(err));
}

/* Reporter for -n: a line on stderr. */
static void
to_stderr(const char *key, const char *path, int err, const char *user)
{
	fprintf(stderr,
	        "origin-milter: warning: %s %s: %s as user \"%s\": the "
	        "filter starts, but a reload (SIGUSR1) would fail\n",
	        key, path, strerror(err), user);
}

int
reread_check_log(const struct config *c)
{
	return check_files(c, to_log);
}

int
reread_check_as_user(const struct config *c)
{
	char err[512];
	int status;
	pid_t pid;

	if (c->user[0] == '\0' || geteuid() != 0)
		return 0; /* the daemon stays the user we are: load proved it */
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		if (daemon_drop_privileges(c->user, err, sizeof(err)) != 0) {
			fprintf(stderr, "origin-milter: warning: %s\n", err);
			_exit(1);
		}
		_exit(check_files(c, to_stderr) > 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
