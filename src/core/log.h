/*
 * core/log — errors and security events to syslog(3) (journald on systemd).
 *
 * Nothing here writes to stdout/stderr while curses owns the screen: the
 * program never prints over the curses screen. Events that concern a request
 * also go to its audit trail — that is the store's job, not this module's.
 */
#ifndef KHIDMA_CORE_LOG_H
#define KHIDMA_CORE_LOG_H

/* Open the syslog connection with ident "khidma" and facility LOG_AUTHPRIV
 * for security events, LOG_USER otherwise. Safe to call more than once. */
void log_open(const char *mode /* "kiosk", "officer", "cli" */);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A security event: failed login, lock-out, throttled lookup, refused transition. */
void log_security(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
