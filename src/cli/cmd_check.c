/*
 * cli/cmd_check — `khidma check`: load and validate the configuration file
 * and the screen definitions without the UI, the way a branch checks an
 * edit before restarting the kiosk. Prints "ok", or every error as
 * "file:line: reason" (one per file: the loaders stop at the first).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/util.h"

static int cmd_check_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_check = {
	"check", "check",
	"Load and validate the configuration file and the screen definitions\n"
	"(screens/*.conf). Prints \"ok\", or the errors as file:line: reason and\n"
	"exits 1.",
	cmd_check_exec,
};

static int
cmd_check_exec(struct app *a, int argc, char **argv)
{
	struct config cfg;
	struct screens scr;
	char err[1024];
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
