/*
 * store/queue — the officer's queue: filtered, keyset-paged, newest first.
 *
 * Query shape (one statement; only the filters given are added):
 *   SELECT … FROM requests
 *   WHERE <status> [AND assigned_to = ?] [AND channel = ?] [AND service = ?]
 *     [AND created_at < overdue-cut] [AND <search>]
 *     [AND (created_at < ?a OR (created_at = ?a AND id < ?i))]
 *   ORDER BY created_at DESC, id DESC LIMIT ?
 *
 * Search: digits only (text_digits, Eastern digits allowed) → a reference
 * prefix (ref >= p AND ref < p||':'), the national ID, or the mobile
 * (normalised to 05XXXXXXXX); anything else → substring of name_key
 * (text_search_key, so Arabic letter variants and harakat do not matter):
 * 3+ characters through the FTS5 trigram index requests_name_fts (schema
 * v3), shorter keys by instr() while walking requests_created.
 *
 * Invariants:
 *  1. Paging is by the key (created_at, id) of the last row shown, never by
 *     OFFSET: a page costs the same on page 1 and page 10 000.
 *  2. With 1M rows the status/assigned (requests_assigned is partial,
 *     assigned_to <> '': the queue asks for an officer's login, never for
 *     the unassigned, which then walks requests_created)/channel/service/
 *     ref/national ID/
 *     mobile / name (3+ characters) queries are index searches (tests check
 *     EXPLAIN QUERY PLAN); a 1–2 character name key walks requests_created
 *     in order and stops after `limit` hits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text.h"
#include "store/store_int.h"

#define DAY_S (24 * 60 * 60)

void queue_rows_free(struct queue_row *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i].name);
	free(rows);
}

/* Saudi mobile forms → 05XXXXXXXX in out (>= 11); false if not one. */
static bool mobile_norm(const char *d, char *out, size_t n)
{
	size_t len = strlen(d), skip;

	if (len == 10 && d[0] == '0' && d[1] == '5')
		skip = 1;
	else if (len == 9 && d[0] == '5')
		skip = 0;
	else if (len == 12 && strncmp(d, "9665", 4) == 0)
		skip = 3;
	else if (len == 14 && strncmp(d, "009665", 6) == 0)
		skip = 5;
	else
		return false;
	if (n < 11)
		return false;
	out[0] = '0';
	strlcpy_k(out + 1, d + skip, n - 1);
	return true;
}

/* key as one FTS5 phrase: "…" with inner quotes doubled. With the trigram
 * tokenizer a phrase of 3+ characters matches exactly the rows whose
 * name_key contains it as a substring. */
static char *fts_phrase(const char *key)
{
	char *out = xmalloc(strlen(key) * 2 + 3), *o = out;

	*o++ = '"';
	for (const char *p = key; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

struct qbuild {
	char sql[1536];
	size_t len;
};

static void add(struct qbuild *q, const char *s)
{
	q->len += strlcpy_k(q->sql + q->len, s, sizeof q->sql - q->len);
}

/* See store.h. *rows is NULL when *n is 0 (queue_rows_free accepts both).
 * The SQL text is built from constant pieces only; every value is bound by
 * name. */
st_rc store_queue(store *s, const struct queue_filter *f,
                  time_t after_created, int64_t after_id, int limit,
                  struct queue_row **rows, int *n)
{
	struct qbuild q = { .len = 0 };
	struct queue_row *v = NULL;
	sqlite3_stmt *st;
	char digits[32], ref_hi[40], mobile[16] = "";
	char *key = NULL;
	bool is_digits = false;
	time_t now = khidma_now();
	int sla = f && f->sla_days > 0 ? f->sla_days : 14;
	int cnt = 0, rc = SQLITE_DONE, status = f ? f->status : -1;
	st_rc r;

	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return ST_OK;
	add(&q, "SELECT id, ref, name, service, channel, status, created_at, "
	    "earliest_response, assigned_to FROM requests ");
	/* The default view (every open request, newest first) walks the partial
	 * index requests_open in order. Without ANALYZE statistics (never run in
	 * production) SQLite preferred v4's requests_counts (status, service,
	 * …) and sorted every open request: 37–64 ms instead of 0.05 ms at 1M;
	 * the hint keeps any later index from doing the same. */
	if (status == -1 && !(f && (f->assigned_to || f->channel || f->service ||
	                            (f->search && f->search[0]))))
		add(&q, "INDEXED BY requests_open ");
	add(&q, "WHERE ");
	if (status == -1)
		add(&q, "status IN " ST_OPEN_SQL);
	else if (status == -2)
		add(&q, "1");
	else if (status >= 0 && status < RS__COUNT)
		add(&q, "status = :status");
	else
		return ST_INVALID;
	if (f && f->assigned_to) {
		add(&q, " AND assigned_to = :assigned");
		/* lets the partial index requests_assigned (schema v5) serve */
		if (f->assigned_to[0])
			add(&q, " AND assigned_to <> ''");
	}
	if (f && f->channel)
		add(&q, " AND channel = :channel");
	if (f && f->service)
		add(&q, " AND service = :service");
	if (f && f->overdue)
		add(&q, " AND created_at < :cut AND status IN " ST_OPEN_SQL);
	if (f && f->search && f->search[0]) {
		if (text_digits(f->search, digits, sizeof digits, true) > 0 &&
		    (digits[0] != '+' || digits[1])) {
			if (digits[0] == '+')          /* "+966 5…": international form */
				memmove(digits, digits + 1, strlen(digits));
			is_digits = true;
			snprintf(ref_hi, sizeof ref_hi, "%s:", digits);
			mobile_norm(digits, mobile, sizeof mobile);
			add(&q, " AND ((ref >= :ref_lo AND ref < :ref_hi)"
			    " OR national_id = :digits OR mobile = :mobile)");
		} else {
			key = text_search_key(f->search);
			if (!key)
				return ST_INVALID;
			if (text_char_count(key) >= 3) {
				char *quoted = fts_phrase(key);

				free(key);
				key = quoted;
				add(&q, " AND id IN (SELECT rowid FROM requests_name_fts"
				    " WHERE requests_name_fts MATCH :key)");
			} else {
				add(&q, " AND instr(name_key, :key) > 0");
			}
		}
	}
	if (after_id > 0)
		add(&q, " AND (created_at < :after_c OR (created_at = :after_c AND id < :after_i))");
	add(&q, " ORDER BY created_at DESC, id DESC LIMIT :limit");

	if ((r = st_prep(s, q.sql, &st)) != ST_OK) {
		free(key);
		return r;
	}
#define BIND_T(name, val) sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), val, -1, SQLITE_TRANSIENT)
#define BIND_I(name, val) sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), val)
	if (status >= 0)
		BIND_T(":status", req_status_name((req_status)status));
	if (f && f->assigned_to)
		BIND_T(":assigned", f->assigned_to);
	if (f && f->channel)
		BIND_T(":channel", f->channel);
	if (f && f->service)
		BIND_T(":service", f->service);
	if (f && f->overdue)
		BIND_I(":cut", (sqlite3_int64)(now - (time_t)sla * DAY_S));
	if (is_digits) {
		BIND_T(":ref_lo", digits);
		BIND_T(":ref_hi", ref_hi);
		BIND_T(":digits", digits);
		BIND_T(":mobile", mobile);
	} else if (key) {
		BIND_T(":key", key);
	}
	if (after_id > 0) {
		BIND_I(":after_c", (sqlite3_int64)after_created);
		BIND_I(":after_i", after_id);
	}
	BIND_I(":limit", limit);
#undef BIND_T
#undef BIND_I
	free(key);

	v = xcalloc((size_t)limit, sizeof *v);
	while (cnt < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct queue_row *row = &v[cnt++];

		row->id = sqlite3_column_int64(st, 0);
		st_col_copy(st, 1, row->ref, sizeof row->ref);
		row->name = st_col_dup(st, 2);
		st_col_copy(st, 3, row->service, sizeof row->service);
		st_col_copy(st, 4, row->channel, sizeof row->channel);
		req_status_parse((const char *)sqlite3_column_text(st, 5), &row->status);
		row->created_at = (time_t)sqlite3_column_int64(st, 6);
		row->earliest_response = (time_t)sqlite3_column_int64(st, 7);
		st_col_copy(st, 8, row->assigned_to, sizeof row->assigned_to);
		row->overdue = row->created_at < now - (time_t)sla * DAY_S &&
		               row->status != RS_DELIVERED && row->status != RS_REJECTED &&
		               row->status != RS_WITHDRAWN;
	}
	if (cnt < limit && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		queue_rows_free(v, cnt);
		return st_map(rc);
	}
	sqlite3_finalize(st);
	if (cnt == 0) {                    /* nothing to free for the caller */
		free(v);
		v = NULL;
	}
	*rows = v;
	*n = cnt;
	return ST_OK;
}
