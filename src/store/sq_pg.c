/*
 * store/sq_pg — the PostgreSQL engine behind store/sql.h (issue 13), and
 * the PostgreSQL open path of store_open.
 *
 * Statements: sqpg_prep rewrites the shared dialect's placeholders (`?`,
 * `?N`, `:name`, numbered as SQLite numbers them) to $N outside quoted
 * strings, identifiers and comments, drops SQLite's planner hint
 * `INDEXED BY name` (PostgreSQL has no such clause; its planner has
 * statistics), and keeps the text; the first sq_step
 * sends it with PQexecParams (text-format parameters, the result read
 * whole into a PGresult), later steps walk its rows. A parameter bound with
 * sq_bind_i64 goes as int8, sq_bind_double as float8, text as unknown (the
 * server infers the type from the context, as SQLite's affinity does); a
 * number the text never names goes as a text NULL, so PostgreSQL need not
 * infer a type for it.
 *
 * Invariants:
 *  1. No engine code leaves this file: every failure is an st_rc mapped by
 *     st_map_pg from the SQLSTATE (a lost connection, no SQLSTATE → ST_OFFLINE).
 *  2. Connection loss: a call that finds the connection broken (PQstatus)
 *     tries PQreset once. A statement that fails because the connection
 *     dropped is re-sent once after a successful PQreset only when no
 *     transaction was open before it (a BEGIN or an autocommit read: writes
 *     always run inside st_tx, so nothing is applied twice); inside a
 *     transaction the error is ST_OFFLINE and the transaction is gone.
 *     A reset that fails starts a backoff (BACKOFF_MIN_MS doubling to
 *     BACKOFF_MAX_MS): calls before it ends answer ST_OFFLINE at once, so a
 *     screen that asks several things in a row, or a host that does not
 *     answer (connect_timeout), costs one attempt, not one each. A reset
 *     that succeeds applies the session's settings again (time zone,
 *     read-only) before anything else is sent: the server forgot them; and
 *     counts as a change for store_changed, so a screen that polls it
 *     reads again what it could not read while the server was away.
 *  7. Opened offline (store_opts.offline_ok): a server that cannot be
 *     reached at store_open gives a store that is not connected yet
 *     (pending); every call tries to connect (with the backoff above), and
 *     the first that succeeds runs what the open would have run (locale,
 *     schema version and steps, branch) before its own statement.
 *     store_offline tells whether the last attempt reached the server.
 *  3. The transaction status is the server's (PQtransactionStatus), never
 *     a flag of ours, so a dropped connection never leaves us "in" one.
 *  4. Connection parameters come only from the URI and libpq's usual
 *     sources (PG* variables, ~/.pgpass, service files): PQconnectdbParams
 *     with expand_dbname. Messages name host and database, never the URI
 *     (it may hold a password).
 *  5. Schema steps (schema_pg.c's st_pg_schema) are applied at open, each
 *     in its own transaction under pg_advisory_xact_lock, one version row
 *     per step; the version is read through khidma_schema_version() when it
 *     exists (a kiosk role may read no table).
 *  6. A database whose LC_CTYPE is C/POSIX (libc provider) is refused at
 *     open: pg_trgm would index no Arabic letter (/work/shared/POSTGRES.md).
 *  8. The server's notices never reach stderr (under the console's screen):
 *     the store provokes none (the version table is created after asking
 *     the catalog; schema steps run with client_min_messages = warning),
 *     and any other goes to the log (core/log) with its severity.
 *  9. store_changed (sqpg_changed) is exact and cheap: every
 *     table the console shows has a row trigger that calls
 *     pg_notify('khidma_changed', '') (schema_pg.c v9; one notice per
 *     transaction reaches a listener, at its commit), the session LISTENs
 *     from the first call (again after a reconnection, which counts as a
 *     change), and a call reads what has arrived with PQconsumeInput; when
 *     nothing has, one empty query (no statement, no table: the server
 *     sends the notices of the commits before it with its answer, so a
 *     commit that returned before the call is always seen). Notices from
 *     this session's own backend are left out, as SQLite's data_version
 *     leaves out its own connection's commits. Every command drains libpq's list,
 *     so a process that never asks piles nothing up. A server that refuses
 *     LISTEN (a hot standby) falls back to the newest event id.
 * 10. One writer at a time, as SQLite's BEGIN IMMEDIATE: a write
 *     transaction (sqpg_begin) first takes the session advisory lock
 *     WRITE_LOCK_KEY, waiting in the server's FIFO lock queue for at most
 *     busy_ms (lock_timeout: 55P03, ST_BUSY, st_tx's retry), and only then
 *     opens its SERIALIZABLE transaction, so its snapshot is taken after
 *     the previous writer's commit; commit and rollback let the lock go.
 *     Why: every transition updates the same counter rows (request_days,
 *     request_status_n: the report's and the queue header's figures), so
 *     concurrent SERIALIZABLE writers failed each other with 40001 and,
 *     with 20-60 officers at once, ran out of retries (bench: 1 and 1047
 *     errors shown). Writes are short (one call, never a keystroke), so
 *     queueing costs less than retrying. Readers never take it. A lost
 *     connection frees it (the server ends the session's locks).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libpq-fe.h>

#include "core/log.h"
#include "core/util.h"
#include "store/schema_pg.h"
#include "store/store_int.h"

/* The advisory lock key schema steps are applied under ("khidma" + 1). */
#define SCHEMA_LOCK_KEY 0x6b6869646d6101LL

/* Invariant 2's backoff between reconnection attempts, and the connect
 * timeout used when neither the URI nor PGCONNECT_TIMEOUT sets one. */
#define BACKOFF_MIN_MS   250
#define BACKOFF_MAX_MS   2000
#define CONNECT_TIMEOUT  "5"

#define INT8OID   20
#define TEXTOID   25
#define FLOAT8OID 701

struct sqpg_conn {
	PGconn  *c;
	store   *s;                /* the store this is the engine of */
	int64_t  changes;          /* rows of the last INSERT/UPDATE/DELETE */
	char     err[512];         /* the last error message */
	bool     offline;          /* the last attempt did not reach the server */
	long long retry_at;        /* no reconnection before (monotonic ms) */
	int      backoff;          /* the current backoff (ms), 0 = none */
	/* invariant 7: opened offline, the open's steps not run yet */
	bool     pending, opening, create;
	int      target;
	char     branch[8];        /* store_opts.branch for the pending open */
	/* invariant 9: store_changed by change notices */
	bool     listening;        /* LISTEN khidma_changed was sent */
	bool     listen_off;       /* LISTEN refused: the newest event id instead */
	bool     notified;         /* another session's change, not yet told */
	bool     write_locked;     /* invariant 10: holds the writers' lock */
	int64_t  last_event;       /* listen_off: the newest event id seen */
};

struct sqpg_stmt {
	char   *sql;               /* with $N placeholders */
	int     nparams;           /* the largest number used */
	char  **names;             /* names[i]: ":name" of $i+1 or NULL */
	bool   *used;              /* used[i]: $i+1 appears in sql */
	char  **vals;              /* bound text (owned) or NULL */
	Oid    *types;
	PGresult *res;
	PGresult *desc;            /* the statement described before a step */
	int     row;               /* the current row, -1 before the first */
};

/* ---- errors --------------------------------------------------------------- */

/* See store_int.h. */
st_rc st_map_pg(const char *sqlstate)
{
	if (!sqlstate || strlen(sqlstate) != 5)
		return ST_OFFLINE;       /* no SQLSTATE: the connection failed */
	if (!strcmp(sqlstate, "40001") || !strcmp(sqlstate, "40P01") ||
	    !strcmp(sqlstate, "55P03"))
		return ST_BUSY;          /* serialization, deadlock, lock: retry */
	if (!strncmp(sqlstate, "08", 2) || !strcmp(sqlstate, "57P01") ||
	    !strcmp(sqlstate, "57P02") || !strcmp(sqlstate, "57P03"))
		return ST_OFFLINE;
	if (!strcmp(sqlstate, "53100"))
		return ST_FULL;
	if (!strcmp(sqlstate, "25006"))
		return ST_READONLY;
	if (!strncmp(sqlstate, "23", 2) || !strncmp(sqlstate, "22", 2))
		return ST_INVALID;       /* constraints, bad data (as SQLite's) */
	if (!strcmp(sqlstate, "42501") || !strncmp(sqlstate, "28", 2))
		return ST_DENIED;        /* privilege, authorization */
	if (!strcmp(sqlstate, "XX001") || !strcmp(sqlstate, "XX002"))
		return ST_CORRUPT;
	return ST_IO;
}

static void set_err(struct sqpg_conn *pc, const char *msg)
{
	size_t n;

	strlcpy_k(pc->err, msg ? msg : "", sizeof pc->err);
	n = strlen(pc->err);
	while (n && (pc->err[n - 1] == '\n' || pc->err[n - 1] == ' '))
		pc->err[--n] = '\0';
}

/* The st_rc of a finished command (res may be NULL: out of memory or no
 * connection); records the message. */
static st_rc result_rc(struct sqpg_conn *pc, PGresult *res)
{
	switch (res ? PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK: case PGRES_TUPLES_OK: case PGRES_EMPTY_QUERY:
		return ST_OK;
	default:
		break;
	}
	set_err(pc, res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c));
	if (PQstatus(pc->c) != CONNECTION_OK)
		return ST_OFFLINE;
	return st_map_pg(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static st_rc session_setup(store *s);
static st_rc open_steps(store *s, bool create, int target, const char *branch,
                        char *err, size_t errsz);

/* After a connection (re)made: the session's settings, and the open's
 * steps when the store was opened offline (invariants 2 and 7). */
static st_rc connected(struct sqpg_conn *pc)
{
	char err[512] = "";
	st_rc r;

	pc->backoff = 0;
	pc->retry_at = 0;
	pc->offline = false;
	pc->s->data_version = -1;    /* store_changed: the screens read again */
	pc->notified = true;         /* invariant 9: the same on a new session */
	PQsetClientEncoding(pc->c, "UTF8");
	pc->opening = true;
	r = session_setup(pc->s);
	if (r == ST_OK && pc->listening && !pc->listen_off)
		r = sqpg_exec(pc->s, "LISTEN khidma_changed");
	if (r == ST_OK && pc->pending &&
	    (r = open_steps(pc->s, pc->create, pc->target,
	                    pc->branch[0] ? pc->branch : NULL, err,
	                    sizeof err)) != ST_OK)
		set_err(pc, err);
	pc->opening = false;
	if (r == ST_OK)
		pc->pending = false;
	else if (r == ST_OFFLINE)
		pc->offline = true;
	return r;
}

/* Invariant 2: before a call, a broken connection gets one PQreset
 * (unless a failed one was too recent); a store opened offline runs the
 * open's steps first (invariant 7). */
static st_rc alive(struct sqpg_conn *pc)
{
	long long now;

	if (pc->opening)
		return PQstatus(pc->c) == CONNECTION_OK ? ST_OK : ST_OFFLINE;
	if (PQstatus(pc->c) == CONNECTION_OK)
		return pc->pending ? connected(pc) : ST_OK;
	now = mono_ms();
	if (now < pc->retry_at) {
		pc->offline = true;
		return ST_OFFLINE;       /* pc->err still says why */
	}
	PQreset(pc->c);
	pc->write_locked = false;        /* invariant 10: the server let it go */
	if (PQstatus(pc->c) == CONNECTION_OK)
		return connected(pc);
	set_err(pc, PQerrorMessage(pc->c));
	pc->offline = true;
	pc->backoff = pc->backoff ? pc->backoff * 2 : BACKOFF_MIN_MS;
	if (pc->backoff > BACKOFF_MAX_MS)
		pc->backoff = BACKOFF_MAX_MS;
	pc->retry_at = mono_ms() + pc->backoff;
	return ST_OFFLINE;
}

/* See store_int.h: a store opened offline learns whether its login is a
 * kiosk's at its first connection (open_steps → st_door_open), so the
 * question connects first rather than answer "no" and let the caller run
 * table SQL the kiosk's login may not. */
bool st_door(store *s)
{
	if (s->pg && s->pg->pending)
		(void)alive(s->pg);      /* offline: stays pending, the call fails */
	return s->door;
}

static void note_changes(struct sqpg_conn *pc, PGresult *res)
{
	const char *tag = PQcmdStatus(res);

	if (!strncmp(tag, "INSERT", 6) || !strncmp(tag, "UPDATE", 6) ||
	    !strncmp(tag, "DELETE", 6) || !strncmp(tag, "MERGE", 5))
		pc->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* Invariant 9: the change notices libpq has read (with any result), ours
 * left out (a session is told of its own commits too). */
static void drain_notifies(struct sqpg_conn *pc)
{
	int me = PQbackendPID(pc->c);
	PGnotify *n;

	while ((n = PQnotifies(pc->c))) {
		if (n->be_pid != me)
			pc->notified = true;
		PQfreemem(n);
	}
}

/* Run one command (params or none); invariant 2's single re-send. */
typedef PGresult *(*run_fn)(PGconn *c, void *ctx);

static st_rc run(struct sqpg_conn *pc, run_fn fn, void *ctx, PGresult **out)
{
	PGresult *res;
	bool idle;
	st_rc r;

	*out = NULL;
	if ((r = alive(pc)) != ST_OK)
		return r;
	idle = PQtransactionStatus(pc->c) == PQTRANS_IDLE;
	res = fn(pc->c, ctx);
	r = result_rc(pc, res);
	if (r == ST_OFFLINE && idle && !pc->opening &&
	    PQstatus(pc->c) != CONNECTION_OK) {
		PQclear(res);
		res = NULL;
		if ((r = alive(pc)) != ST_OK)
			return r;
		res = fn(pc->c, ctx);
		r = result_rc(pc, res);
	}
	drain_notifies(pc);
	if (r == ST_OFFLINE)
		pc->offline = true;
	if (r != ST_OK) {
		PQclear(res);
		return r;
	}
	note_changes(pc, res);
	*out = res;
	return ST_OK;
}

/* ---- placeholders --------------------------------------------------------- */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* At "INDEXED BY name" (any case, any blanks): true and *end after it. */
static bool indexed_by(const char *q, const char **end)
{
	const char *p = q + 7;

	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "BY", 2) || ident_char(p[2]))
		return false;
	p += 2;
	while (isspace((unsigned char)*p))
		p++;
	if (!ident_char(*p))
		return false;
	while (ident_char(*p))
		p++;
	*end = p;
	return true;
}

/* Rewrite `?`, `?N`, `:name` to $N (see the top). ST_INVALID on a number
 * out of range. */
static st_rc rewrite(const char *in, struct sqpg_stmt *p)
{
	size_t n = strlen(in);
	char *out = xmalloc(n * 4 + 16), *o = out;
	int max = 0, cap = 8;
	char **names = xcalloc((size_t)cap, sizeof *names);
	const char *q = in;

	while (*q) {
		char c = *q;

		if (c == '\'' || c == '"') {            /* '…' and "…", doubled = escape */
			*o++ = *q++;
			while (*q) {
				if (*q == c && q[1] == c) {
					*o++ = *q++;
					*o++ = *q++;
				} else if (*q == c) {
					break;
				} else {
					*o++ = *q++;
				}
			}
			if (*q)
				*o++ = *q++;
		} else if (c == '-' && q[1] == '-') {
			while (*q && *q != '\n')
				*o++ = *q++;
		} else if (c == '/' && q[1] == '*') {
			*o++ = *q++;
			*o++ = *q++;
			while (*q && !(q[0] == '*' && q[1] == '/'))
				*o++ = *q++;
			if (*q) {
				*o++ = *q++;
				*o++ = *q++;
			}
		} else if ((q == in || !ident_char(q[-1])) &&
		           !strncasecmp(q, "INDEXED", 7) && !ident_char(q[7]) &&
		           indexed_by(q, &q)) {
			*o++ = ' ';                     /* SQLite's hint: dropped */
		} else if (c == ':' && q[1] == ':') {   /* a PostgreSQL cast */
			*o++ = *q++;
			*o++ = *q++;
		} else if (c == '?' || (c == ':' && (isalpha((unsigned char)q[1]) ||
		                                     q[1] == '_'))) {
			int num = 0;

			if (c == '?' && isdigit((unsigned char)q[1])) {
				long v = strtol(q + 1, (char **)&q, 10);
				if (v < 1 || v > 999)
					goto bad;
				num = (int)v;
			} else if (c == '?') {
				q++;
				num = max + 1;
			} else {
				const char *e = q + 1;
				size_t len;

				while (ident_char(*e))
					e++;
				len = (size_t)(e - q);
				for (int i = 0; i < max && !num; i++)
					if (names[i] && strlen(names[i]) == len &&
					    !strncmp(names[i], q, len))
						num = i + 1;
				if (!num) {
					num = max + 1;
					if (num > 999)
						goto bad;
					if (num > cap) {
						int nc = cap * 2 > num ? cap * 2 : num;
						names = xrealloc(names, (size_t)nc * sizeof *names);
						memset(names + cap, 0, (size_t)(nc - cap) * sizeof *names);
						cap = nc;
					}
					names[num - 1] = xstrndup(q, len);
				}
				q = e;
			}
			if (num > max) {
				if (num > cap) {
					int nc = cap * 2 > num ? cap * 2 : num;
					names = xrealloc(names, (size_t)nc * sizeof *names);
					memset(names + cap, 0, (size_t)(nc - cap) * sizeof *names);
					cap = nc;
				}
				max = num;
			}
			o += sprintf(o, "$%d", num);
		} else {
			*o++ = *q++;
		}
	}
	*o = '\0';
	p->sql = out;
	p->nparams = max;
	p->names = names;
	p->used = xcalloc((size_t)max + 1, sizeof *p->used);
	p->vals = xcalloc((size_t)max + 1, sizeof *p->vals);
	p->types = xcalloc((size_t)max + 1, sizeof *p->types);
	/* which numbers the text names: scan the rewritten text's $N */
	for (const char *s = out; (s = strchr(s, '$')); s++) {
		/* $N inside quotes cannot occur: quotes were copied verbatim
		 * and the input's dialect has no $ outside them */
		if (isdigit((unsigned char)s[1])) {
			long v = strtol(s + 1, NULL, 10);
			if (v >= 1 && v <= max)
				p->used[v - 1] = true;
		}
	}
	return ST_OK;
bad:
	free(out);
	for (int i = 0; i < cap; i++)
		free(names[i]);
	free(names);
	return ST_INVALID;
}

/* ---- sq_* on PostgreSQL ---------------------------------------------------- */

st_rc sqpg_prep(store *s, const char *sql, sq_stmt **out)
{
	struct sqpg_stmt *p = xcalloc(1, sizeof *p);
	sq_stmt *st;
	st_rc r;

	*out = NULL;
	if ((r = rewrite(sql, p)) != ST_OK) {
		free(p);
		return r;
	}
	p->row = -1;
	st = xcalloc(1, sizeof *st);
	st->s = s;
	st->pg = p;
	*out = st;
	return ST_OK;
}

void sqpg_bind(sq_stmt *st, int i, enum sqpg_kind k, const void *v, double d)
{
	struct sqpg_stmt *p = st->pg;
	char buf[64];

	if (i < 1 || i > p->nparams)
		return;                  /* as SQLite: SQLITE_RANGE, ignored */
	free(p->vals[i - 1]);
	p->vals[i - 1] = NULL;
	switch (k) {
	case SQPG_NULL:
		p->types[i - 1] = 0;
		break;
	case SQPG_I64:
		snprintf(buf, sizeof buf, "%" PRId64, *(const int64_t *)v);
		p->vals[i - 1] = xstrdup(buf);
		p->types[i - 1] = INT8OID;
		break;
	case SQPG_DOUBLE:
		snprintf(buf, sizeof buf, "%.17g", d);
		p->vals[i - 1] = xstrdup(buf);
		p->types[i - 1] = FLOAT8OID;
		break;
	case SQPG_TEXT:
		p->vals[i - 1] = xstrdup(v);
		p->types[i - 1] = 0;
		break;
	}
}

int sqpg_param_index(sq_stmt *st, const char *name)
{
	struct sqpg_stmt *p = st->pg;

	for (int i = 0; i < p->nparams; i++)
		if (p->names[i] && !strcmp(p->names[i], name))
			return i + 1;
	return 0;
}

static PGresult *send_params(PGconn *c, void *ctx)
{
	struct sqpg_stmt *p = ctx;

	for (int i = 0; i < p->nparams; i++)
		if (!p->used[i])
			p->types[i] = TEXTOID;   /* named by no $N: no inference */
	return PQexecParams(c, p->sql, p->nparams, p->types,
	                    (const char *const *)p->vals, NULL, NULL, 0);
}

int sqpg_step(sq_stmt *st)
{
	struct sqpg_stmt *p = st->pg;
	st_rc r;

	if (!p->res) {
		if ((r = run(st->s->pg, send_params, p, &p->res)) != ST_OK)
			return (int)r;
		p->row = -1;
	}
	if (PQresultStatus(p->res) != PGRES_TUPLES_OK)
		return SQ_DONE;
	if (p->row + 1 >= PQntuples(p->res)) {
		p->row = PQntuples(p->res);
		return SQ_DONE;
	}
	p->row++;
	return SQ_ROW;
}

const char *sqpg_col(sq_stmt *st, int i)
{
	struct sqpg_stmt *p = st->pg;

	if (!p->res || p->row < 0 || p->row >= PQntuples(p->res) ||
	    i < 0 || i >= PQnfields(p->res) || PQgetisnull(p->res, p->row, i))
		return NULL;
	return PQgetvalue(p->res, p->row, i);
}

int sqpg_col_count(sq_stmt *st)
{
	struct sqpg_stmt *p = st->pg;
	PGresult *d;
	int n;

	if (p->res)
		return PQnfields(p->res);
	if (p->desc)
		return PQnfields(p->desc);
	/* before the first step (export.c asks): describe the statement, and
	 * keep the description for sq_col_name (names stay valid as long as
	 * the statement) */
	if (alive(st->s->pg) != ST_OK)
		return 0;
	if (!(d = PQprepare(st->s->pg->c, "", p->sql, p->nparams, p->types)) ||
	    PQresultStatus(d) != PGRES_COMMAND_OK) {
		PQclear(d);
		return 0;
	}
	PQclear(d);
	d = PQdescribePrepared(st->s->pg->c, "");
	if (!d || PQresultStatus(d) != PGRES_COMMAND_OK) {
		PQclear(d);
		return 0;
	}
	p->desc = d;
	n = PQnfields(d);
	return n;
}

const char *sqpg_col_name(sq_stmt *st, int i)
{
	struct sqpg_stmt *p = st->pg;
	PGresult *d = p->desc ? p->desc : p->res;

	if (!d && sqpg_col_count(st) > 0)
		d = p->desc;
	return d && PQfname(d, i) ? PQfname(d, i) : "";
}

void sqpg_reset(sq_stmt *st)
{
	PQclear(st->pg->res);
	st->pg->res = NULL;
	st->pg->row = -1;
}

void sqpg_clear(sq_stmt *st)
{
	struct sqpg_stmt *p = st->pg;

	for (int i = 0; i < p->nparams; i++) {
		free(p->vals[i]);
		p->vals[i] = NULL;
		p->types[i] = 0;
	}
}

void sqpg_finalize(sq_stmt *st)
{
	struct sqpg_stmt *p = st->pg;

	if (!p)
		return;
	PQclear(p->res);
	PQclear(p->desc);
	for (int i = 0; i < p->nparams; i++) {
		free(p->vals[i]);
		free(p->names[i]);
	}
	free(p->names);
	free(p->vals);
	free(p->types);
	free(p->used);
	free(p->sql);
	free(p);
	st->pg = NULL;
}

static PGresult *send_plain(PGconn *c, void *ctx)
{
	return PQexec(c, ctx);
}

st_rc sqpg_exec(store *s, const char *sql)
{
	PGresult *res;
	st_rc r = run(s->pg, send_plain, (void *)sql, &res);

	PQclear(res);
	return r;
}

/* Invariant 10: the writers' lock (an arbitrary constant: "khid"). */
#define WRITE_LOCK_KEY "1802005860"

static void write_unlock(store *s)
{
	if (!s->pg->write_locked)
		return;
	s->pg->write_locked = false;
	(void)sqpg_exec(s, "SELECT pg_advisory_unlock(" WRITE_LOCK_KEY ")");
}

/* See store_int.h (invariant 10). */
st_rc sqpg_begin(store *s)
{
	char q[160];
	st_rc r;

	if (!s->pg->write_locked) {
		/* one simple query, one implicit transaction: a lock wait that
		 * times out rolls the SET back with it */
		snprintf(q, sizeof q, "SET lock_timeout = %d; SELECT pg_advisory_lock("
		         WRITE_LOCK_KEY "); SET lock_timeout = 0",
		         s->busy_ms > 0 ? s->busy_ms : 10000);
		if ((r = sqpg_exec(s, q)) != ST_OK)
			return r;
		s->pg->write_locked = true;
	}
	if ((r = sqpg_exec(s, "BEGIN ISOLATION LEVEL SERIALIZABLE")) != ST_OK)
		write_unlock(s);
	return r;
}

/* See store_int.h (invariant 10). */
st_rc sqpg_commit(store *s)
{
	st_rc r = sqpg_exec(s, "COMMIT");

	write_unlock(s);
	return r;
}

/* See store_int.h (invariant 10). */
void sqpg_rollback(store *s)
{
	if (sqpg_in_tx(s))
		(void)sqpg_exec(s, "ROLLBACK");
	write_unlock(s);
}

int64_t sqpg_changes(store *s)
{
	return s->pg->changes;
}

bool sqpg_in_tx(store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg->c);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

const char *sqpg_errmsg(store *s)
{
	return s->pg->err;
}

/* See store_int.h (invariant 9). */
bool sqpg_changed(store *s)
{
	struct sqpg_conn *pc = s->pg;
	bool was;

	if (alive(pc) != ST_OK)      /* a reconnection sets notified */
		return false;
	if (pc->listen_off) {        /* a server that refused LISTEN */
		int64_t v = -1;

		if (store_sql_i64(s, "SELECT coalesce(max(id), 0) FROM request_events",
		                  &v) != ST_OK || (v == pc->last_event && !pc->notified))
			return false;
		pc->last_event = v;
		pc->notified = false;
		return true;
	}
	if (!pc->listening) {
		/* the first call: LISTEN (inside a transaction it would wait for
		 * the commit: later) */
		if (PQtransactionStatus(pc->c) != PQTRANS_IDLE)
			return false;
		if (sqpg_exec(s, "LISTEN khidma_changed") != ST_OK) {
			pc->listen_off = true;
			return sqpg_changed(s);
		}
		pc->listening = true;
	} else if (!PQconsumeInput(pc->c)) {   /* what arrived already */
		return false;            /* the next call finds the connection */
	}
	drain_notifies(pc);
	/* nothing yet: an empty query, before whose answer the server sends
	 * the notices of every commit that ended before it was sent */
	if (!pc->notified && PQtransactionStatus(pc->c) == PQTRANS_IDLE)
		(void)sqpg_exec(s, "");
	was = pc->notified;
	pc->notified = false;
	return was;
}

/* ---- opening ---------------------------------------------------------------- */

/* See store_int.h. */
bool st_is_pg_uri(const char *path)
{
	return path && (!strncmp(path, "postgresql://", 13) ||
	                !strncmp(path, "postgres://", 11));
}

static st_rc open_fail(st_rc rc, char *err, size_t errsz, const char *what,
                       const char *detail)
{
	if (err && errsz) {
		char d[400];
		size_t n;

		strlcpy_k(d, detail ? detail : "", sizeof d);
		n = strlen(d);
		while (n && (d[n - 1] == '\n' || d[n - 1] == ' '))
			d[--n] = '\0';
		snprintf(err, errsz, "%s: %s", what, d);
	}
	return rc;
}

/* One text value of a parameterless query; NULL on error or no row. */
static char *query1(store *s, const char *sql)
{
	sq_stmt *st;
	char *v = NULL;

	if (sq_prep(s, sql, &st) != ST_OK)
		return NULL;
	if (sq_step(st) == SQ_ROW)
		v = st_col_dup_null(st, 0);
	sq_finalize(st);
	return v;
}

/* The schema version recorded in khidma_schema (0: none yet), -1 on error,
 * -2 when this role may not read it (the kiosk role: it reaches the data
 * only through the khidma_* functions, and never migrates). */
static int pg_version(store *s)
{
	char *reg = query1(s, "SELECT CASE WHEN to_regprocedure("
	                   "'khidma_schema_version()') IS NOT NULL THEN 'f' WHEN "
	                   "to_regclass('khidma_schema') IS NOT NULL THEN 't' END");
	sq_stmt *st;
	int n = -1, rc;

	if (!reg)
		return 0;
	/* the function first: a kiosk login may read no table (schema_pg.c) */
	rc = sq_prep(s, reg[0] == 'f' ? "SELECT coalesce(khidma_schema_version(), 0)"
	             : "SELECT coalesce(max(version), 0) FROM khidma_schema", &st);
	free(reg);
	if (rc != ST_OK)
		return -1;
	if ((rc = sq_step(st)) == SQ_ROW)
		n = sq_col_int(st, 0);
	else if (rc == ST_DENIED)
		n = -2;
	sq_finalize(st);
	return n;
}

/* See store_int.h. */
int st_pg_version(store *s)
{
	return pg_version(s);
}

/* Apply the schema steps above the recorded version, each in its own
 * transaction under pg_advisory_xact_lock (two processes upgrading at once
 * wait for each other; the second finds the work done). */
static st_rc pg_migrate(store *s, int target, char *err, size_t errsz)
{
	int n = 0;
	const char *const *steps = st_pg_schema(&n);
	char lock[96];

	if (target > n)
		target = n;
	snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)",
	         (long long)SCHEMA_LOCK_KEY);
	for (;;) {
		st_rc r;
		int v;

		if ((r = sq_exec(s, "BEGIN")) != ST_OK ||
		    (r = sq_exec(s, lock)) != ST_OK ||
		    /* the version table once, asked of the catalog under the
		     * lock: no "already exists, skipping" notice (invariant 8) */
		    (r = sq_exec(s, "DO $$ BEGIN IF to_regclass('khidma_schema') IS "
		                 "NULL THEN CREATE TABLE khidma_schema(version integer "
		                 "NOT NULL); END IF; END $$")) != ST_OK) {
			sq_rollback(s);
			return open_fail(r, err, errsz, "schema lock", sq_errmsg(s));
		}
		if ((v = pg_version(s)) < 0) {
			sq_rollback(s);
			return open_fail(ST_IO, err, errsz, "schema version", sq_errmsg(s));
		}
		if (v >= target) {
			sq_rollback(s);
			return ST_OK;
		}
		if ((r = sq_exec(s, steps[v])) != ST_OK) {
			char what[64];
			snprintf(what, sizeof what, "schema step %d", v + 1);
			r = open_fail(r, err, errsz, what, sq_errmsg(s));
			sq_rollback(s);
			return r;
		}
		{
			char rec[96];
			snprintf(rec, sizeof rec, "INSERT INTO khidma_schema(version) "
			         "VALUES (%d)", v + 1);
			if ((r = sq_exec(s, rec)) != ST_OK ||
			    (r = sq_exec(s, "COMMIT")) != ST_OK) {
				r = open_fail(r, err, errsz, "schema version", sq_errmsg(s));
				sq_rollback(s);
				return r;
			}
		}
	}
}

/* Invariant 6: refuse a database whose ctype cannot index Arabic. */
static st_rc check_ctype(store *s, char *err, size_t errsz)
{
	char *ct = query1(s, "SELECT datctype || '|' || datlocprovider::text FROM "
	                  "pg_database WHERE datname = current_database()");
	st_rc r = ST_OK;

	if (!ct)
		return open_fail(ST_IO, err, errsz, "database locale", sq_errmsg(s));
	if ((!strncmp(ct, "C|", 2) || !strncmp(ct, "POSIX|", 6)) &&
	    !strstr(ct, "|i"))
		r = open_fail(ST_INVALID, err, errsz, "database locale",
		              "LC_CTYPE is C/POSIX, so Arabic names cannot be "
		              "searched (pg_trgm drops every Arabic letter); "
		              "create the database with LC_CTYPE C.UTF-8 or an "
		              "ICU locale (CREATE DATABASE … LOCALE 'C.UTF-8' "
		              "TEMPLATE template0)");
	free(ct);
	return r;
}

/* Invariant 8: a notice or warning of the server goes to the log (never
 * to stderr: the console's screen is there) — a WARNING as an error, the
 * rest as information — with its severity. */
static void log_notice(void *arg, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	(void)arg;
	if (!sev)
		sev = "NOTICE";
	if (!strcmp(sev, "WARNING"))
		log_error("postgresql %s: %s", sev, msg ? msg : "");
	else
		log_info("postgresql %s: %s", sev, msg ? msg : "");
}

/* The session's settings, at open and after every reconnection
 * (invariant 2): the server keeps none of them across connections. */
static st_rc session_setup(store *s)
{
	st_rc r;

	if ((r = sq_exec(s, "SET TIME ZONE 'UTC'")) != ST_OK)
		return r;
	if (s->readonly)
		r = sq_exec(s, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
	return r;
}

/* Many branches share the server: the machine's own (store_opts.branch,
 * store.h) over the database's default. */
static st_rc own_branch(store *s, const char *branch, char *err, size_t errsz)
{
	if (!branch)
		return ST_OK;
	if (strlen(branch) != 2 || !isdigit((unsigned char)branch[0]) ||
	    !isdigit((unsigned char)branch[1]))
		return open_fail(ST_INVALID, err, errsz, s->path, "the branch code "
		                 "is not two digits");
	strlcpy_k(s->branch, branch, sizeof s->branch);
	return ST_OK;
}

/* What the open does once connected (and a store opened offline does at
 * its first connection, invariant 7): the locale check, the schema's
 * version and steps, the branch. */
static st_rc open_steps(store *s, bool create, int target, const char *branch,
                        char *err, size_t errsz)
{
	const char *where = s->path;
	st_rc r;
	int v;

	if ((r = check_ctype(s, err, errsz)) != ST_OK)
		return r;
	/* a kiosk's login (no table privilege): no migration, no table read;
	 * the store goes through the khidma_* functions (pg_kiosk.c) */
	{
		char why[400];

		if ((r = st_door_open(s, why, sizeof why)) != ST_OK)
			return open_fail(r, err, errsz, where, why);
		if (s->door)
			return own_branch(s, branch, err, errsz);
	}
	if ((v = pg_version(s)) == -1) {
		r = PQstatus(s->pg->c) != CONNECTION_OK ? ST_OFFLINE : ST_IO;
		return open_fail(r, err, errsz, where, sq_errmsg(s));
	}
	if (v == -2)                 /* a role that may not see the schema */
		return own_branch(s, branch, err, errsz);
	{
		int latest = store_pg_schema_latest();
		if (v > latest)
			return open_fail(ST_TOONEW, err, errsz, where, "the database's "
			                 "schema is newer than this program");
		if (target < 0 || target > latest)
			target = latest;
	}
	if (v < target) {
		if (s->readonly)
			return open_fail(v == 0 ? ST_NOTFOUND : ST_READONLY, err, errsz,
			                 where, v == 0 ? "no khidma schema in this database "
			                 "(run `khidma init`)" : "the schema is older than "
			                 "this program: run `khidma init` to upgrade it");
		if (!create && v == 0)
			return open_fail(ST_NOTFOUND, err, errsz, where, "no khidma schema "
			                 "in this database (run `khidma init`)");
		if ((r = pg_migrate(s, target, err, errsz)) != ST_OK)
			return r;
	}
	if (target >= 1)
		store_meta_get(s, "branch", s->branch, sizeof s->branch);
	return own_branch(s, branch, err, errsz);
}

/* See store_int.h. */
st_rc st_open_pg(const char *uri, const struct store_opts *o, int target,
                 store **out, char *err, size_t errsz)
{
	/* a connect timeout unless the URI (read after it: later keys win) or
	 * the environment sets one; keepalives so a link that drops without
	 * a word is noticed (TCP only) */
	const bool own_timeout = !getenv("PGCONNECT_TIMEOUT");
	const char *const keys[] = { "application_name", "keepalives_idle",
	                             "keepalives_interval", "keepalives_count",
	                             own_timeout ? "connect_timeout" : "dbname",
	                             "dbname", NULL };
	const char *const vals[] = { "khidma", "30", "10", "3",
	                             own_timeout ? CONNECT_TIMEOUT : uri, uri, NULL };
	store *s;
	PGconn *c;
	st_rc r;
	char where[256];
	bool pending = false;

	*out = NULL;
	c = PQconnectdbParams(keys, vals, 1);
	if (!c)
		return open_fail(ST_IO, err, errsz, "postgresql", "out of memory");
	snprintf(where, sizeof where, "postgresql://%s/%s",
	         PQhost(c) && PQhost(c)[0] != '/' ? PQhost(c) : "",
	         PQdb(c) ? PQdb(c) : "");
	if (PQstatus(c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(c);
		r = strstr(m, "password authentication failed") ||
		    strstr(m, "permission denied") || strstr(m, "no pg_hba.conf")
		    ? ST_DENIED : strstr(m, "does not exist") ? ST_NOTFOUND
		    : ST_OFFLINE;
		open_fail(r, err, errsz, where, m);
		if (r != ST_OFFLINE || !o || !o->offline_ok) {
			PQfinish(c);
			return r;
		}
		pending = true;          /* invariant 7: connect on a later call */
	}
	if (!pending)
		PQsetClientEncoding(c, "UTF8");
	PQsetNoticeReceiver(c, log_notice, NULL);
	s = xcalloc(1, sizeof *s);
	s->pg = xcalloc(1, sizeof *s->pg);
	s->pg->c = c;
	s->pg->s = s;
	s->lock_fd = -1;
	s->readonly = o && o->readonly;
	s->busy_ms = (o && o->busy_ms > 0) ? o->busy_ms : 10000;
	strlcpy_k(s->branch, "01", sizeof s->branch);
	s->path = xstrdup(where);
	if (pending) {
		s->pg->pending = true;
		s->pg->offline = true;
		s->pg->create = !o || o->create;
		s->pg->target = target;
		if (o && o->branch)
			strlcpy_k(s->pg->branch, o->branch, sizeof s->pg->branch);
		set_err(s->pg, PQerrorMessage(c));
		s->pg->backoff = BACKOFF_MIN_MS;
		s->pg->retry_at = mono_ms() + BACKOFF_MIN_MS;
		*out = s;
		return ST_OK;
	}
	s->pg->opening = true;
	r = session_setup(s);
	if (r != ST_OK)
		open_fail(r, err, errsz, where, sq_errmsg(s));
	else
		r = open_steps(s, !o || o->create, target, o ? o->branch : NULL, err,
		               errsz);
	s->pg->opening = false;
	if (r != ST_OK)
		goto fail;
	store_changed(s);
	*out = s;
	return ST_OK;
fail:
	st_cache_free(s);
	PQfinish(c);
	free(s->pg);
	free(s->path);
	free(s);
	return r;
}

/* See store.h. */
bool store_offline(store *s)
{
	return s && s->pg && (s->pg->offline || s->pg->pending);
}

/* See store_int.h. */
void st_close_pg(store *s)
{
	st_door_forget(s);       /* a kiosk's kept proof (pg_kiosk.c) */
	PQfinish(s->pg->c);
	free(s->pg);
	s->pg = NULL;
}
