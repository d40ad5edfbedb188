/*
 * daemon.c - detaching, pid file, privileges, stale socket removal, and
 * the session threads' stack size.
 */
#define _GNU_SOURCE /* pthread_setattr_default_np */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

/* Fork into the background, new session, std fds on /dev/null. */
int
daemon_detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

/* Create path for writing (0644): never through a symbolic link, never
 * into an existing file; a stale regular file is removed first. */
static int
pid_open(const char *path, char *err, size_t errsz)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = open(path, flags, 0644);

	if (fd < 0 && errno == EEXIST && lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errsz,
				 "pid file %s: exists and is not a regular file "
				 "(a symbolic link?); refusing to write through it",
				 path);
			return -1;
		}
		if (unlink(path) == 0 || errno == ENOENT)
			fd = open(path, flags, 0644); /* O_EXCL: no race */
	}
	if (fd < 0)
		snprintf(err, errsz, "pid file %s: %s", path, strerror(errno));
	return fd;
}

/* Write our pid (safely: see pid_open), and make it durable. */
int
daemon_write_pid(const char *path, char *err, size_t errsz)
{
	char buf[32];
	int fd, len;

	if (path[0] == '\0')
		return 0;
	fd = pid_open(path, err, errsz);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len || fsync(fd) != 0) {
		snprintf(err, errsz, "pid file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		snprintf(err, errsz, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* setgid/initgroups/setuid to user, if we are not that user already. */
int
daemon_drop_privileges(const char *user, char *err, size_t errsz)
{
	struct passwd *pw;

	if (user[0] == '\0')
		return 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errsz, "user \"%s\" does not exist", user);
		return -1;
	}
	if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid)
		return 0;
	if (geteuid() != 0) {
		snprintf(err, errsz, "must start as root to become \"%s\"",
			 user);
		return -1;
	}
	if (setgid(pw->pw_gid) != 0 || initgroups(user, pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(err, errsz, "cannot become \"%s\": %s", user,
			 strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errsz, "could regain root after dropping it");
		return -1;
	}
	return 0;
}

/* unix:/path or local:/path -> /path; NULL for inet sockets. */
static const char *
unix_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/* Remove a socket nobody listens on; refuse when someone does. */
int
daemon_clear_socket(const char *spec, char *err, size_t errsz)
{
	const char *path = unix_path(spec);
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc;

	if (path == NULL || lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "%s exists and is not a socket", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0) {
		snprintf(err, errsz, "%s: another filter is listening there",
			 path);
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errsz, "cannot remove stale %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* libmilter starts a thread per SMTP session with the default attributes.
 * With libc's default stack (the stack rlimit, 8 MiB on Debian) glibc
 * keeps only a handful of ended threads' stacks for reuse, so most new
 * sessions map a fresh stack, fault its pages in and unmap it again
 * (page faults, TLB shootdowns): at 16 concurrent sessions that was the
 * largest single cost per message (tests/bench). Smaller stacks are
 * reused; the deepest path of the filter (the archive copy, LDAP with
 * TLS) needs well under 256 KiB. */
int
daemon_thread_stack(unsigned kb, char *err, size_t errsz)
{
	pthread_attr_t a;
	int rc;

	if (kb == 0)
		return 0;
	rc = pthread_attr_init(&a);
	if (rc == 0) {
		rc = pthread_attr_setstacksize(&a, (size_t)kb * 1024);
		if (rc == 0)
			rc = pthread_setattr_default_np(&a);
		pthread_attr_destroy(&a);
	}
	if (rc != 0) {
		snprintf(err, errsz, "thread_stack_kb = %u: %s", kb,
			 strerror(rc));
		return -1;
	}
	return 0;
}
