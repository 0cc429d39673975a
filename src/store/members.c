/*
 * store/members — the imported member register.
 *
 * An import never holds the write lock for long (issue 15, finding 8: a
 * 300 000-row import held it ~9.4 s and every kiosk submit waited) and is
 * still all or nothing. It builds the new register beside the old one and
 * swaps them in one short transaction:
 *
 *   begin   tx: claim the import (meta 'import_owner'); txs: empty and
 *               drop a members_stage / members_old left by a dead import;
 *           tx: create members_stage like members (derived from
 *               sqlite_schema, indexes under alternate names)
 *           txs: copy members into it, CHUNK_ROWS / CHUNK_MS at a time
 *   member  upsert into members_stage inside a chunk transaction, committed
 *           every CHUNK_ROWS rows or CHUNK_MS ms, then CHUNK_GAP_MS without
 *           the lock so a waiting writer (a kiosk) gets it
 *   commit  tx (foreign_keys off and legacy_alter_table on, on this
 *           connection, so no other table's REFERENCES is rewritten):
 *           RENAME members TO members_old, RENAME members_stage TO members,
 *           release the claim; then txs: empty members_old by chunks, drop it
 *   abort   txs: empty members_stage by chunks, drop it, release the claim
 *
 * The chunks commit with synchronous=NORMAL (in WAL mode a power cut may
 * lose the last chunks, never corrupt the file: the stage is scratch until
 * the swap), the swap with synchronous=FULL, which makes every frame
 * before it durable too.
 *
 * Invariants:
 *  1. A member row keeps its id for ever: every row of members is copied
 *     with its id before any imported row is applied, and import updates
 *     by membership number (UPSERT), never DELETE + INSERT, so
 *     requests.member_id links (a foreign key) stay valid across the swap.
 *     Only an import writes members, and only one import runs at a time
 *     (the claim: a live owner → ST_BUSY), so nothing changes members
 *     between the copy and the swap.
 *  2. All or nothing: readers (kiosk, console) see members as it was
 *     until the swap transaction commits, then the whole new register.
 *     An import that fails, is aborted or killed leaves members untouched;
 *     a killed one leaves members_stage (or, killed after the swap,
 *     members_old) and its claim, which the next import (seeing the owner
 *     dead) drops.
 *  3. No transaction of an import holds the write lock longer than about
 *     CHUNK_MS plus one COMMIT: the swap is two schema renames, whatever
 *     the size of the register; the old pages are freed by chunks after
 *     it — measured in bench/results.md ("Import vs kiosk").
 *  4. The national-ID index is members_nid or members_nid_b (it alternates
 *     with each import); code and migrations must not name it.
 *
 * On PostgreSQL (issue 13) none of the staging is needed: MVCC already
 * gives invariant 2 to one transaction, and a long transaction blocks no
 * reader and no kiosk (nothing but an import writes members). So there:
 * begin = BEGIN + LOCK TABLE members IN EXCLUSIVE MODE NOWAIT (a second
 * import → ST_BUSY; readers go on) + the admin check; member = the same
 * UPSERT into members itself, inside a savepoint so a refused row
 * (ST_INVALID) does not abort the transaction; commit = COMMIT; abort =
 * ROLLBACK. Invariant 1 holds (UPSERT by number, never DELETE).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store_int.h"

void member_free(struct member *m)
{
	if (!m)
		return;
	free(m->name);
	memset(m, 0, sizeof *m);
}

static st_rc member_where(store *s, const char *col, const char *text,
                          int64_t id, struct member *out)
{
	char sql[160];
	sq_stmt *st;
	st_rc r;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT id, number, name, national_id, mobile, "
	         "category FROM members WHERE %s = ? ORDER BY id LIMIT 1", col);
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	if (text)
		sq_bind_text(st, 1, text);
	else
		sq_bind_i64(st, 1, id);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		out->id = sq_col_i64(st, 0);
		st_col_copy(st, 1, out->number, sizeof out->number);
		out->name = st_col_dup(st, 2);
		st_col_copy(st, 3, out->national_id, sizeof out->national_id);
		st_col_copy(st, 4, out->mobile, sizeof out->mobile);
		st_col_copy(st, 5, out->category, sizeof out->category);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* The register entry with national ID nid (the oldest when several). */
st_rc store_member_by_national_id(store *s, const char *nid, struct member *out)
{
	return member_where(s, "national_id", nid ? nid : "", 0, out);
}

st_rc store_member_by_number(store *s, const char *number, struct member *out)
{
	return member_where(s, "number", number ? number : "", 0, out);
}

st_rc store_member_get(store *s, int64_t id, struct member *out)
{
	return member_where(s, "id", NULL, id, out);
}

/* ---- the staged import (see the top comment) ----------------------------- */

enum { CHUNK_ROWS = 4000, CHUNK_MS = 40, CHUNK_GAP_MS = 4 };

static const char STAGE[] = "members_stage";

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void gap(void)
{
	struct timespec t = { 0, CHUNK_GAP_MS * 1000000L };

	nanosleep(&t, NULL);
}

static st_rc exec(store *s, const char *sql)
{
	return sq_exec(s, sql);
}

static st_rc end_tx(store *s, st_rc r)
{
	if (r == ST_OK)
		r = exec(s, "COMMIT");
	if (!!sq_in_tx(s))
		sq_rollback(s);
	return r;
}

/* The process start time (field 22 of /proc/PID/stat), 0 when unknown. */
static unsigned long long proc_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		       "%*s %*s %*s %*s %*s %llu", &t);
	fclose(f);
	return t;
}

/* Our claim: "PID START". */
static void owner_text(char *buf, size_t n)
{
	snprintf(buf, n, "%ld %llu", (long)getpid(), proc_start((long)getpid()));
}

/* True when the claim's process is still running (invariant 1). */
static bool owner_alive(const char *claim)
{
	long pid = 0;
	unsigned long long start = 0, now;

	if (sscanf(claim, "%ld %llu", &pid, &start) < 1 || pid <= 0)
		return false;
	if (kill((pid_t)pid, 0) != 0 && errno != EPERM)
		return false;
	now = proc_start(pid);
	return start == 0 || now == 0 || now == start;   /* pid reused: dead */
}

/* One text value of a query with one text parameter (NULL: none). */
static char *query_text(store *s, const char *sql, const char *arg)
{
	sq_stmt *st;
	char *v = NULL;

	if (st_prep(s, sql, &st) != ST_OK)
		return NULL;
	if (arg)
		sq_bind_text(st, 1, arg);
	if (sq_step(st) == SQ_ROW && !sq_col_null(st, 0))
		v = st_col_dup(st, 0);
	sq_finalize(st);
	return v;
}

/* sql with the object named after `keyword` (CREATE TABLE / ON), quoted
 * or not, replaced by `name`. NULL when the keyword is not there. */
static char *rename_after(const char *sql, const char *keyword, const char *name)
{
	size_t kl = strlen(keyword);
	const char *p, *q;

	for (p = sql; *p; p++)
		if (strncasecmp(p, keyword, kl) == 0)
			break;
	if (!*p)
		return NULL;
	p += kl;
	while (*p == ' ')
		p++;
	if (*p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		q = strchr(p + 1, close);
		if (!q)
			return NULL;
		q++;
	} else {
		for (q = p; *q && *q != ' ' && *q != '(' && *q != '\n'; q++)
			;
	}
	return xasprintf("%.*s%s%s", (int)(p - sql), sql, name, q);
}

/* Create members_stage and its indexes like members' (invariant 4). */
static st_rc create_stage(store *s)
{
	sq_stmt *st;
	char *sql = query_text(s, "SELECT sql FROM sqlite_schema WHERE type = 'table' "
	                          "AND name = 'members'", NULL);
	char *ddl;
	st_rc r;

	if (!sql)
		return ST_IO;
	ddl = rename_after(sql, "CREATE TABLE", STAGE);
	free(sql);
	if (!ddl)
		return ST_IO;
	r = exec(s, ddl);
	free(ddl);
	if (r != ST_OK)
		return r;
	if (st_prep(s, "SELECT name, sql FROM sqlite_schema WHERE "
	                       "type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL", &st) != ST_OK)
		return ST_IO;
	while (r == ST_OK && sq_step(st) == SQ_ROW) {
		const char *name = (const char *)sq_col_text(st, 0);
		const char *isql = (const char *)sq_col_text(st, 1);
		size_t nl = strlen(name);
		char *alt = nl > 2 && strcmp(name + nl - 2, "_b") == 0
		            ? xasprintf("%.*s", (int)(nl - 2), name) : xasprintf("%s_b", name);
		char *a = rename_after(isql, "INDEX", alt);
		char *b = a ? rename_after(a, " ON ", STAGE) : NULL;

		r = b ? exec(s, b) : ST_IO;
		free(alt);
		free(a);
		free(b);
	}
	sq_finalize(st);
	return r;
}

/* The first transaction: claim, clean up, create the stage. */
static st_rc begin_body(store *s)
{
	char mine[64], *claim;
	st_rc r;

	/* officers.c invariant 3: an import is an admin write */
	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	claim = query_text(s, "SELECT value FROM meta WHERE key = 'import_owner'", NULL);
	if (claim && owner_alive(claim)) {
		free(claim);
		return ST_BUSY;          /* another import is running */
	}
	free(claim);
	owner_text(mine, sizeof mine);
	{
		sq_stmt *st;

		if (st_prep(s, "INSERT INTO meta(key, value) "
		                       "VALUES ('import_owner', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st) != ST_OK)
			return ST_IO;
		sq_bind_text(st, 1, mine);
		r = st_done(st);
		sq_finalize(st);
	}
	return r;
}

/* Copy members into the stage, ids kept, one short transaction a chunk. */
static st_rc copy_members(store *s)
{
	int64_t last = 0;
	sq_stmt *st = NULL;
	st_rc r = ST_OK;

	for (;;) {
		int changed;

		if ((r = st_begin_retry(s)) != ST_OK)
			return r;
		if (st_prep(s, "INSERT INTO members_stage SELECT * FROM "
		                       "members WHERE id > ?1 ORDER BY id LIMIT ?2", &st) != ST_OK)
			return end_tx(s, ST_IO);
		sq_bind_i64(st, 1, last);
		sq_bind_i64(st, 2, CHUNK_ROWS);
		r = st_done(st);
		sq_finalize(st);
		changed = sq_changes(s);
		if (r == ST_OK && changed > 0) {
			char *m = query_text(s, "SELECT max(id) FROM members_stage", NULL);
			last = m ? atoll(m) : last;
			free(m);
		}
		if ((r = end_tx(s, r)) != ST_OK || changed < CHUNK_ROWS)
			return r;
		gap();
	}
}

/* Empty table t (members_stage, members_old) by chunks, then drop it:
 * no transaction frees more than CHUNK_ROWS rows (invariant 3). */
static st_rc drop_chunked(store *s, const char *t)
{
	char *del = xasprintf("DELETE FROM %s WHERE rowid IN (SELECT rowid FROM %s "
	                      "LIMIT %d)", t, t, CHUNK_ROWS);
	char *drop = xasprintf("DROP TABLE IF EXISTS %s", t);
	char *exists = query_text(s, "SELECT name FROM sqlite_schema WHERE type = "
	                             "'table' AND name = ?", t);
	st_rc r = ST_OK;

	while (exists && r == ST_OK) {
		int n;

		if ((r = st_begin_retry(s)) != ST_OK)
			break;
		r = exec(s, del);
		n = sq_changes(s);
		if ((r = end_tx(s, r)) != ST_OK || n < CHUNK_ROWS)
			break;
		gap();
	}
	if (r == ST_OK && (r = st_begin_retry(s)) == ST_OK)
		r = end_tx(s, exec(s, drop));
	free(exists);
	free(del);
	free(drop);
	return r;
}

static void drop_stage(store *s)
{
	char mine[64];
	sq_stmt *st;

	owner_text(mine, sizeof mine);
	drop_chunked(s, STAGE);
	exec(s, "PRAGMA synchronous=FULL");
	if (st_begin_retry(s) != ST_OK)
		return;                 /* left for the next import (invariant 2) */
	if (st_prep(s, "DELETE FROM meta WHERE key = 'import_owner' "
	                       "AND value = ?", &st) == ST_OK) {
		sq_bind_text(st, 1, mine);
		sq_step(st);
		sq_finalize(st);
	}
	end_tx(s, ST_OK);
}

/* Start the import (ST_BUSY after the retry budget, or while another
 * import runs). */
st_rc store_import_begin(store *s)
{
	st_rc r;

	if (s->readonly)
		return ST_READONLY;
	if (s->in_import)
		return ST_INVALID;
	if (sq_dialect(s) == SQ_PG) {
		if ((r = sq_exec(s, "BEGIN")) == ST_OK &&
		    (r = sq_exec(s, "LOCK TABLE members IN EXCLUSIVE MODE NOWAIT")) == ST_OK)
			r = st_actor_check(s, NULL, ST_ADMIN_ONLY);
		if (r != ST_OK) {
			sq_rollback(s);
			return r;
		}
		s->in_import = true;
		s->import_rows = 0;
		return ST_OK;
	}
	if ((r = st_begin_retry(s)) != ST_OK)
		return r;
	if ((r = end_tx(s, begin_body(s))) != ST_OK)
		return r;
	/* ours now: what a dead import left, then a fresh stage */
	exec(s, "PRAGMA synchronous=NORMAL");
	if ((r = drop_chunked(s, "members_old")) != ST_OK ||
	    (r = drop_chunked(s, STAGE)) != ST_OK ||
	    (r = st_begin_retry(s)) != ST_OK ||
	    (r = end_tx(s, create_stage(s))) != ST_OK ||
	    (r = copy_members(s)) != ST_OK) {
		drop_stage(s);
		return r;
	}
	s->in_import = true;
	s->import_rows = 0;
	return ST_OK;
}

/* Insert or update one member by membership number, into the stage. */
st_rc store_import_member(store *s, const struct member *m)
{
	sq_stmt *st;
	st_rc r;

	if (!s->in_import)
		return ST_INVALID;
	if (!m->name || !m->name[0] || !m->number[0] || !st_utf8_ok(m->name) ||
	    !st_utf8_ok(m->number))
		return ST_INVALID;
	if (sq_dialect(s) == SQ_PG) {
		if ((r = sq_exec(s, "SAVEPOINT member")) != ST_OK)
			return r;
	} else if (!sq_in_tx(s)) {  /* a new chunk */
		if ((r = st_begin_retry(s)) != ST_OK)
			return r;
		s->import_chunk_t0 = now_ms();
		s->import_rows = 0;
	}
	if ((r = st_prep(s, sq_dialect(s) == SQ_PG ?
	                 "INSERT INTO members(number, name, national_id, mobile, "
	                 "category) VALUES (?,?,?,?,?) ON CONFLICT(number) DO UPDATE "
	                 "SET name = excluded.name, national_id = excluded.national_id, "
	                 "mobile = excluded.mobile, category = excluded.category" :
	                 "INSERT INTO members_stage(number, name, national_id, mobile, "
	                 "category) VALUES (?,?,?,?,?) ON CONFLICT(number) DO UPDATE "
	                 "SET name = excluded.name, national_id = excluded.national_id, "
	                 "mobile = excluded.mobile, category = excluded.category",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, m->number);
	sq_bind_text(st, 2, m->name);
	sq_bind_text(st, 3, m->national_id);
	sq_bind_text(st, 4, m->mobile);
	sq_bind_text(st, 5, m->category);
	r = st_done(st);
	sq_finalize(st);
	if (sq_dialect(s) == SQ_PG) {
		st_rc e = sq_exec(s, r == ST_OK ? "RELEASE SAVEPOINT member"
		                  : "ROLLBACK TO SAVEPOINT member");
		return r == ST_OK || r == ST_INVALID ? (e != ST_OK ? e : r) : r;
	}
	if (r != ST_OK && r != ST_INVALID)
		return r;                /* the caller aborts */
	/* invariant 3: the chunk ends by rows or by time */
	if (++s->import_rows >= CHUNK_ROWS || now_ms() - s->import_chunk_t0 >= CHUNK_MS) {
		st_rc c = end_tx(s, ST_OK);

		if (c != ST_OK)
			return c;
		gap();
	}
	return r;
}

/* Swap the stage in (invariant 2); on failure nothing changed. */
st_rc store_import_commit(store *s)
{
	char mine[64];
	sq_stmt *st;
	st_rc r;

	if (!s->in_import)
		return ST_INVALID;
	if (sq_dialect(s) == SQ_PG) {
		s->in_import = false;
		if ((r = sq_commit(s)) != ST_OK)
			sq_rollback(s);
		return r;
	}
	if (!!sq_in_tx(s) && (r = end_tx(s, ST_OK)) != ST_OK) {
		store_import_abort(s);
		return r;
	}
	owner_text(mine, sizeof mine);
	/* the renames must not touch requests' REFERENCES members(id) */
	exec(s, "PRAGMA synchronous=FULL");
	exec(s, "PRAGMA foreign_keys=OFF");
	exec(s, "PRAGMA legacy_alter_table=ON");
	r = st_begin_retry(s);
	if (r == ST_OK) {
		/* still ours (a claim taken over means we were thought dead) */
		char *claim = query_text(s, "SELECT value FROM meta WHERE key = "
		                            "'import_owner'", NULL);
		if (!claim || strcmp(claim, mine) != 0)
			r = ST_BUSY;
		free(claim);
	}
	if (r == ST_OK)
		r = exec(s, "ALTER TABLE members RENAME TO members_old");
	if (r == ST_OK)
		r = exec(s, "ALTER TABLE members_stage RENAME TO members");
	if (r == ST_OK && st_prep(s, "DELETE FROM meta WHERE key = "
	                                     "'import_owner'", &st) == ST_OK) {
		r = st_done(st);
		sq_finalize(st);
	}
	r = end_tx(s, r);
	exec(s, "PRAGMA legacy_alter_table=OFF");
	s->in_import = false;
	if (r != ST_OK) {
		exec(s, "PRAGMA foreign_keys=ON");
		drop_stage(s);
		return r;
	}
	/* the old register's pages, by chunks (foreign keys still off: its
	 * rows are not what requests refer to any more) */
	exec(s, "PRAGMA synchronous=NORMAL");
	drop_chunked(s, "members_old");
	exec(s, "PRAGMA synchronous=FULL");
	exec(s, "PRAGMA foreign_keys=ON");
	return ST_OK;
}

void store_import_abort(store *s)
{
	if (!s->in_import)
		return;
	if (!!sq_in_tx(s))
		sq_rollback(s);
	s->in_import = false;
	if (sq_dialect(s) != SQ_PG)   /* PostgreSQL: the rollback was all */
		drop_stage(s);
}
