/*
 * cli/cmd_branch — `khidma branch add NN --ar NAME --en NAME` and `khidma
 * branch list`: the branches catalog (issue 13; store/branches.c), whose
 * names the queue's branch filter and the report's column per branch show.
 *
 * Invariants:
 *  1. `add` inserts or renames (a branch is never deleted: old requests
 *     keep their prefix); both names are required, cleaned (text_clean)
 *     and checked by the store (two-digit code, 1..CATALOG_NAME_MAX
 *     characters, no control character): a bad value writes nothing and
 *     exits 2 (usage) or 1 (refused by the store).
 *  2. `list` reads only: every branch known, with its names and whether
 *     requests carry it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "store/store.h"
#include "text/text.h"

static int cmd_branch_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_branch = {
	"branch", "branch add NN --ar NAME --en NAME | branch list",
	"The branches catalog: add a branch, or rename one, with its Arabic and\n"
	"English names (add), or list the branches known — the catalog's and\n"
	"those requests carry — with their names (list). The queue's branch\n"
	"filter and the report's column per branch show these names. A branch\n"
	"is never removed.",
	cmd_branch_exec,
};

static int
branch_add(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ar", required_argument, NULL, 'a' },
		{ "en", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ar = NULL, *en = NULL, *code;
	char *car, *cen;
	st_rc rc;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:e:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': ar = optarg; break;
		case 'e': en = optarg; break;
		default:
			return cli_usage_error(&cli_cmd_branch, "unknown option %s",
			                       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(&cli_cmd_branch, "branch add needs the code "
		                       "(two digits, e.g. 02)");
	code = argv[optind];
	if (strlen(code) != 2 || code[0] < '0' || code[0] > '9' ||
	    code[1] < '0' || code[1] > '9')
		return cli_usage_error(&cli_cmd_branch, "the branch code must be "
		                       "two digits (e.g. 02)");
	if (!ar || !en || !*ar || !*en)
		return cli_usage_error(&cli_cmd_branch, "both names are needed: "
		                       "--ar NAME --en NAME");
	if (cli_open_db(a, "branch", false) != 0)
		return 1;
	car = text_clean(ar, strlen(ar), false);
	cen = text_clean(en, strlen(en), false);
	rc = store_branch_set(a->db, code, cen ? cen : "", car ? car : "");
	free(car);
	free(cen);
	if (rc == ST_INVALID)
		return cli_fail("branch", "a name is empty, longer than %d "
		                "characters, or holds a control character",
		                CATALOG_NAME_MAX);
	if (rc != ST_OK)
		return cli_store_fail("branch", "saving the branch", rc, a->db);
	printf("branch %s saved\n", code);
	return 0;
}

static int
branch_list(struct app *a)
{
	struct branch_item *b = NULL;
	int n = 0;
	st_rc rc;

	if (cli_open_db_read(a, "branch") != 0)
		return 1;
	if ((rc = store_branch_list(a->db, &b, &n)) != ST_OK)
		return cli_store_fail("branch", "listing the branches", rc, a->db);
	for (int i = 0; i < n; i++)
		printf("%s%s  %s | %s%s\n", b[i].code,
		       strcmp(b[i].code, store_branch(a->db)) == 0 ? "*" : " ",
		       b[i].name_en[0] ? b[i].name_en : "-",
		       b[i].name_ar[0] ? b[i].name_ar : "-",
		       b[i].has_requests ? "" : "  (no requests yet)");
	if (n == 0)
		printf("no branch\n");
	branch_items_free(b, n);
	return 0;
}

static int
cmd_branch_exec(struct app *a, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return branch_add(a, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return branch_list(a);
	return cli_usage_error(&cli_cmd_branch, "expected add or list");
}
