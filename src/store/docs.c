/*
 * store/docs — the documents the kiosk's "Information and guides" offers
 * (schema v13): a code, an English and an Arabic title, the file for each
 * language, a sort key and active. The admin's menu in the console edits
 * them (officer/admin_docs.c); before any is stored the kiosk shows the
 * configuration's `docs` (core/config.c), and the first time an admin opens
 * the list those are copied in (store_doc_seed), so from then on the list
 * here is the one the kiosk shows.
 *
 * Invariants:
 *  1. code is unique; rows are retired (active = 0), never deleted.
 *  2. Every row written (store_doc_upsert, store_doc_seed) passes
 *     doc_item_problem — the same check the console shows the reasons of:
 *     code and titles as the catalog's (catalog_item_problem), paths of
 *     1..DOC_PATH_MAX bytes, valid UTF-8, no control characters, no ".."
 *     component (the console offers only the data directory's docs/ files).
 *  3. At most DOC_MAX_ACTIVE active rows (the kiosk's numbered menu):
 *     checked in the write's own transaction (ST_DENIED).
 *  4. Writes are admin writes: st_actor_check(ST_ADMIN_ONLY) first in the
 *     transaction (ST_REVOKED when the admin's access ended).
 */
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/util.h"
#include "store/store_int.h"

#ifndef N_
#define N_(s) (s)
#endif

void doc_items_free(struct doc_item *items, int n)
{
	for (int i = 0; items && i < n; i++) {
		free(items[i].title_en);
		free(items[i].title_ar);
		free(items[i].path_en);
		free(items[i].path_ar);
	}
	free(items);
}

/* See store.h. */
st_rc store_doc_list(store *s, bool all, struct doc_item **items, int *n)
{
	struct doc_item *v = NULL;
	sq_stmt *st;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*items = NULL;
	*n = 0;
	/* PostgreSQL: the kiosk's role reads them only through
	 * khidma_documents() (schema_pg.c v2, SECURITY DEFINER); every role
	 * may call it, so every reader does */
	if ((r = st_prep(s, sq_dialect(s) == SQ_PG
	                 ? "SELECT id, code, title_en, title_ar, path_en, path_ar, sort, "
	                   "active FROM khidma_documents() WHERE ?1 <> 0 OR active <> 0 "
	                   "ORDER BY sort, id"
	                 : "SELECT id, code, title_en, title_ar, path_en, path_ar, sort, "
	                   "active FROM documents WHERE ?1 <> 0 OR active <> 0 ORDER BY sort, id",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, all);
	while ((rc = sq_step(st)) == SQ_ROW) {
		struct doc_item *d;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		d = &v[cnt++];
		d->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, d->code, sizeof d->code);
		d->title_en = st_col_dup(st, 2);
		d->title_ar = st_col_dup(st, 3);
		d->path_en = st_col_dup(st, 4);
		d->path_ar = st_col_dup(st, 5);
		d->sort = sq_col_int(st, 6);
		d->active = sq_col_int(st, 7) != 0;
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		doc_items_free(v, cnt);
		return sq_map(rc);
	}
	*items = v;
	*n = cnt;
	return ST_OK;
}

/* A path's problem, or NULL (invariant 2). */
static const char *path_problem(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	const char *c;

	if (n == 0)
		return N_("Choose a file for each language.");
	if (n > DOC_PATH_MAX || u8_check((const uint8_t *)p, n) != NULL)
		return N_("A file name is too long or not valid text.");
	for (c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return N_("A file name must not hold control characters.");
	for (c = p; (c = strstr(c, "..")) != NULL; c += 2)
		if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return N_("A file name must not go up a directory (\"..\").");
	return NULL;
}

/* See store.h. */
const char *doc_item_problem(const struct doc_item *d)
{
	struct catalog_item it;
	const char *why;

	memset(&it, 0, sizeof it);
	memcpy(it.code, d->code, sizeof it.code);
	it.code[sizeof it.code - 1] = '\0';
	it.name_en = d->title_en;
	it.name_ar = d->title_ar;
	/* the code and the titles: the catalog's rules, word for word */
	if ((why = catalog_item_problem("service", &it)) != NULL)
		return why;
	if ((why = path_problem(d->path_en)) != NULL || (why = path_problem(d->path_ar)) != NULL)
		return why;
	return NULL;
}

static st_rc upsert_one(store *s, const struct doc_item *d)
{
	sq_stmt *st;
	st_rc r;
	int others = 0, rc;

	if (d->active) {                    /* invariant 3 */
		if ((r = st_prep(s, "SELECT count(*) FROM documents WHERE active <> 0 AND code <> ?1",
		                 &st)) != ST_OK)
			return r;
		sq_bind_text(st, 1, d->code);
		rc = sq_step(st);
		if (rc == SQ_ROW)
			others = sq_col_int(st, 0);
		sq_finalize(st);
		if (rc != SQ_ROW)
			return sq_map(rc);
		if (others >= DOC_MAX_ACTIVE)
			return ST_DENIED;
	}
	if ((r = st_prep(s, "INSERT INTO documents(code, title_en, title_ar, path_en, "
	                 "path_ar, sort, active) VALUES (?,?,?,?,?,?,?) ON CONFLICT(code) "
	                 "DO UPDATE SET title_en = excluded.title_en, title_ar = "
	                 "excluded.title_ar, path_en = excluded.path_en, path_ar = "
	                 "excluded.path_ar, sort = excluded.sort, active = excluded.active",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, d->code);
	sq_bind_text(st, 2, d->title_en);
	sq_bind_text(st, 3, d->title_ar);
	sq_bind_text(st, 4, d->path_en);
	sq_bind_text(st, 5, d->path_ar);
	sq_bind_i64(st, 6, d->sort);
	sq_bind_i64(st, 7, d->active);
	r = st_done(st);
	sq_finalize(st);
	return r;
}

static st_rc upsert_body(store *s, void *ctx)
{
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	return upsert_one(s, ctx);
}

/* See store.h. */
st_rc store_doc_upsert(store *s, const struct doc_item *d)
{
	if (!d || doc_item_problem(d) != NULL)
		return ST_INVALID;          /* invariant 2 */
	return st_tx(s, upsert_body, (void *)d);
}

struct seed { const struct doc_item *items; int n; bool *copied; };

static st_rc seed_body(store *s, void *ctx)
{
	struct seed *sd = ctx;
	sq_stmt *st;
	st_rc r;
	int have = 0, rc;

	*sd->copied = false;
	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	if ((r = st_prep(s, "SELECT count(*) FROM documents", &st)) != ST_OK)
		return r;
	rc = sq_step(st);
	if (rc == SQ_ROW)
		have = sq_col_int(st, 0);
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);
	if (have > 0)
		return ST_OK;
	for (int i = 0; i < sd->n; i++)
		if ((r = upsert_one(s, &sd->items[i])) != ST_OK)
			return r;
	*sd->copied = sd->n > 0;
	return ST_OK;
}

/* See store.h. */
st_rc store_doc_seed(store *s, const struct doc_item *items, int n, bool *copied)
{
	struct seed sd = { items, n, copied };

	*copied = false;
	for (int i = 0; i < n; i++)
		if (doc_item_problem(&items[i]) != NULL)
			return ST_INVALID;
	return st_tx(s, seed_body, &sd);
}
