/*
 * sqlite_lock — for tests that need the database locked by another writer
 * (a second kiosk, an import): a child process that holds SQLite's write
 * lock (BEGIN IMMEDIATE) on a database for a while. Shared by the unit
 * tests (test_faults_store) and the e2e tests (test_faults_wait,
 * test_faults_ui); include it after <cmocka.h>.
 *
 * Invariant: hold_lock returns only once the lock is held (the child says
 * so on a pipe), so what the test does next meets a locked database; the
 * child ends the empty transaction and exits by itself after hold_ms, and
 * the caller reaps it (waitpid on the pid returned).
 */
#ifndef KHIDMA_TEST_SQLITE_LOCK_H
#define KHIDMA_TEST_SQLITE_LOCK_H

#include <sqlite3.h>
#include <sys/types.h>
#include <unistd.h>

/* A child holding BEGIN IMMEDIATE on path for hold_ms; returns its pid
 * once the lock is taken (a failed assertion if it cannot be). */
static inline pid_t hold_lock(const char *path, int hold_ms)
{
	int fds[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;

		close(fds[0]);
		if (sqlite3_open(path, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		if (write(fds[1], "L", 1) != 1)
			_exit(1);
		usleep((useconds_t)hold_ms * 1000);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);   /* nothing written */
		sqlite3_close(db);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	return pid;
}

#endif
