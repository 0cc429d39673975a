/*
 * store/survey — anonymous satisfaction surveys, and the kiosk's tracking
 * throttle (failed reference lookups), both small append-mostly tables.
 *
 * What a response keeps (schema v9): its answers (question, score 0..5),
 * the comment, the channel, the month (day = local midnight of the 1st),
 * and — only when the visitor linked it with the reference number and the
 * last 4 digits of the mobile — the request's service type and the logins
 * of the officers credited with it: who verified it (the last verify
 * before its first delivery), who registered it, who delivered it, as the
 * request's audit trail says at that delivery (CREDIT_* in store_int.h).
 * Later notes, assignments or transitions change nothing.
 *
 * Invariants:
 *  1. A response holds no request id, reference, name, national ID or
 *     mobile (survey_responses has no such column) and no time finer than
 *     the month. The comment is the visitor's own text.
 *  2. A response and its answers are one transaction; so are the link's
 *     checks (reference + mobile, delivered, not yet evaluated) and the
 *     mark requests.surveyed = 1: one response per request, even from two
 *     kiosks at once.
 *  2b. A one-time survey code (schema v12, store/notify.c) links like
 *     reference + mobile and is marked used in the same transaction; the
 *     response keeps neither the code nor its hash.
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

/* Local midnight of the 1st of t's month. */
static time_t month_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Find the request r links to and copy what the response keeps of it;
 * mark it evaluated. ST_NOTFOUND / ST_DENIED as store.h says. */
static st_rc link_request(store *s, struct survey_response *r)
{
	sq_stmt *st;
	const char *mob;
	int64_t id = 0;
	size_t ml;
	st_rc rc;
	int step;

	int64_t by_code = 0;
	bool used = false;

	/* schema v12: the one-time code of the delivery message finds the
	 * request instead of reference + mobile (used once: invariant 2) */
	if (r->code[0]) {
		if ((rc = st_survey_code_find(s, r->code, &by_code, &used)) != ST_OK)
			return rc;
		if (used) {
			r->refused = SURVEY_ALREADY_USED;
			return ST_DENIED;
		}
	}
	if ((rc = st_prep(s, by_code ?
	                  "SELECT id, mobile, status, surveyed, service, "
	                  CREDIT_VERIFIED("requests.id") ", " CREDIT_REGISTERED("requests.id") ", "
	                  CREDIT_DELIVERED("requests.id") " FROM requests WHERE id = ?" :
	                  "SELECT id, mobile, status, surveyed, service, "
	                  CREDIT_VERIFIED("requests.id") ", " CREDIT_REGISTERED("requests.id") ", "
	                  CREDIT_DELIVERED("requests.id") " FROM requests WHERE ref = ?",
	                  &st)) != ST_OK)
		return rc;
	if (by_code)
		sq_bind_i64(st, 1, by_code);
	else
		sq_bind_text(st, 1, r->ref);
	step = sq_step(st);
	if (step != SQ_ROW) {
		sq_finalize(st);
		return step == SQ_DONE ? ST_NOTFOUND : sq_map(step);
	}
	mob = (const char *)sq_col_text(st, 1);
	ml = mob ? strlen(mob) : 0;
	/* the code alone proves it is theirs; else the mobile's last 4 */
	if (!by_code && (ml < 4 || strlen(r->last4) != 4 ||
	                 strcmp(mob + ml - 4, r->last4) != 0))
		rc = ST_NOTFOUND;
	else if (strcmp((const char *)sq_col_text(st, 2), "delivered") != 0) {
		rc = ST_DENIED;
		r->refused = SURVEY_NOT_DELIVERED;
	} else if (sq_col_int(st, 3) != 0) {
		rc = ST_DENIED;
		r->refused = SURVEY_ALREADY_USED;
	} else {
		id = sq_col_i64(st, 0);
		strlcpy_k(r->service, (const char *)sq_col_text(st, 4),
		          sizeof r->service);
		for (int i = 0; i < 3; i++)
			strlcpy_k(r->credited[i], (const char *)sq_col_text(st, 5 + i),
			          sizeof r->credited[i]);
	}
	sq_finalize(st);
	if (rc != ST_OK)
		return rc;
	if ((rc = st_prep(s, "UPDATE requests SET surveyed = 1 WHERE id = ? AND "
	                  "surveyed = 0", &st)) != ST_OK)
		return rc;
	sq_bind_i64(st, 1, id);
	rc = st_done(st);
	sq_finalize(st);
	if (rc == ST_OK && sq_changes(s) != 1) {
		r->refused = SURVEY_ALREADY_USED;
		rc = ST_DENIED;
	}
	if (rc == ST_OK && by_code && (rc = st_survey_code_use(s, id)) == ST_DENIED)
		r->refused = SURVEY_ALREADY_USED;
	return rc;
}

static st_rc survey_body(store *s, void *ctx)
{
	struct survey_response *r = ctx;
	sq_stmt *st;
	st_rc rc;

	r->service[0] = '\0';
	memset(r->credited, 0, sizeof r->credited);
	if ((r->ref[0] || r->code[0]) && (rc = link_request(s, r)) != ST_OK)
		return rc;
	if ((rc = st_prep(s, "INSERT INTO survey_responses(day, channel, comment, "
	                  "service, off_verified, off_registered, off_delivered) "
	                  "VALUES (?,?,?,?,?,?,?) RETURNING id", &st)) != ST_OK)
		return rc;
	sq_bind_i64(st, 1, (int64_t)r->at);
	sq_bind_text(st, 2, r->channel);
	sq_bind_text(st, 3, r->comment && r->comment[0] ? r->comment : NULL);
	sq_bind_text(st, 4, r->service);
	for (int i = 0; i < 3; i++)
		sq_bind_text(st, 5 + i, r->credited[i]);
	rc = st_insert_id(st, &r->id);
	sq_finalize(st);
	if (rc != ST_OK)
		return rc;
	if ((rc = st_prep(s, "INSERT INTO survey_answers(response_id, question, score) "
	                  "VALUES (?,?,?)", &st)) != ST_OK)
		return rc;
	for (int i = 0; i < r->nanswers && rc == ST_OK; i++) {
		sq_reset(st);
		sq_bind_i64(st, 1, r->id);
		sq_bind_text(st, 2, r->answers[i].question);
		sq_bind_i64(st, 3, r->answers[i].score);
		rc = st_done(st);
	}
	sq_finalize(st);
	return rc;
}

/* See store.h. Fills r->id and r->at (the 1st of this month, local
 * midnight). Scores must be 0..5 and questions distinct, else ST_INVALID
 * and nothing stored. */
st_rc store_survey_submit(store *s, struct survey_response *r)
{
	st_rc rc;

	r->refused = SURVEY_LINK_OK;
	if (r->nanswers < 0 || r->nanswers > (int)ARRAY_LEN(r->answers) ||
	    !st_utf8_ok(r->comment) || !st_utf8_ok(r->channel) ||
	    memchr(r->ref, '\0', sizeof r->ref) == NULL ||
	    memchr(r->last4, '\0', sizeof r->last4) == NULL ||
	    memchr(r->code, '\0', sizeof r->code) == NULL)
		return ST_INVALID;
	for (int i = 0; i < r->nanswers; i++)
		if (r->answers[i].score < 0 || r->answers[i].score > 5)
			return ST_INVALID;
	r->at = month_of(khidma_now());
	rc = st_door(s) ? st_door_survey(s, r)     /* a kiosk's login: pg_kiosk.c */
	     : st_tx(s, survey_body, r);
	if (rc != ST_OK)
		r->id = 0;
	return rc;
}

/* ---- tracking throttle ----------------------------------------------------- */

/* Failures since `since`: all of them (kiosk and ref NULL), or those of
 * one kiosk, or those of one reference. -1 on a database error. */
static int count_since(store *s, time_t since, const char *kiosk, const char *ref,
                       st_rc *err)
{
	sq_stmt *st;
	int n = -1, rc;
	const char *sql = kiosk ? "SELECT count(*) FROM track_failures WHERE kiosk = ?2 AND at > ?1"
	                : ref ? "SELECT count(*) FROM track_failures WHERE ref = ?2 AND at > ?1"
	                : "SELECT count(*) FROM track_failures WHERE at > ?1";

	if ((*err = st_prep(s, sql, &st)) != ST_OK)
		return -1;
	sq_bind_i64(st, 1, (int64_t)since);
	if (kiosk || ref)
		sq_bind_text(st, 2, kiosk ? kiosk : ref);
	if ((rc = sq_step(st)) == SQ_ROW)
		n = sq_col_int(st, 0);
	else
		*err = rc == SQ_DONE ? ST_IO : sq_map(rc);
	sq_finalize(st);
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
	sq_stmt *st;
	st_rc r;

	if ((r = st_prep(s, "DELETE FROM track_failures WHERE at < ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)(c->now - DAY_S -
	                   (c->window > DAY_S ? c->window : 0)));
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO track_failures(at, kiosk, ref) VALUES (?,?,?)",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)c->now);
	sq_bind_text(st, 2, c->kiosk);
	sq_bind_text(st, 3, c->ref);
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	st_rc e = ST_OK;

	c->c.all = count_since(s, since, NULL, NULL, &e);
	c->c.kiosk = c->kiosk[0] && e == ST_OK ? count_since(s, since, c->kiosk, NULL, &e) : 0;
	c->c.ref = c->ref[0] && e == ST_OK ? count_since(s, since, NULL, c->ref, &e) : 0;
	if (e != ST_OK || c->c.all < 0 || c->c.kiosk < 0 || c->c.ref < 0)
		return e != ST_OK ? e : ST_IO;
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
	if (st_door(s))         /* a kiosk's login: khidma_track_fail (pg_kiosk.c) */
		return st_door_track_fail(s, c.kiosk, c.ref, window_s, out);
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
	st_rc e = ST_OK;

	return count_since(s, khidma_now() - window_s, NULL, NULL, &e);
}
