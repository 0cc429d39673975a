/*
 * store/ingest — copies between stores (issue 13): a request with its
 * whole history inserted once under an idempotency key, the pages that
 * `khidma migrate` reads, the reference blocks a kiosk reserves for its
 * offline use, and the spool's marks. The logic of the spool and the
 * forwarder is store/spool.c; the commands are cli/cmd_forward.c and
 * cli/cmd_migrate.c.
 *
 * Invariants:
 *  1. store_request_ingest is one transaction: the request row, every
 *     event, the decided_at/delivered_at UPDATE (the counters count them
 *     from an UPDATE: schema.c invariant 7) and, for a forwarded new
 *     request, its "received" message — all or nothing.
 *  2. A key is used once (requests_idem is unique): the same key again is
 *     a no-op (INGEST_REPLAY) whatever it carries; the same reference
 *     under another key, or a reference written here (no key), is refused
 *     (INGEST_CONFLICT) and nothing is written. Under concurrent
 *     forwarders the unique indexes decide: the loser's transaction is
 *     retried by st_tx (BUSY) or refused by the constraint, then re-run
 *     by the caller, which sees the replay.
 *  3. Events keep their order, time, writer, statuses, note and kind;
 *     request_events stays append-only (INSERT only).
 *  4. A reserved block [first, last] lies after every sequence number
 *     used or reserved on the store when it is reserved, and the
 *     submission skips every reserved block (requests.c), so a spooled
 *     reference is unique without asking the server again.
 *  5. SQL here is written in the dialect both engines accept (docs:
 *     PG-DESIGN §1): ? placeholders, ON CONFLICT, coalesce, no SQL time
 *     functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/refno.h"
#include "core/util.h"
#include "text/text.h"
#include "store/sql.h"
#include "store/store_int.h"

void request_full_free(struct request_full *q)
{
	if (!q)
		return;
	request_free(&q->r);
	request_events_free(q->ev, q->nev);
	memset(q, 0, sizeof *q);
}

/* The sequence number inside reference ref (BB SSSSS C), 0 when invalid. */
static int64_t ref_seq(const char *ref)
{
	size_t n = strlen(ref);
	int64_t v = 0;

	if (!refno_valid(ref))
		return 0;
	for (size_t i = 2; i + 1 < n; i++)
		v = v * 10 + (ref[i] - '0');
	return v;
}

st_rc store_request_read_full(store *s, int64_t id, struct request_full *out)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((r = store_request_get(s, id, &out->r)) != ST_OK)
		return r;
	if ((r = st_prep(s, "SELECT seq, last_officer, coalesce(decided_at, 0), "
	                 "coalesce(delivered_at, 0), surveyed, coalesce(idem, '') "
	                 "FROM requests WHERE id = ?", &st)) != ST_OK)
		goto fail;
	sq_bind_i64(st, 1, id);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		out->seq = sq_col_i64(st, 0);
		st_col_copy(st, 1, out->last_officer, sizeof out->last_officer);
		out->decided_at = (time_t)sq_col_i64(st, 2);
		out->delivered_at = (time_t)sq_col_i64(st, 3);
		out->surveyed = sq_col_int(st, 4);
		st_col_copy(st, 5, out->idem, sizeof out->idem);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	if (r == ST_OK)
		r = store_request_events(s, id, &out->ev, &out->nev);
	if (r == ST_OK)
		return ST_OK;
fail:
	request_full_free(out);
	return r;
}

st_rc store_spool_ids(store *s, int64_t after, int max, int64_t *ids, int *n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	*n = 0;
	if ((r = st_prep(s, "SELECT id FROM requests WHERE id > ? AND id NOT IN "
	                 "(SELECT request_id FROM spool_sent) ORDER BY id LIMIT ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, after);
	sq_bind_i64(st, 2, max);
	while ((rc = sq_step(st)) == SQ_ROW && *n < max)
		ids[(*n)++] = sq_col_i64(st, 0);
	r = rc == SQ_ROW || rc == SQ_DONE ? ST_OK : sq_map(rc);
	sq_finalize(st);
	return r;
}

/* ---- one request, once ---------------------------------------------------- */

struct ingest_ctx {
	const struct request_full *q;
	const char *idem;
	bool notify;
	enum ingest_outcome out;
};

/* Run a prepared statement with no result wanted, then finalize it. */
static st_rc run(sq_stmt *st)
{
	st_rc r = st_done(st);

	sq_finalize(st);
	return r;
}

static st_rc ingest_body(store *s, void *ctx)
{
	struct ingest_ctx *c = ctx;
	const struct request_full *q = c->q;
	const struct request *rq = &q->r;
	sq_stmt *st;
	int64_t id = 0, member = 0, seq = q->seq > 0 ? q->seq : ref_seq(rq->ref);
	int64_t first_ev = 0, ev_id = 0;
	char *key = NULL;
	st_rc r;
	int rc;

	/* invariant 2: the key first, then the reference */
	if ((r = st_prep(s, "SELECT (SELECT count(*) FROM requests WHERE idem = ?1), "
	                 "(SELECT count(*) FROM requests WHERE ref = ?2), "
	                 "(SELECT id FROM members WHERE national_id = ?3 OR "
	                 "(?4 <> '' AND number = ?4) ORDER BY national_id = ?3 "
	                 "DESC, id LIMIT 1)", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->idem);
	sq_bind_text(st, 2, rq->ref);
	sq_bind_text(st, 3, rq->national_id);
	sq_bind_text(st, 4, rq->member_number);
	rc = sq_step(st);
	if (rc != SQ_ROW) {
		sq_finalize(st);
		return sq_map(rc);
	}
	if (sq_col_int(st, 0) > 0)
		c->out = INGEST_REPLAY;
	else if (sq_col_int(st, 1) > 0)
		c->out = INGEST_CONFLICT;
	else
		c->out = INGEST_ADDED;
	member = sq_col_i64(st, 2);
	sq_finalize(st);
	if (c->out == INGEST_REPLAY)
		return ST_OK;
	if (c->out == INGEST_CONFLICT)
		return ST_DENIED;
	if (!(key = text_search_key(rq->name)))
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO requests(seq, ref, category, name, "
	                 "national_id, mobile, email, member_number, member_id, "
	                 "service, channel, description, declared_at, signature, "
	                 "declaration_version, declared_by, created_at, "
	                 "earliest_response, status, assigned_to, decision_reason, "
	                 "field_match, version, updated_at, name_key, last_officer, "
	                 "notify, notify_at, notify_decl, lang, duplicate_of, "
	                 "paused_s, paused_since, info_items, info_text, surveyed, "
	                 "idem) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	                 "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id", &st)) != ST_OK)
		goto out;
	sq_bind_i64(st, 1, seq);
	sq_bind_text(st, 2, rq->ref);
	sq_bind_text(st, 3, rq->category);
	sq_bind_text(st, 4, rq->name);
	sq_bind_text(st, 5, rq->national_id);
	sq_bind_text(st, 6, rq->mobile);
	sq_bind_text(st, 7, rq->email ? rq->email : "");
	sq_bind_text(st, 8, rq->member_number);
	if (member)
		sq_bind_i64(st, 9, member);
	else
		sq_bind_null(st, 9);
	sq_bind_text(st, 10, rq->service);
	sq_bind_text(st, 11, rq->channel);
	sq_bind_text(st, 12, rq->description ? rq->description : "");
	sq_bind_i64(st, 13, (int64_t)rq->declared_at);
	sq_bind_text(st, 14, rq->signature ? rq->signature : "");
	sq_bind_i64(st, 15, rq->declaration_version);
	sq_bind_text(st, 16, rq->declared_by);
	sq_bind_i64(st, 17, (int64_t)rq->created_at);
	sq_bind_i64(st, 18, (int64_t)rq->earliest_response);
	sq_bind_text(st, 19, req_status_name(rq->status));
	sq_bind_text(st, 20, rq->assigned_to);
	sq_bind_text(st, 21, rq->decision_reason);
	sq_bind_text(st, 22, rq->field_match);
	sq_bind_i64(st, 23, rq->version > 0 ? rq->version : 1);
	sq_bind_i64(st, 24, (int64_t)rq->updated_at);
	sq_bind_text(st, 25, key);
	sq_bind_text(st, 26, q->last_officer);
	sq_bind_text(st, 27, notify_choice_name(rq->notify));
	sq_bind_i64(st, 28, (int64_t)rq->notify_at);
	sq_bind_i64(st, 29, rq->notify_decl);
	sq_bind_text(st, 30, strcmp(rq->lang, "en") == 0 ? "en" : "ar");
	/* a duplicate link names a row id of the source: not kept */
	sq_bind_i64(st, 31, 0);
	sq_bind_i64(st, 32, rq->paused_s);
	sq_bind_i64(st, 33, (int64_t)rq->paused_since);
	sq_bind_text(st, 34, rq->info_items ? rq->info_items : "");
	sq_bind_text(st, 35, rq->info_text ? rq->info_text : "");
	sq_bind_i64(st, 36, q->surveyed ? 1 : 0);
	sq_bind_text(st, 37, c->idem);
	r = st_insert_id(st, &id);
	sq_finalize(st);
	if (r != ST_OK)
		goto out;
	/* invariant 3: the events as they were */
	if ((r = st_prep(s, "INSERT INTO request_events(request_id, at, who, "
	                 "from_status, to_status, note, kind) VALUES (?,?,?,?,?,?,?) "
	                 "RETURNING id", &st)) != ST_OK)
		goto out;
	for (int i = 0; i < q->nev && r == ST_OK; i++) {
		const struct request_event *e = &q->ev[i];

		sq_bind_i64(st, 1, id);
		sq_bind_i64(st, 2, (int64_t)e->at);
		sq_bind_text(st, 3, e->who);
		sq_bind_text(st, 4, req_status_name(e->from));
		sq_bind_text(st, 5, req_status_name(e->to));
		sq_bind_text(st, 6, e->note ? e->note : "");
		sq_bind_text(st, 7, e->kind);
		r = st_insert_id(st, i == 0 ? &first_ev : &ev_id);
		sq_reset(st);
	}
	sq_finalize(st);
	if (r != ST_OK)
		goto out;
	if (q->decided_at || q->delivered_at) {
		if ((r = st_prep(s, "UPDATE requests SET decided_at = ?, delivered_at "
		                 "= ? WHERE id = ?", &st)) != ST_OK)
			goto out;
		if (q->decided_at)
			sq_bind_i64(st, 1, (int64_t)q->decided_at);
		else
			sq_bind_null(st, 1);
		if (q->delivered_at)
			sq_bind_i64(st, 2, (int64_t)q->delivered_at);
		else
			sq_bind_null(st, 2);
		sq_bind_i64(st, 3, id);
		if ((r = run(st)) != ST_OK)
			goto out;
	}
	if (c->notify && rq->notify && rq->status == RS_RECEIVED)
		r = st_notify_event(s, id, first_ev, RS_RECEIVED, RS_RECEIVED,
		                    "submitted", "", khidma_now());
out:
	free(key);
	return r;
}

st_rc store_request_ingest(store *s, const struct request_full *q,
                           const char *idem, bool notify,
                           enum ingest_outcome *out)
{
	struct ingest_ctx c = { q, idem, notify, INGEST_ADDED };
	const struct request *r = &q->r;
	st_rc rc;

	if (!idem || !idem[0] || strlen(idem) >= sizeof q->idem ||
	    !st_utf8_ok(idem) || !refno_valid(r->ref) || !r->name ||
	    !st_utf8_ok(r->name) || !st_utf8_ok(r->email) ||
	    !st_utf8_ok(r->description) || !st_utf8_ok(r->signature) ||
	    !st_utf8_ok(r->decision_reason) || !st_utf8_ok(r->info_items) ||
	    !st_utf8_ok(r->info_text))
		return ST_INVALID;
	for (int i = 0; i < q->nev; i++)
		if (!st_utf8_ok(q->ev[i].note) || !st_utf8_ok(q->ev[i].who))
			return ST_INVALID;
	if (st_door(s))         /* a kiosk's login: khidma_ingest_spooled */
		return st_door_ingest(s, q, idem, out);
	rc = st_tx(s, ingest_body, &c);
	if (out)
		*out = c.out;
	return rc;
}

/* ---- pages for `khidma migrate` ---------------------------------------- */

st_rc store_members_page(store *s, int64_t after, int max,
                         struct member **out, int *n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, number, name, national_id, mobile, category "
	                 "FROM members WHERE id > ? ORDER BY id LIMIT ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, after);
	sq_bind_i64(st, 2, max);
	*out = xcalloc((size_t)(max > 0 ? max : 1), sizeof **out);
	while ((rc = sq_step(st)) == SQ_ROW && *n < max) {
		struct member *m = &(*out)[(*n)++];

		m->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, m->number, sizeof m->number);
		m->name = st_col_dup(st, 2);
		st_col_copy(st, 3, m->national_id, sizeof m->national_id);
		st_col_copy(st, 4, m->mobile, sizeof m->mobile);
		st_col_copy(st, 5, m->category, sizeof m->category);
	}
	r = rc == SQ_ROW || rc == SQ_DONE ? ST_OK : sq_map(rc);
	sq_finalize(st);
	if (r != ST_OK) {
		members_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}

void members_free(struct member *m, int n)
{
	for (int i = 0; m && i < n; i++)
		free(m[i].name);
	free(m);
}

struct one_ctx { sq_stmt *st; bool added; };

static st_rc one_body(store *s, void *ctx)
{
	struct one_ctx *c = ctx;
	int rc = sq_step(c->st);

	c->added = rc == SQ_DONE && sq_changes(s) > 0;
	sq_reset(c->st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

st_rc store_member_ingest(store *s, const struct member *m, bool *added)
{
	struct one_ctx c = { NULL, false };
	st_rc r;

	*added = false;
	if (!m->number[0] || !m->name || !st_utf8_ok(m->name) ||
	    !st_utf8_ok(m->number))
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO members(number, name, national_id, mobile, "
	                 "category) VALUES (?,?,?,?,?) ON CONFLICT (number) DO NOTHING",
	                 &c.st)) != ST_OK)
		return r;
	sq_bind_text(c.st, 1, m->number);
	sq_bind_text(c.st, 2, m->name);
	sq_bind_text(c.st, 3, m->national_id);
	sq_bind_text(c.st, 4, m->mobile);
	sq_bind_text(c.st, 5, m->category);
	r = st_tx(s, one_body, &c);
	sq_finalize(c.st);
	*added = r == ST_OK && c.added;
	return r;
}

st_rc store_officer_ingest(store *s, const struct officer *o, bool *added)
{
	struct one_ctx c = { NULL, false };
	st_rc r;

	*added = false;
	if (!o->login[0] || !o->pwhash[0] || (unsigned)o->role >= ROLE__COUNT ||
	    !st_utf8_ok(o->login) || !st_utf8_ok(o->name))
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO officers(login, name, role, pwhash, active) "
	                 "VALUES (?,?,?,?,?) ON CONFLICT (login) DO NOTHING",
	                 &c.st)) != ST_OK)
		return r;
	sq_bind_text(c.st, 1, o->login);
	sq_bind_text(c.st, 2, o->name ? o->name : o->login);
	sq_bind_text(c.st, 3, officer_role_name(o->role));
	sq_bind_text(c.st, 4, o->pwhash);
	sq_bind_i64(c.st, 5, o->active ? 1 : 0);
	r = st_tx(s, one_body, &c);
	sq_finalize(c.st);
	*added = r == ST_OK && c.added;
	return r;
}

st_rc store_catalog_ingest(store *s, const char *kind,
                           const struct catalog_item *it, bool *added)
{
	struct one_ctx c = { NULL, false };
	st_rc r;

	*added = false;
	if (catalog_item_problem(kind, it) != NULL)
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO catalog(kind, code, name_en, name_ar, sort, "
	                 "active) VALUES (?,?,?,?,?,?) ON CONFLICT (kind, code) DO "
	                 "NOTHING", &c.st)) != ST_OK)
		return r;
	sq_bind_text(c.st, 1, kind);
	sq_bind_text(c.st, 2, it->code);
	sq_bind_text(c.st, 3, it->name_en);
	sq_bind_text(c.st, 4, it->name_ar);
	sq_bind_i64(c.st, 5, it->sort);
	sq_bind_i64(c.st, 6, it->active ? 1 : 0);
	r = st_tx(s, one_body, &c);
	sq_finalize(c.st);
	*added = r == ST_OK && c.added;
	return r;
}

void surveys_full_free(struct survey_full *v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i].comment);
	free(v);
}

st_rc store_surveys_page(store *s, int64_t after, int max,
                         struct survey_full **out, int *n)
{
	sq_stmt *st, *an = NULL;
	st_rc r;
	int rc;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT id, day, channel, comment, service, off_verified, "
	                 "off_registered, off_delivered FROM survey_responses WHERE "
	                 "id > ? ORDER BY id LIMIT ?", &st)) != ST_OK)
		return r;
	if ((r = st_prep(s, "SELECT question, score FROM survey_answers WHERE "
	                 "response_id = ? ORDER BY question", &an)) != ST_OK) {
		sq_finalize(st);
		return r;
	}
	sq_bind_i64(st, 1, after);
	sq_bind_i64(st, 2, max);
	*out = xcalloc((size_t)(max > 0 ? max : 1), sizeof **out);
	while ((rc = sq_step(st)) == SQ_ROW && *n < max) {
		struct survey_full *v = &(*out)[(*n)++];
		int arc;

		v->id = sq_col_i64(st, 0);
		v->day = (time_t)sq_col_i64(st, 1);
		st_col_copy(st, 2, v->channel, sizeof v->channel);
		v->comment = st_col_dup_null(st, 3);
		st_col_copy(st, 4, v->service, sizeof v->service);
		for (int k = 0; k < 3; k++)
			st_col_copy(st, 5 + k, v->off[k], sizeof v->off[k]);
		sq_bind_i64(an, 1, v->id);
		while ((arc = sq_step(an)) == SQ_ROW &&
		       v->nanswers < (int)ARRAY_LEN(v->answers)) {
			struct survey_answer *a = &v->answers[v->nanswers++];

			st_col_copy(an, 0, a->question, sizeof a->question);
			a->score = sq_col_int(an, 1);
		}
		sq_reset(an);
		if (arc != SQ_ROW && arc != SQ_DONE) {
			rc = arc;
			break;
		}
	}
	r = rc == SQ_ROW || rc == SQ_DONE ? ST_OK : sq_map(rc);
	sq_finalize(st);
	sq_finalize(an);
	if (r != ST_OK) {
		surveys_full_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}

struct survey_ctx { const struct survey_full *v; const char *idem; bool added; };

static st_rc survey_body(store *s, void *ctx)
{
	struct survey_ctx *c = ctx;
	const struct survey_full *v = c->v;
	sq_stmt *st;
	int64_t id = 0;
	st_rc r;
	int rc;

	c->added = false;
	if ((r = st_prep(s, "SELECT count(*) FROM survey_responses WHERE idem = ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->idem);
	rc = sq_step(st);
	id = rc == SQ_ROW ? sq_col_i64(st, 0) : 0;
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);
	if (id > 0)
		return ST_OK;                   /* a replay */
	/* s1..s5 and the day/channel/officer sums come from the answers'
	 * trigger (schema.c invariant 5) */
	if ((r = st_prep(s, "INSERT INTO survey_responses(day, channel, comment, "
	                 "service, off_verified, off_registered, off_delivered, idem) "
	                 "VALUES (?,?,?,?,?,?,?,?) RETURNING id", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)v->day);
	sq_bind_text(st, 2, v->channel);
	sq_bind_text(st, 3, v->comment);
	sq_bind_text(st, 4, v->service);
	for (int k = 0; k < 3; k++)
		sq_bind_text(st, 5 + k, v->off[k]);
	sq_bind_text(st, 8, c->idem);
	r = st_insert_id(st, &id);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO survey_answers(response_id, question, score) "
	                 "VALUES (?,?,?)", &st)) != ST_OK)
		return r;
	for (int i = 0; i < v->nanswers && r == ST_OK; i++) {
		sq_bind_i64(st, 1, id);
		sq_bind_text(st, 2, v->answers[i].question);
		sq_bind_i64(st, 3, v->answers[i].score);
		r = st_done(st);
		sq_reset(st);
	}
	sq_finalize(st);
	c->added = r == ST_OK;
	return r;
}

st_rc store_survey_ingest(store *s, const struct survey_full *v,
                          const char *idem, bool *added)
{
	struct survey_ctx c = { v, idem, false };
	st_rc r;

	*added = false;
	if (!idem || !idem[0] || !st_utf8_ok(idem) || !st_utf8_ok(v->comment) ||
	    v->nanswers < 0 || v->nanswers > (int)ARRAY_LEN(v->answers))
		return ST_INVALID;
	r = st_tx(s, survey_body, &c);
	*added = r == ST_OK && c.added;
	return r;
}

st_rc store_count(store *s, const char *what, const char *idem_prefix,
                  int64_t *n)
{
	static const char *const tables[] = { "requests", "request_events",
		"survey_responses", "survey_answers", "members", "officers" };
	char sql[160];
	sq_stmt *st;
	bool known = false, keyed;
	st_rc r;
	int rc;

	*n = 0;
	for (size_t i = 0; i < ARRAY_LEN(tables); i++)
		known = known || strcmp(what, tables[i]) == 0;
	keyed = strcmp(what, "members") != 0 && strcmp(what, "officers") != 0;
	if (!known || (idem_prefix && !keyed))
		return ST_INVALID;
	/* the table name is one of the list above, never the caller's text */
	if (idem_prefix && strcmp(what, "request_events") == 0)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM request_events WHERE "
		         "request_id IN (SELECT id FROM requests WHERE "
		         "substr(idem, 1, length(CAST(? AS text))) = CAST(? AS text))");
	else if (idem_prefix && strcmp(what, "survey_answers") == 0)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM survey_answers WHERE "
		         "response_id IN (SELECT id FROM survey_responses WHERE "
		         "substr(idem, 1, length(CAST(? AS text))) = CAST(? AS text))");
	else    /* the table name is one of the list above, never the caller's */
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s%s", what,
		         idem_prefix ? " WHERE substr(idem, 1, length(CAST(? AS text))) = "
		         "CAST(? AS text)" : "");
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	if (idem_prefix) {
		sq_bind_text(st, 1, idem_prefix);
		sq_bind_text(st, 2, idem_prefix);
	}
	rc = sq_step(st);
	if (rc == SQ_ROW)
		*n = sq_col_i64(st, 0);
	sq_finalize(st);
	return rc == SQ_ROW ? ST_OK : sq_map(rc);
}

st_rc store_ref_owner(store *s, const char *ref, bool *exists, char *idem,
                      size_t n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	*exists = false;
	idem[0] = '\0';
	if ((r = st_prep(s, "SELECT coalesce(idem, '') FROM requests WHERE ref = ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, ref);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		*exists = true;
		st_col_copy(st, 0, idem, n);
	}
	sq_finalize(st);
	return rc == SQ_ROW || rc == SQ_DONE ? ST_OK : sq_map(rc);
}

/* ---- reference blocks --------------------------------------------------- */

struct block_ctx { const char *kiosk, *branch; int n; int64_t first, last; };

static st_rc reserve_body(store *s, void *ctx)
{
	struct block_ctx *c = ctx;
	sq_stmt *st;
	st_rc r;
	int rc;

	/* invariant 4: after every number used or reserved. PostgreSQL keeps
	 * a counter per branch (schema_pg.c, khidma_next_seq) that every
	 * submission there takes from: the block is taken from it. */
	if (sq_dialect(s) == SQ_PG) {
		/* one call the kiosk role may make (schema_pg.c v4): the
		 * numbers and the ref_blocks row, as the owner */
		if ((r = st_prep(s, "SELECT khidma_reserve_block(CAST(? AS text), "
		                 "CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint))",
		                 &st)) != ST_OK)
			return r;
		sq_bind_text(st, 1, c->kiosk);
		sq_bind_text(st, 2, c->branch);
		sq_bind_i64(st, 3, c->n);
		sq_bind_i64(st, 4, (int64_t)khidma_now());
		rc = sq_step(st);
		c->last = rc == SQ_ROW ? sq_col_i64(st, 0) : 0;
		c->first = c->last - c->n + 1;
		sq_finalize(st);
		return rc == SQ_ROW ? ST_OK : sq_map(rc);
	}
	if ((r = st_prep(s, "SELECT greatest((SELECT coalesce(max(seq), 0) "
	                 "FROM requests), (SELECT coalesce(max(last), 0) FROM "
	                 "ref_blocks)) + 1", &st)) != ST_OK)
		return r;
	rc = sq_step(st);
	c->first = rc == SQ_ROW ? sq_col_i64(st, 0) : 0;
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);
	c->last = c->first + c->n - 1;
	if ((r = st_prep(s, "INSERT INTO ref_blocks(kiosk, branch, first, last, at) "
	                 "VALUES (?,?,?,?,?)", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, c->kiosk);
	sq_bind_text(st, 2, c->branch);
	sq_bind_i64(st, 3, c->first);
	sq_bind_i64(st, 4, c->last);
	sq_bind_i64(st, 5, (int64_t)khidma_now());
	return run(st);
}

st_rc store_ref_block_reserve(store *s, const char *kiosk, int n,
                              int64_t *first, int64_t *last)
{
	struct block_ctx c = { kiosk ? kiosk : "", s->branch, n, 0, 0 };
	st_rc r;

	*first = *last = 0;
	if (n < 1 || n > 100000 || !st_utf8_ok(c.kiosk) || strlen(c.kiosk) > 160)
		return ST_INVALID;
	if ((r = st_tx(s, reserve_body, &c)) == ST_OK) {
		*first = c.first;
		*last = c.last;
	}
	return r;
}

st_rc store_ref_block_add(store *s, const char *branch, int64_t first,
                          int64_t last)
{
	struct one_ctx c = { NULL, false };
	st_rc r;

	if (first < 1 || last < first || !branch || strlen(branch) != 2)
		return ST_INVALID;
	if ((r = st_prep(s, "INSERT INTO ref_blocks(kiosk, branch, first, last, at) "
	                 "VALUES ('self', ?, ?, ?, ?)", &c.st)) != ST_OK)
		return r;
	sq_bind_text(c.st, 1, branch);
	sq_bind_i64(c.st, 2, first);
	sq_bind_i64(c.st, 3, last);
	sq_bind_i64(c.st, 4, (int64_t)khidma_now());
	r = st_tx(s, one_body, &c);
	sq_finalize(c.st);
	return r;
}

/* The next reserved number of the spool after its last used one, and how
 * many are left (invariant 4: blocks grow, so "after the last used"). */
static st_rc block_next(store *s, int64_t *next, int64_t *left)
{
	sq_stmt *st;
	int64_t used = 0;
	st_rc r;
	int rc;

	*next = *left = 0;
	if ((r = st_prep(s, "SELECT coalesce(max(seq), 0) FROM requests", &st)) != ST_OK)
		return r;
	rc = sq_step(st);
	used = rc == SQ_ROW ? sq_col_i64(st, 0) : 0;
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);
	if ((r = st_prep(s, "SELECT first, last FROM ref_blocks WHERE last > ? "
	                 "ORDER BY first", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, used);
	while ((rc = sq_step(st)) == SQ_ROW) {
		int64_t f = sq_col_i64(st, 0), l = sq_col_i64(st, 1);
		int64_t from = f > used ? f : used + 1;

		if (!*next)
			*next = from;
		*left += l - from + 1;
	}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

st_rc store_ref_block_next(store *s, int64_t *next, int64_t *left)
{
	return block_next(s, next, left);
}

st_rc store_request_spool(store *s, struct request *r, const char *idem)
{
	int64_t next, left;
	st_rc rc;

	/* the number is read outside the submission's transaction: one kiosk
	 * process writes its spool (store/spool.c); a second writer would fail
	 * on the unique seq, never reuse a number */
	if ((rc = block_next(s, &next, &left)) != ST_OK)
		return rc;
	if (next == 0)
		return ST_FULL;
	return st_submit_seq(s, r, "kiosk", next, idem);
}

st_rc store_spool_mark(store *s, int64_t id, const char *outcome)
{
	struct one_ctx c = { NULL, false };
	st_rc r;

	if ((r = st_prep(s, "INSERT INTO spool_sent(request_id, at, outcome) VALUES "
	                 "(?, ?, ?) ON CONFLICT (request_id) DO NOTHING", &c.st)) != ST_OK)
		return r;
	sq_bind_i64(c.st, 1, id);
	sq_bind_i64(c.st, 2, (int64_t)khidma_now());
	sq_bind_text(c.st, 3, outcome);
	r = st_tx(s, one_body, &c);
	sq_finalize(c.st);
	return r;
}

st_rc store_spool_pending(store *s, int64_t *n, time_t *oldest,
                          int64_t *conflicts)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	*n = 0;
	*oldest = 0;
	*conflicts = 0;
	if ((r = st_prep(s, "SELECT count(*), coalesce(min(created_at), 0), "
	                 "(SELECT count(*) FROM spool_sent WHERE outcome = 'conflict') "
	                 "FROM requests WHERE id NOT IN (SELECT request_id FROM "
	                 "spool_sent)", &st)) != ST_OK)
		return r;
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		*n = sq_col_i64(st, 0);
		*oldest = (time_t)sq_col_i64(st, 1);
		*conflicts = sq_col_i64(st, 2);
	}
	sq_finalize(st);
	return rc == SQ_ROW ? ST_OK : sq_map(rc);
}
