/*
 * restart.c - the start-time settings and the reload check against them.
 * Only the control thread calls restart_check(); restart_remember() runs
 * before any thread starts.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "restart.h"

static struct {
	char socket[4096];
	bool socket_fixed; /* -p: policy.conf's socket is not used */
	char user[256];
	char pid_file[4096];
	char log[16];
	mode_t umask;
	unsigned thread_stack_kb;
} started;

/* Copy the start-time values. */
void
restart_remember(const struct config *c, bool socket_from_cmdline)
{
	snprintf(started.socket, sizeof(started.socket), "%s", c->socket);
	started.socket_fixed = socket_from_cmdline;
	snprintf(started.user, sizeof(started.user), "%s", c->user);
	snprintf(started.pid_file, sizeof(started.pid_file), "%s", c->pid_file);
	snprintf(started.log, sizeof(started.log), "%s", c->log);
	started.umask = c->umask;
	started.thread_stack_kb = c->thread_stack_kb;
}

/* One line for a string key that differs. */
static int
check_str(const char *key, const char *running, const char *configured)
{
	char a[512], b[512];

	if (strcmp(running, configured) == 0)
		return 0;
	log_event(LOG_WARNING, "restart_required",
	          "key=%s running=%s configured=%s "
	          "note=\"applied on restart only\"",
	          key, log_quote(running, a, sizeof(a)),
	          log_quote(configured, b, sizeof(b)));
	return 1;
}

int
restart_check(const struct config *c)
{
	int n = 0;

	if (!started.socket_fixed)
		n += check_str("socket", started.socket, c->socket);
	n += check_str("user", started.user, c->user);
	n += check_str("pid_file", started.pid_file, c->pid_file);
	n += check_str("log", started.log, c->log);
	if (c->umask != started.umask) {
		log_event(LOG_WARNING, "restart_required",
		          "key=umask running=%04o configured=%04o "
		          "note=\"applied on restart only\"",
		          (unsigned)started.umask, (unsigned)c->umask);
		n++;
	}
	if (c->thread_stack_kb != started.thread_stack_kb) {
		log_event(LOG_WARNING, "restart_required",
		          "key=thread_stack_kb running=%u configured=%u "
		          "note=\"applied on restart only\"",
		          started.thread_stack_kb, c->thread_stack_kb);
		n++;
	}
	return n;
}
