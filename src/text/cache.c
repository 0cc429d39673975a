/*
 * text/cache — layout results remembered across repaints. The ui repaints a
 * whole screen on every key (ui_loop: erase + draw, curses sends only what
 * changed), so the same labels, titles, options and hints are laid out
 * again and again with the same text, width, direction and mode; FriBidi,
 * shaping and the building of cells then cost far more than the key
 * itself. text_layout, text_fit, text_wrap and text_width (and the
 * borrowing text_*_ref) look their result up here first; on a miss the
 * uncached tx_layout / tx_fit / tx_wrap (bidi.c) compute it.
 *
 * Invariants:
 *  1. The key is everything a result depends on: the operation, the bytes
 *     of the text, the base direction, the width and text_mode(). A change
 *     of any of them is another key, so nothing is invalidated by hand: F3,
 *     a resize, a language switch or edited text simply miss.
 *  2. Bounded: at most TC_SLOTS entries (TC_WAYS-way sets, the least
 *     recently used way is replaced) holding at most TC_CELLS cells in all;
 *     a text longer than TC_MAX_BYTES, or a result of more than
 *     TC_MAX_ENTRY cells, is laid out into the spill slot and not kept.
 *  3. A result borrowed through text_*_ref stays valid until the next call
 *     into the cache (any text_layout / _fit / _wrap / _width / _ref or
 *     text_cache_clear); the copying calls hand out copies of their own.
 *  4. An entry is overwritten (its key and its cells) before it is freed,
 *     and text_cache_clear drops them all: after the idle wipe (ui_run
 *     calls it) nothing a visitor saw is left in memory.
 *  5. Typed text is never cached: text_edit_render lays out with the
 *     uncached tx_* calls (it changes with every key anyway).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text_int.h"

enum { TC_LAYOUT = 1, TC_FIT, TC_WRAP };

#define TC_SLOTS      256        /* a power of two */
#define TC_WAYS       4
#define TC_MAX_BYTES  256
#define TC_MAX_ENTRY  512        /* cells */
#define TC_CELLS      4096       /* cells in all (28 bytes each): ~115 kB */

struct tc_ent {
	uint64_t hash;              /* 0: empty */
	char *key;
	size_t klen;
	int op, width, dir, mode;
	struct text_line *lines;
	int n, cells;
	unsigned long used;         /* clock of the last hit */
};

static struct tc_ent slots[TC_SLOTS];
static struct tc_ent spill;     /* an uncacheable result, until the next call */
static unsigned long tc_clock;
static int tc_cells, tc_entries;
static unsigned long tc_hits, tc_misses;

static uint64_t
tc_hash(int op, int width, int dir, int mode, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	h = (h ^ (uint64_t)(unsigned)op) * 1099511628211ULL;
	h = (h ^ (uint64_t)(unsigned)width) * 1099511628211ULL;
	h = (h ^ (uint64_t)(unsigned)(dir * 2 + mode)) * 1099511628211ULL;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ? h : 1;
}

/* Overwrite and free an entry's key and lines (invariant 4). */
static void
tc_drop(struct tc_ent *e)
{
	int i;

	if (e->hash == 0 && e->lines == NULL)
		return;
	if (e->key) {
		explicit_bzero(e->key, e->klen);
		free(e->key);
	}
	for (i = 0; i < e->n; i++) {
		if (e->lines[i].cells)
			explicit_bzero(e->lines[i].cells,
			               (size_t)e->lines[i].ncells * sizeof *e->lines[i].cells);
		text_line_free(&e->lines[i]);
	}
	free(e->lines);
	if (e != &spill && e->hash != 0) {
		tc_cells -= e->cells;
		tc_entries--;
	}
	memset(e, 0, sizeof *e);
}

/* Evict the least recently used entries until `need` more cells fit. */
static void
tc_make_room(int need)
{
	while (tc_cells + need > TC_CELLS && tc_entries > 0) {
		struct tc_ent *old = NULL;

		for (int i = 0; i < TC_SLOTS; i++)
			if (slots[i].hash && (!old || slots[i].used < old->used))
				old = &slots[i];
		tc_drop(old);
	}
}

/* Compute op's result into e (lines, n, cells). */
static void
tc_compute(struct tc_ent *e, int op, const char *s, text_dir dir, int width)
{
	if (op == TC_WRAP) {
		e->n = tx_wrap(s, dir, width, &e->lines);
	} else {
		e->lines = xmalloc(sizeof *e->lines);
		e->n = 1;
		if (op == TC_FIT)
			tx_fit(s, dir, width, e->lines);
		else
			tx_layout(s, dir, e->lines);
	}
	e->cells = 0;
	for (int i = 0; i < e->n; i++)
		e->cells += e->lines[i].ncells;
}

/* The entry for (op, s, dir, width, text_mode()): found, computed into a
 * slot, or computed into the spill slot (invariant 2). */
static struct tc_ent *
tc_get(int op, const char *s, text_dir dir, int width)
{
	size_t n = strlen(s);
	int mode = (int)text_mode();
	uint64_t h = tc_hash(op, width, (int)dir, mode, s, n);
	struct tc_ent *set = &slots[((h >> 7) % (TC_SLOTS / TC_WAYS)) * TC_WAYS], *victim;
	struct tc_ent fresh;

	tc_drop(&spill);
	tc_clock++;
	for (int i = 0; i < TC_WAYS; i++) {
		struct tc_ent *e = &set[i];

		if (e->hash == h && e->op == op && e->width == width && e->dir == (int)dir &&
		    e->mode == mode && e->klen == n && memcmp(e->key, s, n) == 0) {
			e->used = tc_clock;
			tc_hits++;
			return e;
		}
	}
	tc_misses++;
	memset(&fresh, 0, sizeof fresh);
	tc_compute(&fresh, op, s, dir, width);
	if (n > TC_MAX_BYTES || fresh.cells > TC_MAX_ENTRY) {
		spill = fresh;
		return &spill;
	}
	victim = &set[0];
	for (int i = 0; i < TC_WAYS; i++) {
		if (set[i].hash == 0) {
			victim = &set[i];
			break;
		}
		if (set[i].used < victim->used)
			victim = &set[i];
	}
	tc_drop(victim);
	tc_make_room(fresh.cells);
	fresh.hash = h;
	fresh.key = xmalloc(n + 1);
	memcpy(fresh.key, s, n + 1);
	fresh.klen = n;
	fresh.op = op;
	fresh.width = width;
	fresh.dir = (int)dir;
	fresh.mode = mode;
	fresh.used = tc_clock;
	*victim = fresh;
	tc_cells += fresh.cells;
	tc_entries++;
	return victim;
}

static void
copy_line(struct text_line *dst, const struct text_line *src)
{
	*dst = *src;
	dst->cells = NULL;
	if (src->ncells > 0) {
		dst->cells = xmalloc((size_t)src->ncells * sizeof *dst->cells);
		memcpy(dst->cells, src->cells, (size_t)src->ncells * sizeof *dst->cells);
	}
}

/* Contract: see text.h. */
const struct text_line *
text_layout_ref(const char *utf8, text_dir base)
{
	return tc_get(TC_LAYOUT, utf8 ? utf8 : "", base, 0)->lines;
}

/* Contract: see text.h. */
const struct text_line *
text_fit_ref(const char *utf8, text_dir base, int width)
{
	return tc_get(TC_FIT, utf8 ? utf8 : "", base, width)->lines;
}

/* Contract: see text.h. */
int
text_wrap_ref(const char *utf8, text_dir base, int width, const struct text_line **lines)
{
	struct tc_ent *e = tc_get(TC_WRAP, utf8 ? utf8 : "", base, width < 1 ? 1 : width);

	*lines = e->lines;
	return e->n;
}

/* Contract: see text.h. utf8 NULL counts as "". */
int
text_layout(const char *utf8, text_dir base, struct text_line *out)
{
	copy_line(out, text_layout_ref(utf8, base));
	return 0;
}

/* Contract: see text.h. */
int
text_fit(const char *utf8, text_dir base, int width, struct text_line *out)
{
	copy_line(out, text_fit_ref(utf8, base, width));
	return 0;
}

/* Contract: see text.h. */
int
text_wrap(const char *utf8, text_dir base, int width, struct text_line **lines)
{
	const struct text_line *src;
	int n = text_wrap_ref(utf8, base, width, &src);

	*lines = xmalloc((size_t)n * sizeof **lines);
	for (int i = 0; i < n; i++)
		copy_line(&(*lines)[i], &src[i]);
	return n;
}

/* Contract: see text.h. */
int
text_width(const char *utf8)
{
	return text_layout_ref(utf8, TEXT_LTR)->width;
}

/* Contract: see text.h. */
void
text_cache_clear(void)
{
	for (int i = 0; i < TC_SLOTS; i++)
		tc_drop(&slots[i]);
	tc_drop(&spill);
	tc_cells = 0;
	tc_entries = 0;
}

/* Contract: see text.h. */
void
text_cache_stats(struct text_cache_stats *st)
{
	st->hits = tc_hits;
	st->misses = tc_misses;
	st->entries = tc_entries;
	st->cells = tc_cells;
}
