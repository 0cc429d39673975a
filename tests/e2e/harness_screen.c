/*
 * tests/e2e/harness_screen — the screen half of the harness (see harness.h):
 * text of rows and cells as UTF-8, the wait predicates, dumps and failure
 * reports; plus the small helpers harness.c shares (harness_int.h).
 *
 * Invariants:
 *  1. A row's text is each cell's base character followed by its combining
 *     marks, an empty cell as one space, the right half of a wide character
 *     (chars[0] == (uint32_t)-1 in libvterm 0.1.4) skipped.
 *  2. Waits evaluate their predicate on a scratch buffer, never on the one
 *     ht_screen_text / ht_screen return, so a test's string stays valid
 *     across waits.
 */
#include "e2e/harness_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* ---- small helpers --------------------------------------------------- */

void hti_die(const char *what)
{
	fprintf(stderr, "harness: %s: %s\n", what, strerror(errno));
	abort();
}

void *hti_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		hti_die("realloc");
	return p;
}

char *hti_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		hti_die("vasprintf");
	return s;
}

void hti_sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = hti_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void hti_sb_u32(struct sbuf *b, uint32_t c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c; n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3F)); n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F)); n = 3;
	} else {
		u[0] = (char)(0xF0 | c >> 18); u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	hti_sb_add(b, u, n);
}

/* Decode one UTF-8 sequence at *s; invalid bytes give U+FFFD. */
uint32_t hti_utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

	if (c >= 0x80 && more == 0) {
		*s = p;
		return 0xFFFD;
	}
	c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
	for (; more > 0; more--, p++) {
		if ((*p & 0xC0) != 0x80) {
			*s = p;
			return 0xFFFD;
		}
		c = c << 6 | (*p & 0x3F);
	}
	*s = p;
	return c;
}

uint64_t hti_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ht_timeout(int ms)
{
	const char *s = getenv("HT_TIMEOUT_SCALE");
	double f = s ? atof(s) : 1.0;

	return f > 0 ? (int)(ms * f) : ms;
}

/* ---- the screen ------------------------------------------------------ */

int ht_rows(const ht *h) { return h->rows; }
int ht_cols(const ht *h) { return h->cols; }

bool ht_cell(ht *h, int row, int col, VTermScreenCell *cell)
{
	if (row < 0 || row >= h->rows || col < 0 || col >= h->cols)
		return false;
	return vterm_screen_get_cell(h->scr, (VTermPos){ .row = row, .col = col },
	                             cell) != 0;
}

/* Append row's cells [col, cols) to b; trailing blanks dropped if trim. */
void hti_row_text(ht *h, struct sbuf *b, int row, int col, bool trim)
{
	size_t start = b->len, keep = b->len;

	for (; col < h->cols; col++) {
		VTermScreenCell c;

		if (!ht_cell(h, row, col, &c) || c.chars[0] == (uint32_t)-1)
			continue;           /* right half of a wide character */
		if (c.chars[0] == 0) {
			hti_sb_add(b, " ", 1);
			continue;
		}
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i]; i++)
			hti_sb_u32(b, c.chars[i]);
		keep = b->len;
	}
	if (trim) {
		b->len = keep > start ? keep : start;
		while (b->len > start && b->p[b->len - 1] == ' ')
			b->len--;
		if (b->p)
			b->p[b->len] = '\0';
	}
	if (!b->p)
		hti_sb_add(b, "", 0);
}

void hti_screen_text(ht *h, struct sbuf *b)
{
	b->len = 0;
	for (int r = 0; r < h->rows; r++) {
		if (r > 0)
			hti_sb_add(b, "\n", 1);
		hti_row_text(h, b, r, 0, true);
	}
	if (!b->p)
		hti_sb_add(b, "", 0);
}

const char *ht_screen_text(ht *h, int row)
{
	h->text.len = 0;
	if (row >= 0 && row < h->rows)
		hti_row_text(h, &h->text, row, 0, true);
	else
		hti_sb_add(&h->text, "", 0);
	return h->text.p;
}

const char *ht_screen(ht *h)
{
	hti_screen_text(h, &h->text);
	return h->text.p;
}

void ht_cursor(ht *h, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(h->st, &pos);
	if (row)
		*row = pos.row;
	if (col)
		*col = pos.col;
}

bool ht_cursor_visible(const ht *h) { return h->cursor_visible; }

bool ht_dump(ht *h, const char *path)
{
	FILE *f = fopen(path, "we");
	int r, c;
	bool ok;

	if (!f)
		return false;
	ht_cursor(h, &r, &c);
	fprintf(f, "# %dx%d cursor %d,%d%s\n", h->rows, h->cols, r, c,
	        h->cursor_visible ? "" : " (hidden)");
	hti_screen_text(h, &h->scratch);
	fprintf(f, "%s\n", h->scratch.p);
	ok = !ferror(f);
	return fclose(f) == 0 && ok;
}

/* ---- waiting --------------------------------------------------------- */

bool ht_wait_until(ht *h, bool (*pred)(ht *, void *), void *arg,
                   int timeout_ms)
{
	uint64_t deadline = hti_now_ns() + (uint64_t)ht_timeout(timeout_ms) * 1000000u;

	ht_pump(h, 0);
	for (;;) {
		uint64_t t;

		if (pred(h, arg))
			return true;
		if (hti_gone(h))
			return false;
		t = hti_now_ns();
		if (t >= deadline)
			return false;
		ht_pump(h, (int)((deadline - t + 999999) / 1000000));
	}
}

struct want { int row, col; const char *s; };

static bool has_text(ht *h, void *arg)
{
	hti_screen_text(h, &h->scratch);
	return strstr(h->scratch.p, ((struct want *)arg)->s) != NULL;
}

static bool lacks_text(ht *h, void *arg) { return !has_text(h, arg); }

static bool row_has(ht *h, void *arg)
{
	struct want *w = arg;

	h->scratch.len = 0;
	hti_row_text(h, &h->scratch, w->row, 0, true);
	return strstr(h->scratch.p, w->s) != NULL;
}

static bool at_has(ht *h, void *arg)
{
	struct want *w = arg;

	h->scratch.len = 0;
	hti_row_text(h, &h->scratch, w->row, w->col, false);
	return strncmp(h->scratch.p, w->s, strlen(w->s)) == 0;
}

static bool cell_is(ht *h, void *arg)
{
	struct want *w = arg;
	VTermScreenCell c;

	if (!ht_cell(h, w->row, w->col, &c))
		return false;
	h->scratch.len = 0;
	if (c.chars[0] == 0)
		hti_sb_add(&h->scratch, " ", 1);
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i]; i++)
		hti_sb_u32(&h->scratch, c.chars[i]);
	return h->scratch.p && strcmp(h->scratch.p, w->s) == 0;
}

static bool cursor_at(ht *h, void *arg)
{
	struct want *w = arg;
	int r, c;

	ht_cursor(h, &r, &c);
	return r == w->row && c == w->col;
}

bool ht_wait_text(ht *h, const char *utf8, int timeout_ms)
{
	return ht_wait_until(h, has_text, &(struct want){ .s = utf8 }, timeout_ms);
}

bool ht_wait_gone(ht *h, const char *utf8, int timeout_ms)
{
	struct want w = { .s = utf8 };

	/* a dead child's screen never changes: judge it as it stands */
	return ht_wait_until(h, lacks_text, &w, timeout_ms) || lacks_text(h, &w);
}

bool ht_wait_row(ht *h, int row, const char *utf8, int timeout_ms)
{
	return ht_wait_until(h, row_has, &(struct want){ row, 0, utf8 },
	                     timeout_ms);
}

bool ht_wait_at(ht *h, int row, int col, const char *utf8, int timeout_ms)
{
	return ht_wait_until(h, at_has, &(struct want){ row, col, utf8 },
	                     timeout_ms);
}

bool ht_wait_cell(ht *h, int row, int col, const char *utf8, int timeout_ms)
{
	return ht_wait_until(h, cell_is, &(struct want){ row, col, utf8 },
	                     timeout_ms);
}

bool ht_wait_cursor(ht *h, int row, int col, int timeout_ms)
{
	return ht_wait_until(h, cursor_at, &(struct want){ row, col, NULL },
	                     timeout_ms);
}

bool ht_wait_quiet(ht *h, int quiet_ms)
{
	int cap = quiet_ms * 20 > 10000 ? quiet_ms * 20 : 10000;
	uint64_t start = hti_now_ns(), q = (uint64_t)quiet_ms * 1000000u;
	uint64_t deadline = start + (uint64_t)ht_timeout(cap) * 1000000u;

	for (;;) {
		uint64_t t = hti_now_ns(), last = h->t0 + h->t_last;

		if (last < start)
			last = start;
		if (t >= last + q || hti_gone(h))
			return true;
		if (t >= deadline)
			return false;
		ht_pump(h, (int)((last + q - t + 999999) / 1000000));
	}
}

/* ---- assertions ------------------------------------------------------ */

static char *log_path(const char *test, int line)
{
	const char *d = getenv("HT_LOG_DIR"), *bin = getenv("KHIDMA_BIN");
	char *dir, *p;

	if (d && *d) {
		dir = hti_fmt("%s", d);
	} else if (bin && strrchr(bin, '/')) {
		dir = hti_fmt("%.*s/test-logs", (int)(strrchr(bin, '/') - bin), bin);
	} else {
		d = getenv("TMPDIR");
		dir = hti_fmt("%s", d && *d ? d : "/tmp");
	}
	mkdir(dir, 0755);
	p = hti_fmt("%s/%s-%d.screen", dir, test, line);
	free(dir);
	return p;
}

const char *ht_failure(ht *h, const char *cond, const char *test,
                       const char *file, int line)
{
	char *path = log_path(test, line), *state;
	struct sbuf m = { 0 };
	int r, c;

	if (!h->reaped)
		state = hti_fmt("running (pid %d)", (int)h->pid);
	else if (WIFEXITED(h->status))
		state = hti_fmt("exited with status %d", WEXITSTATUS(h->status));
	else
		state = hti_fmt("killed by signal %d", WTERMSIG(h->status));
	ht_cursor(h, &r, &c);
	free(h->fail_short);
	h->fail_short = hti_fmt("%s:%d: in %s: %s did not hold; child %s; "
	                        "screen %s %s", file, line, test, cond, state,
	                        ht_dump(h, path) ? "in" : "NOT written to", path);
	hti_sb_add(&m, h->fail_short, strlen(h->fail_short));
	free(state);
	state = hti_fmt("\n%llu bytes read; screen %dx%d, cursor %d,%d:\n",
	                (unsigned long long)h->bytes, h->rows, h->cols, r, c);
	hti_sb_add(&m, state, strlen(state));
	for (r = 0; r < h->rows; r++) {
		char num[16];

		snprintf(num, sizeof num, "%3d|", r);
		hti_sb_add(&m, num, strlen(num));
		hti_row_text(h, &m, r, 0, true);
		hti_sb_add(&m, "|\n", 2);
	}
	free(h->fail);
	h->fail = m.p;
	free(path);
	free(state);
	return h->fail;
}

const char *ht_fail_report(ht *h, const char *cond, const char *test,
                           const char *file, int line)
{
	const char *full = ht_failure(h, cond, test, file, line);

	fflush(stdout);
	fprintf(stderr, "%s", full);
	fflush(stderr);
	return h->fail_short;
}

static bool
latin_letter(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '@';
}

void
ht_count_digits(ht *h, int from, int to, int *eastern, int *ascii)
{
	VTermScreenCell c;

	*eastern = *ascii = 0;
	for (int r = from; r < to; r++) {
		uint32_t row[256];
		int n = ht_cols(h) < 256 ? ht_cols(h) : 256;

		for (int i = 0; i < n; i++)
			row[i] = ht_cell(h, r, i, &c) && c.chars[0] && c.chars[0] != (uint32_t)-1
			         ? c.chars[0] : ' ';
		for (int i = 0; i < n; i++) {
			bool word_latin = false;

			if (row[i] >= 0x0660 && row[i] <= 0x0669)
				(*eastern)++;
			if (row[i] < '0' || row[i] > '9')
				continue;
			for (int k = i; k >= 0 && row[k] != ' '; k--)
				word_latin |= latin_letter(row[k]);
			for (int k = i; k < n && row[k] != ' '; k++)
				word_latin |= latin_letter(row[k]);
			if (!word_latin)
				(*ascii)++;
		}
	}
}
