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

#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "workflow/workflow.h"

static int cmd_check_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_check = {
	"check", "check [--audit]",
	"Load and validate the configuration file and the screen definitions\n"
	"(screens/*.conf): every value, string sizes, the rules between settings\n"
	"(idle_warning < idle_timeout, study_days < sla_days, receipt_timeout <\n"
	"confirm_timeout, officer_idle_warning < officer_idle_timeout) and what\n"
	"must exist on this machine (db_group's group, receipt_command's program,\n"
	"the database's directory, the docs). Prints \"ok\", or the errors as\n"
	"file:line: reason and exits 1.\n"
	"With --audit: check instead every request's history in the database\n"
	"against the workflow's rules (one verify by another officer before the\n"
	"committee, no decision by its enterer, verifier or forwarder, none\n"
	"before the earliest-response date without an exception, the quorum,\n"
	"one event per change); prints each request that breaks one and exits 1.",
	cmd_check_exec,
};

/* --audit: wf_audit_request over every request, 256 ids at a time. */
static int
audit(struct app *a)
{
	int64_t ids[256], after = 0;
	long checked = 0, broken = 0;
	int n, rc;
	st_rc r;

	if ((rc = cli_open_db_read(a, "check --audit")) != 0)
		return rc;
	do {
		if ((r = store_request_ids(a->db, after, 256, ids, &n)) != ST_OK)
			return cli_fail("check --audit", "%s", st_rc_name(r));
		for (int i = 0; i < n; i++) {
			struct request req;
			struct request_event *ev = NULL;
			int nev = 0;
			char msg[256];

			after = ids[i];
			if ((r = store_request_get(a->db, ids[i], &req)) != ST_OK ||
			    (r = store_request_events(a->db, ids[i], &ev, &nev)) != ST_OK) {
				request_free(&req);   /* zeroed by a failed get */
				return cli_fail("check --audit", "%s", st_rc_name(r));
			}
			checked++;
			if (wf_audit_request(&req, ev, nev, a->cfg.committee_quorum,
			                     msg, sizeof msg) != 0) {
				printf("%s\n", msg);
				broken++;
			}
			request_events_free(ev, nev);
			request_free(&req);
		}
	} while (n == 256);
	printf("%ld requests checked, %ld break a rule\n", checked, broken);
	return broken ? 1 : 0;
}

static int
cmd_check_exec(struct app *a, int argc, char **argv)
{
	struct config cfg;
	struct screens scr;
	char err[1024], big[8192];
	char *dir;
	int bad = 0;

	if (argc == 2 && strcmp(argv[1], "--audit") == 0)
		return audit(a);
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
