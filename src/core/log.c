/*
 * core/log — see log.h. A thin layer over syslog(3): the program name is
 * "khidma", the mode ("kiosk", "officer", "cli") leads every message so a
 * journal filter can tell them apart, and security events use LOG_AUTHPRIV.
 *
 * Tests only: KHIDMA_LOG_FILE=<path> also appends every message, one line
 * "<level> <mode>: <message>", to that file (created 0600, never through a
 * symlink) — honoured ONLY by a binary inside the source tree
 * (khidma_in_source_tree), like KHIDMA_OFFICER_LOGIN, so tests can read
 * what khidma logs without a syslog daemon. An installed binary ignores it.
 */
#include "core/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "core/util.h"

static const char *log_mode = "cli";
static int log_is_open;

void
log_open(const char *mode)
{
	if (mode != NULL)
		log_mode = mode;
	if (!log_is_open) {
		openlog("khidma", LOG_PID | LOG_NDELAY, LOG_USER);
		log_is_open = 1;
	}
}

/* The test hook (see above): one write(2) per line, O_APPEND. */
static void
log_to_file(int prio, const char *msg)
{
	const char *path = getenv("KHIDMA_LOG_FILE");
	const char *level = (prio & LOG_PRIMASK) == LOG_ERR ? "error"
	                  : (prio & LOG_FACMASK) == LOG_AUTHPRIV ? "security" : "info";
	char line[1200];
	int fd, n;

	if (path == NULL || path[0] == '\0' || !khidma_in_source_tree())
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof line, "%s %s: %s\n", level, log_mode, msg);
	if (n > 0)
		(void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	close(fd);
}

static void
log_v(int prio, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!log_is_open)
		log_open(NULL);
	vsnprintf(msg, sizeof msg, fmt, ap);
	syslog(prio, "%s: %s", log_mode, msg);
	log_to_file(prio, msg);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(LOG_USER | LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(LOG_USER | LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_security(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(LOG_AUTHPRIV | LOG_NOTICE, fmt, ap);
	va_end(ap);
}
