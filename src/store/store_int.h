/*
 * store_int — what the files of the store module share and nothing else sees:
 * the connection struct, the write-transaction runner with its BUSY retry
 * loop, SQLite-code mapping and small column helpers.
 */
#ifndef KHIDMA_STORE_INT_H
#define KHIDMA_STORE_INT_H

#include <sqlite3.h>
#include "store/store.h"
#include "store/sql.h"

struct sqpg_conn;                  /* sq_pg.c: a PostgreSQL connection */
struct sqpg_stmt;

struct store {
	sqlite3 *db;               /* the SQLite engine (NULL on PostgreSQL) */
	struct sqpg_conn *pg;      /* the PostgreSQL engine (NULL on SQLite) */
	int      busy_ms;          /* total BUSY retry budget */
	int64_t  busy_since;       /* busy_wait: when this lock wait began */
	bool     readonly;
	bool     in_import;        /* store_import_begin .. commit/abort */
	int      import_rows;      /* members.c: rows in the open chunk */
	int64_t  import_chunk_t0;  /* members.c: when the open chunk began */
	char     branch[8];
	int64_t  data_version;
	struct st_check *check;    /* background quick_check (dbcheck.c) or NULL */
	char    *path;             /* as given to store_open, for messages */
	int      lock_fd;          /* read-only immutable open: our shared lock */
	/* requests.c: the durable submit's statements kept prepared on this
	 * connection (NULL until first used; finalized by st_cache_free). */
	sq_stmt *cache[10];
	/* officers.c: the officer session (store_session_begin); actor[0] ==
	 * '\0' = none. revoked is sticky until store_session_end. */
	char     actor[64];
	officer_role actor_role;
	bool     revoked;
	int      study_days;       /* earliest response = received + this (14) */
	/* store_set_wait_hook: told while a write waits (db.c, invariant 4) */
	store_wait_fn wait_fn;
	void    *wait_ctx;
	int64_t  wait_t0;          /* when the current write call began, 0 = none */
	/* pg_kiosk.c: a kiosk's login (no table privilege): the store goes
	 * through the khidma_* functions. proof_*: the request
	 * store_request_track last found and its proof. */
	bool     door;
	int64_t  proof_id;
	char     proof_ref[16];
	char     proof_last4[8];
};

/* requests.c: finalize the statements in s->cache. Runs by itself when the
 * connection closes (a SQLITE_TRACE_CLOSE callback, which SQLite calls
 * before it checks for unfinalized statements), so the connection's trace
 * callback belongs to the store: code that installs its own must call this
 * first (or re-arm with st_cache_arm) or the close fails with SQLITE_BUSY. */
void st_cache_free(store *s);
void st_cache_arm(store *s);

/* officers.c: THE check every write makes for the officer session (see
 * store_session_begin), called first inside the write's transaction body.
 * who: the login the write records (NULL when the write records none, e.g.
 * admin writes); role_mask: bits (1u << officer_role) the write needs, 0 =
 * any. ST_OK without a session; ST_DENIED when who is not the session's
 * officer; ST_REVOKED (and s->revoked set) when the officer is missing,
 * inactive, has another role than at login, or a role outside role_mask. */
st_rc st_actor_check(store *s, const char *who, unsigned role_mask);
#define ST_ADMIN_ONLY (1u << ROLE_ADMIN)

/* notify.c's slot in s->cache (requests.c uses the ones before it). */
#define ST_CACHE_OUTBOX 9

/* notify.c: the message(s) a status change (or the submission: kind
 * "submitted") sends, written to the outbox in the caller's transaction
 * right after its event (schema v12, invariant 12): nothing when the
 * change sends none or the member gave no consent. One prepared statement
 * (s->cache[ST_CACHE_OUTBOX]) for the usual case; the delivery also makes the one-time
 * survey code. */
st_rc st_notify_event(store *s, int64_t request_id, int64_t event_id,
                      req_status from, req_status to, const char *kind,
                      const char *note, time_t now);

/* notify.c: the request a one-time survey code names (ST_NOTFOUND), and
 * marking that code used inside the response's transaction (ST_DENIED
 * when it already was). */
st_rc st_survey_code_find(store *s, const char *code, int64_t *request_id,
                          bool *used);
st_rc st_survey_code_use(store *s, int64_t request_id);

/* requests.c: store_request_submit with a given sequence number (seq > 0;
 * 0 = the next free one) and idempotency key (NULL = none) — the spool's
 * submission (store/spool.c, issue 13). */
st_rc st_submit_seq(store *s, struct request *r, const char *who, int64_t seq,
                    const char *idem);

/* ---- pg_kiosk.c: the kiosk's door (a login that may only EXECUTE the
 * khidma_* functions; see its header for which store call uses which). ---- */
/* At store_open on a URI: sets s->door when requests exists and this login
 * may not SELECT it; then checks the schema version through
 * khidma_schema_version (behind: ST_DENIED, "run khidma init on the
 * server"; ahead: ST_TOONEW) and takes the server's default branch. A
 * one-line reason in why on failure. */
st_rc st_door_open(store *s, char *why, size_t n);
/* sq_pg.c: whether s is a kiosk's door — what every store function the
 * kiosk calls asks first. A PostgreSQL store opened offline that has not
 * reached its server yet tries to connect (running the open's steps, which
 * decide) before answering; false on SQLite and for other logins. */
bool  st_door(store *s);
/* Wipe the kept tracking proof. */
void  st_door_forget(store *s);
st_rc st_door_catalog(store *s, const char *kind, bool all,
                      struct catalog_item **items, int *n);
st_rc st_door_submit(store *s, struct request *r, const char *who, int64_t seq,
                     const char *idem);
st_rc st_door_track(store *s, const char *ref, const char *last4,
                    struct request *out);
st_rc st_door_get(store *s, int64_t id, struct request *out);
st_rc st_door_events(store *s, int64_t id, struct request_event **ev, int *n);
st_rc st_door_requests_of(store *s, const char *nid, const char *service,
                          bool open_only, int64_t exclude_id,
                          struct queue_row **rows, int *n);
st_rc st_door_meta_get(store *s, const char *key, char *buf, size_t n);
st_rc st_door_track_fail(store *s, const char *kiosk, const char *ref,
                         int window_s, struct track_counts *out);
st_rc st_door_help_call(store *s, const char *kiosk, int64_t *id);
st_rc st_door_withdraw(store *s, const char *ref, const char *last4);
st_rc st_door_survey(store *s, struct survey_response *r);
st_rc st_door_ingest(store *s, const struct request_full *q, const char *idem,
                     enum ingest_outcome *out);

/* requests.c: the columns a request is read with (SELECT st_req_cols …)
 * and filling *r from such a row; the events of a statement whose rows
 * are (id, at, who, from_status, to_status, note, kind), parameters
 * bound (stepped, reset and cleared here, not finalized). */
extern const char st_req_cols[];
void  st_request_fill(sq_stmt *st, struct request *r);
st_rc st_events_rows(sq_stmt *st, struct request_event **ev, int *n);

/* notify.c: the stored hash of a one-time survey code (hex, 32 + NUL). */
void  st_code_hash(const char *code, char hex[33]);

/* SQLite result code (primary or extended) -> st_rc. */
st_rc st_map(int rc);

/* Run body inside BEGIN IMMEDIATE … COMMIT. body returns ST_OK to commit;
 * anything else rolls back. BEGIN IMMEDIATE waits for the write lock in the
 * busy handler (db.c, invariant 2). ST_BUSY (from BEGIN, body or COMMIT) rolls
 * back explicitly, sleeps with growing backoff and jitter and runs body again
 * from scratch, until s->busy_ms is spent; then ST_BUSY. body must therefore
 * be safe to re-run (it only writes through SQL). */
typedef st_rc (*st_body)(store *s, void *ctx);
st_rc st_tx(store *s, st_body body, void *ctx);

/* Begin an immediate transaction with the same retry loop (for imports). */
st_rc st_begin_retry(store *s);

/* Prepare; returns ST_OK or the mapped error (= sq_prep). */
#define st_prep sq_prep
/* Step a statement expected to finish (INSERT/UPDATE/DELETE): ST_OK on DONE
 * (or a row: an INSERT … RETURNING whose row is not wanted). */
st_rc st_done(sq_stmt *st);
/* Step an INSERT … RETURNING id: ST_OK and *id, or the mapped error
 * (ST_IO when no row came back). */
st_rc st_insert_id(sq_stmt *st, int64_t *id);

/* Column helpers: text as a malloc'd copy ("" for NULL), or copied into buf. */
char *st_col_dup(sq_stmt *st, int i);
char *st_col_dup_null(sq_stmt *st, int i);   /* NULL stays NULL */
void  st_col_copy(sq_stmt *st, int i, char *buf, size_t n);

/* True when s is NULL or valid UTF-8. */
bool  st_utf8_ok(const char *s);

/* schema.c: migrate db forward to `target` (<= latest), one transaction per
 * step. */
st_rc st_migrate(store *s, int target, char *err, size_t errsz);
int   st_user_version(sqlite3 *db);

/* dbcheck.c: PRAGMA quick_check(1) on path in a background thread with its
 * own read-only connection. st_check_start returns NULL when the thread
 * cannot start (the caller then checks synchronously). st_check_failed:
 * ST_OK while running or after a pass, else the failure code (never
 * blocks). st_check_wait: join, then ST_OK or the failure code with a detail
 * in err. st_check_finish: interrupt if still running, join, free (NULL ok). */
struct st_check;
struct st_check *st_check_start(const char *path);
/* st_check_start at SCHED_IDLE (idle) or at the normal priority. */
struct st_check *st_check_start_prio(const char *path, bool idle);
/* Never blocks: true once the check has finished (passed or not). */
bool  st_check_done(struct st_check *c);
st_rc st_check_failed(struct st_check *c);
st_rc st_check_wait(struct st_check *c, char *err, size_t errsz);
void  st_check_finish(struct st_check *c);

/* requests.c: the status names and the SQL list of open statuses. */
#define ST_OPEN_SQL "('received','needs_info','verified','referred','committee','accepted','registered')"
/* schema v14: the open statuses but needs_info (the SLA clock runs), and
 * the event kinds that are a committee member's own part in a request
 * (store/queue.c invariant 3); request_due_days and
 * request_events_decider are defined with these very texts. */
#define ST_ACTIVE_SQL "('received','verified','referred','committee','accepted','registered')"
#define ST_DECIDER_KINDS "('verify','forward','vote_accept','vote_reject')"

/* The credit of request `q` (an expression naming its id), frozen at its
 * first delivery: the officer of the last verify (into verified from
 * received|needs_info), of the last registration, before it; and who
 * delivered it. '' when none (not delivered: nobody). Used by the
 * v9 migration (schema.c) and when a response is linked (survey.c); a
 * change to the rule is a new schema step, not an edit (schema invariant 1). */
#define CREDIT_D(q) "(SELECT min(id) FROM request_events WHERE request_id = " q \
	" AND to_status = 'delivered' AND from_status <> 'delivered')"
#define CREDIT_OF(q, to, from) "coalesce((SELECT who FROM request_events WHERE " \
	"request_id = " q " AND to_status = '" to "' AND from_status IN " from \
	" AND who <> 'kiosk' AND id <= " CREDIT_D(q) " ORDER BY id DESC LIMIT 1), '')"
#define CREDIT_VERIFIED(q)  CREDIT_OF(q, "verified", "('received','needs_info')")
#define CREDIT_REGISTERED(q) CREDIT_OF(q, "registered", "('accepted')")
#define CREDIT_DELIVERED(q) "coalesce((SELECT who FROM request_events WHERE id = " \
	CREDIT_D(q) " AND who <> 'kiosk'), '')"

/* store_backup (export.c) with progress(ctx, pages copied, pages in all)
 * after each step (progress may be NULL). For store_backup_file. */
st_rc st_backup_copy(store *s, const char *dest,
                     void (*progress)(void *ctx, int done, int total),
                     void *ctx, char *err, size_t errsz);

/* ---- the engines behind store/sql.h -------------------------------------- */

/* One prepared statement: exactly one of lite / pg is set. */
struct sq_stmt {
	store            *s;
	sqlite3_stmt     *lite;
	struct sqpg_stmt *pg;
};

/* sq_sqlite.c: least()/greatest()/string_agg on a new SQLite connection. */
void sq_sqlite_register(sqlite3 *db);

/* sq_pg.c: the PostgreSQL open path (db.c's store_open sends a
 * "postgresql://" or "postgres://" URI here, st_is_pg_uri), its close, the
 * recorded schema version (khidma_schema; -2 when this role may not read
 * it), and SQLSTATE → st_rc. */
bool  st_is_pg_uri(const char *path);
st_rc st_open_pg(const char *uri, const struct store_opts *o, int target,
                 store **out, char *err, size_t errsz);
void  st_close_pg(store *s);
int   st_pg_version(store *s);
st_rc st_map_pg(const char *sqlstate);

/* schema_pg.c: the PostgreSQL schema steps; *n = how many, steps[0] takes
 * an empty database to version 1, steps[v] version v to v + 1. The runner
 * (sq_pg.c) runs each step in its own transaction under
 * pg_advisory_xact_lock, after CREATE TABLE IF NOT EXISTS
 * khidma_schema(version integer NOT NULL), and records the version itself
 * (INSERT INTO khidma_schema VALUES (v + 1)); the version read is
 * max(version). A step is one or more statements (sent with PQexec, so no
 * parameters), may not COMMIT, and must not insert its own version row. */
const char *const *st_pg_schema(int *n);

/* sq_pg.c: the PostgreSQL side of each sq_* call (see sql.h). */
enum sqpg_kind { SQPG_NULL, SQPG_I64, SQPG_DOUBLE, SQPG_TEXT };
st_rc       sqpg_prep(store *s, const char *sql, sq_stmt **out);
void        sqpg_bind(sq_stmt *st, int i, enum sqpg_kind k, const void *v,
                      double d);
int         sqpg_param_index(sq_stmt *st, const char *name);
int         sqpg_step(sq_stmt *st);
const char *sqpg_col(sq_stmt *st, int i);       /* NULL for SQL NULL */
int         sqpg_col_count(sq_stmt *st);
const char *sqpg_col_name(sq_stmt *st, int i);
void        sqpg_reset(sq_stmt *st);
void        sqpg_clear(sq_stmt *st);
void        sqpg_finalize(sq_stmt *st);         /* not st itself */
st_rc       sqpg_exec(store *s, const char *sql);
int64_t     sqpg_changes(store *s);
bool        sqpg_in_tx(store *s);
/* sq_begin/sq_commit/sq_rollback on PostgreSQL: a SERIALIZABLE write
 * transaction under the writers' lock (sq_pg.c invariant 10), ST_BUSY when
 * the lock is not had within busy_ms; commit and rollback release it. */
st_rc       sqpg_begin(store *s);
st_rc       sqpg_commit(store *s);
void        sqpg_rollback(store *s);
const char *sqpg_errmsg(store *s);
/* store_changed on PostgreSQL (sq_pg.c invariant 9): another session
 * committed a change to a table the console shows since the last call. */
bool        sqpg_changed(store *s);

#endif
