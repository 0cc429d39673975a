/*
 * libFuzzer target for the members CSV importer: the input is written to a
 * file and imported with the real command (`khidma members import FILE`,
 * cli_cmd_members.exec: libcsv in strict mode, the header mapping and the
 * row validation of cli/import_row, one store transaction) into a database
 * on /dev/shm (a tmpfs: fsync is free, so the fuzzer runs at speed).
 *
 * Checked beyond "no crash, no sanitizer report":
 *  1. the command returns 0 or 1 (never 2: the arguments are right);
 *  2. every member it stored is clean: number 1..31 bytes, name valid
 *     UTF-8 with no C0/C1 control, DEL or bidi control, national ID 10
 *     digits starting 1 or 2 with a valid Luhn digit, mobile empty or
 *     05XXXXXXXX, category member|supporter|volunteer;
 *  3. when it returns 1 nothing was stored (all or nothing).
 * The members table is emptied after each input.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/validate.h"
#include "text/text.h"

static struct app app;
static char dir[64], csv[96], dbp[96];

static void cleanup(void)
{
	char p[128];

	store_close(app.db);
	app.db = NULL;
	unlink(csv);
	unlink(dbp);
	snprintf(p, sizeof p, "%s-wal", dbp);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbp);
	unlink(p);
	rmdir(dir);
}

static void setup(void)
{
	struct store_opts o = { .create = true };
	char err[256];

	snprintf(dir, sizeof dir, "/dev/shm/khidma-fuzz-csv-%d", (int)getpid());
	if (access("/dev/shm", W_OK) != 0)
		snprintf(dir, sizeof dir, "/tmp/khidma-fuzz-csv-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		abort();
	snprintf(csv, sizeof csv, "%s/in.csv", dir);
	snprintf(dbp, sizeof dbp, "%s/f.db", dir);
	unlink(dbp);
	if (store_open(dbp, &o, &app.db, err, sizeof err) != ST_OK) {
		fprintf(stderr, "fuzz_csv: %s\n", err);
		abort();
	}
	app.db_path = dbp;
	atexit(cleanup);
}

static bool bad_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!text_valid_utf8(s, strlen(s)))
		return true;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return true;
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return true;
		if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0xAA && p[2] <= 0xAE) ||
		                                     p[2] == 0x8E || p[2] == 0x8F))
			return true;
		if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
			return true;
		if (p[0] == 0xD8 && p[1] == 0x9C)
			return true;
	}
	return false;
}

static int check_members(void)
{
	sqlite3 *db = store_db(app.db);
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT number, name, national_id, mobile, category "
	                       "FROM members", -1, &st, NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *num = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *nid = (const char *)sqlite3_column_text(st, 2);
		const char *mob = (const char *)sqlite3_column_text(st, 3);
		const char *cat = (const char *)sqlite3_column_text(st, 4);

		if (!num || !*num || strlen(num) > 31 || bad_text(num))
			abort();
		if (!name || !*name || bad_text(name))
			abort();
		if (!nid || strlen(nid) != 10 || (nid[0] != '1' && nid[0] != '2') ||
		    strspn(nid, "0123456789") != 10 || !luhn_valid(nid))
			abort();
		if (!mob || (*mob && (strlen(mob) != 10 || strncmp(mob, "05", 2) != 0 ||
		                      strspn(mob, "0123456789") != 10)))
			abort();
		if (!cat || (strcmp(cat, "member") && strcmp(cat, "supporter") &&
		             strcmp(cat, "volunteer")))
			abort();
		n++;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "DELETE FROM members", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "members", "import", csv, NULL };
	int fd, saved1, saved2, devnull, rc, n;

	if (!app.db)
		setup();
	fd = open(csv, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	/* the command reports on stdout/stderr: keep the fuzzer's log readable */
	fflush(stdout);
	fflush(stderr);
	saved1 = dup(1);
	saved2 = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	dup2(devnull, 2);
	rc = cli_cmd_members.exec(&app, 3, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved1, 1);
	dup2(saved2, 2);
	close(saved1);
	close(saved2);
	close(devnull);
	if (rc != 0 && rc != 1) {
		fprintf(stderr, "fuzz_csv: exit status %d\n", rc);
		abort();
	}
	n = check_members();
	if (rc == 1 && n != 0) {
		fprintf(stderr, "fuzz_csv: failed import stored %d members\n", n);
		abort();
	}
	return 0;
}
