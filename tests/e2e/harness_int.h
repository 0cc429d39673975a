/*
 * tests/e2e/harness_int.h — what harness.c (the child, the pty, input) and
 * harness_screen.c (screen text, waits, failure reports) share. Not for
 * tests: they use harness.h only.
 */
#ifndef KHIDMA_E2E_HARNESS_INT_H
#define KHIDMA_E2E_HARNESS_INT_H

#include "e2e/harness.h"

struct sbuf { char *p; size_t len, cap; };

struct ht {
	VTerm       *vt;
	VTermScreen *scr;
	VTermState  *st;
	int          rows, cols;
	int          master;         /* -1 before spawn, after EOF or hangup */
	int          pidfd;          /* -1 when none */
	pid_t        pid;            /* 0 before spawn; kept after the reap */
	bool         reaped;
	int          status;
	long         maxrss_kb;
	bool         cursor_visible;
	char        *dir, *db, *conf, *path;
	struct sbuf  outq;           /* libvterm -> master, pending */
	struct sbuf  text, scratch;  /* ht_screen_text/ht_screen; waits */
	char        *fail, *fail_short;  /* ht_failure's report, first line */
	ht          *next;           /* live handles (ht_end_all) */
	uint64_t     bytes, t0, t_first, t_last;
	struct sbuf  tail;           /* raw output since ht_tail_mark (capped) */
	void       (*before_exec)(void *);   /* ht_before_exec */
	void        *before_exec_arg;
};

/* harness_screen.c: helpers (abort with a message on a system failure). */
void     hti_die(const char *what) __attribute__((noreturn));
void    *hti_xrealloc(void *p, size_t n);
char    *hti_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void     hti_sb_add(struct sbuf *b, const void *s, size_t n);
void     hti_sb_u32(struct sbuf *b, uint32_t c);
uint32_t hti_utf8_next(const unsigned char **s);   /* bad bytes: U+FFFD */
uint64_t hti_now_ns(void);                          /* CLOCK_MONOTONIC */
/* Append row's cells [col, cols) to b; trailing blanks dropped if trim. */
void     hti_row_text(ht *h, struct sbuf *b, int row, int col, bool trim);
/* b = the whole screen, rows trimmed and joined with '\n'. */
void     hti_screen_text(ht *h, struct sbuf *b);

/* harness_service.c: kill the services left by test programs that are gone
 * (once per process; ht_new calls it); stop the services of h (ht_end). */
void     hti_services_sweep(void);
void     hti_services_end(const ht *h);

/* harness.c: the child is gone for good (pty closed and reaped). */
bool     hti_gone(const ht *h);

#endif
