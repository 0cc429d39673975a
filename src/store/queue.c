/*
 * store/queue — the officer's queue: filtered, keyset-paged, newest first.
 *
 * Query shape (one statement; only the filters given are added):
 *   SELECT … FROM requests
 *   WHERE <status> [AND assigned_to = ?] [AND channel = ?] [AND service = ?]
 *     [AND created_at < overdue-cut] [AND <search>]
 *     [AND (created_at < ?a OR (created_at = ?a AND id < ?i))]
 *   ORDER BY created_at DESC, id DESC LIMIT ?   (or oldest / due first)
 *
 * Search: digits only (text_digits, Eastern digits allowed) → a reference
 * prefix (ref >= p AND ref < p||':'), the national ID, or the mobile
 * (normalised to 05XXXXXXXX); anything else → substring of name_key
 * (text_search_key, so Arabic letter variants and harakat do not matter):
 * 3+ characters through the FTS5 trigram index requests_name_fts (schema
 * v3), shorter keys by instr() while walking requests_created. On
 * PostgreSQL (sq_dialect): `name_key LIKE '%key%'` (the key's % _ \
 * escaped), which the GIN trigram index requests_name_trgm serves for 3+
 * characters (schema_pg.c); SQLite's INDEXED BY hints are left out there
 * (the planner has statistics: autovacuum runs ANALYZE).
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
 *  3. "Waiting for me" (f->waiting) is the work that waits for the role:
 *     a researcher, the referred requests; a committee member, those at
 *     the committee without their vote in the current round (from the
 *     latest event into committee) that they did not enter, verify or
 *     forward (they may not decide those: workflow.c); an officer or an
 *     admin, received, needs_info, verified, accepted and registered —
 *     every status in which the next step is the desk's.
 *  4. The SLA clock counts the society's time only (schema.c invariant
 *     11): due = created_at + paused_s + sla_days; overdue = open, not in
 *     needs_info, due < now — the same rule as the report's overdue list.
 *     Orders: newest (created_at DESC), oldest (created_at), due
 *     (created_at + paused_s, the requests_due index); each pages by its
 *     own key (queue_row.sort_key, id).
 *  5. The header's view counts (store_queue_views) equal store_queue_count
 *     of each view's filter — the same snapshot, one statement — without
 *     counting rows (0.4–0.8 s warm, 2 s cold at 770k requests before):
 *     all, open, the desk's and the researcher's waiting work are sums of
 *     request_status_n; overdue = the request_due_days before the cut's
 *     UTC day + the requests_due entries of that day before the cut; the
 *     committee's waiting work = the requests at the committee minus those
 *     the member entered (requests_committee) minus those with their
 *     decision (request_events_decider: their verify/forward events, and
 *     votes after the request's latest entry into the committee). So the
 *     cost is constant but for the committee member's own decisions.
 *     Schema v14 (schema.c invariant 13) keeps the counters.
 *  6. Issue 13: f->branch selects the requests whose reference starts with
 *     it (PostgreSQL: the generated column requests.branch, the index
 *     requests_branch_queue; SQLite: substr(ref, 1, 2) — a file holds one
 *     branch, so there it only ever keeps or drops everything). The view
 *     counts of one branch (store_queue_views_branch) count rows: the
 *     schema-v14 counters have no branch.
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

/* key for LIKE '%…%' on PostgreSQL: \, % and _ escaped (backslash is
 * LIKE's default escape there). */
static char *like_escape(const char *key)
{
	char *out = xmalloc(strlen(key) * 2 + 1), *o = out;

	for (const char *p = key; *p; p++) {
		if (*p == '\\' || *p == '%' || *p == '_')
			*o++ = '\\';
		*o++ = *p;
	}
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

/* The waiting-for-me condition per role (store.h, invariant 3). */
#define WAIT_DESK_SET "('received','needs_info','verified','accepted','registered')"
#define WAIT_DESK "status IN " WAIT_DESK_SET
#define WAIT_RESEARCHER "status = 'referred'"
/* at the committee, no vote of :login in the current round (since the
 * latest event into committee from another status), and not a request
 * :login entered, verified or forwarded (they may not decide it) */
#define WAIT_COMMITTEE "status = 'committee' AND declared_by <> :login" \
	" AND NOT EXISTS (SELECT 1 FROM request_events v WHERE" \
	" v.request_id = requests.id AND v.who = :login AND (v.kind IN" \
	" ('verify','forward') OR (v.kind IN ('vote_accept','vote_reject')" \
	" AND v.id > (SELECT max(e.id) FROM request_events e WHERE" \
	" e.request_id = requests.id AND e.to_status = 'committee'" \
	" AND e.from_status <> 'committee'))))"
#define DUE_SQL "created_at + paused_s"

struct qargs {
	char digits[32], ref_hi[40], mobile[16];
	char *key;
	bool is_digits;
	bool pg;                 /* the store runs on PostgreSQL */
	time_t now;
	int sla;
};

/* The FROM … WHERE part of f into q (every value bound by name in
 * bind_filter); ST_INVALID for a bad status or search text. */
static st_rc build_where(struct qbuild *q, const struct queue_filter *f,
                         int64_t after_id, bool counting, struct qargs *a)
{
	int status = f ? f->status : -1, sort = f ? f->sort : QS_NEWEST;

	add(q, "FROM requests ");
	/* The default view (every open request, newest first) walks the partial
	 * index requests_open in order. Without ANALYZE statistics (never run in
	 * production) SQLite preferred v4's requests_counts (status, service,
	 * …) and sorted every open request: 37–64 ms instead of 0.05 ms at 1M;
	 * the hint keeps any later index from doing the same. The due order
	 * walks requests_due (v11) the same way. */
	if (status == -1 && !(f && (f->assigned_to || f->channel || f->service ||
	                            f->waiting || f->overdue ||
	                            (f->search && f->search[0]))) && !counting &&
	    !a->pg)
		add(q, sort == QS_DUE ? "INDEXED BY requests_due " :
		       "INDEXED BY requests_open ");
	add(q, "WHERE ");
	if (status == -1)
		add(q, "status IN " ST_OPEN_SQL);
	else if (status == -2)
		add(q, "1 = 1");
	else if (status >= 0 && status < RS__COUNT)
		add(q, "status = :status");
	else
		return ST_INVALID;
	if (f && f->waiting) {
		if (f->role == ROLE_RESEARCHER)
			add(q, " AND " WAIT_RESEARCHER);
		else if (f->role == ROLE_COMMITTEE)
			add(q, " AND " WAIT_COMMITTEE);
		else
			add(q, " AND " WAIT_DESK);
	}
	if (f && f->assigned_to) {
		add(q, " AND assigned_to = :assigned");
		/* lets the partial index requests_assigned (schema v5) serve */
		if (f->assigned_to[0])
			add(q, " AND assigned_to <> ''");
	}
	if (f && f->channel)
		add(q, " AND channel = :channel");
	if (f && f->service)
		add(q, " AND service = :service");
	/* invariant 6: the branch is the reference's first two digits (a
	 * column on PostgreSQL, served by requests_branch_queue) */
	if (f && f->branch && f->branch[0])
		add(q, a->pg ? " AND branch = :branch" : " AND substr(ref, 1, 2) = :branch");
	/* invariant 4: the clock stops while the request waits for the member */
	if (f && f->overdue)
		add(q, " AND " DUE_SQL " < :cut AND status IN " ST_OPEN_SQL
		    " AND status <> 'needs_info'");
	if (f && f->search && f->search[0]) {
		if (text_digits(f->search, a->digits, sizeof a->digits, true) > 0 &&
		    (a->digits[0] != '+' || a->digits[1])) {
			if (a->digits[0] == '+')          /* "+966 5…": international form */
				memmove(a->digits, a->digits + 1, strlen(a->digits));
			a->is_digits = true;
			snprintf(a->ref_hi, sizeof a->ref_hi, "%s:", a->digits);
			mobile_norm(a->digits, a->mobile, sizeof a->mobile);
			add(q, " AND ((ref >= :ref_lo AND ref < :ref_hi)"
			    " OR national_id = :digits OR mobile = :mobile)");
		} else {
			a->key = text_search_key(f->search);
			if (!a->key)
				return ST_INVALID;
			if (a->pg) {
				char *esc = like_escape(a->key);

				free(a->key);
				a->key = esc;
				add(q, " AND name_key LIKE '%' || CAST(:key AS text) || '%'");
			} else if (text_char_count(a->key) >= 3) {
				char *quoted = fts_phrase(a->key);

				free(a->key);
				a->key = quoted;
				add(q, " AND id IN (SELECT rowid FROM requests_name_fts"
				    " WHERE requests_name_fts MATCH :key)");
			} else {
				add(q, " AND instr(name_key, :key) > 0");
			}
		}
	}
	if (after_id > 0 && !counting)
		add(q, sort == QS_OLDEST ?
		    " AND (created_at > :after_c OR (created_at = :after_c AND id > :after_i))" :
		    sort == QS_DUE ?
		    " AND (" DUE_SQL " > :after_c OR (" DUE_SQL " = :after_c AND id > :after_i))" :
		    " AND (created_at < :after_c OR (created_at = :after_c AND id < :after_i))");
	return ST_OK;
}

static void bind_filter(sq_stmt *st, const struct queue_filter *f,
                        const struct qargs *a)
{
	int status = f ? f->status : -1;

#define BIND_T(name, val) sq_bind_text(st, sq_param_index(st, name), val)
#define BIND_I(name, val) sq_bind_i64(st, sq_param_index(st, name), val)
	if (status >= 0)
		BIND_T(":status", req_status_name((req_status)status));
	if (f && f->waiting)
		BIND_T(":login", f->login ? f->login : "");
	if (f && f->assigned_to)
		BIND_T(":assigned", f->assigned_to);
	if (f && f->channel)
		BIND_T(":channel", f->channel);
	if (f && f->service)
		BIND_T(":service", f->service);
	if (f && f->branch && f->branch[0])
		BIND_T(":branch", f->branch);
	if (f && f->overdue)
		BIND_I(":cut", (int64_t)(a->now - (time_t)a->sla * DAY_S));
	if (a->is_digits) {
		BIND_T(":ref_lo", a->digits);
		BIND_T(":ref_hi", a->ref_hi);
		BIND_T(":digits", a->digits);
		BIND_T(":mobile", a->mobile);
	} else if (a->key) {
		BIND_T(":key", a->key);
	}
#undef BIND_T
#undef BIND_I
}

/* See store.h. */
st_rc store_queue_count(store *s, const struct queue_filter *f, int64_t *n)
{
	struct qbuild q = { .len = 0 };
	struct qargs a = { .now = khidma_now(), .pg = sq_dialect(s) == SQ_PG };
	sq_stmt *st;
	st_rc r;
	int rc;

	*n = 0;
	a.sla = f && f->sla_days > 0 ? f->sla_days : 14;
	add(&q, "SELECT count(*) ");
	if ((r = build_where(&q, f, 0, true, &a)) != ST_OK) {
		free(a.key);
		return r;
	}
	if ((r = st_prep(s, q.sql, &st)) != ST_OK) {
		free(a.key);
		return r;
	}
	bind_filter(st, f, &a);
	free(a.key);
	rc = sq_step(st);
	if (rc == SQ_ROW)
		*n = sq_col_i64(st, 0);
	sq_finalize(st);
	return rc == SQ_ROW ? ST_OK : sq_map(rc);
}

/* The view counts in one statement (invariant 5); the committee's two
 * terms only for a committee member (:committee), whose own decisions they
 * walk. Every index is named, so a schema that could not serve the count
 * without a scan is an error here, not a slow header. */
static const char views_sql[] =
	"SELECT (SELECT coalesce(sum(n), 0) FROM request_status_n),"
	" (SELECT coalesce(sum(n), 0) FROM request_status_n WHERE status IN "
	ST_OPEN_SQL "),"
	" (SELECT coalesce(sum(n), 0) FROM request_status_n WHERE status IN "
	WAIT_DESK_SET "),"
	" (SELECT coalesce(sum(n), 0) FROM request_status_n WHERE status = 'referred'),"
	" (SELECT coalesce(sum(n), 0) FROM request_status_n WHERE status = 'committee'),"
	" (SELECT coalesce(sum(n), 0) FROM request_due_days WHERE day < :cutday),"
	" (SELECT count(*) FROM requests INDEXED BY requests_due WHERE"
	"  " DUE_SQL " >= :cutday * 86400 AND " DUE_SQL " < :cut AND status IN "
	ST_OPEN_SQL " AND status IN " ST_ACTIVE_SQL "),"
	" CASE WHEN :committee <> 0 THEN (SELECT count(*) FROM requests INDEXED BY"
	"  requests_committee WHERE status = 'committee' AND declared_by = :login)"
	"  ELSE 0 END,"
	" CASE WHEN :committee <> 0 THEN (SELECT count(DISTINCT v.request_id) FROM"
	"  request_events v INDEXED BY request_events_decider CROSS JOIN requests r"
	"  WHERE r.id = v.request_id AND v.who = :login AND v.kind IN "
	ST_DECIDER_KINDS " AND r.status = 'committee' AND r.declared_by <> :login"
	"  AND (v.kind IN ('verify','forward') OR v.id > (SELECT max(e.id) FROM"
	"  request_events e WHERE e.request_id = r.id AND e.to_status = 'committee'"
	"  AND e.from_status <> 'committee'))) ELSE 0 END";

/* See store.h. */
st_rc store_queue_views(store *s, int role, const char *login, int sla_days,
                        struct queue_views *out)
{
	time_t cut = khidma_now() - (time_t)(sla_days > 0 ? sla_days : 14) * DAY_S;
	int64_t cutday = cut >= 0 ? (int64_t)cut / DAY_S : -((-(int64_t)cut + DAY_S - 1) / DAY_S);
	bool committee = role == ROLE_COMMITTEE;
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	if ((r = st_prep(s, views_sql, &st)) != ST_OK)
		return r;
	sq_bind_i64(st, sq_param_index(st, ":cutday"), cutday);
	sq_bind_i64(st, sq_param_index(st, ":cut"), (int64_t)cut);
	sq_bind_i64(st, sq_param_index(st, ":committee"), committee);
	sq_bind_text(st, sq_param_index(st, ":login"), login ? login : "");
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		out->all = sq_col_i64(st, 0);
		out->open = sq_col_i64(st, 1);
		out->overdue = sq_col_i64(st, 5) + sq_col_i64(st, 6);
		out->waiting = role == ROLE_RESEARCHER ? sq_col_i64(st, 3)
		             : committee ? sq_col_i64(st, 4) - sq_col_i64(st, 7) -
		                           sq_col_i64(st, 8)
		             : sq_col_i64(st, 2);
	}
	sq_finalize(st);
	return rc == SQ_ROW ? ST_OK : sq_map(rc);
}

/* See store.h. */
st_rc store_queue_views_branch(store *s, int role, const char *login,
                               int sla_days, const char *branch,
                               struct queue_views *out)
{
	struct queue_filter f = { .status = -1, .sla_days = sla_days,
	                          .role = role, .login = login, .branch = branch };
	st_rc r;

	if (!branch || !branch[0])
		return store_queue_views(s, role, login, sla_days, out);
	memset(out, 0, sizeof *out);
	f.waiting = true;
	if ((r = store_queue_count(s, &f, &out->waiting)) != ST_OK)
		return r;
	f.waiting = false;
	if ((r = store_queue_count(s, &f, &out->open)) != ST_OK)
		return r;
	f.overdue = true;
	if ((r = store_queue_count(s, &f, &out->overdue)) != ST_OK)
		return r;
	f.overdue = false;
	f.status = -2;
	return store_queue_count(s, &f, &out->all);
}

/* See store.h. *rows is NULL when *n is 0 (queue_rows_free accepts both).
 * The SQL text is built from constant pieces only; every value is bound by
 * name. */
st_rc store_queue(store *s, const struct queue_filter *f,
                  time_t after_created, int64_t after_id, int limit,
                  struct queue_row **rows, int *n)
{
	struct qbuild q = { .len = 0 };
	struct qargs a = { .now = khidma_now(), .pg = sq_dialect(s) == SQ_PG };
	struct queue_row *v = NULL;
	sq_stmt *st;
	time_t now = a.now;
	int sort = f ? f->sort : QS_NEWEST;
	int cnt = 0, rc = SQ_DONE, sla;
	st_rc r;

	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return ST_OK;
	sla = a.sla = f && f->sla_days > 0 ? f->sla_days : 14;
	add(&q, "SELECT id, ref, name, service, channel, status, created_at, "
	    "earliest_response, assigned_to, paused_s, " DUE_SQL " ");
	if ((r = build_where(&q, f, after_id, false, &a)) != ST_OK) {
		free(a.key);
		return r;
	}
	add(&q, sort == QS_OLDEST ? " ORDER BY created_at, id LIMIT :limit" :
	        sort == QS_DUE ? " ORDER BY " DUE_SQL ", id LIMIT :limit" :
	        " ORDER BY created_at DESC, id DESC LIMIT :limit");

	if ((r = st_prep(s, q.sql, &st)) != ST_OK) {
		free(a.key);
		return r;
	}
	bind_filter(st, f, &a);
	free(a.key);
	if (after_id > 0) {
		sq_bind_i64(st, sq_param_index(st, ":after_c"),
		                   (int64_t)after_created);
		sq_bind_i64(st, sq_param_index(st, ":after_i"), after_id);
	}
	sq_bind_i64(st, sq_param_index(st, ":limit"), limit);

	v = xcalloc((size_t)limit, sizeof *v);
	while (cnt < limit && (rc = sq_step(st)) == SQ_ROW) {
		struct queue_row *row = &v[cnt++];

		row->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, row->ref, sizeof row->ref);
		row->name = st_col_dup(st, 2);
		st_col_copy(st, 3, row->service, sizeof row->service);
		st_col_copy(st, 4, row->channel, sizeof row->channel);
		req_status_parse((const char *)sq_col_text(st, 5), &row->status);
		row->created_at = (time_t)sq_col_i64(st, 6);
		row->earliest_response = (time_t)sq_col_i64(st, 7);
		st_col_copy(st, 8, row->assigned_to, sizeof row->assigned_to);
		row->paused = row->status == RS_NEEDS_INFO;
		row->due = (time_t)sq_col_i64(st, 10) + (time_t)sla * DAY_S;
		row->sort_key = sort == QS_DUE ? (time_t)sq_col_i64(st, 10)
		                               : row->created_at;
		/* invariant 4 */
		row->overdue = row->due < now && !row->paused &&
		               row->status != RS_DELIVERED && row->status != RS_REJECTED &&
		               row->status != RS_WITHDRAWN;
	}
	if (cnt < limit && rc != SQ_DONE) {
		sq_finalize(st);
		queue_rows_free(v, cnt);
		return sq_map(rc);
	}
	sq_finalize(st);
	if (cnt == 0) {                    /* nothing to free for the caller */
		free(v);
		v = NULL;
	}
	*rows = v;
	*n = cnt;
	return ST_OK;
}
