/*
 * store — the SQLite database: one file, opened by every kiosk, officer and
 * admin process on the branch machine at once. Never calls ncurses; returns
 * codes (enum st_rc) that the ui turns into messages in the user's language.
 *
 * Invariants:
 *  1. Every connection: journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
 *     a fair busy handler (store/db.c). A reference number returned by
 *     store_request_submit is on disk when the call returns.
 *  2. Every write is one short BEGIN IMMEDIATE … COMMIT inside one store_*
 *     call — never across a keystroke. A locked database is polled for up
 *     to busy_ms (~10 s), more often the longer a writer has waited (the
 *     oldest waiter wins); a BUSY the handler does not cover: explicit
 *     ROLLBACK, then retry with backoff; then ST_BUSY.
 *  3. Schema version in PRAGMA user_version; store_open migrates forward
 *     from any earlier version, one transaction per step. STRICT tables.
 *  4. request_events is append-only: triggers refuse UPDATE and DELETE.
 *     Every status change writes exactly one event in the same transaction.
 *  5. Optimistic locking: requests.version; a write naming an older version
 *     changes nothing and returns ST_STALE.
 *  6. A file that fails PRAGMA quick_check, or is not a database, is refused
 *     (ST_CORRUPT) and never overwritten.
 *  7. The file is created 0600, or 0660 when a group is configured.
 *  7a. A read-only open (store_opts.readonly) creates, migrates and writes
 *     nothing, refuses an empty, truncated, foreign or interrupted file
 *     with the reason, and never leaves a -wal/-shm a writer cannot use
 *     (store/db.c, "Read-only opens").
 *  8. All text in and out is UTF-8; text stored is already cleaned
 *     (text_clean) by the caller — the store checks u8 validity only.
 *  9. A connection bound to an officer (store_session_begin) checks in
 *     every write transaction that the officer is still active and has
 *     the role of the login (st_actor_check, officers.c): ST_REVOKED.
 */
#ifndef KHIDMA_STORE_H
#define KHIDMA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef enum {
	ST_OK = 0,
	ST_NOTFOUND,     /* no such row */
	ST_STALE,        /* version changed: "changed by someone else — reloaded" */
	ST_BUSY,         /* still locked after the retries */
	ST_INVALID,      /* a value the schema refuses (constraint, bad UTF-8) */
	ST_DENIED,       /* refused by the workflow or a permission */
	ST_FULL,         /* disk full */
	ST_READONLY,     /* read-only file or directory */
	ST_CORRUPT,      /* not a database, or quick_check failed */
	ST_NODIR,        /* the directory does not exist / cannot be created */
	ST_IO,           /* any other I/O or SQLite error */
	ST_TOONEW,       /* schema newer than this program knows */
	ST_REVOKED,      /* the session's officer is disabled, gone or has
	                    another role now: nothing was written; log out */
	ST_OFFLINE,      /* PostgreSQL: the server cannot be reached (connection
	                    refused or lost, server shutting down); nothing
	                    was written that was not committed */
} st_rc;

/* An English, untranslated name for the code ("disk full"), for logs/CLI. */
const char *st_rc_name(st_rc rc);

typedef struct store store;

struct store_opts {
	const char *group;       /* share with this group: mode 0660 + chown */
	bool        create;      /* create the file when missing (else ST_NOTFOUND) */
	bool        readonly;
	int         busy_ms;     /* total retry budget for BUSY, default 10000 */
	/* Run the opening quick_check in a background thread when the file
	 * already exists in WAL mode (see store/db.c): reads may start at once,
	 * every write waits for the check and fails with its code if it failed.
	 * For the long-lived kiosk, whose first screen must not wait. */
	bool        check_in_background;
	/* Only with readonly: skip the opening quick_check and rely on SQLite's
	 * own corruption detection while reading (SQLITE_CORRUPT → ST_CORRUPT).
	 * For the CLI commands that only read (see store/db.c). Ignored — the
	 * check runs — on a connection that may write. */
	bool        no_open_check;
	/* With check_in_background: the check thread keeps the normal
	 * scheduling priority instead of SCHED_IDLE — for a CLI command, whose
	 * user waits for the check before the first write. */
	bool        check_normal_priority;
	/* Only with readonly: accept a schema older than this program's
	 * (nothing is migrated; for `backup`, which copies pages as they are).
	 * Without it a read-only open of an older file is refused (ST_READONLY,
	 * "run `khidma init` to upgrade it"). */
	bool        any_version;
	/* Issue 13: the branch this machine serves (two digits; the
	 * configuration's `branch`), NULL = the database's own (meta 'branch').
	 * On PostgreSQL it is this connection's branch (many branches share the
	 * server; meta 'branch' is only the default). On SQLite the file holds
	 * one branch: a file without requests yet takes this code (written into
	 * meta on a writable open), a file whose meta differs is refused with
	 * ST_INVALID (the wrong file, or the wrong configuration). */
	const char *branch;
	/* PostgreSQL only (issue 13): when the server cannot be reached,
	 * open anyway — a store not connected yet, whose every call answers
	 * ST_OFFLINE until one reaches the server; that call first does what
	 * the open would have done (schema, branch). store_offline tells. For
	 * the kiosk, which takes requests into its spool meanwhile. Any other
	 * failure (refused login, no such database) still fails the open. */
	bool        offline_ok;
};

/*
 * Open (and create/migrate) the database at path. On failure returns the
 * code and a one-line English detail in err; *out is NULL.
 */
st_rc store_open(const char *path, const struct store_opts *o, store **out,
                 char *err, size_t errsz);
void  store_close(store *s);
/* Wait for the opening check when it runs in the background
 * (check_in_background); at once when it already ran or was skipped.
 * ST_OK when it passed, else its code (ST_CORRUPT, ST_IO …) with the same
 * detail in err as a synchronous check gives at store_open ("PATH:
 * integrity check failed (…); refused, left untouched"). Writes wait for
 * it anyway; a command calls this before its first write to report the
 * refusal as store_open would. */
st_rc store_check_wait(store *s, char *err, size_t errsz);
/* Never waits: ST_OK while the background check runs, once it passed, or
 * when there is none; its failure code (ST_CORRUPT …) once it failed. For
 * a long-lived UI that must learn of a failed check before anyone types
 * (the kiosk's out-of-service screen). */
st_rc store_check_poll(store *s);
/* Whether this connection can write the file now: BEGIN IMMEDIATE, then
 * ROLLBACK (nothing is written), waiting at most wait_ms for another
 * writer's lock and never for the background check. ST_OK; ST_READONLY
 * (read-only file, or -wal/-shm or directory the process cannot write:
 * SQLite then opens them read-only and only a write notices); ST_BUSY when
 * another writer held the lock all along (nothing known); or the code of
 * another failure. */
st_rc store_write_probe(store *s, int wait_ms);
/* Called while a write of this connection waits — for another writer's
 * lock (the busy handler, the retry loop) or for the background check —
 * with the milliseconds since the write call began, every few ms; never
 * inside a transaction's body, never with a lock held by this connection.
 * For a UI that shows "saving…" after a moment (the kiosk). fn NULL
 * removes it. The function must not call the store. */
typedef void (*store_wait_fn)(void *ctx, int waited_ms);
void  store_set_wait_hook(store *s, store_wait_fn fn, void *ctx);
/* PostgreSQL (issue 13): true when the last attempt to reach the server
 * failed (the connection dropped and could not be made again, or a store
 * opened offline has not connected yet); the next call tries again. Always
 * false on SQLite. Asks nothing: a screen polls it between store calls. */
bool  store_offline(store *s);
/* The last SQLite error text of this connection (English), for logs. */
const char *store_errmsg(store *s);
/* Current schema version and the version this program writes. */
int   store_schema_version(store *s);
int   store_schema_latest(void);
/* True when another connection committed a change since the last call
 * (SQLite: PRAGMA data_version; PostgreSQL: the change notices of the other
 * sessions, read without waiting — sq_pg.c invariant 9). Never blocks. */
bool  store_changed(store *s);

/* ---- settings (meta table) ---------------------------------------------- */
st_rc store_meta_get(store *s, const char *key, char *buf, size_t n);
st_rc store_meta_set(store *s, const char *key, const char *value);
/* The branch code (2 digits, default "01") used in reference numbers: the
 * store_opts.branch given at open, else the database's meta 'branch'. */
const char *store_branch(store *s);

/* ---- catalog (service types, channels, survey questions) ---------------- */
struct catalog_item {
	int64_t id;
	char    code[32];        /* stable key, e.g. "in_person", "maintenance" */
	char   *name_en;
	char   *name_ar;
	int     sort;
	bool    active;
};
/* kind: "service", "channel", "question". Items in sort order, active only
 * unless all. Free with catalog_items_free. */
st_rc store_catalog_list(store *s, const char *kind, bool all,
                         struct catalog_item **items, int *n);
void  catalog_items_free(struct catalog_item *items, int n);
/* Insert or update by (kind, code). ST_INVALID (nothing written) when
 * catalog_item_problem finds one. An item is retired (active = false),
 * never deleted: old requests keep their service type. */
st_rc store_catalog_upsert(store *s, const char *kind, const struct catalog_item *it);
#define CATALOG_NAME_MAX 120    /* characters in each name */
/* Why item it of kind cannot be stored, as a static English msgid (the
 * caller translates), or NULL when it can: kind one of service, channel,
 * question; code 1..31 of [a-z0-9_] starting with a letter; both names
 * present, valid UTF-8, at most CATALOG_NAME_MAX characters, no control
 * or bidi-control characters. */
const char *catalog_item_problem(const char *kind, const struct catalog_item *it);

/* ---- documents (the kiosk's "Information and guides"; store/docs.c) ---- */
struct doc_item {
	int64_t id;
	char    code[32];        /* stable key, as a catalog code */
	char   *title_en;        /* the menu's titles */
	char   *title_ar;
	char   *path_en;         /* UTF-8 text files; relative paths are taken */
	char   *path_ar;         /*   from the data directory ("docs/faq.en.txt") */
	int     sort;
	bool    active;
};
#define DOC_PATH_MAX   255      /* bytes in each path */
#define DOC_MAX_ACTIVE 8        /* the kiosk's menu: CONFIG_MAX_DOCS */
/* The documents in (sort, id) order, active ones only unless all; *n = 0
 * when none were ever stored (the kiosk then shows the configuration's).
 * Free with doc_items_free. */
st_rc store_doc_list(store *s, bool all, struct doc_item **items, int *n);
void  doc_items_free(struct doc_item *items, int n);
/* Why d cannot be stored, as a static English msgid (the caller
 * translates), or NULL: code as catalog_item_problem's; both titles as a
 * catalog name's; both paths 1..DOC_PATH_MAX bytes of valid UTF-8 without
 * control characters and without a ".." component. */
const char *doc_item_problem(const struct doc_item *d);
/* Insert or update by code (admin writes: ST_REVOKED as the catalog's).
 * ST_INVALID (nothing written) when doc_item_problem finds one; ST_DENIED
 * when it would make more than DOC_MAX_ACTIVE active documents. Retired
 * (active = false), never deleted. */
st_rc store_doc_upsert(store *s, const struct doc_item *d);
/* Copy items[0..n) in, in one transaction, only when the table holds no
 * document at all (the configuration's `docs`, the first time an admin
 * opens the list); *copied says whether it did. Each item as upsert's. */
st_rc store_doc_seed(store *s, const struct doc_item *items, int n, bool *copied);

/* ---- members (the imported register) ------------------------------------ */
struct member {
	int64_t id;
	char    number[32];      /* membership number */
	char   *name;
	char    national_id[16];
	char    mobile[16];      /* normalised 05XXXXXXXX */
	char    category[16];    /* member | supporter | volunteer */
};
void  member_free(struct member *m);
st_rc store_member_by_national_id(store *s, const char *nid, struct member *out);
st_rc store_member_by_number(store *s, const char *number, struct member *out);
st_rc store_member_get(store *s, int64_t id, struct member *out);

/* Bulk import in ONE transaction: begin, add rows, then commit or abort. */
st_rc store_import_begin(store *s);
/* Insert or replace by membership number. */
st_rc store_import_member(store *s, const struct member *m);
st_rc store_import_commit(store *s);
void  store_import_abort(store *s);

/* ---- requests ------------------------------------------------------------ */
typedef enum {
	RS_RECEIVED = 0, RS_NEEDS_INFO, RS_VERIFIED, RS_REFERRED, RS_COMMITTEE,
	RS_ACCEPTED, RS_REJECTED, RS_REGISTERED, RS_DELIVERED, RS_WITHDRAWN,
	RS__COUNT
} req_status;
/* "received", "needs_info", …: the names stored in the database. */
const char *req_status_name(req_status st);
bool        req_status_parse(const char *name, req_status *out);

struct request {
	int64_t id;
	char    ref[16];             /* digits only, with its check digit */
	/* applicant snapshot, as given */
	char    category[16];
	char   *name;
	char    national_id[16];
	char    mobile[16];
	char   *email;               /* may be "" */
	char    member_number[32];   /* may be "" */
	int64_t member_id;           /* register match, 0 = not matched */
	char    service[32];         /* catalog code */
	char    channel[32];         /* catalog code */
	char   *description;
	/* declaration (step 4) */
	time_t  declared_at;
	char   *signature;           /* the name typed as signature */
	int     declaration_version;
	char    declared_by[64];     /* "kiosk" or the officer's login */
	time_t  created_at;
	time_t  earliest_response;   /* created_at + study_days (14) */
	req_status status;
	char    assigned_to[64];     /* officer login, "" = nobody */
	char   *decision_reason;     /* for accepted/rejected, else NULL */
	char    field_match[64];     /* officer's step-2 marks: "name=1,nid=1,…" */
	int     version;
	time_t  updated_at;
	/* added (schema v11, issue 12) */
	int64_t paused_s;            /* seconds spent in needs_info, closed */
	time_t  paused_since;        /* start of the current needs_info, 0 */
	char   *info_items;          /* what ask_info asked for: catalog codes,
	                                comma-separated ("" none) */
	char   *info_text;           /* and the officer's free text ("" none) */
	int64_t duplicate_of;        /* the request this one duplicates, 0 */
	/* schema v12: the member's consent to messages (notify_choice), when
	 * it was given or withdrawn, the declaration version it was given
	 * under, and the language of the messages ("ar" or "en"; "" = "ar") */
	int     notify;
	time_t  notify_at;
	int     notify_decl;
	char    lang[4];
};
void request_free(struct request *r);

/* The consent choices (requests.notify): bit 1 SMS, bit 2 e-mail. */
enum notify_choice { NOTIFY_NONE = 0, NOTIFY_SMS = 1, NOTIFY_EMAIL = 2,
                     NOTIFY_BOTH = 3 };
/* "none", "sms", "email", "both" (the stored names and the form's codes). */
const char *notify_choice_name(int c);
bool        notify_choice_parse(const char *name, int *out);

/*
 * Store a new request (status received) with its first event ("kiosk" or
 * the officer's login as `who`) in one durable transaction. Links member_id
 * when national ID or membership number matches the register. Fills r->id,
 * r->ref, r->created_at, r->earliest_response, r->version, r->member_id.
 */
st_rc store_request_submit(store *s, struct request *r, const char *who);

st_rc store_request_get(store *s, int64_t id, struct request *out);
st_rc store_request_by_ref(store *s, const char *ref, struct request *out);
/* The kiosk's tracking lookup (issue 13): request ref into *out only when
 * last4 is the last four digits of its mobile; ST_NOTFOUND for either
 * wrong (one answer for both). On a kiosk's PostgreSQL login
 * (store/pg_kiosk.c) the server checks the proof (khidma_track), and that
 * connection may then read this request and its events again
 * (store_request_get, store_request_events) — no other request, and not
 * by reference alone (store_request_by_ref: ST_DENIED). */
st_rc store_request_track(store *s, const char *ref, const char *last4,
                          struct request *out);

/*
 * Change the status from `from` to `to` if the row still has `version`;
 * writes one event (who, from, to, note) in the same transaction, sets
 * decision_reason when to is accepted/rejected. ST_STALE when the version
 * moved, ST_DENIED when the status is no longer `from`.
 * Raw: no workflow rule is checked and the event's kind is "" — for
 * tests and tools that build fixtures. The workflow writes through
 * store_request_act (every rule inside the transaction); screens call
 * wf_apply, never this. `khidma check --audit` reports a history this
 * made that the workflow would have refused.
 */
st_rc store_request_transition(store *s, int64_t id, int version,
                               req_status from, req_status to,
                               const char *who, const char *note);

/*
 * A workflow action checked on the row as the write transaction sees it
 * (workflow.c): store_request_act begins the transaction, reads the request
 * and its events, refuses with ST_STALE when the version moved and ST_DENIED
 * when the status is no longer `from`, then calls fn. fn answers ST_OK with
 * *out filled (the new status — equal to the old one for a vote or an
 * exception — the event's kind, and whether it is a decision whose reason
 * is the note), or any other code to change nothing. On ST_OK the status,
 * version (+1), updated_at, last_officer, decision_reason (decisions only),
 * decided_at/delivered_at (first time) and exactly one event (who, the old
 * and new status, note, kind) are written in that same transaction.
 */
struct request_event;
struct st_act_out {
	req_status  to;
	const char *kind;           /* static string, < 32 bytes */
	bool        decision;
	const char *note;           /* NULL = the caller's note; else the event's
	                               note instead (owned by fn's ctx) */
	/* added (issue 12): with set_info, requests.info_items/info_text are
	 * set to these ("" for NULL) in the same transaction (ask_info); with
	 * duplicate_of > 0, requests.duplicate_of is (the duplicate action).
	 * Owned by fn's ctx. */
	bool        set_info;
	const char *info_items, *info_text;
	int64_t     duplicate_of;
};
typedef st_rc (*st_act_fn)(void *ctx, store *s, const struct request *cur,
                           const struct request_event *ev, int nev,
                           time_t now, struct st_act_out *out);
st_rc store_request_act(store *s, int64_t id, int version, req_status from,
                        const char *who, const char *note,
                        st_act_fn fn, void *ctx);
/* Up to `limit` request ids greater than after_id, in id order, into
 * ids[] (for walking every request: khidma check --audit). */
st_rc store_request_ids(store *s, int64_t after_id, int limit, int64_t *ids, int *n);
/* The study period in days (config study_days, default 14): a request
 * submitted through this connection gets earliest_response = received +
 * days. Values < 1 mean 14. */
void  store_set_study_days(store *s, int days);

/* Assign (writes an event with from == to, note "assigned to X"). */
st_rc store_request_assign(store *s, int64_t id, int version,
                           const char *who, const char *officer);
/* Save the officer's step-2 field marks (versioned, with an event). */
st_rc store_request_set_match(store *s, int64_t id, int version,
                              const char *who, const char *field_match,
                              int64_t member_id);
/* Add an internal note (an event with from == to; never shown at the kiosk). */
st_rc store_request_note(store *s, int64_t id, const char *who, const char *note);

struct request_event {
	int64_t id;
	time_t  at;
	char    who[64];
	req_status from, to;
	char   *note;
	char    kind[32];            /* schema v8: what wrote it — "submitted",
	                                "note", "assign", "match", a workflow
	                                action ("verify", "refer_back", …),
	                                "vote_accept", "vote_reject"; "" for
	                                events written before v8 and for raw
	                                store_request_transition */
};
st_rc store_request_events(store *s, int64_t request_id,
                           struct request_event **ev, int *n);
void  request_events_free(struct request_event *ev, int n);

/* The officer queue, keyset-paged (newest first by (created_at, id)). */
struct queue_filter {
	int      status;            /* -1 = any open, -2 = all, else req_status */
	bool     overdue;           /* created more than sla_days ago and open */
	int      sla_days;
	const char *assigned_to;    /* NULL = anyone */
	const char *channel;        /* NULL = any */
	const char *service;        /* NULL = any */
	const char *search;         /* NULL or text: ref, name, national ID, mobile
	                               (Arabic-insensitive through text_search_key) */
	/* added (issue 12) */
	int      sort;              /* QS_NEWEST (0), QS_OLDEST, QS_DUE */
	bool     waiting;           /* "waiting for me": the work of `role` for
	                               `login` (see store/queue.c) */
	int      role;              /* officer_role, with waiting */
	const char *login;          /* with waiting */
	/* added (issue 13): the branch ("02", the reference's first two
	 * digits), NULL or "" = every branch */
	const char *branch;
};
enum { QS_NEWEST = 0, QS_OLDEST, QS_DUE };
struct queue_row {
	int64_t id;
	char    ref[16];
	char   *name;
	char    service[32];
	char    channel[32];
	req_status status;
	time_t  created_at;
	time_t  earliest_response;
	char    assigned_to[64];
	bool    overdue;
	/* added (issue 12) */
	time_t  due;                /* created_at + paused time + sla_days */
	bool    paused;             /* waiting for the member (needs_info) */
	time_t  sort_key;           /* pass as after_created for the next page */
};
/*
 * Fill up to `limit` rows after the key (after_created, after_id); pass
 * after_id = 0 for the first page. Returns the count through *n.
 */
st_rc store_queue(store *s, const struct queue_filter *f,
                  time_t after_created, int64_t after_id, int limit,
                  struct queue_row **rows, int *n);
void  queue_rows_free(struct queue_row *rows, int n);
/*
 * Issue 12 (duplicates, member history): the other requests of national ID
 * nid — of service `service` only unless NULL, open only when open_only —
 * except exclude_id, newest first, at most 200; each row's sort_key is the
 * request's updated_at (its last change). *rows NULL when *n is 0.
 */
st_rc store_requests_of(store *s, const char *nid, const char *service,
                        bool open_only, int64_t exclude_id,
                        struct queue_row **rows, int *n);
/*
 * Keep the link to the open request of_id (of_ref, its reference, for the
 * event's note) of the same national ID and service that an officer
 * acknowledged at verification: sets requests.duplicate_of, bumps the
 * version and writes one event (kind "duplicate_link"), like the other
 * versioned changes (ST_STALE, ST_REVOKED …). ST_INVALID when of_id is not
 * another request's id.
 */
st_rc store_request_link_duplicate(store *s, int64_t id, int version,
                                   const char *who, int64_t of_id, const char *of_ref);
/*
 * Correct one field of request id found wrong at verification (issue 12):
 * field is "name", "national_id", "mobile", "email" or "member_number",
 * value the new value (already validated and normalised by the caller),
 * reason required. Only while the request is received or needs_info
 * (before verification; else ST_DENIED). In one transaction: the column
 * (and name_key for the name), the field's match mark reset to 0 (verify
 * needs a fresh match), version + 1, and one event of kind "correct" whose
 * note is "<field>: <old> → <new> — <reason>". ST_INVALID for an unknown
 * field, no reason, or a value equal to the old one; ST_STALE, ST_REVOKED
 * as the other versioned changes.
 */
st_rc store_request_correct(store *s, int64_t id, int version, const char *who,
                            const char *field, const char *value, const char *reason);
/* How many requests f selects (its sort ignored), by COUNT(*) over the
 * rows: any filter; the reference store_queue_views is tested against. */
st_rc store_queue_count(store *s, const struct queue_filter *f, int64_t *n);
/*
 * The queue header's four view counts for an officer of `role`
 * (officer_role) and `login`: waiting for me, open, overdue (sla_days,
 * <= 0: 14), all — each equal to store_queue_count of that view's filter
 * (store/queue.c invariant 5), read from the schema-v14 counters and
 * partial indexes instead of counting rows: constant time but for the
 * committee's own part (its decisions, the requests it entered).
 */
struct queue_views { int64_t waiting, open, overdue, all; };
st_rc store_queue_views(store *s, int role, const char *login, int sla_days,
                        struct queue_views *out);
/* The same counts for one branch (issue 13; branch NULL or "" = every
 * branch: store_queue_views). The counters have no branch dimension:
 * each view is store_queue_count with f.branch — on PostgreSQL the index
 * requests_branch_queue (branch, status, created_at, id) serves them. */
st_rc store_queue_views_branch(store *s, int role, const char *login,
                               int sla_days, const char *branch,
                               struct queue_views *out);

/* ---- branches (issue 13) ------------------------------------------------- */
struct branch_item {
	char  code[4];              /* two digits */
	char *name_en, *name_ar;    /* "" when the catalog does not name it */
	bool  has_requests;         /* some request carries this branch */
};
/* Every branch known, by code: the branches catalog and the branches
 * requests carry (PostgreSQL: branch_seq, a row per branch that ever took
 * a number; SQLite: the file's own branch — one file, one branch). Free
 * with branch_items_free. */
st_rc store_branch_list(store *s, struct branch_item **items, int *n);
void  branch_items_free(struct branch_item *items, int n);
/* How many branches carry requests (the queue shows a branch column and
 * filter, the report a column per branch, only when this is above 1). */
int   store_branch_count(store *s);
/* Insert or rename branch code in the catalog (admin writes). ST_INVALID
 * (nothing written) when code is not two digits or a name is empty, too
 * long (CATALOG_NAME_MAX characters), not UTF-8 or holds a control
 * character. */
st_rc store_branch_set(store *s, const char *code, const char *name_en,
                       const char *name_ar);

/* ---- tracking throttle (kiosk) --------------------------------------------- */
/* Record a failed tracking lookup; returns the number of failures in the last
 * window_s seconds (all kiosks on this database). */
int   store_track_fail(store *s, int window_s);
int   store_track_failures(store *s, int window_s);
/* Failed lookups within a window: at one kiosk, for one reference, at all. */
struct track_counts { int kiosk, ref, all; };
/*
 * Record a failed lookup made at kiosk (its kiosk_id) for reference ref
 * (either may be "": not counted by that key) and, in the same
 * transaction, count the failures of the last window_s seconds (this one
 * included) into *out. ST_OK, ST_INVALID (bad UTF-8), or the store error —
 * then nothing is recorded and the caller fails closed.
 */
st_rc store_track_fail_at(store *s, const char *kiosk, const char *ref,
                          int window_s, struct track_counts *out);

/* ---- help calls (added; help.c): "call an officer" at the kiosk ----------- */
/* An open call: which kiosk, since when. No personal data (help.c). */
struct help_call { int64_t id; char kiosk[161]; time_t called_at; };
/* Put a help request from kiosk (its kiosk_id) in the officers' queue; one
 * open call per kiosk (a repeated call adds nothing and returns ST_OK with
 * the open call's id in *id, may be NULL). ST_INVALID for bad UTF-8 or a
 * kiosk name over 160 bytes; else the store error, nothing written. */
st_rc store_help_call(store *s, const char *kiosk, int64_t *id);
/* The open calls, oldest first (at most 100), malloc'd array (free()). */
st_rc store_help_calls_open(store *s, struct help_call **out, int *n);
/* Officer `who` answered call id. ST_NOTFOUND when it is not open (already
 * answered, or no such call); the session checks of every officer write. */
st_rc store_help_call_answer(store *s, int64_t id, const char *who);

/* ---- surveys ----------------------------------------------------------------- */
struct survey_answer { char question[32]; int score; /* 1..5, 0 = skipped */ };
enum survey_refusal { SURVEY_LINK_OK = 0, SURVEY_NOT_DELIVERED, SURVEY_ALREADY_USED };
struct survey_response {
	int64_t id;
	time_t  at;                  /* out: stored as its month (the 1st, local) */
	char    channel[32];
	char   *comment;
	/* Optional link to the visitor's request: its reference and the last 4
	 * digits of its mobile (both, or ref empty). Neither is stored. */
	char    ref[16];
	char    last4[8];
	/* Or the one-time survey code of the delivery message (schema v12):
	 * digits; when set, ref and last4 are ignored. Never stored. */
	char    code[16];
	int     nanswers;
	struct survey_answer answers[16];
	/* out, when linked: what the response keeps of the request */
	char    service[32];
	char    credited[3][64];     /* verified, registered, delivered by ('' none) */
	enum survey_refusal refused; /* out: why ST_DENIED */
};
/*
 * Store a response and its answers in one transaction. What it keeps: the
 * answers, the comment, the channel and the month; when linked, also the
 * request's service type and the officers credited with it (frozen at its
 * delivery: who verified, registered and delivered it) — never the request
 * id, reference or anything naming the member.
 *
 * Linking needs ref + last4 of a delivered request not evaluated before; it
 * marks the request evaluated in the same transaction (once per request).
 * Returns ST_OK; ST_NOTFOUND when no request has this reference and mobile
 * (the same for either wrong: the caller counts it with the tracking
 * throttle); ST_DENIED with r->refused = SURVEY_NOT_DELIVERED or
 * SURVEY_ALREADY_USED; ST_INVALID for a bad score, text or answer count;
 * or the store error. Nothing is stored unless ST_OK.
 * (Issue 14's one-time codes: one more way to find the request in
 * link_request, survey.c; the rest stays.)
 */
st_rc store_survey_submit(store *s, struct survey_response *r);

/* ---- notifications (schema v12, store/notify.c) --------------------------- */
/* One message of the outbox. */
struct outbox_msg {
	int64_t id, request_id, event_id;
	char    event[16];           /* received, needs_info, accepted, rejected,
	                                registered, delivered */
	char    transport[8];        /* sms | email */
	char    address[128];        /* the mobile (05…) or the e-mail address */
	char    lang[4];
	char    ref[16];
	time_t  date;                /* the earliest-response date (received) */
	char   *text;                /* the officer's text or the reason ("") */
	char    code[16];            /* the survey code (delivered; "" once sent) */
	char    idem[48];            /* idempotency key: unique per message */
	char    member[16];          /* the request's national ID (daily limit) */
	char    state[12];           /* queued sending sent failed unknown cancelled */
	int     tries;
	time_t  created_at, next_at, claimed_at, sent_at;
	char    claimed_by[64];
	char   *answer;              /* the gateway's last answer ("") */
	char   *items;               /* added (issue 14): the request's
	                                info_items now (catalog codes, ",";
	                                "" for none) — the sender names them in
	                                a needs_info message */
};
void outbox_msgs_free(struct outbox_msg *m, int n);
/* The messages of one request, oldest first (for the console). */
st_rc store_outbox_list(store *s, int64_t request_id, struct outbox_msg **out,
                        int *n);
/* The member history's "survey-free contacts" (issue 12): the messages of
 * every request of national ID nid, newest first (created_at, id), at most
 * 200. Only the outbox: survey responses are anonymous and never linked to
 * a person (schema v9), help calls name no one (v10). */
st_rc store_outbox_of_member(store *s, const char *nid, struct outbox_msg **out, int *n);
/* What a claim must respect (computed by the sender in its time zone). */
struct outbox_policy {
	time_t now;
	time_t sms_quiet_until;      /* 0: not quiet now; else SMS wait until then */
	int    per_day;              /* messages per member per day (0 = no limit) */
	time_t day_start, next_day;  /* the member's day: [day_start, next_day) */
	const char *who;             /* the claimant ("host:pid") */
	const char *transport;       /* NULL = any; else only this transport */
};
/*
 * Claim the next due message in one short transaction: the first queued
 * row with next_at <= now (by next_at, id). An SMS during quiet hours is
 * moved to sms_quiet_until, a message over the member's daily limit to
 * next_day (neither counts as a try); the claimed row becomes 'sending'
 * (tries + 1, claimed_by, claimed_at = now) and is copied to *out (free
 * its strings with outbox_msgs_free(out, 1) semantics: outbox_msg_clear).
 * ST_NOTFOUND when nothing is due.
 */
st_rc store_outbox_claim(store *s, const struct outbox_policy *p,
                         struct outbox_msg *out);
void  outbox_msg_clear(struct outbox_msg *m);
/*
 * The claimant's verdict on message id (only while it is 'sending' and
 * claimed by who): sent → 'sent' (sent_at = now, the survey code blanked);
 * otherwise 'failed' when permanent or tries >= max_tries, else back to
 * 'queued' with next_at = now + retry_s * 2^(tries-1) (at most a day).
 * answer: the gateway's answer (kept, cut at 300 bytes). ST_STALE when the
 * row is no longer this claimant's.
 */
st_rc store_outbox_done(store *s, int64_t id, const char *who, bool sent,
                        bool permanent, const char *answer, time_t now,
                        int retry_s, int max_tries);
/*
 * Rows left 'sending' by a claimant for which dead(ctx, claimed_by,
 * claimed_at) is true become 'unknown' (maybe sent; never sent again).
 * *n: how many.
 */
st_rc store_outbox_recover(store *s, bool (*dead)(void *ctx, const char *by,
                           time_t at), void *ctx, int *n);
/*
 * The member withdraws consent at the kiosk: reference + last 4 digits of
 * the mobile (ST_NOTFOUND for either wrong, counted by the caller's
 * throttle). Sets notify = none (notify_at = now), cancels the queued
 * messages, writes one event (kind "notify_off", who "kiosk") and bumps
 * the version, in one transaction. ST_OK also when there was no consent.
 */
st_rc store_notify_withdraw(store *s, const char *ref, const char *last4);

/* ---- officers ----------------------------------------------------------------- */
typedef enum { ROLE_OFFICER = 0, ROLE_RESEARCHER, ROLE_COMMITTEE, ROLE_ADMIN, ROLE__COUNT } officer_role;
const char *officer_role_name(officer_role r);
bool        officer_role_parse(const char *s, officer_role *out);

struct officer {
	int64_t id;
	char    login[64];
	char   *name;
	officer_role role;
	char    pwhash[128];         /* crypto_pwhash_str output */
	bool    active;
	int     failed;              /* consecutive wrong passwords */
	time_t  locked_until;        /* 0 = not locked */
};
void  officer_free(struct officer *o);
st_rc store_officer_add(store *s, const struct officer *o);   /* ST_INVALID if exists */
st_rc store_officer_get(store *s, const char *login, struct officer *out);
st_rc store_officer_list(store *s, struct officer **out, int *n);
void  officers_free(struct officer *o, int n);
st_rc store_officer_set_password(store *s, const char *login, const char *pwhash);
/* Enable or disable an account. ST_NOTFOUND for no such login; ST_DENIED
 * (nothing written) when it would disable the last active admin. */
st_rc store_officer_set_active(store *s, const char *login, bool active);
/* Give an account another role (its open consoles end: the session check).
 * ST_NOTFOUND for no such login; ST_DENIED (nothing written) when login is
 * the last active admin and role is not admin; ST_INVALID for a bad role. */
st_rc store_officer_set_role(store *s, const char *login, officer_role role);
/* Record a login attempt: ok resets the counter; a failure increments it and
 * locks for lock_minutes once it reaches lock_tries. Returns the new count. */
st_rc store_officer_login_result(store *s, const char *login, bool ok,
                                 int lock_tries, int lock_minutes, int *failed);
st_rc store_officer_unlock(store *s, const char *login);

/* ---- officer sessions (the console's connection) ------------------------- */
/*
 * Bind this connection to a logged-in officer. From then on EVERY write on
 * it (status changes, assignments, register marks, notes, on-behalf
 * submissions, catalog/officer/settings writes, and any write added later:
 * they all run st_actor_check inside their transaction) first checks, in
 * the same transaction, that the officer still exists, is still active and
 * still has `role` (the role checked at login); admin writes also need
 * role admin. Otherwise the write changes nothing and returns ST_REVOKED,
 * and the connection remembers it (store_session_revoked). A write naming
 * another officer as `who` is refused with ST_DENIED. A connection without
 * a session (the kiosk, the CLI, which the file's permissions guard) is
 * not checked. Returns ST_REVOKED at once when the account is already
 * disabled or changed, ST_OK when bound.
 */
st_rc store_session_begin(store *s, const char *login, officer_role role);
/* Forget the session (log-out); the connection is unchecked again. */
void  store_session_end(store *s);
/* The same check as a write makes, as a read (no transaction): ST_OK,
 * ST_REVOKED (remembered), or a store error. ST_OK without a session. */
st_rc store_session_check(store *s);
/* True once a write or store_session_check found the session revoked. */
bool  store_session_revoked(store *s);

/* ---- reports and export -------------------------------------------------- */
struct report_opts {
	time_t since, until;         /* 0 = unbounded */
	int    sla_days;
	int    min_n;                /* per-officer satisfaction only where n >= min_n */
};
/* Row callback used by exports and reports: cols[0..ncols) are UTF-8 cells,
 * names[] the header. Return non-zero to stop. */
typedef int (*store_row_fn)(void *ctx, int ncols, const char *const *names,
                            const char *const *cols);
/* what: "requests", "surveys", "events". Rows in id order, since = 0 for all. */
st_rc store_export(store *s, const char *what, time_t since, store_row_fn fn, void *ctx);
/* The column names of export `what` without reading a row: fn is called
 * once with cols == NULL — for the header row of an empty export. */
st_rc store_export_columns(store *s, const char *what, store_row_fn fn,
                           void *ctx);

/* Online backup (sqlite3_backup_*) to a new file; consistent while others write. */
st_rc store_backup(store *s, const char *dest, char *err, size_t errsz);

/*
 * A checked backup FILE (store/backup.c): the online copy to a hidden
 * temporary name beside b->dest, PRAGMA quick_check on the copy, then a
 * rename that never replaces a file. b->dest is absent or a complete,
 * checked copy afterwards — never partial. The one code path of `khidma
 * backup` and the console's "Backup now". Returns ST_OK with b->version
 * (the copy's schema version), or the code with b->stage (where it failed),
 * b->err_no (errno, for SB_TMP and SB_PUBLISH; EEXIST: dest appeared) and
 * b->err (an English detail, may be ""). Hooks (may be NULL): tmp_create
 * makes the temporary file from its template like mkostemp, tmp_release
 * (remove) is called once it is renamed or must go; progress after each
 * step of the copy (pages copied, pages in all).
 */
enum store_backup_stage { SB_TMP, SB_COPY, SB_CHECK, SB_PUBLISH, SB_DONE };
struct store_backup_file {
	const char *dest;
	int   (*tmp_create)(char *tmpl);
	void  (*tmp_release)(bool remove);
	void  (*progress)(void *ctx, int done, int total);
	void   *ctx;
	/* out */
	enum store_backup_stage stage;
	int     err_no;
	int     version;
	char    err[512];
};
st_rc store_backup_file(store *s, struct store_backup_file *b);

/* Low-level escape hatch for reports (the report module lives in the store
 * layer: src/store/report.c). Not for screens. */
struct sqlite3;
struct sqlite3 *store_db(store *s);      /* NULL on PostgreSQL */

/* Tests and tools only (never screens or the CLI's normal paths): raw SQL on
 * either engine, written in the shared dialect (store/sql.h), no
 * parameters. store_sql_exec runs one or more statements; store_sql_i64
 * reads the first column of the first row as an integer (ST_NOTFOUND when
 * there is no row; 0 for NULL); store_sql_text copies it as text into buf
 * ("" for NULL). store_sql_engine: "sqlite" or "postgresql". */
st_rc store_sql_exec(store *s, const char *sql);
st_rc store_sql_i64(store *s, const char *sql, int64_t *out);
st_rc store_sql_text(store *s, const char *sql, char *buf, size_t n);
const char *store_sql_engine(store *s);

/* ---- additions (store developer) ---------------------------------------- */
/*
 * Test hook: open like store_open but migrate only up to schema `version`
 * (0 = an empty file with the pragmas set; store_schema_latest() = as
 * store_open). Tests build an older database with it, fill it through
 * store_db(), and then store_open it to check the upgrade.
 */
st_rc store_open_at_version(const char *path, const struct store_opts *o,
                            int version, store **out, char *err, size_t errsz);

/* ---- PostgreSQL roles (store/pg_roles.c, issue 13) ----------------------- */
/* True when path names a PostgreSQL database ("postgresql://…",
 * "postgres://…") rather than a SQLite file. */
bool store_uri_is_pg(const char *path);
/* The SQL that creates the roles khidma_kiosk, khidma_officer and
 * khidma_admin and grants their privileges (static text, for printing). */
const char *store_pg_roles_sql(void);
/* Connect to uri, bring its schema up to date and apply
 * store_pg_roles_sql() in one transaction. ST_OK, or the error with a
 * message in err (ST_DENIED: the login may not create roles or tables). */
st_rc store_pg_roles_apply(const char *uri, char *err, size_t errsz);

/* ---- copies between stores (issue 13; store/ingest.c) ------------------- */
/*
 * A request as a copy needs it: the row (what store_request_get fills)
 * plus the columns only the store sees, and its events oldest first.
 * Read with store_request_read_full, free with request_full_free.
 */
struct request_full {
	struct request r;
	int64_t seq;                 /* the sequence number inside r.ref */
	char    last_officer[64];
	time_t  decided_at, delivered_at;   /* 0 = not yet */
	int     surveyed;
	char    idem[64];            /* the row's idempotency key ("" none) */
	struct request_event *ev;
	int     nev;
};
void  request_full_free(struct request_full *q);
st_rc store_request_read_full(store *s, int64_t id, struct request_full *out);
/* The ids of a spool's requests not yet marked (store_spool_mark) after
 * `after` in id order, at most max, into ids; *n how many (0 at the end).
 * (All requests: store_request_ids.) */
st_rc store_spool_ids(store *s, int64_t after, int max, int64_t *ids, int *n);

enum ingest_outcome { INGEST_ADDED, INGEST_REPLAY, INGEST_CONFLICT };
/*
 * Insert request q — its reference, sequence number, times, status,
 * version and every event as they are — under idempotency key idem, in
 * one transaction, or do nothing: ST_OK with *out = INGEST_REPLAY when a
 * request with key idem exists (a replay; nothing is compared or
 * written), ST_DENIED with *out = INGEST_CONFLICT when q's reference
 * exists under another key or none (another request), else ST_OK with
 * INGEST_ADDED once committed. member_id is matched again against this
 * store's register (national ID, else membership number). notify: also
 * queue the "received" message its consent asks for (a forwarded new
 * request; not for a migrated history). ST_INVALID for bad UTF-8, an
 * empty idem or a reference that is not valid.
 */
st_rc store_request_ingest(store *s, const struct request_full *q,
                           const char *idem, bool notify,
                           enum ingest_outcome *out);

/* Members, officers, catalog items and survey responses for `khidma
 * migrate`: a page of rows with id > after (at most max, id order), and
 * an insert that does nothing when the row is there already (members by
 * number, officers by login, catalog by kind and code, responses by idem):
 * *added tells which. */
st_rc store_members_page(store *s, int64_t after, int max,
                         struct member **out, int *n);
void  members_free(struct member *m, int n);
st_rc store_member_ingest(store *s, const struct member *m, bool *added);
st_rc store_officer_ingest(store *s, const struct officer *o, bool *added);
st_rc store_catalog_ingest(store *s, const char *kind,
                           const struct catalog_item *it, bool *added);
struct survey_full {
	int64_t id;
	time_t  day;
	char    channel[32], service[32];
	char   *comment;             /* NULL = none */
	char    off[3][64];          /* verified, registered, delivered by */
	int     nanswers;
	struct survey_answer answers[16];
};
st_rc store_surveys_page(store *s, int64_t after, int max,
                         struct survey_full **out, int *n);
void  surveys_full_free(struct survey_full *v, int n);
st_rc store_survey_ingest(store *s, const struct survey_full *v,
                          const char *idem, bool *added);
/* Rows of table what ("requests", "request_events", "survey_responses",
 * "survey_answers", "members", "officers") into *n; with idem_prefix (not
 * members, officers), only the rows whose idem starts with it — for events
 * and answers, those of such requests and responses. */
st_rc store_count(store *s, const char *what, const char *idem_prefix,
                  int64_t *n);

/* Whether reference ref is on this store (*exists) and its idempotency
 * key into idem ("" for a request written here). */
st_rc store_ref_owner(store *s, const char *ref, bool *exists, char *idem,
                      size_t n);

/* ---- reference blocks and the spool (issue 13; store/ingest.c) ---------- */
/*
 * Reserve n sequence numbers of this store's branch for kiosk (its
 * kiosk_id): [*first, *last], after every number used or reserved, in one
 * transaction; the submission skips them from then on.
 */
st_rc store_ref_block_reserve(store *s, const char *kiosk, int n,
                              int64_t *first, int64_t *last);
/* In a spool: remember a block reserved on the server (branch, first,
 * last), and the spool's next unused number and how many are left in all
 * its blocks (*next 0 when none). */
st_rc store_ref_block_add(store *s, const char *branch, int64_t first,
                          int64_t last);
st_rc store_ref_block_next(store *s, int64_t *next, int64_t *left);
/* Store r in a spool under the next reserved number of its blocks with
 * key idem (store_request_submit's checks and durability); ST_FULL when
 * no reserved number is left. */
st_rc store_request_spool(store *s, struct request *r, const char *idem);
/* Mark spooled request id as committed by the server (outcome "sent",
 * "replay" or "conflict"), once. */
st_rc store_spool_mark(store *s, int64_t id, const char *outcome);
/* The spool's requests not yet marked: how many, and the oldest's
 * created_at (0 when none); conflicts: marked "conflict". */
st_rc store_spool_pending(store *s, int64_t *n, time_t *oldest,
                          int64_t *conflicts);

#endif
