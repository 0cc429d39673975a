/*
 * cli/cmd_backup — `khidma backup FILE`: a consistent copy of the live
 * database with SQLite's online backup API (store_backup), safe while
 * kiosks and officers keep writing. Refuses to overwrite an existing file.
 * The live database is opened read-only without the opening quick_check
 * (cli_open_db_read; the backup API copies pages as they are); the copy is
 * then opened read-only WITH PRAGMA quick_check before success is reported,
 * so damage in the live file fails the backup (policy: store/db.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static int cmd_backup_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_backup = {
	"backup", "backup FILE",
	"Write a consistent copy of the database to FILE (SQLite online backup:\n"
	"officers and kiosks may keep working). FILE must not exist. The copy is\n"
	"checked (quick_check) before the command reports success.",
	cmd_backup_exec,
};

static int
cmd_backup_exec(struct app *a, int argc, char **argv)
{
	struct store_opts o = { .readonly = true };
	struct stat sb;
	char err[512] = "";
	store *copy = NULL;
	st_rc rc;

	if (argc != 2)
		return cli_usage_error(&cli_cmd_backup, argc < 2 ?
		                       "missing FILE" : "too many arguments");
	if (lstat(argv[1], &sb) == 0)
		return cli_fail("backup", "%s exists: refusing to overwrite it",
		                argv[1]);
	if (errno != ENOENT)
		return cli_fail("backup", "%s: %s", argv[1], strerror(errno));
	if (cli_open_db_read(a, "backup") != 0)
		return 1;
	rc = store_backup(a->db, argv[1], err, sizeof err);
	if (rc != ST_OK)
		return cli_fail("backup", "%s: %s%s%s", argv[1], st_rc_name(rc),
		                *err ? ": " : "", err);
	rc = store_open(argv[1], &o, &copy, err, sizeof err);
	if (rc != ST_OK)
		return cli_fail("backup", "the copy %s does not check: %s%s%s",
		                argv[1], st_rc_name(rc), *err ? ": " : "", err);
	printf("backup written to %s (schema version %d)\n", argv[1],
	       store_schema_version(copy));
	store_close(copy);
	return 0;
}
