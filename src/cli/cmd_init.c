/*
 * cli/cmd_init — `khidma init [--branch NN]`: create the database or upgrade
 * it to the current schema, seed (upsert) the catalog from screens/, and set
 * the branch code used in reference numbers. Safe to run again: every step
 * is idempotent.
 */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "store/report.h"

static int cmd_init_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_init = {
	"init", "init [--branch NN]",
	"Create the database, or upgrade it to this version's schema, seed the\n"
	"catalog (service types, channels, survey questions) from screens/ and,\n"
	"with --branch, set the two-digit branch code used in reference numbers.\n"
	"On a PostgreSQL URI, first prints and applies the database roles\n"
	"khidma_kiosk, khidma_officer and khidma_admin and their grants.\n"
	"Prints the schema version. Running it again is harmless.",
	cmd_init_exec,
};

/* Load screens/ unless main already did. Returns 0 or 1 (printed). */
static int
ensure_screens(struct app *a)
{
	char err[512];
	char *dir;
	int rc;

	if (a->scr.dir != NULL)
		return 0;
	dir = a->cfg.screens_dir ? xstrdup(a->cfg.screens_dir)
	                         : xasprintf("%s/screens", khidma_datadir());
	rc = screens_load(dir, &a->scr, err, sizeof err);
	free(dir);
	if (rc != 0)
		return cli_fail("init", "%s", err);
	return 0;
}

static bool
valid_branch(const char *b)
{
	return strlen(b) == 2 && b[0] >= '0' && b[0] <= '9' &&
	       b[1] >= '0' && b[1] <= '9';
}

static int
cmd_init_exec(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "branch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *branch = NULL;
	st_rc rc;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': branch = optarg; break;
		default:
			return cli_usage_error(&cli_cmd_init, "unknown option %s",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_init, "unexpected argument \"%s\"",
		                       argv[optind]);
	if (branch && !valid_branch(branch))
		return cli_usage_error(&cli_cmd_init,
		                       "the branch code must be two digits (e.g. 01)");
	if (ensure_screens(a) != 0)
		return 1;
	/* PostgreSQL (issue 13): the schema and the roles of least privilege,
	 * printed (to be read, kept, or run again by hand) and applied */
	if (a->db_path && store_uri_is_pg(a->db_path)) {
		char err[512] = "";

		printf("%s", store_pg_roles_sql());
		if ((rc = store_pg_roles_apply(a->db_path, err, sizeof err)) != ST_OK)
			return cli_fail("init", "database roles: %s: %s", st_rc_name(rc), err);
		printf("-- applied: roles khidma_kiosk, khidma_officer, khidma_admin\n");
		fflush(stdout);
	}
	if (cli_open_db(a, "init", true) != 0)
		return 1;
	if ((rc = app_seed_catalog(a)) != ST_OK)
		return cli_store_fail("init", "seeding the catalog", rc, a->db);
	if ((rc = report_ensure_indexes(a->db)) != ST_OK)
		return cli_store_fail("init", "checking the report indexes", rc,
		                      a->db);
	if (branch && (rc = store_meta_set(a->db, "branch", branch)) != ST_OK)
		return cli_store_fail("init", "setting the branch code", rc, a->db);
	printf("database %s: schema version %d, branch %s\n", a->db_path,
	       store_schema_version(a->db), store_branch(a->db));
	return 0;
}
