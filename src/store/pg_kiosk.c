/*
 * store/pg_kiosk — the kiosk's door (issue 13): the store on a PostgreSQL
 * login that is only a member of khidma_kiosk, which may read or write no
 * table and only EXECUTE the khidma_* functions (schema_pg.c invariant 4).
 *
 * store_open on a URI asks the server whether this login may SELECT
 * requests (st_door_open). When the table is there and it may not, the
 * connection is a "door": store_open migrates nothing and reads no table —
 * a schema behind this program is refused with "run `khidma init` on the
 * server" (ST_DENIED) — and the store functions the kiosk calls go through
 * the functions instead of their SQL (each asks st_door(s) first — a store
 * opened offline connects to decide — and calls the st_door_* here):
 *
 *   store_catalog_list       khidma_catalog(kind)
 *   store_doc_list           khidma_documents() (docs.c, already on PG)
 *   store_request_submit     khidma_submit(r, now)       (who "kiosk" only)
 *   store_request_track      khidma_track(ref, last4)
 *   store_request_get,       the request store_request_track last proved,
 *   store_request_events       again through khidma_track/_track_events
 *                              with the same proof; any other id: ST_DENIED
 *   store_requests_of        khidma_open_requests_of(nid, service): id,
 *                              status and date of open requests (no name,
 *                              no reference: schema_pg v5)
 *   store_track_fail_at      khidma_track_fail(kiosk, ref, now, window)
 *   store_help_call          khidma_help_call(kiosk, now)
 *   store_survey_submit      khidma_survey(…)
 *   store_notify_withdraw    khidma_notify_withdraw(ref, last4, now)
 *   store_ref_block_reserve  khidma_reserve_block (ingest.c, any PG login)
 *   store_request_ingest     khidma_ingest_spooled(r, idem, ''): the
 *                              spool's forward (store/spool.c), into the
 *                              blocks this database login reserved
 *   store_meta_get "branch"  khidma_default_branch() (spool_forward's probe)
 *   store_write_probe, store_check_poll: no table involved (db.c).
 *
 * Everything else the store offers runs its own SQL, which the server
 * refuses for this login (SQLSTATE 42501 → ST_DENIED): a kiosk login calling
 * an officer's function fails cleanly, and app.c's catalog seed is never
 * reached (the catalog the door lists is the server's, never empty after
 * `khidma init`; an empty one is ST_DENIED to seed).
 *
 * Invariants:
 *  1. A door connection never names a table in SQL: only khidma_* functions
 *     (and the server's catalogs at open). What it learns of a member's
 *     request it learns with the reference and the mobile's last four digits
 *     given again in that very call (the proof is kept in the store struct
 *     only to repeat it; it is wiped at store_request_track's next call and
 *     at close).
 *  2. Writes run inside st_tx (one SERIALIZABLE transaction, retried on a
 *     serialization failure), so a statement is never re-sent after a lost
 *     connection (sq_pg.c invariant 2) and nothing is applied twice.
 *  3. Results mean what the SQL path's mean: the same st_rc for the same
 *     case (ST_NOTFOUND for a wrong reference or last four, the survey's
 *     refusals, one help call per kiosk), so screens cannot tell the two
 *     paths apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text.h"
#include "store/schema_pg.h"
#include "store/store_int.h"

/* ---- opening -------------------------------------------------------------- */

/* See store_int.h. */
st_rc st_door_open(store *s, char *why, size_t n)
{
	char kind[8] = "";
	int64_t v = 0;
	int latest = store_pg_schema_latest();
	st_rc r;

	why[0] = '\0';
	s->door = false;
	r = store_sql_text(s, "SELECT CASE WHEN to_regclass('requests') IS NULL "
	                   "THEN 'none' WHEN has_table_privilege(to_regclass("
	                   "'requests'), 'SELECT') THEN 'table' ELSE 'door' END",
	                   kind, sizeof kind);
	if (r != ST_OK) {
		snprintf(why, n, "%s", store_errmsg(s));
		return r;
	}
	if (strcmp(kind, "door") != 0)
		return ST_OK;
	s->door = true;
	if ((r = store_sql_i64(s, "SELECT coalesce(khidma_schema_version(), 0)",
	                       &v)) != ST_OK) {
		snprintf(why, n, "this login may read no table and may not run the "
		         "kiosk's functions (%s): run `khidma init` on the server, "
		         "which grants them to khidma_kiosk", store_errmsg(s));
		return r;
	}
	if (v > latest) {
		snprintf(why, n, "the database's schema is newer than this program");
		return ST_TOONEW;
	}
	if (v < latest) {
		snprintf(why, n, "the database's schema (version %lld) is older than "
		         "this program's (%d), and a kiosk's login may not upgrade "
		         "it: run `khidma init` on the server", (long long)v, latest);
		return ST_DENIED;
	}
	/* the server's default branch; the configuration's wins (sq_pg.c) */
	{
		char b[8] = "";

		if (store_sql_text(s, "SELECT coalesce(khidma_default_branch(), '')",
		                   b, sizeof b) == ST_OK && strlen(b) == 2)
			strlcpy_k(s->branch, b, sizeof s->branch);
	}
	return ST_OK;
}

/* See store_int.h. */
void st_door_forget(store *s)
{
	s->proof_id = 0;
	explicit_bzero(s->proof_ref, sizeof s->proof_ref);
	explicit_bzero(s->proof_last4, sizeof s->proof_last4);
}

/* ---- reading ---------------------------------------------------------------- */

/* See store_int.h. */
st_rc st_door_catalog(store *s, const char *kind, bool all,
                      struct catalog_item **items, int *n)
{
	struct catalog_item *v = NULL;
	sq_stmt *st;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*items = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, code, name_en, name_ar, sort, active FROM "
	                 "khidma_catalog(CAST(?1 AS text)) WHERE ?2 <> 0 OR "
	                 "active <> 0 ORDER BY sort, id", &st)) != ST_OK)
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

/* The request khidma_track gives for (ref, last4) into *out; ST_NOTFOUND. */
static st_rc track_row(store *s, const char *ref, const char *last4,
                       struct request *out)
{
	char sql[640];
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT %s FROM khidma_track(CAST(? AS text), "
	         "CAST(? AS text))", st_req_cols);
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, ref);
	sq_bind_text(st, 2, last4);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		st_request_fill(st, out);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* See store_int.h. */
st_rc st_door_track(store *s, const char *ref, const char *last4,
                    struct request *out)
{
	st_rc r;

	st_door_forget(s);
	if (strlen(ref) >= sizeof s->proof_ref || strlen(last4) != 4) {
		memset(out, 0, sizeof *out);
		return ST_NOTFOUND;
	}
	if ((r = track_row(s, ref, last4, out)) == ST_OK) {
		s->proof_id = out->id;
		strlcpy_k(s->proof_ref, ref, sizeof s->proof_ref);
		strlcpy_k(s->proof_last4, last4, sizeof s->proof_last4);
	}
	return r;
}

/* See store_int.h. */
st_rc st_door_get(store *s, int64_t id, struct request *out)
{
	st_rc r;

	memset(out, 0, sizeof *out);
	if (id <= 0 || id != s->proof_id)
		return ST_DENIED;       /* invariant 1: no proof for this one */
	if ((r = track_row(s, s->proof_ref, s->proof_last4, out)) == ST_OK &&
	    out->id != id) {
		request_free(out);
		r = ST_NOTFOUND;
	}
	return r;
}

/* See store_int.h. */
st_rc st_door_events(store *s, int64_t id, struct request_event **ev, int *n)
{
	sq_stmt *st;
	st_rc r;

	*ev = NULL;
	*n = 0;
	if (id <= 0 || id != s->proof_id)
		return ST_DENIED;
	if ((r = st_prep(s, "SELECT id, at, who, from_status, to_status, note, kind "
	                 "FROM khidma_track_events(CAST(? AS text), CAST(? AS text)) "
	                 "WHERE request_id = ? ORDER BY id", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, s->proof_ref);
	sq_bind_text(st, 2, s->proof_last4);
	sq_bind_i64(st, 3, id);
	r = st_events_rows(st, ev, n);
	sq_finalize(st);
	return r;
}

/* See store_int.h. */
st_rc st_door_requests_of(store *s, const char *nid, const char *service,
                          bool open_only, int64_t exclude_id,
                          struct queue_row **rows, int *n)
{
	struct queue_row *v = NULL;
	sq_stmt *st;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*rows = NULL;
	*n = 0;
	if (!open_only)
		return ST_DENIED;       /* a member's history is an officer's */
	if (!nid || !nid[0])
		return ST_OK;
	if ((r = st_prep(s, "SELECT id, status, created_at FROM "
	                 "khidma_open_requests_of(CAST(?1 AS text), CAST(?2 AS text)) "
	                 "WHERE id <> ?3 ORDER BY created_at DESC, id DESC LIMIT 200",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, nid);
	sq_bind_text(st, 2, service);      /* NULL: any service */
	sq_bind_i64(st, 3, exclude_id);
	while ((rc = sq_step(st)) == SQ_ROW) {
		struct queue_row *row;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		row = &v[cnt++];
		memset(row, 0, sizeof *row);
		row->id = sq_col_i64(st, 0);
		row->name = xstrdup("");
		strlcpy_k(row->service, service ? service : "", sizeof row->service);
		req_status_parse((const char *)sq_col_text(st, 1), &row->status);
		row->created_at = (time_t)sq_col_i64(st, 2);
		row->sort_key = row->created_at;
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		queue_rows_free(v, cnt);
		return sq_map(rc);
	}
	*rows = v;
	*n = cnt;
	return ST_OK;
}

/* See store_int.h. */
st_rc st_door_meta_get(store *s, const char *key, char *buf, size_t n)
{
	char b[8] = "";
	st_rc r;

	if (strcmp(key, "branch") != 0)
		return ST_DENIED;       /* the settings are the officers' */
	if ((r = store_sql_text(s, "SELECT coalesce(khidma_default_branch(), '')",
	                        b, sizeof b)) != ST_OK)
		return r;
	if (!b[0])
		return ST_NOTFOUND;
	strlcpy_k(buf, b, n);
	return ST_OK;
}

/* ---- writing (invariant 2: each inside st_tx) ------------------------------- */

/* The fields of struct request a kiosk submits, as khidma_submit's and
 * khidma_ingest_spooled's r (jsonb built by the server from text
 * parameters: nothing is quoted here). ?1..?18; the caller adds the rest
 * (ending the object) and the function call. */
#define REQ_JSON \
	"jsonb_build_object('category', CAST(?1 AS text), 'name', CAST(?2 AS text), " \
	"'national_id', CAST(?3 AS text), 'mobile', CAST(?4 AS text), " \
	"'email', CAST(?5 AS text), 'member_number', CAST(?6 AS text), " \
	"'service', CAST(?7 AS text), 'channel', CAST(?8 AS text), " \
	"'description', CAST(?9 AS text), 'declared_at', CAST(?10 AS bigint), " \
	"'signature', CAST(?11 AS text), 'declaration_version', CAST(?12 AS bigint), " \
	"'declared_by', CAST(?13 AS text), 'field_match', CAST(?14 AS text), " \
	"'name_key', CAST(?15 AS text), 'notify', CAST(?16 AS text), " \
	"'lang', CAST(?17 AS text), 'duplicate_of', CAST(?18 AS bigint)"

static void bind_request(sq_stmt *st, const struct request *r, const char *key)
{
	sq_bind_text(st, 1, r->category);
	sq_bind_text(st, 2, r->name);
	sq_bind_text(st, 3, r->national_id);
	sq_bind_text(st, 4, r->mobile);
	sq_bind_text(st, 5, r->email ? r->email : "");
	sq_bind_text(st, 6, r->member_number);
	sq_bind_text(st, 7, r->service);
	sq_bind_text(st, 8, r->channel);
	sq_bind_text(st, 9, r->description ? r->description : "");
	sq_bind_i64(st, 10, (int64_t)r->declared_at);
	sq_bind_text(st, 11, r->signature ? r->signature : "");
	sq_bind_i64(st, 12, r->declaration_version);
	sq_bind_text(st, 13, r->declared_by);
	sq_bind_text(st, 14, r->field_match);
	sq_bind_text(st, 15, key);
	sq_bind_text(st, 16, notify_choice_name(r->notify));
	sq_bind_text(st, 17, strcmp(r->lang, "en") == 0 ? "en" : "ar");
	sq_bind_i64(st, 18, r->duplicate_of > 0 ? r->duplicate_of : 0);
}

struct submit_ctx { struct request *r; char *key; };

static st_rc submit_body(store *s, void *ctx)
{
	struct submit_ctx *c = ctx;
	struct request *r = c->r;
	sq_stmt *st;
	st_rc rc;
	int step;

	if ((rc = st_prep(s, "SELECT id, ref, coalesce(member_id, 0), created_at, "
	                  "earliest_response FROM khidma_submit(" REQ_JSON ", "
	                  "'branch', CAST(?19 AS text), 'study_days', CAST(?20 AS "
	                  "bigint)), CAST(?21 AS bigint))", &st)) != ST_OK)
		return rc;
	bind_request(st, r, c->key);
	sq_bind_text(st, 19, s->branch);
	sq_bind_i64(st, 20, s->study_days > 0 ? s->study_days : 14);
	sq_bind_i64(st, 21, (int64_t)khidma_now());
	step = sq_step(st);
	if (step == SQ_ROW) {
		r->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, r->ref, sizeof r->ref);
		r->member_id = sq_col_i64(st, 2);
		r->created_at = (time_t)sq_col_i64(st, 3);
		r->updated_at = r->created_at;
		r->earliest_response = (time_t)sq_col_i64(st, 4);
		rc = ST_OK;
	} else {
		rc = step == SQ_DONE ? ST_IO : sq_map(step);
	}
	sq_finalize(st);
	return rc;
}

/* See store_int.h. */
st_rc st_door_submit(store *s, struct request *r, const char *who, int64_t seq,
                     const char *idem)
{
	struct submit_ctx c = { r, NULL };
	st_rc rc;

	/* an officer's intake and the spool's numbered copies are not a
	 * kiosk's (the spool is a SQLite file; forwarding: st_door_ingest) */
	if (strcmp(who, "kiosk") != 0 || seq > 0 || idem)
		return ST_DENIED;
	if (!(c.key = text_search_key(r->name)))
		return ST_INVALID;
	rc = st_tx(s, submit_body, &c);
	free(c.key);
	if (rc == ST_OK) {
		r->status = RS_RECEIVED;
		r->version = 1;
		r->assigned_to[0] = '\0';
	}
	return rc;
}

struct ingest_ctx {
	const struct request_full *q;
	const char *idem;
	char *key;
	enum ingest_outcome out;
};

static st_rc ingest_body(store *s, void *ctx)
{
	struct ingest_ctx *c = ctx;
	const struct request *r = &c->q->r;
	char outcome[16] = "";
	sq_stmt *st;
	st_rc rc;
	int step;

	if ((rc = st_prep(s, "SELECT outcome FROM khidma_ingest_spooled(" REQ_JSON
	                  ", 'ref', CAST(?19 AS text), 'created_at', CAST(?20 AS "
	                  "bigint), 'earliest_response', CAST(?21 AS bigint), 'now', "
	                  "CAST(?22 AS bigint)), CAST(?23 AS text), CAST(?24 AS text))",
	                  &st)) != ST_OK)
		return rc;
	bind_request(st, r, c->key);
	sq_bind_text(st, 19, r->ref);
	sq_bind_i64(st, 20, (int64_t)r->created_at);
	sq_bind_i64(st, 21, (int64_t)r->earliest_response);
	sq_bind_i64(st, 22, (int64_t)khidma_now());
	sq_bind_text(st, 23, c->idem);
	/* any kiosk name: the kiosk is its database login (one per machine,
	 * ref_blocks.login); a spool keeps its blocks across a renamed
	 * kiosk_id or another terminal */
	sq_bind_text(st, 24, "");
	step = sq_step(st);
	if (step == SQ_ROW)
		st_col_copy(st, 0, outcome, sizeof outcome);
	sq_finalize(st);
	if (step != SQ_ROW)
		return step == SQ_DONE ? ST_IO : sq_map(step);
	if (strcmp(outcome, "added") == 0) {
		c->out = INGEST_ADDED;
		return ST_OK;
	}
	if (strcmp(outcome, "replay") == 0) {
		c->out = INGEST_REPLAY;
		return ST_OK;
	}
	/* "conflict", "outside_block": refused, nothing written; the spool
	 * keeps it as a conflict (store/spool.c) */
	c->out = INGEST_CONFLICT;
	return ST_DENIED;
}

/* See store_int.h. */
st_rc st_door_ingest(store *s, const struct request_full *q, const char *idem,
                     enum ingest_outcome *out)
{
	struct ingest_ctx c = { q, idem, NULL, INGEST_ADDED };
	st_rc rc;

	/* a kiosk forwards what a kiosk took: a new request, its submission */
	if (q->r.status != RS_RECEIVED || q->nev > 1 ||
	    (q->nev == 1 && strcmp(q->ev[0].who, "kiosk") != 0)) {
		if (out)
			*out = INGEST_CONFLICT;
		return ST_DENIED;
	}
	if (!(c.key = text_search_key(q->r.name)))
		return ST_INVALID;
	rc = st_tx(s, ingest_body, &c);
	free(c.key);
	if (out)
		*out = c.out;
	return rc;
}

struct fail_ctx { const char *kiosk, *ref; int window; struct track_counts c; };

static st_rc fail_body(store *s, void *ctx)
{
	struct fail_ctx *c = ctx;
	sq_stmt *st;
	st_rc rc;
	int step;

	if ((rc = st_prep(s, "SELECT n_all, n_kiosk, n_ref FROM khidma_track_fail("
	                  "CAST(? AS text), CAST(? AS text), CAST(? AS bigint), "
	                  "CAST(? AS bigint))", &st)) != ST_OK)
		return rc;
	sq_bind_text(st, 1, c->kiosk);
	sq_bind_text(st, 2, c->ref);
	sq_bind_i64(st, 3, (int64_t)khidma_now());
	sq_bind_i64(st, 4, c->window);
	step = sq_step(st);
	if (step == SQ_ROW) {
		c->c.all = sq_col_int(st, 0);
		c->c.kiosk = c->kiosk[0] ? sq_col_int(st, 1) : 0;
		c->c.ref = c->ref[0] ? sq_col_int(st, 2) : 0;
	}
	sq_finalize(st);
	return step == SQ_ROW ? ST_OK : step == SQ_DONE ? ST_IO : sq_map(step);
}

/* See store_int.h. */
st_rc st_door_track_fail(store *s, const char *kiosk, const char *ref,
                         int window_s, struct track_counts *out)
{
	struct fail_ctx c = { kiosk, ref, window_s, { 0, 0, 0 } };
	st_rc rc = st_tx(s, fail_body, &c);

	if (rc == ST_OK && out)
		*out = c.c;
	return rc;
}

struct one_ctx { const char *sql, *a, *b; int64_t i; int64_t v; };

/* One function call with (text a, [text b,] bigint i) whose first column
 * (a bigint or a boolean) is the answer. */
static st_rc one_body(store *s, void *ctx)
{
	struct one_ctx *c = ctx;
	sq_stmt *st;
	st_rc rc;
	int step, k = 1;

	if ((rc = st_prep(s, c->sql, &st)) != ST_OK)
		return rc;
	sq_bind_text(st, k++, c->a);
	if (c->b)
		sq_bind_text(st, k++, c->b);
	sq_bind_i64(st, k, c->i);
	step = sq_step(st);
	c->v = step == SQ_ROW ? sq_col_i64(st, 0) : 0;
	sq_finalize(st);
	return step == SQ_ROW ? ST_OK : step == SQ_DONE ? ST_IO : sq_map(step);
}

/* See store_int.h. */
st_rc st_door_help_call(store *s, const char *kiosk, int64_t *id)
{
	struct one_ctx c = { "SELECT khidma_help_call(CAST(? AS text), CAST(? AS "
	                     "bigint))", kiosk, NULL, (int64_t)khidma_now(), 0 };
	st_rc rc = st_tx(s, one_body, &c);

	if (rc == ST_OK && id)
		*id = c.v;
	return rc;
}

/* See store_int.h. */
st_rc st_door_withdraw(store *s, const char *ref, const char *last4)
{
	struct one_ctx c = { "SELECT khidma_notify_withdraw(CAST(? AS text), "
	                     "CAST(? AS text), CAST(? AS bigint))", ref, last4,
	                     (int64_t)khidma_now(), 0 };
	st_rc rc = st_tx(s, one_body, &c);

	return rc == ST_OK && c.v == 0 ? ST_NOTFOUND : rc;
}

/* Append s to b as a JSON string. */
static void json_str(char *b, size_t n, const char *s)
{
	size_t k = strlen(b);

	if (k + 1 < n)
		b[k++] = '"';
	for (; *s && k + 8 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			b[k++] = '\\';
			b[k++] = (char)ch;
		} else if (ch < 0x20) {
			k += (size_t)snprintf(b + k, n - k, "\\u%04x", ch);
		} else {
			b[k++] = (char)ch;
		}
	}
	if (k + 1 < n)
		b[k++] = '"';
	b[k] = '\0';
}

struct survey_ctx { struct survey_response *r; const char *answers, *hash; };

static st_rc survey_body(store *s, void *ctx)
{
	struct survey_ctx *c = ctx;
	struct survey_response *r = c->r;
	char result[16] = "";
	sq_stmt *st;
	st_rc rc;
	int step;

	if ((rc = st_prep(s, "SELECT id, result, service, off_verified, "
	                  "off_registered, off_delivered FROM khidma_survey(CAST(? AS "
	                  "bigint), CAST(? AS text), CAST(? AS text), CAST(? AS text), "
	                  "CAST(? AS text), CAST(? AS text), CAST(? AS jsonb))",
	                  &st)) != ST_OK)
		return rc;
	sq_bind_i64(st, 1, (int64_t)r->at);
	sq_bind_text(st, 2, r->channel);
	sq_bind_text(st, 3, r->comment ? r->comment : "");
	sq_bind_text(st, 4, c->hash[0] ? "" : r->ref);
	sq_bind_text(st, 5, c->hash[0] ? "" : r->last4);
	sq_bind_text(st, 6, c->hash);
	sq_bind_text(st, 7, c->answers);
	step = sq_step(st);
	if (step == SQ_ROW) {
		r->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, result, sizeof result);
		st_col_copy(st, 2, r->service, sizeof r->service);
		for (int i = 0; i < 3; i++)
			st_col_copy(st, 3 + i, r->credited[i], sizeof r->credited[i]);
	}
	sq_finalize(st);
	if (step != SQ_ROW)
		return step == SQ_DONE ? ST_IO : sq_map(step);
	if (strcmp(result, "ok") == 0)
		return ST_OK;
	r->id = 0;
	if (strcmp(result, "not_delivered") == 0) {
		r->refused = SURVEY_NOT_DELIVERED;
		return ST_DENIED;
	}
	if (strcmp(result, "already_used") == 0) {
		r->refused = SURVEY_ALREADY_USED;
		return ST_DENIED;
	}
	return ST_NOTFOUND;
}

/* See store_int.h. */
st_rc st_door_survey(store *s, struct survey_response *r)
{
	char answers[16 * 96 + 8] = "[", hash[33] = "";
	struct survey_ctx c = { r, answers, hash };
	st_rc rc;

	if (r->code[0]) {
		/* as notify.c's st_survey_code_find: 8 digits or not found */
		if (strlen(r->code) != 8 || strspn(r->code, "0123456789") != 8)
			return ST_NOTFOUND;
		st_code_hash(r->code, hash);
	}
	for (int i = 0; i < r->nanswers; i++) {
		size_t k = strlen(answers);

		snprintf(answers + k, sizeof answers - k, "%s{\"question\": ",
		         i ? ", " : "");
		json_str(answers, sizeof answers, r->answers[i].question);
		k = strlen(answers);
		snprintf(answers + k, sizeof answers - k, ", \"score\": %d}",
		         r->answers[i].score);
	}
	{
		size_t k = strlen(answers);
		snprintf(answers + k, sizeof answers - k, "]");
	}
	r->service[0] = '\0';
	memset(r->credited, 0, sizeof r->credited);
	rc = st_tx(s, survey_body, &c);
	explicit_bzero(hash, sizeof hash);
	return rc;
}
