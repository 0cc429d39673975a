/*
 * store/branches — the branches of the society (issue 13): the catalog of
 * their names (code, Arabic and English; SQLite schema v16, PostgreSQL v1)
 * and which branches carry requests, for the queue's branch filter and
 * column and the report's column per branch.
 *
 * Invariants:
 *  1. A branch code is exactly two ASCII digits (the first two digits of
 *     every reference it hands out); a name is 1..CATALOG_NAME_MAX
 *     characters of UTF-8 without control characters, as a catalog item's.
 *  2. A branch is never deleted from the catalog: a rename is an update.
 *  3. "Carries requests": PostgreSQL keeps a counter row per branch that
 *     ever took a number (branch_seq, kept by khidma_next_seq and by a
 *     trigger on every request inserted), so the list costs a few rows,
 *     not a scan of requests. A SQLite file holds one branch, its own
 *     (meta 'branch'), which counts as carrying requests when any exists.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

void branch_items_free(struct branch_item *items, int n)
{
	for (int i = 0; items && i < n; i++) {
		free(items[i].name_en);
		free(items[i].name_ar);
	}
	free(items);
}

static bool code_ok(const char *c)
{
	return c && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' &&
	       c[2] == '\0';
}

static bool name_ok(const char *s)
{
	size_t chars = 0;

	if (!s || !s[0] || !st_utf8_ok(s))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		chars += (*p & 0xc0) != 0x80;
	}
	return chars <= CATALOG_NAME_MAX;
}

/* The catalog, plus the branches with requests that it does not name. */
#define LIST_PG \
	"SELECT code, name_en, name_ar, EXISTS (SELECT 1 FROM branch_seq q " \
	"WHERE q.branch = b.code AND q.last > 0) FROM branches b " \
	"UNION ALL SELECT branch, '', '', true FROM branch_seq q WHERE last > 0 " \
	"AND NOT EXISTS (SELECT 1 FROM branches b WHERE b.code = q.branch) " \
	"ORDER BY 1"
#define LIST_SQLITE \
	"SELECT code, name_en, name_ar, code = ?1 AND EXISTS (SELECT 1 FROM " \
	"requests) FROM branches UNION ALL SELECT ?1, '', '', EXISTS (SELECT 1 " \
	"FROM requests) WHERE NOT EXISTS (SELECT 1 FROM branches WHERE code = ?1) " \
	"ORDER BY 1"

/* See store.h. */
st_rc store_branch_list(store *s, struct branch_item **items, int *n)
{
	struct branch_item *v = NULL;
	int cnt = 0, cap = 0, rc;
	sq_stmt *st;
	st_rc r;

	*items = NULL;
	*n = 0;
	if ((r = st_prep(s, s->pg ? LIST_PG : LIST_SQLITE, &st)) != ST_OK)
		return r;
	if (!s->pg)
		sq_bind_text(st, 1, s->branch);
	while ((rc = sq_step(st)) == SQ_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		memset(&v[cnt], 0, sizeof v[cnt]);
		st_col_copy(st, 0, v[cnt].code, sizeof v[cnt].code);
		v[cnt].name_en = st_col_dup(st, 1);
		v[cnt].name_ar = st_col_dup(st, 2);
		v[cnt].has_requests = sq_col_int(st, 3) != 0;
		cnt++;
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		branch_items_free(v, cnt);
		return sq_map(rc);
	}
	*items = v;
	*n = cnt;
	return ST_OK;
}

/* See store.h. */
int store_branch_count(store *s)
{
	int64_t n = 1;

	if (!s->pg)
		return 1;                /* invariant 3: one file, one branch */
	if (store_sql_i64(s, "SELECT count(*) FROM branch_seq WHERE last > 0",
	                  &n) != ST_OK)
		return 1;
	return (int)n;
}

struct set_ctx { const char *code, *en, *ar; };

static st_rc set_body(store *s, void *ctx)
{
	struct set_ctx *c = ctx;
	sq_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO branches(code, name_en, name_ar) "
	                 "VALUES (?1, ?2, ?3) ON CONFLICT (code) DO UPDATE SET "
	                 "name_en = excluded.name_en, name_ar = excluded.name_ar",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->code);
	sq_bind_text(st, 2, c->en);
	sq_bind_text(st, 3, c->ar);
	r = st_done(st);
	sq_finalize(st);
	return r;
}

/* See store.h. */
st_rc store_branch_set(store *s, const char *code, const char *name_en,
                       const char *name_ar)
{
	struct set_ctx c = { code, name_en, name_ar };

	if (!code_ok(code) || !name_ok(name_en) || !name_ok(name_ar))
		return ST_INVALID;
	return st_tx(s, set_body, &c);
}
