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
 *     A row is one failed lookup: when, at which kiosk (its kiosk_id) and
 *     for which reference (as typed, checked by refno_valid; never the
 *     mobile digits), so a kiosk can throttle per kiosk and per reference
 *     (schema v7) and still see the rate over all kiosks for the alarm.
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

/* Failures since `since`: all of them (kiosk and ref NULL), or those of
 * one kiosk, or those of one reference. -1 on a database error. */
static int count_since(store *s, time_t since, const char *kiosk, const char *ref)
{
	sqlite3_stmt *st;
	int n = -1;
	const char *sql = kiosk ? "SELECT count(*) FROM track_failures WHERE kiosk = ?2 AND at > ?1"
	                : ref ? "SELECT count(*) FROM track_failures WHERE ref = ?2 AND at > ?1"
	                : "SELECT count(*) FROM track_failures WHERE at > ?1";

	if (st_prep(s, sql, &st) != ST_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if (kiosk || ref)
		sqlite3_bind_text(st, 2, kiosk ? kiosk : ref, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct track_ctx {
	time_t now; int window;
	const char *kiosk, *ref;
	struct track_counts c;
};

static st_rc track_body(store *s, void *ctx)
{
	struct track_ctx *c = ctx;
	time_t since = c->now - c->window;
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
	if ((r = st_prep(s, "INSERT INTO track_failures(at, kiosk, ref) VALUES (?,?,?)",
	                 &st)) != ST_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->now);
	sqlite3_bind_text(st, 2, c->kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->ref, -1, SQLITE_STATIC);
	r = st_done(st);
	sqlite3_finalize(st);
	if (r != ST_OK)
		return r;
	c->c.all = count_since(s, since, NULL, NULL);
	c->c.kiosk = c->kiosk[0] ? count_since(s, since, c->kiosk, NULL) : 0;
	c->c.ref = c->ref[0] ? count_since(s, since, NULL, c->ref) : 0;
	if (c->c.all < 0 || c->c.kiosk < 0 || c->c.ref < 0)
		return st_map(sqlite3_errcode(s->db));
	return ST_OK;
}

/* See store.h. */
st_rc store_track_fail_at(store *s, const char *kiosk, const char *ref,
                          int window_s, struct track_counts *out)
{
	struct track_ctx c = { khidma_now(), window_s, kiosk ? kiosk : "",
	                       ref ? ref : "", { 0, 0, 0 } };
	st_rc rc;

	if (!st_utf8_ok(c.kiosk) || !st_utf8_ok(c.ref))
		return ST_INVALID;
	rc = st_tx(s, track_body, &c);
	if (rc == ST_OK && out)
		*out = c.c;
	return rc;
}

/* See store.h. On a database error returns -1 (the caller should treat
 * that as "throttled": fail closed). */
int store_track_fail(store *s, int window_s)
{
	struct track_counts c;

	if (store_track_fail_at(s, "", "", window_s, &c) != ST_OK)
		return -1;
	return c.all;
}

/* Failures in the last window_s seconds (every kiosk); -1 on a database
 * error. */
int store_track_failures(store *s, int window_s)
{
	return count_since(s, khidma_now() - window_s, NULL, NULL);
}
