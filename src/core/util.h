/*
 * core/util — allocation wrappers, small string helpers, the clock and the
 * program's paths.
 *
 * Invariants:
 *  1. x*alloc never return NULL: on exhaustion they run the emergency hook
 *     (the ui registers its terminal restore there), print one line to
 *     stderr and exit(70).
 *  2. khidma_now() is the only source of "now" for dates stored or shown; the
 *     environment variable KHIDMA_FAKE_NOW (seconds since the epoch, or a
 *     "+N" / "-N" offset in days) overrides it so tests can cross the 14-day
 *     and SLA boundaries without waiting — honoured ONLY by a binary inside
 *     the source tree (khidma_in_source_tree), like KHIDMA_OFFICER_LOGIN and
 *     KHIDMA_LOG_FILE: an installed khidma keeps the real clock whatever its
 *     environment says, so no one dates an event or decides inside the
 *     study period by setting a variable.
 *  3. core calls no higher layer: what must happen before the program dies
 *     (restoring the terminal) is a hook a higher layer registers with
 *     core_set_emergency_hook; core includes no ui header.
 */
#ifndef KHIDMA_CORE_UTIL_H
#define KHIDMA_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);           /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The emergency hook: a function a higher layer registers (the ui: its
 * async-signal-safe terminal restore) and core_emergency runs — from the
 * out-of-memory exit and from fatal-signal handlers. fn must be
 * async-signal-safe and idempotent; NULL removes it. core_emergency is
 * async-signal-safe when the hook is (it only reads one pointer).
 */
void core_set_emergency_hook(void (*fn)(void));
void core_emergency(void);

/* Copy at most size-1 bytes and NUL-terminate; returns strlen(src). */
size_t strlcpy_k(char *dst, const char *src, size_t size);

/* The current time (seconds since the epoch), honouring KHIDMA_FAKE_NOW in
 * a binary inside the source tree only (invariant 2). */
time_t khidma_now(void);

/* Format t as local "YYYY-MM-DD" / "YYYY-MM-DD HH:MM" into buf (>= 17 bytes). */
void khidma_date(time_t t, char *buf, size_t n);
void khidma_datetime(time_t t, char *buf, size_t n);

/* Parse "YYYY-MM-DD" (local midnight). Returns false on a malformed date. */
bool khidma_parse_date(const char *s, time_t *out);

/*
 * Paths. When the binary runs from a source tree (build/khidma with
 * ../screens beside it) data comes from the tree; an installed binary
 * <prefix>/bin/khidma uses <prefix>/share/khidma and <prefix>/share/locale
 * when <prefix>/share/khidma/screens/menus.conf exists (so `make install
 * PREFIX=/opt/khidma` works whatever PREFIX the build was compiled with);
 * otherwise the compiled-in KHIDMA_DATADIR / KHIDMA_LOCALEDIR. Strings
 * are static.
 */
bool        khidma_in_source_tree(void);
const char *khidma_srcdir(void);        /* the tree's root, or NULL */
const char *khidma_datadir(void);       /* holds screens/ and docs/ */
const char *khidma_localedir(void);     /* holds <lang>/LC_MESSAGES/khidma.mo */

/* mkdir -p for the directory part of path; mode for created directories. */
int mkdir_parents(const char *path, unsigned mode);

#endif
