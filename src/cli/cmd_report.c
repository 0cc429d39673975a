/*
 * cli/cmd_report — `khidma report [--format text|csv|html] [--since D]
 * [--until D]`: the figures of store/report.h, as text with bar charts for
 * a terminal or a printer, as one CSV table for a spreadsheet, or as one
 * self-contained HTML page for the board (cli/report_html; in the language
 * of --lang, Arabic right to left by default; a browser prints it to PDF). The SLA
 * and the per-officer threshold come from the configuration (sla_days,
 * report_min_n — the latter never below 30).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/report_html.h"
#include "store/report.h"

static int cmd_report_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_report = {
	"report", "report [--format text|csv|html] [--since YYYY-MM-DD] [--until YYYY-MM-DD]",
	"Print the service report: requests by status and service type, the\n"
	"overdue list, processing times (median, 90th percentile), satisfaction\n"
	"per question and per channel month by month (distribution, mean, CSAT\n"
	"with its 95% Wilson interval) and per officer where at least\n"
	"report_min_n (>= 30) responses exist. --since and --until bound the\n"
	"period by the day a request was received or a survey answered (both\n"
	"days included). --format html writes one self-contained page (CSS bar\n"
	"charts, no external files) in the language of --lang (Arabic, right to\n"
	"left, by default) for the board; a browser prints it or saves it as PDF.",
	cmd_report_exec,
};

static int
cmd_report_exec(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "since",  required_argument, NULL, 's' },
		{ "until",  required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_opts o;
	struct report *r = NULL;
	struct winsize ws;
	const char *format = "text";
	int c, width = 80, rc;
	st_rc e;

	memset(&o, 0, sizeof o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:s:u:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 's':
		case 'u':
			if (!cli_parse_date(optarg, c == 's' ? &o.since : &o.until))
				return cli_usage_error(&cli_cmd_report, "%s wants "
				                       "YYYY-MM-DD, not \"%s\"",
				                       c == 's' ? "--since" : "--until",
				                       optarg);
			break;
		default:
			return cli_usage_error(&cli_cmd_report, "bad option %s",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_report, "unexpected argument \"%s\"",
		                       argv[optind]);
	if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "html"))
		return cli_usage_error(&cli_cmd_report, "--format text, csv or html");
	if (o.until)
		o.until += 86400;                /* the --until day is included */
	if (o.since && o.until && o.until <= o.since)
		return cli_usage_error(&cli_cmd_report, "--until is before --since");
	o.sla_days = a->cfg.sla_days;
	o.min_n = a->cfg.report_min_n;
	if (cli_open_db_read(a, "report") != 0)
		return 1;
	if ((e = report_build(a->db, &o, &r)) != ST_OK)
		return cli_store_fail("report", "reading the figures", e, a->db);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 60)
		width = ws.ws_col;
	rc = strcmp(format, "csv") == 0 ? report_render_csv(r, stdout)
	   : strcmp(format, "html") == 0 ? report_render_html(r, a->db, stdout, a->lang != 1)
	   : report_render_text(r, stdout, width);
	report_free(r);
	if (rc != 0)
		return cli_fail("report", "write error");
	return 0;
}
