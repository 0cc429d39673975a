/*
 * core/log — see log.h. A thin layer over syslog(3): the program name is
 * "khidma", the mode ("kiosk", "officer", "cli") leads every message so a
 * journal filter can tell them apart, and security events use LOG_AUTHPRIV.
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

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

static void
log_v(int prio, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!log_is_open)
		log_open(NULL);
	vsnprintf(msg, sizeof msg, fmt, ap);
	syslog(prio, "%s: %s", log_mode, msg);
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
