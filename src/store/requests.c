/*
 * store/requests — member service requests and their audit trail.
 *
 * Invariants:
 *  1. store_request_submit writes the request and its first event in one
 *     BEGIN IMMEDIATE transaction; it returns ST_OK only after COMMIT (with
 *     synchronous=FULL) succeeded, so a reference shown is on disk.
 *  2. The first event has from = to = received and note "submitted" (the
 *     event columns are NOT NULL so every row reads the same way; an event
 *     with from == to is a note, an assignment, a match or the submission).
 *  3. seq is taken inside the write transaction, so two kiosks never get
 *     the same number: on SQLite MAX(seq)+1 (BEGIN IMMEDIATE serialises
 *     the writers); on PostgreSQL khidma_next_seq(branch), the branch's
 *     own counter (schema_pg.c), locked until the commit — MAX(seq)+1
 *     there let two concurrent submits read the same maximum and the
 *     second fail on UNIQUE (branch, seq). ref = refno_make(branch, seq),
 *     branch = store_branch (store_opts.branch, else meta).
 *  4. Every change to a request bumps version and writes exactly one event
 *     in the same transaction; a stale version changes nothing (ST_STALE).
 *  5. name_key = text_search_key(name), kept in step with name.
 *  6. A status change sets decided_at (delivered_at) when it moves the
 *     request into accepted|rejected (delivered) from another status and
 *     the column is empty or later: the time of the first such event, as
 *     schema v4's triggers on request_events did before v5 (schema.c
 *     invariant 7).
 *  7. Every write of an event by someone other than the kiosk sets the
 *     request's last_officer to that `who` in the same UPDATE (schema v6,
 *     invariant 8: the per-officer satisfaction follows it).
 *  8. The submission's statements, the event INSERT and a workflow
 *     action's reads and UPDATEs (store_request_act) stay prepared on
 *     the connection (s->cache), reset and unbound after every use, and
 *     are finalized when the connection closes: SQLite calls the
 *     SQLITE_TRACE_CLOSE callback before it refuses to close a connection
 *     with unfinalized statements (store_int.h: the trace callback belongs
 *     to the store).
 *  9. Every write here by an officer runs st_actor_check first inside its
 *     transaction (officers.c invariant 3): on a connection bound to an
 *     officer session, a disabled or re-roled officer writes nothing
 *     (ST_REVOKED). A kiosk submission ("kiosk") is not an officer's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/refno.h"
#include "core/util.h"
#include "text/text.h"
#include "store/store_int.h"

#define DAY_S (24 * 60 * 60)

#define REQ_COLS "id, ref, category, name, national_id, mobile, email, " \
	"member_number, member_id, service, channel, description, declared_at, " \
	"signature, declaration_version, declared_by, created_at, " \
	"earliest_response, status, assigned_to, decision_reason, field_match, " \
	"version, updated_at, paused_s, paused_since, info_items, info_text, " \
	"duplicate_of, notify, notify_at, notify_decl, lang"

/* Free what request r owns (not r itself); r is zeroed. */
void request_free(struct request *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->email);
	free(r->description);
	free(r->signature);
	free(r->decision_reason);
	free(r->info_items);
	free(r->info_text);
	memset(r, 0, sizeof *r);
}

static void fill_request(sq_stmt *st, struct request *r)
{
	memset(r, 0, sizeof *r);
	r->id = sq_col_i64(st, 0);
	st_col_copy(st, 1, r->ref, sizeof r->ref);
	st_col_copy(st, 2, r->category, sizeof r->category);
	r->name = st_col_dup(st, 3);
	st_col_copy(st, 4, r->national_id, sizeof r->national_id);
	st_col_copy(st, 5, r->mobile, sizeof r->mobile);
	r->email = st_col_dup(st, 6);
	st_col_copy(st, 7, r->member_number, sizeof r->member_number);
	r->member_id = sq_col_i64(st, 8);
	st_col_copy(st, 9, r->service, sizeof r->service);
	st_col_copy(st, 10, r->channel, sizeof r->channel);
	r->description = st_col_dup(st, 11);
	r->declared_at = (time_t)sq_col_i64(st, 12);
	r->signature = st_col_dup(st, 13);
	r->declaration_version = sq_col_int(st, 14);
	st_col_copy(st, 15, r->declared_by, sizeof r->declared_by);
	r->created_at = (time_t)sq_col_i64(st, 16);
	r->earliest_response = (time_t)sq_col_i64(st, 17);
	req_status_parse((const char *)sq_col_text(st, 18), &r->status);
	st_col_copy(st, 19, r->assigned_to, sizeof r->assigned_to);
	r->decision_reason = st_col_dup_null(st, 20);
	st_col_copy(st, 21, r->field_match, sizeof r->field_match);
	r->version = sq_col_int(st, 22);
	r->updated_at = (time_t)sq_col_i64(st, 23);
	r->paused_s = sq_col_i64(st, 24);
	r->paused_since = (time_t)sq_col_i64(st, 25);
	r->info_items = st_col_dup(st, 26);
	r->info_text = st_col_dup(st, 27);
	r->duplicate_of = sq_col_i64(st, 28);
	notify_choice_parse((const char *)sq_col_text(st, 29), &r->notify);
	r->notify_at = (time_t)sq_col_i64(st, 30);
	r->notify_decl = sq_col_int(st, 31);
	st_col_copy(st, 32, r->lang, sizeof r->lang);
}

static st_rc get_one(store *s, const char *sql, int64_t id, const char *key,
                     struct request *out)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	if (key)
		sq_bind_text(st, 1, key);
	else
		sq_bind_i64(st, 1, id);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		fill_request(st, out);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* store_int.h */
const char st_req_cols[] = REQ_COLS;

void st_request_fill(sq_stmt *st, struct request *r)
{
	fill_request(st, r);
}

/* Load request id into *out (free with request_free); ST_NOTFOUND. */
st_rc store_request_get(store *s, int64_t id, struct request *out)
{
	if (st_door(s))         /* a kiosk's login: pg_kiosk.c */
		return st_door_get(s, id, out);
	return get_one(s, "SELECT " REQ_COLS " FROM requests WHERE id = ?", id,
	               NULL, out);
}

/* Load by reference number (exact, digits only). */
st_rc store_request_by_ref(store *s, const char *ref, struct request *out)
{
	if (!ref) {
		memset(out, 0, sizeof *out);
		return ST_NOTFOUND;
	}
	if (st_door(s))         /* a kiosk's login: only with the proof */
		return ST_DENIED;
	return get_one(s, "SELECT " REQ_COLS " FROM requests WHERE ref = ?", 0,
	               ref, out);
}

/* See store.h. */
st_rc store_request_track(store *s, const char *ref, const char *last4,
                          struct request *out)
{
	size_t ml;
	st_rc r;

	if (!ref || !last4) {
		memset(out, 0, sizeof *out);
		return ST_NOTFOUND;
	}
	if (st_door(s))         /* pg_kiosk.c: khidma_track */
		return st_door_track(s, ref, last4, out);
	if ((r = store_request_by_ref(s, ref, out)) != ST_OK)
		return r;
	ml = strlen(out->mobile);
	if (ml < 4 || strlen(last4) != 4 || strcmp(out->mobile + ml - 4, last4) != 0) {
		request_free(out);
		return ST_NOTFOUND;
	}
	return ST_OK;
}

/* ---- statements kept prepared ------------------------------------------
 * Compiling a statement costs more than running it: with the triggers it
 * fires, preparing the submission's three statements is ~0.6M of its ~1.5M
 * instructions (callgrind, bench/README.md). They stay prepared in
 * s->cache; SQLite re-prepares them by itself after a schema change. */
enum { C_SUBMIT_PRE, C_SUBMIT_INSERT, C_EVENT, C_ACT_GET, C_ACT_EVENTS,
       C_ACT_PLAIN, C_ACT_DECIDED, C_ACT_DELIVERED };
/* s->cache[ST_CACHE_OUTBOX]: notify.c */

static int cache_on_close(unsigned type, void *ctx, void *p, void *x)
{
	(void)p;
	(void)x;
	if (type == SQLITE_TRACE_CLOSE)
		st_cache_free(ctx);
	return 0;
}

void st_cache_free(store *s)
{
	for (size_t i = 0; i < ARRAY_LEN(s->cache); i++) {
		sq_finalize(s->cache[i]);
		s->cache[i] = NULL;
	}
}

void st_cache_arm(store *s)
{
	if (s->db)           /* SQLite only: PG statements die with the store */
		sqlite3_trace_v2(s->db, SQLITE_TRACE_CLOSE, cache_on_close, s);
}

/* The statement of `slot` (prepared once); reset and cleared when done
 * with uncache(). */
static st_rc cached(store *s, int slot, const char *sql, sq_stmt **st)
{
	st_rc r;

	if (!s->cache[slot]) {
		if ((r = st_prep(s, sql, &s->cache[slot])) != ST_OK)
			return r;
		st_cache_arm(s);
	}
	*st = s->cache[slot];
	return ST_OK;
}

static void uncache(sq_stmt *st)
{
	sq_reset(st);
	sq_clear(st);
}

/* Append one event; its id in *event_id (NULL: not wanted). */
static st_rc add_event(store *s, int64_t id, time_t at, const char *who,
                       req_status from, req_status to, const char *note,
                       const char *kind, int64_t *event_id)
{
	sq_stmt *st;
	int64_t eid = 0;
	st_rc r;

	if ((r = cached(s, C_EVENT, "INSERT INTO request_events(request_id, at, "
	                "who, from_status, to_status, note, kind) VALUES "
	                "(?,?,?,?,?,?,?) RETURNING id", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 7, kind ? kind : "");
	sq_bind_i64(st, 1, id);
	sq_bind_i64(st, 2, (int64_t)at);
	sq_bind_text(st, 3, who);
	sq_bind_text(st, 4, req_status_name(from));
	sq_bind_text(st, 5, req_status_name(to));
	sq_bind_text(st, 6, note ? note : "");
	r = st_insert_id(st, &eid);
	uncache(st);
	if (event_id)
		*event_id = eid;
	return r;
}

/* seq > 0: use this sequence number (a spool's reserved block, issue 13)
 * instead of the next free one; idem: the row's idempotency key (NULL =
 * none, a request written here). */
struct submit_ctx { struct request *r; const char *who; int64_t seq;
                    const char *idem; };

/* What the insert needs first, in one statement (each prepare costs more
 * than running it): the service and channel exist in the catalog; the
 * register match, national ID first, else membership number; the next seq.
 * SQLite (one branch per file): MAX(seq) + 1 inside BEGIN IMMEDIATE, above
 * every block reserved for a kiosk's offline use (schema v15, spool.c).
 * PostgreSQL (many branches, one server; invariant 3): khidma_next_seq of
 * this connection's branch, which takes the branch's counter row lock until
 * the commit — concurrent submits of one branch queue on that row and get
 * consecutive numbers, other branches do not wait; not called when the
 * caller brings its number (?6 > 0, a spooled request's reserved one). */
#define SUBMIT_PRE_HEAD "SELECT (SELECT count(*) FROM catalog WHERE " \
	"kind = 'service' AND code = ?1), (SELECT count(*) FROM " \
	"catalog WHERE kind = 'channel' AND code = ?2), " \
	"(SELECT id FROM members WHERE national_id = ?3 OR " \
	"(?4 <> '' AND number = ?4) " \
	"ORDER BY national_id = ?3 DESC, id LIMIT 1), "
#define SUBMIT_PRE_SQLITE SUBMIT_PRE_HEAD \
	"greatest((SELECT COALESCE(MAX(seq), 0) FROM requests), " \
	"(SELECT COALESCE(MAX(last), 0) FROM ref_blocks)) + 1"
#define SUBMIT_PRE_PG SUBMIT_PRE_HEAD \
	"CASE WHEN ?6::bigint > 0 THEN ?6::bigint ELSE khidma_next_seq(?5::text, 1) END"

static st_rc submit_body(store *s, void *ctx)
{
	struct submit_ctx *c = ctx;
	struct request *r = c->r;
	sq_stmt *st = NULL;
	int64_t seq = 0, member = 0, ev = 0;
	time_t now = khidma_now();
	char *key = NULL;
	bool known = false;
	st_rc r2;
	int rc;

	if (strcmp(c->who, "kiosk") != 0 &&
	    (r2 = st_actor_check(s, c->who, 0)) != ST_OK)
		return r2;
	if ((r2 = cached(s, C_SUBMIT_PRE, s->pg ? SUBMIT_PRE_PG : SUBMIT_PRE_SQLITE,
	                  &st)) != ST_OK)
		return r2;
	sq_bind_text(st, 1, r->service);
	sq_bind_text(st, 2, r->channel);
	sq_bind_text(st, 3, r->national_id);
	sq_bind_text(st, 4, r->member_number);
	if (s->pg) {
		sq_bind_text(st, 5, s->branch);
		sq_bind_i64(st, 6, c->seq);
	}
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		known = sq_col_int(st, 0) == 1 && sq_col_int(st, 1) == 1;
		member = sq_col_i64(st, 2);
		seq = sq_col_i64(st, 3);
	}
	uncache(st);
	st = NULL;
	if (rc != SQ_ROW)
		return sq_map(rc);
	if (!known)
		return ST_INVALID;
	if (c->seq > 0)
		seq = c->seq;
	if (!refno_make(s->branch, seq, r->ref, sizeof r->ref))
		return ST_INVALID;
	key = text_search_key(r->name);
	if (!key)
		return ST_INVALID;
	r->created_at = now;
	r->updated_at = now;
	r->earliest_response = now + (time_t)(s->study_days > 0 ? s->study_days : 14) * DAY_S;
	r->member_id = member;
	r->status = RS_RECEIVED;
	r->version = 1;
	r->assigned_to[0] = '\0';
	if ((r2 = cached(s, C_SUBMIT_INSERT, "INSERT INTO requests(seq, ref, category, name, "
	                  "national_id, mobile, email, member_number, member_id, "
	                  "service, channel, description, declared_at, signature, "
	                  "declaration_version, declared_by, created_at, "
	                  "earliest_response, status, assigned_to, field_match, "
	                  "version, updated_at, name_key, last_officer, notify, "
	                  "notify_at, notify_decl, lang, duplicate_of) VALUES "
	                  "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'received','',?,1,"
	                  "?,?,?,?,?,?,?,?) RETURNING id", &st)) != ST_OK)
		goto out;
	sq_bind_i64(st, 1, seq);
	sq_bind_text(st, 2, r->ref);
	sq_bind_text(st, 3, r->category);
	sq_bind_text(st, 4, r->name);
	sq_bind_text(st, 5, r->national_id);
	sq_bind_text(st, 6, r->mobile);
	sq_bind_text(st, 7, r->email ? r->email : "");
	sq_bind_text(st, 8, r->member_number);
	if (member)
		sq_bind_i64(st, 9, member);
	else
		sq_bind_null(st, 9);
	sq_bind_text(st, 10, r->service);
	sq_bind_text(st, 11, r->channel);
	sq_bind_text(st, 12, r->description ? r->description : "");
	sq_bind_i64(st, 13, (int64_t)r->declared_at);
	sq_bind_text(st, 14, r->signature ? r->signature : "");
	sq_bind_i64(st, 15, r->declaration_version);
	sq_bind_text(st, 16, r->declared_by);
	sq_bind_i64(st, 17, (int64_t)now);
	sq_bind_i64(st, 18, (int64_t)r->earliest_response);
	sq_bind_text(st, 19, r->field_match);
	sq_bind_i64(st, 20, (int64_t)now);
	sq_bind_text(st, 21, key);
	sq_bind_text(st, 22, strcmp(c->who, "kiosk") ? c->who : "");
	/* schema v12: the consent, when and under which declaration */
	sq_bind_text(st, 23, notify_choice_name(r->notify));
	sq_bind_i64(st, 24, r->notify ? (int64_t)now : 0);
	sq_bind_i64(st, 25, r->notify ? r->declaration_version : 0);
	sq_bind_text(st, 26, strcmp(r->lang, "en") == 0 ? "en" : "ar");
	/* issue 12: the open request of the same national ID and service
	 * that the member or the officer acknowledged at intake */
	sq_bind_i64(st, 27, r->duplicate_of > 0 ? r->duplicate_of : 0);
	if ((r2 = st_insert_id(st, &r->id)) != ST_OK)
		goto out;
	uncache(st);
	st = NULL;
	r2 = add_event(s, r->id, now, c->who, RS_RECEIVED, RS_RECEIVED, "submitted",
	               "submitted", &ev);
	if (r2 == ST_OK && c->idem) {
		sq_stmt *u;

		if ((r2 = sq_prep(s, "UPDATE requests SET idem = ? WHERE id = ?",
		                  &u)) != ST_OK)
			goto out;
		sq_bind_text(u, 1, c->idem);
		sq_bind_i64(u, 2, r->id);
		r2 = sq_map(sq_step(u));
		sq_finalize(u);
	}
	/* schema v12, invariant 12: the "received" message, same transaction */
	if (r2 == ST_OK && r->notify)
		r2 = st_notify_event(s, r->id, ev, RS_RECEIVED, RS_RECEIVED, "submitted",
		                     "", now);
out:
	if (st)
		uncache(st);
	free(key);
	return r2;
}

/* See store.h. The caller fills the applicant, service, channel,
 * description and declaration fields; r->field_match may be "". */
st_rc store_request_submit(store *s, struct request *r, const char *who)
{
	return st_submit_seq(s, r, who, 0, NULL);
}

/* store_int.h */
st_rc st_submit_seq(store *s, struct request *r, const char *who, int64_t seq,
                    const char *idem)
{
	struct submit_ctx c = { r, who ? who : "kiosk", seq, idem };
	st_rc rc;

	if (!r->name || !r->name[0] || !st_utf8_ok(r->name) ||
	    !st_utf8_ok(r->email) || !st_utf8_ok(r->description) ||
	    !st_utf8_ok(r->signature) || !st_utf8_ok(r->category) ||
	    !st_utf8_ok(r->member_number) || !st_utf8_ok(c.who) ||
	    !st_utf8_ok(r->declared_by) || !st_utf8_ok(r->field_match))
		return ST_INVALID;
	rc = st_door(s) ? st_door_submit(s, r, c.who, seq, idem)   /* pg_kiosk.c */
	     : st_tx(s, submit_body, &c);
	if (rc != ST_OK) {
		r->id = 0;
		r->ref[0] = '\0';
	}
	return rc;
}

/* ---- changes to an existing request -------------------------------------- */

enum change_kind { CH_STATUS, CH_ASSIGN, CH_MATCH, CH_NOTE, CH_DUPLINK };

struct change {
	enum change_kind kind;
	int64_t id;
	int version;            /* -1: any (notes) */
	req_status from, to;
	const char *who, *note, *text;
	int64_t member_id;
};

/* every change records its writer as the request's last officer (unless
 * the kiosk): invariant 7, ?9 = who */
#define BY_WHO ", last_officer = CASE WHEN ?9 <> 'kiosk' THEN ?9 ELSE " \
	"last_officer END"
#define STATUS_SQL(extra) "UPDATE requests SET status = ?2, version = " \
	"version + 1, updated_at = ?3, decision_reason = CASE WHEN ?2 IN " \
	"('accepted','rejected') THEN ?4 ELSE decision_reason END" extra \
	BY_WHO " WHERE id = ?1"
/* a workflow action (store_request_act): the reason is kept only with a
 * decision (?5 = 1), so a reopen into accepted keeps the decision's */
#define ACT_SQL(extra) "UPDATE requests SET status = ?2, version = " \
	"version + 1, updated_at = ?3, decision_reason = CASE WHEN ?5 = 1 " \
	"THEN ?4 ELSE decision_reason END" extra BY_WHO " WHERE id = ?1"
#define FIRST(col) ", " col " = CASE WHEN " col " IS NULL OR " col " > ?3 " \
	"THEN ?3 ELSE " col " END"

static st_rc change_body(store *s, void *ctx)
{
	struct change *c = ctx;
	sq_stmt *st;
	req_status cur = RS_RECEIVED;
	time_t now = khidma_now();
	int ver, rc;
	int64_t ev = 0;
	st_rc r;

	if ((r = st_actor_check(s, c->who, 0)) != ST_OK)
		return r;
	if ((r = st_prep(s, "SELECT status, version FROM requests WHERE id = ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, c->id);
	rc = sq_step(st);
	if (rc != SQ_ROW) {
		sq_finalize(st);
		return rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	req_status_parse((const char *)sq_col_text(st, 0), &cur);
	ver = sq_col_int(st, 1);
	sq_finalize(st);
	if (c->version >= 0 && ver != c->version)
		return ST_STALE;
	if (c->kind == CH_STATUS && cur != c->from)
		return ST_DENIED;
	if (c->kind != CH_STATUS)
		c->from = c->to = cur;

	switch (c->kind) {
	case CH_STATUS:
		/* invariant 6: a change into accepted|rejected (delivered) is a
		 * decision (delivery) at `now` unless an earlier one is kept;
		 * each column is only named when it may change, so the other
		 * transitions do not compile its counting trigger (schema v5) */
		r = st_prep(s, c->from == c->to ? STATUS_SQL("") :
		            c->to == RS_ACCEPTED || c->to == RS_REJECTED ?
		            STATUS_SQL(FIRST("decided_at")) :
		            c->to == RS_DELIVERED ? STATUS_SQL(FIRST("delivered_at")) :
		            STATUS_SQL(""), &st);
		if (r == ST_OK) {
			sq_bind_text(st, 2, req_status_name(c->to));
			sq_bind_text(st, 4, c->note ? c->note : "");
		}
		break;
	case CH_ASSIGN:
		r = st_prep(s, "UPDATE requests SET assigned_to = ?2, version = version + 1, "
		            "updated_at = ?3" BY_WHO " WHERE id = ?1", &st);
		if (r == ST_OK)
			sq_bind_text(st, 2, c->text);
		break;
	case CH_MATCH:
		r = st_prep(s, "UPDATE requests SET field_match = ?2, member_id = ?4, "
		            "version = version + 1, updated_at = ?3" BY_WHO
		            " WHERE id = ?1", &st);
		if (r == ST_OK) {
			sq_bind_text(st, 2, c->text);
			if (c->member_id > 0)
				sq_bind_i64(st, 4, c->member_id);
			else
				sq_bind_null(st, 4);
		}
		break;
	case CH_NOTE:
		r = st_prep(s, "UPDATE requests SET updated_at = ?3" BY_WHO
		            " WHERE id = ?1", &st);
		break;
	case CH_DUPLINK:
		r = st_prep(s, "UPDATE requests SET duplicate_of = ?4, version = "
		            "version + 1, updated_at = ?3" BY_WHO " WHERE id = ?1", &st);
		if (r == ST_OK)
			sq_bind_i64(st, 4, c->member_id);
		break;
	}
	if (r != ST_OK)
		return r;
	sq_bind_i64(st, 1, c->id);
	sq_bind_i64(st, 3, (int64_t)now);
	sq_bind_text(st, 9, c->who);
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	r = add_event(s, c->id, now, c->who, c->from, c->to, c->note,
	              c->kind == CH_ASSIGN ? "assign" : c->kind == CH_MATCH ?
	              "match" : c->kind == CH_NOTE ? "note" :
	              c->kind == CH_DUPLINK ? "duplicate_link" : "", &ev);
	if (r == ST_OK && c->from != c->to)  /* schema v12: its message */
		r = st_notify_event(s, c->id, ev, c->from, c->to, "", c->note, now);
	return r;
}

static st_rc change(store *s, struct change *c)
{
	if (!c->who || !c->who[0] || !st_utf8_ok(c->who) || !st_utf8_ok(c->note) ||
	    !st_utf8_ok(c->text))
		return ST_INVALID;
	return st_tx(s, change_body, c);
}

/* See store.h. */
st_rc store_request_transition(store *s, int64_t id, int version,
                               req_status from, req_status to,
                               const char *who, const char *note)
{
	struct change c = { .kind = CH_STATUS, .id = id, .version = version,
	                    .from = from, .to = to, .who = who, .note = note };

	if ((unsigned)from >= RS__COUNT || (unsigned)to >= RS__COUNT)
		return ST_INVALID;
	return change(s, &c);
}

#define EVENTS_SQL "SELECT id, at, who, from_status, to_status, note, " \
	"kind FROM request_events WHERE request_id = ? ORDER BY id"

/* The events of request_id through the prepared EVENTS_SQL statement st
 * (stepped and reset here, not finalized). */
static st_rc events_read(sq_stmt *st, int64_t request_id,
                         struct request_event **ev, int *n)
{
	sq_bind_i64(st, 1, request_id);
	return st_events_rows(st, ev, n);
}

/* store_int.h */
st_rc st_events_rows(sq_stmt *st, struct request_event **ev, int *n)
{
	struct request_event *v = NULL;
	int cnt = 0, cap = 0, rc;

	*ev = NULL;
	*n = 0;
	while ((rc = sq_step(st)) == SQ_ROW) {
		struct request_event *e;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		e = &v[cnt++];
		memset(e, 0, sizeof *e);
		e->id = sq_col_i64(st, 0);
		e->at = (time_t)sq_col_i64(st, 1);
		st_col_copy(st, 2, e->who, sizeof e->who);
		req_status_parse((const char *)sq_col_text(st, 3), &e->from);
		req_status_parse((const char *)sq_col_text(st, 4), &e->to);
		e->note = st_col_dup(st, 5);
		st_col_copy(st, 6, e->kind, sizeof e->kind);
	}
	sq_reset(st);
	sq_clear(st);
	if (rc != SQ_DONE) {
		request_events_free(v, cnt);
		return sq_map(rc);
	}
	*ev = v;
	*n = cnt;
	return ST_OK;
}

/* ---- workflow actions, checked inside the transaction ---------------------- */

struct act {
	int64_t id;
	int version;
	req_status from;
	const char *who, *note;
	st_act_fn fn;
	void *ctx;
};

static st_rc act_body(store *s, void *ctx)
{
	struct act *a = ctx;
	struct request cur;
	struct request_event *ev = NULL;
	struct st_act_out out;
	sq_stmt *st = NULL;
	time_t now = khidma_now();
	int nev = 0, rc;
	int64_t evid = 0;
	st_rc r;

	/* invariant 9: a revoked officer votes, reopens, excepts nothing */
	if ((r = st_actor_check(s, a->who, 0)) != ST_OK)
		return r;
	/* the statements stay prepared (invariant 8): preparing them was
	 * most of a refused decision's cost in the exhaustive test */
	if ((r = cached(s, C_ACT_GET, "SELECT " REQ_COLS " FROM requests WHERE "
	                "id = ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, a->id);
	rc = sq_step(st);
	if (rc == SQ_ROW)
		fill_request(st, &cur);
	uncache(st);
	st = NULL;
	if (rc != SQ_ROW)
		return rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	if (cur.version != a->version)
		r = ST_STALE;
	else if (cur.status != a->from)
		r = ST_DENIED;
	else if ((r = cached(s, C_ACT_EVENTS, EVENTS_SQL, &st)) == ST_OK)
		r = events_read(st, a->id, &ev, &nev);
	st = NULL;
	if (r == ST_OK) {
		memset(&out, 0, sizeof out);
		out.to = cur.status;
		r = a->fn(a->ctx, s, &cur, ev, nev, now, &out);
		if (r == ST_OK && ((unsigned)out.to >= RS__COUNT || !out.kind ||
		                   strlen(out.kind) >= sizeof ev->kind ||
		                   !st_utf8_ok(out.note)))
			r = ST_INVALID;
	}
	request_events_free(ev, nev);
	request_free(&cur);
	if (r != ST_OK)
		return r;
	if (out.decision && out.to != a->from)
		r = cached(s, C_ACT_DECIDED, ACT_SQL(FIRST("decided_at")), &st);
	else if (out.to == RS_DELIVERED && a->from != RS_DELIVERED)
		r = cached(s, C_ACT_DELIVERED, ACT_SQL(FIRST("delivered_at")), &st);
	else
		r = cached(s, C_ACT_PLAIN, ACT_SQL(""), &st);
	if (r != ST_OK)
		return r;
	sq_bind_i64(st, 1, a->id);
	sq_bind_text(st, 2, req_status_name(out.to));
	sq_bind_i64(st, 3, (int64_t)now);
	sq_bind_i64(st, 5, out.decision ? 1 : 0);
	sq_bind_text(st, 4, a->note ? a->note : "");
	sq_bind_text(st, 9, a->who);
	r = st_done(st);
	uncache(st);
	if (r != ST_OK)
		return r;
	if (out.set_info || out.duplicate_of > 0) {      /* issue 12 */
		if ((r = st_prep(s, "UPDATE requests SET info_items = CASE WHEN ?2 <> 0"
		                 " THEN ?3 ELSE info_items END, info_text = CASE WHEN ?2 <> 0"
		                 " THEN ?4 ELSE info_text END, duplicate_of = CASE WHEN"
		                 " ?5 > 0 THEN ?5 ELSE duplicate_of END WHERE id = ?1",
		                 &st)) != ST_OK)
			return r;
		sq_bind_i64(st, 1, a->id);
		sq_bind_i64(st, 2, out.set_info ? 1 : 0);
		sq_bind_text(st, 3, out.info_items ? out.info_items : "");
		sq_bind_text(st, 4, out.info_text ? out.info_text : "");
		sq_bind_i64(st, 5, out.duplicate_of);
		r = st_done(st);
		sq_finalize(st);
		if (r != ST_OK)
			return r;
	}
	r = add_event(s, a->id, now, a->who, a->from, out.to,
	              out.note ? out.note : a->note, out.kind, &evid);
	if (r == ST_OK && out.to != a->from)    /* schema v12: its message */
		r = st_notify_event(s, a->id, evid, a->from, out.to, out.kind,
		                    out.set_info ? (out.info_text ? out.info_text : "") :
		                    out.note ? out.note : a->note, now);
	return r;
}

/* See store.h. */
st_rc store_request_act(store *s, int64_t id, int version, req_status from,
                        const char *who, const char *note,
                        st_act_fn fn, void *ctx)
{
	struct act a = { id, version, from, who, note, fn, ctx };

	if (!fn || (unsigned)from >= RS__COUNT || !who || !who[0] ||
	    !st_utf8_ok(who) || !st_utf8_ok(note))
		return ST_INVALID;
	return st_tx(s, act_body, &a);
}

/* See store.h. */
st_rc store_request_ids(store *s, int64_t after_id, int limit, int64_t *ids, int *n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	*n = 0;
	if ((r = st_prep(s, "SELECT id FROM requests WHERE id > ? ORDER BY id LIMIT ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, after_id);
	sq_bind_i64(st, 2, limit);
	while ((rc = sq_step(st)) == SQ_ROW && *n < limit)
		ids[(*n)++] = sq_col_i64(st, 0);
	sq_finalize(st);
	return rc == SQ_ROW || rc == SQ_DONE ? ST_OK : sq_map(rc);
}

void store_set_study_days(store *s, int days)
{
	if (s)
		s->study_days = days > 0 ? days : 14;
}

/* Assign to officer ("" = nobody); the event note says so. */
st_rc store_request_assign(store *s, int64_t id, int version,
                           const char *who, const char *officer)
{
	char *note = xasprintf("assigned to %s", officer && officer[0] ? officer : "nobody");
	struct change c = { .kind = CH_ASSIGN, .id = id, .version = version,
	                    .who = who, .note = note, .text = officer ? officer : "" };
	st_rc r = change(s, &c);

	free(note);
	return r;
}

/* Save step-2 marks and the register link (member_id 0 = not matched). */
st_rc store_request_set_match(store *s, int64_t id, int version,
                              const char *who, const char *field_match,
                              int64_t member_id)
{
	char *note = xasprintf("fields checked: %s", field_match ? field_match : "");
	struct change c = { .kind = CH_MATCH, .id = id, .version = version,
	                    .who = who, .note = note,
	                    .text = field_match ? field_match : "",
	                    .member_id = member_id };
	st_rc r;

	if (field_match && strlen(field_match) >= sizeof ((struct request *)0)->field_match) {
		free(note);
		return ST_INVALID;
	}
	r = change(s, &c);
	free(note);
	return r;
}

/* An internal note: any version, status unchanged, version unchanged. */
st_rc store_request_note(store *s, int64_t id, const char *who, const char *note)
{
	struct change c = { .kind = CH_NOTE, .id = id, .version = -1,
	                    .who = who, .note = note };

	if (!note || !note[0])
		return ST_INVALID;
	return change(s, &c);
}

/* ---- corrections (issue 12) --------------------------------------------- */

struct correct {
	int64_t id;
	int version;
	const char *who, *field, *value, *reason;
	int col;                    /* index into correctable[] */
};

static const char *const correctable[] = {
	"name", "national_id", "mobile", "email", "member_number", NULL
};

/* field_match with `field` marked 0 (a fresh match needed), in out. */
static void unmark(const char *fm, const char *field, char *out, size_t n)
{
	size_t fl = strlen(field), len = 0;
	const char *p = fm;
	bool seen = false;

	out[0] = '\0';
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (len + l + fl + 4 >= n)
			break;
		if (l > fl && strncmp(p, field, fl) == 0 && p[fl] == '=') {
			len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s=0",
			                        len ? "," : "", field);
			seen = true;
		} else if (l > 0) {
			len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%.*s",
			                        len ? "," : "", (int)l, p);
		}
		p = end ? end + 1 : NULL;
	}
	if (!seen && len + fl + 4 < n)
		snprintf(out + len, n - len, "%s%s=0", len ? "," : "", field);
}

static st_rc correct_body(store *s, void *ctx)
{
	struct correct *c = ctx;
	sq_stmt *st;
	char sql[256], fm[128], *old = NULL, *note, *key = NULL;
	time_t now = khidma_now();
	int ver, rc;
	req_status cur = RS_RECEIVED;
	st_rc r;

	if ((r = st_actor_check(s, c->who, 0)) != ST_OK)
		return r;
	snprintf(sql, sizeof sql, "SELECT status, version, field_match, %s FROM requests "
	         "WHERE id = ?", correctable[c->col]);
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, c->id);
	rc = sq_step(st);
	if (rc != SQ_ROW) {
		sq_finalize(st);
		return rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	req_status_parse((const char *)sq_col_text(st, 0), &cur);
	ver = sq_col_int(st, 1);
	unmark((const char *)sq_col_text(st, 2), correctable[c->col], fm, sizeof fm);
	old = st_col_dup(st, 3);
	sq_finalize(st);
	if (ver != c->version) {
		free(old);
		return ST_STALE;
	}
	/* before verification only: received or waiting for the member */
	if (cur != RS_RECEIVED && cur != RS_NEEDS_INFO) {
		free(old);
		return ST_DENIED;
	}
	if (strcmp(old ? old : "", c->value) == 0) {
		free(old);
		return ST_INVALID;            /* nothing changes */
	}
	if (strlen(fm) >= sizeof ((struct request *)0)->field_match) {
		free(old);
		return ST_INVALID;
	}
	snprintf(sql, sizeof sql, "UPDATE requests SET %s = ?2, field_match = ?4, "
	         "name_key = CASE WHEN ?5 IS NULL THEN name_key ELSE ?5 END, "
	         "version = version + 1, updated_at = ?3" BY_WHO " WHERE id = ?1",
	         correctable[c->col]);
	if ((r = st_prep(s, sql, &st)) != ST_OK) {
		free(old);
		return r;
	}
	if (c->col == 0)
		key = text_search_key(c->value);
	sq_bind_i64(st, 1, c->id);
	sq_bind_text(st, 2, c->value);
	sq_bind_i64(st, 3, (int64_t)now);
	sq_bind_text(st, 4, fm);
	if (key)
		sq_bind_text(st, 5, key);
	else
		sq_bind_null(st, 5);
	sq_bind_text(st, 9, c->who);
	r = st_done(st);
	sq_finalize(st);
	free(key);
	if (r != ST_OK) {
		free(old);
		return r;
	}
	note = xasprintf("%s: %s → %s — %s", correctable[c->col], old ? old : "",
	                 c->value, c->reason);
	free(old);
	r = add_event(s, c->id, now, c->who, cur, cur, note, "correct", NULL);
	free(note);
	return r;
}

/* See store.h (issue 12). */
st_rc store_request_correct(store *s, int64_t id, int version, const char *who,
                            const char *field, const char *value, const char *reason)
{
	struct correct c = { id, version, who, field, value, reason, -1 };

	for (int i = 0; field && correctable[i]; i++)
		if (strcmp(field, correctable[i]) == 0)
			c.col = i;
	if (c.col < 0 || !who || !who[0] || !value || !reason || !reason[0] ||
	    strlen(value) > 400 || strlen(reason) > 1000 ||
	    !st_utf8_ok(who) || !st_utf8_ok(value) || !st_utf8_ok(reason))
		return ST_INVALID;
	return st_tx(s, correct_body, &c);
}

/* See store.h (issue 12). */
st_rc store_request_link_duplicate(store *s, int64_t id, int version,
                                   const char *who, int64_t of_id, const char *of_ref)
{
	char *note = xasprintf("acknowledged: open request %s of the same national ID "
	                       "and service", of_ref ? of_ref : "?");
	struct change c = { .kind = CH_DUPLINK, .id = id, .version = version,
	                    .who = who, .note = note, .member_id = of_id };
	st_rc r;

	if (of_id <= 0 || of_id == id) {
		free(note);
		return ST_INVALID;
	}
	r = change(s, &c);
	free(note);
	return r;
}

/* See store.h (issue 12). */
st_rc store_requests_of(store *s, const char *nid, const char *service,
                        bool open_only, int64_t exclude_id,
                        struct queue_row **rows, int *n)
{
	sq_stmt *st;
	struct queue_row *v = NULL;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	if (st_door(s))         /* a kiosk's login: pg_kiosk.c */
		return st_door_requests_of(s, nid, service, open_only, exclude_id,
		                           rows, n);
	*rows = NULL;
	*n = 0;
	if (!nid || !nid[0])
		return ST_OK;
	if ((r = st_prep(s, "SELECT id, ref, name, service, channel, status, created_at,"
	                 " earliest_response, assigned_to, updated_at FROM requests"
	                 " WHERE national_id = ?1 AND id <> ?2"
	                 " AND (?3 IS NULL OR service = ?3)"
	                 " AND (?4 = 0 OR status IN " ST_OPEN_SQL ")"
	                 " ORDER BY created_at DESC, id DESC LIMIT 200", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, nid);
	sq_bind_i64(st, 2, exclude_id);
	if (service)
		sq_bind_text(st, 3, service);
	else
		sq_bind_null(st, 3);
	sq_bind_i64(st, 4, open_only ? 1 : 0);
	while ((rc = sq_step(st)) == SQ_ROW) {
		struct queue_row *row;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		row = &v[cnt++];
		memset(row, 0, sizeof *row);
		row->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, row->ref, sizeof row->ref);
		row->name = st_col_dup(st, 2);
		st_col_copy(st, 3, row->service, sizeof row->service);
		st_col_copy(st, 4, row->channel, sizeof row->channel);
		req_status_parse((const char *)sq_col_text(st, 5), &row->status);
		row->created_at = (time_t)sq_col_i64(st, 6);
		row->earliest_response = (time_t)sq_col_i64(st, 7);
		st_col_copy(st, 8, row->assigned_to, sizeof row->assigned_to);
		row->sort_key = (time_t)sq_col_i64(st, 9);   /* updated_at */
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

/* ---- the audit trail ------------------------------------------------------ */

/* All events of request_id, oldest first; *ev malloc'd (NULL when none). */
st_rc store_request_events(store *s, int64_t request_id,
                           struct request_event **ev, int *n)
{
	sq_stmt *st;
	st_rc r;

	if (st_door(s))         /* a kiosk's login: pg_kiosk.c */
		return st_door_events(s, request_id, ev, n);
	*ev = NULL;
	*n = 0;
	if ((r = st_prep(s, EVENTS_SQL, &st)) != ST_OK)
		return r;
	r = events_read(st, request_id, ev, n);
	sq_finalize(st);
	return r;
}

void request_events_free(struct request_event *ev, int n)
{
	for (int i = 0; ev && i < n; i++)
		free(ev[i].note);
	free(ev);
}
