/*
 * store/export — plain-row exports (for CSV writers) and online backups.
 *
 * Invariants:
 *  1. An export is one read statement, so it sees one consistent snapshot
 *     (WAL) while kiosks keep writing; rows come in id order and the header
 *     (column names) is passed with every row.
 *  2. Survey exports carry less than the table holds: no visitor (the
 *     table names none), no officer (the credited logins feed only the
 *     report's per-officer figures, from report_min_n responses up), no
 *     request; the day (the 1st of its month), channel, service (when the
 *     response was linked), comment; answers are one cell "code=score;…".
 *  2a. Event exports carry the event's kind (submitted, verify, forward,
 *     vote_accept, vote_reject, exception, note, match, …): a vote or an
 *     exception does not change the status, so from/to alone cannot tell
 *     it from a note, nor an accepting vote from a rejecting one. It is
 *     the last column, so readers by position keep working.
 *  3. A backup goes to a NEW file, created 0600 before SQLite opens it, and
 *     is copied with sqlite3_backup_step in small steps so writers are never
 *     blocked for long; a failed backup removes the partial file and its
 *     -journal/-wal/-shm. The finished copy is switched to
 *     journal_mode=DELETE: one self-contained file, no -wal/-shm beside it
 *     (a writer that opens a restored copy turns WAL on again). Naming,
 *     checking and renaming the copy into place: store_backup_file
 *     (store/backup.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store_int.h"

#define BACKUP_PAGES 128

static const char export_requests[] =
	"SELECT id, ref, created_at, status, category, name, national_id, mobile, "
	"email, member_number, member_id, service, channel, description, "
	"declared_at, signature, declaration_version, declared_by, "
	"earliest_response, assigned_to, decision_reason, field_match, version, "
	"updated_at FROM requests WHERE created_at >= ? ORDER BY id";
static const char export_events[] =
	"SELECT e.id, e.request_id, r.ref, e.at, e.who, e.from_status, "
	"e.to_status, e.note, e.kind FROM request_events e JOIN requests r ON "
	"r.id = e.request_id WHERE e.at >= ? ORDER BY e.id";
static const char export_surveys[] =
	"SELECT s.id, s.day, s.channel, s.service, s.comment, "
	"(SELECT string_agg(question || '=' || score, ';') FROM "
	"(SELECT question, score FROM survey_answers a WHERE a.response_id = s.id "
	"ORDER BY question) AS qa) AS answers "
	"FROM survey_responses s WHERE s.day >= ? ORDER BY s.id";

static const char *export_sql(const char *what)
{
	if (!what)
		return NULL;
	if (strcmp(what, "requests") == 0)
		return export_requests;
	if (strcmp(what, "events") == 0)
		return export_events;
	if (strcmp(what, "surveys") == 0)
		return export_surveys;
	return NULL;
}

/* See store.h: fn once, cols NULL. */
st_rc store_export_columns(store *s, const char *what, store_row_fn fn,
                           void *ctx)
{
	const char *sql = export_sql(what), **names;
	sq_stmt *st;
	int ncols;
	st_rc r;

	if (!sql || !fn)
		return ST_INVALID;
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	ncols = sq_col_count(st);
	names = xcalloc((size_t)ncols, sizeof *names);
	for (int i = 0; i < ncols; i++)
		names[i] = sq_col_name(st, i);
	fn(ctx, ncols, names, NULL);
	sq_finalize(st);
	free(names);
	return ST_OK;
}

/* See store.h. ST_INVALID for an unknown `what`; ST_OK also when fn stopped
 * early. */
st_rc store_export(store *s, const char *what, time_t since, store_row_fn fn,
                   void *ctx)
{
	const char *sql;
	const char **names = NULL, **cols = NULL;
	sq_stmt *st;
	int ncols, rc;
	st_rc r;

	if (!(sql = export_sql(what)) || !fn)
		return ST_INVALID;
	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)since);
	ncols = sq_col_count(st);
	names = xcalloc((size_t)ncols, sizeof *names);
	cols = xcalloc((size_t)ncols, sizeof *cols);
	for (int i = 0; i < ncols; i++)
		names[i] = sq_col_name(st, i);
	while ((rc = sq_step(st)) == SQ_ROW) {
		for (int i = 0; i < ncols; i++) {
			const char *t = sq_col_text(st, i);
			cols[i] = t ? (const char *)t : "";
		}
		if (fn(ctx, ncols, names, cols) != 0) {
			rc = SQ_DONE;
			break;
		}
	}
	r = sq_map(rc);
	sq_finalize(st);
	free(names);
	free(cols);
	return r;
}

/* See store.h. dest must not exist yet. */
st_rc store_backup(store *s, const char *dest, char *err, size_t errsz)
{
	return st_backup_copy(s, dest, NULL, NULL, err, errsz);
}

/* See store_int.h: store_backup with a progress call after each step. */
st_rc st_backup_copy(store *s, const char *dest,
                     void (*progress)(void *ctx, int done, int total),
                     void *ctx, char *err, size_t errsz)
{
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	st_rc r = ST_OK;
	int fd, rc, waits = 0;

	if (err && errsz)
		err[0] = '\0';
	if (!s->db) {            /* PostgreSQL: the server's own tools */
		if (err && errsz)
			snprintf(err, errsz, "%s: a PostgreSQL database is backed up "
			         "on the server (pg_dump -Fc, or base backups: "
			         "docs/deploy/multi-branch.md), not by khidma backup", dest);
		return ST_INVALID;
	}
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = errno == ENOENT ? ST_NODIR : errno == EEXIST ? ST_INVALID
		    : errno == EACCES || errno == EROFS ? ST_READONLY
		    : errno == ENOSPC ? ST_FULL : ST_IO;
		if (err && errsz)
			snprintf(err, errsz, "%s: %s", dest, strerror(errno));
		return r;
	}
	if (fchmod(fd, 0600) != 0)
		r = ST_IO;
	close(fd);
	if (r != ST_OK)
		goto fail;
	rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		r = st_map(rc) == ST_OK ? ST_IO : st_map(rc);
		goto fail;
	}
	b = sqlite3_backup_init(to, "main", s->db, "main");
	if (!b) {
		r = st_map(sqlite3_errcode(to));
		goto fail;
	}
	do {
		rc = sqlite3_backup_step(b, BACKUP_PAGES);
		if (progress && rc == SQLITE_OK)
			progress(ctx, sqlite3_backup_pagecount(b) -
			         sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b));
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
		    ++waits * 20 > s->busy_ms)
			break;
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			struct timespec ts = { 0, 20 * 1000000L };
			nanosleep(&ts, NULL);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	if (rc != SQ_DONE) {
		sqlite3_backup_finish(b);
		r = st_map(rc) == ST_OK ? ST_IO : st_map(rc);
		goto fail;
	}
	rc = sqlite3_backup_finish(b);
	if (rc != SQLITE_OK) {
		r = st_map(rc) == ST_OK ? ST_IO : st_map(rc);
		goto fail;
	}
	/* The pages carry the live file's WAL mark: make the copy a
	 * self-contained rollback-mode file (invariant 3), so nothing opens a
	 * -wal/-shm beside it. */
	rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		r = st_map(rc) == ST_OK ? ST_IO : st_map(rc);
		goto fail;
	}
	if (sqlite3_close(to) != SQLITE_OK) {
		to = NULL;
		r = ST_IO;
		goto fail;
	}
	return ST_OK;
fail:
	if (err && errsz && !err[0])
		snprintf(err, errsz, "%s: backup failed: %s", dest,
		         to ? sqlite3_errmsg(to) : st_rc_name(r));
	sqlite3_close(to);
	unlink(dest);
	for (int i = 0; i < 3; i++) {
		static const char *const sfx[] = { "-journal", "-wal", "-shm" };
		char *p = xasprintf("%s%s", dest, sfx[i]);
		unlink(p);
		free(p);
	}
	return r;
}
