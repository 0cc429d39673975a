/*
 * store/catalog — service types, contact channels and survey questions,
 * each with English and Arabic names. Seeded by the caller (app_seed_catalog)
 * through store_catalog_upsert; rows are deactivated, never deleted, so old
 * requests keep a readable service and channel.
 *
 * Invariants:
 *  1. (kind, code) is unique; kind is one of service, channel, question.
 *  2. Every item written (store_catalog_upsert) passes catalog_item_problem:
 *     a code of 1..31 of [a-z0-9_] starting with a letter, and both names
 *     present, at most CATALOG_NAME_MAX characters, valid UTF-8 without
 *     control or bidi-control characters (the kiosk draws them as they
 *     are stored). The console's admin menu shows the same reasons.
 */
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/util.h"
#include "store/store_int.h"

void catalog_items_free(struct catalog_item *items, int n)
{
	for (int i = 0; items && i < n; i++) {
		free(items[i].name_en);
		free(items[i].name_ar);
	}
	free(items);
}

/* Items of kind in (sort, id) order; active ones only unless all. */
st_rc store_catalog_list(store *s, const char *kind, bool all,
                         struct catalog_item **items, int *n)
{
	struct catalog_item *v = NULL;
	sq_stmt *st;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	if (st_door(s))         /* a kiosk's login: khidma_catalog (pg_kiosk.c) */
		return st_door_catalog(s, kind, all, items, n);
	*items = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, code, name_en, name_ar, sort, active FROM "
	                 "catalog WHERE kind = ?1 AND (?2 <> 0 OR active <> 0) ORDER BY sort, id",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, kind ? kind : "");
	sq_bind_i64(st, 2, all);
	while ((rc = sq_step(st)) == SQ_ROW) {
		struct catalog_item *it;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		it = &v[cnt++];
		it->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, it->code, sizeof it->code);
		it->name_en = st_col_dup(st, 2);
		it->name_ar = st_col_dup(st, 3);
		it->sort = sq_col_int(st, 4);
		it->active = sq_col_int(st, 5) != 0;
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		catalog_items_free(v, cnt);
		return sq_map(rc);
	}
	*items = v;
	*n = cnt;
	return ST_OK;
}

#ifndef N_
#define N_(s) (s)        /* a msgid for xgettext; callers translate */
#endif

/* A name's problem, or NULL (invariant 2). */
static const char *name_problem(const char *name)
{
	const uint8_t *p, *end;
	size_t chars = 0;
	ucs4_t c;

	if (name == NULL || *name == '\0')
		return N_("Both names, English and Arabic, are required.");
	end = (const uint8_t *)name + strlen(name);
	if (u8_check((const uint8_t *)name, (size_t)(end - (const uint8_t *)name)) != NULL)
		return N_("A name is not valid text.");
	for (p = (const uint8_t *)name; p < end; chars++) {
		p += u8_mbtouc(&c, p, (size_t)(end - p));
		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c ||
		    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff)
			return N_("A name must not hold control or direction characters.");
	}
	if (chars > CATALOG_NAME_MAX)
		return N_("A name is at most 120 characters.");
	return NULL;
}

/* See store.h. */
const char *catalog_item_problem(const char *kind, const struct catalog_item *it)
{
	const char *why;
	size_t i, n = strlen(it->code);

	if (!kind || (strcmp(kind, "service") != 0 && strcmp(kind, "channel") != 0 &&
	              strcmp(kind, "question") != 0))
		return N_("Unknown catalog list.");
	if (n == 0 || n > 31 || it->code[0] < 'a' || it->code[0] > 'z')
		return N_("A code is 1 to 31 of a-z, 0-9 and _, starting with a letter.");
	for (i = 0; i < n; i++)
		if (!((it->code[i] >= 'a' && it->code[i] <= 'z') || it->code[i] == '_' ||
		      (it->code[i] >= '0' && it->code[i] <= '9')))
			return N_("A code is 1 to 31 of a-z, 0-9 and _, starting with a letter.");
	if ((why = name_problem(it->name_en)) != NULL || (why = name_problem(it->name_ar)) != NULL)
		return why;
	return NULL;
}

struct upsert { const char *kind; const struct catalog_item *it; };

static st_rc upsert_body(store *s, void *ctx)
{
	struct upsert *u = ctx;
	sq_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO catalog(kind, code, name_en, name_ar, sort, "
	                 "active) VALUES (?,?,?,?,?,?) ON CONFLICT(kind, code) DO "
	                 "UPDATE SET name_en = excluded.name_en, name_ar = "
	                 "excluded.name_ar, sort = excluded.sort, active = "
	                 "excluded.active", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, u->kind);
	sq_bind_text(st, 2, u->it->code);
	sq_bind_text(st, 3, u->it->name_en ? u->it->name_en : "");
	sq_bind_text(st, 4, u->it->name_ar ? u->it->name_ar : "");
	sq_bind_i64(st, 5, u->it->sort);
	sq_bind_i64(st, 6, u->it->active);
	r = st_done(st);
	sq_finalize(st);
	return r;
}

/* Insert or update by (kind, code); it->id is ignored. */
st_rc store_catalog_upsert(store *s, const char *kind, const struct catalog_item *it)
{
	struct upsert u = { kind, it };

	if (!kind || !it || catalog_item_problem(kind, it) != NULL)
		return ST_INVALID;          /* invariant 2 */
	return st_tx(s, upsert_body, &u);
}
