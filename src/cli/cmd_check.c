/*
 * cli/cmd_check — `khidma check`: load and validate the configuration file
 * and the screen definitions without the UI, the way a branch checks an
 * edit before restarting the kiosk. Prints "ok", or every error as
 * "file:line: reason": the loaders stop at their first (a bad value, a
 * string over its cap, a broken cross-field rule such as idle_warning ≥
 * idle_timeout — core/config.c); a configuration that loads is then
 * checked against this machine (config_check: db_group, receipt_command,
 * the database's directory, the docs), every problem reported.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/util.h"

static int cmd_check_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_check = {
	"check", "check",
	"Load and validate the configuration file and the screen definitions\n"
	"(screens/*.conf): every value, string sizes, the rules between settings\n"
	"(idle_warning < idle_timeout, study_days < sla_days, receipt_timeout <\n"
	"confirm_timeout) and what must exist on this machine (db_group's group,\n"
	"receipt_command's program, the database's directory, the docs). Prints\n"
	"\"ok\", or the errors as file:line: reason and exits 1.",
	cmd_check_exec,
};

static int
cmd_check_exec(struct app *a, int argc, char **argv)
{
	struct config cfg;
	struct screens scr;
	char err[1024], big[8192];
	char *dir;
	int bad = 0;

	if (argc > 1)
		return cli_usage_error(&cli_cmd_check, "unexpected argument \"%s\"",
		                       argv[1]);
	/* Read the configuration again: main may have kept defaults. */
	config_defaults(&cfg);
	if (config_load(&cfg, a->cfg.path, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		bad = 1;
	} else if (config_check(&cfg, big, sizeof big) > 0) {
		fprintf(stderr, "%s\n", big);   /* every problem, one a line */
		bad = 1;
	}
	config_free(&cfg);

	dir = a->cfg.screens_dir ? xstrdup(a->cfg.screens_dir)
	                         : xasprintf("%s/screens", khidma_datadir());
	if (screens_load(dir, &scr, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		bad = 1;
	} else {
		screens_free(&scr);
	}
	free(dir);
	if (bad)
		return 1;
	printf("ok\n");
	return 0;
}
