/*
 * store/members — the imported member register.
 *
 * Invariants:
 *  1. A member row keeps its id for ever: import updates by membership
 *     number (UPSERT), never DELETE + INSERT, so requests.member_id links
 *     (a foreign key) stay valid.
 *  2. An import is ONE transaction: store_import_begin takes the write lock
 *     (with the BUSY retry loop); nothing is visible to others until
 *     store_import_commit, and store_import_abort leaves the register as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

void member_free(struct member *m)
{
	if (!m)
		return;
	free(m->name);
	memset(m, 0, sizeof *m);
}

static st_rc member_where(store *s, const char *col, const char *text,
                          int64_t id, struct member *out)
{
	char sql[160];
	sqlite3_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT id, number, name, national_id, mobile, "
	         "category FROM members WHERE %s = ? ORDER BY id LIMIT 1", col);
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		st_col_copy(st, 1, out->number, sizeof out->number);
		out->name = st_col_dup(st, 2);
		st_col_copy(st, 3, out->national_id, sizeof out->national_id);
		st_col_copy(st, 4, out->mobile, sizeof out->mobile);
		st_col_copy(st, 5, out->category, sizeof out->category);
		r = ST_OK;
	} else {
		r = rc == SQLITE_DONE ? ST_NOTFOUND : st_map(rc);
	}
	sqlite3_finalize(st);
	return r;
}

/* The register entry with national ID nid (the oldest when several). */
st_rc store_member_by_national_id(store *s, const char *nid, struct member *out)
{
	return member_where(s, "national_id", nid ? nid : "", 0, out);
}

st_rc store_member_by_number(store *s, const char *number, struct member *out)
{
	return member_where(s, "number", number ? number : "", 0, out);
}

st_rc store_member_get(store *s, int64_t id, struct member *out)
{
	return member_where(s, "id", NULL, id, out);
}

/* Start the import transaction (ST_BUSY after the retry budget). */
st_rc store_import_begin(store *s)
{
	st_rc r;

	if (s->readonly)
		return ST_READONLY;
	if (s->in_import)
		return ST_INVALID;
	if ((r = st_begin_retry(s)) != ST_OK)
		return r;
	/* officers.c invariant 3: an import is an admin write */
	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	s->in_import = true;
	return r;
}

/* Insert or update one member by membership number (inside the import). */
st_rc store_import_member(store *s, const struct member *m)
{
	sqlite3_stmt *st;
	st_rc r;

	if (!s->in_import)
		return ST_INVALID;
	if (!m->name || !m->name[0] || !m->number[0] || !st_utf8_ok(m->name) ||
	    !st_utf8_ok(m->number))
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO members(number, name, national_id, mobile, "
	                 "category) VALUES (?,?,?,?,?) ON CONFLICT(number) DO UPDATE "
	                 "SET name = excluded.name, national_id = excluded.national_id, "
	                 "mobile = excluded.mobile, category = excluded.category",
	                 &st)) != ST_OK)
		return r;
	sqlite3_bind_text(st, 1, m->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->national_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->mobile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->category, -1, SQLITE_STATIC);
	r = st_done(st);
	sqlite3_finalize(st);
	return r;
}

/* Commit the import; on failure it is rolled back and nothing changed. */
st_rc store_import_commit(store *s)
{
	st_rc r;

	if (!s->in_import)
		return ST_INVALID;
	r = st_map(sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL));
	if (r != ST_OK && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_import = false;
	return r;
}

void store_import_abort(store *s)
{
	if (!s->in_import)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_import = false;
}
