/*
 * store/survey — anonymous satisfaction surveys, and the kiosk's tracking
 * throttle (failed reference lookups), both small append-mostly tables.
 *
 * Invariants:
 *  1. A response names no officer and no visitor; its time is kept at day
 *     precision (local midnight) so it cannot be matched to a visit by the
 *     minute. The optional request link is the visitor's choice.
 *  2. A response and its answers are one transaction.
 *  3. track_failures keeps one day of rows; older rows are pruned on insert.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

#define DAY_S (24 * 60 * 60)

static time_t day_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static st_rc survey_body(store *s, void *ctx)
{
	struct survey_response *r = ctx;
	sqlite3_stmt *st;
	st_rc rc;

	if ((rc = st_prep(s, "INSERT INTO survey_responses(day, channel, comment, "
	                  "request_id) VALUES (?,?,?,?)", &st)) != ST_OK)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->at);
	sqlite3_bind_text(st, 2, r->channel, -1, SQLITE_STATIC);
	st_bind_text(st, 3, r->comment && r->comment[0] ? r->comment : NULL);
	if (r->request_id > 0)
		sqlite3_bind_int64(st, 4, r->request_id);
	else
		sqlite3_bind_null(st, 4);
	rc = st_done(st);
	sqlite3_finalize(st);
	if (rc != ST_OK)
		return rc;
	r->id = sqlite3_last_insert_rowid(s->db);
	if ((rc = st_prep(s, "INSERT INTO survey_answers(response_id, question, score) "
	                  "VALUES (?,?,?)", &st)) != ST_OK)
		return rc;
	for (int i = 0; i < r->nanswers && rc == ST_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, r->answers[i].question, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, r->answers[i].score);
		rc = st_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* See store.h. Fills r->id and r->at (today, local midnight). Scores must
 * be 0..5 and questions distinct, else ST_INVALID and nothing stored. */
st_rc store_survey_submit(store *s, struct survey_response *r)
{
	st_rc rc;

	if (r->nanswers < 0 || r->nanswers > (int)ARRAY_LEN(r->answers) ||
	    !st_utf8_ok(r->comment) || !st_utf8_ok(r->channel))
		return ST_INVALID;
	r->at = day_of(khidma_now());
	rc = st_tx(s, survey_body, r);
	if (rc != ST_OK)
		r->id = 0;
	return rc;
}

/* ---- tracking throttle ----------------------------------------------------- */

static int count_since(store *s, time_t since)
{
	sqlite3_stmt *st;
	int n = -1;

	if (st_prep(s, "SELECT count(*) FROM track_failures WHERE at > ?", &st) != ST_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct track_ctx { time_t now; int window; int count; };

static st_rc track_body(store *s, void *ctx)
{
	struct track_ctx *c = ctx;
	sqlite3_stmt *st;
	st_rc r;

	if ((r = st_prep(s, "DELETE FROM track_failures WHERE at < ?", &st)) != ST_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(c->now - DAY_S -
	                   (c->window > DAY_S ? c->window : 0)));
	r = st_done(st);
	sqlite3_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO track_failures(at) VALUES (?)", &st)) != ST_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->now);
	r = st_done(st);
	sqlite3_finalize(st);
	if (r != ST_OK)
		return r;
	c->count = count_since(s, c->now - c->window);
	return c->count < 0 ? st_map(sqlite3_errcode(s->db)) : ST_OK;
}

/* See store.h. On a database error returns -1 (the caller should treat
 * that as "throttled": fail closed). */
int store_track_fail(store *s, int window_s)
{
	struct track_ctx c = { khidma_now(), window_s, 0 };

	if (st_tx(s, track_body, &c) != ST_OK)
		return -1;
	return c.count;
}

/* Failures in the last window_s seconds; -1 on a database error. */
int store_track_failures(store *s, int window_s)
{
	return count_since(s, khidma_now() - window_s);
}
