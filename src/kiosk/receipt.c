/*
 * kiosk/receipt — the optional printed receipt: plain text, both languages,
 * piped to the configured receipt_command (e.g. "lp -d kiosk") with popen.
 *
 * Invariants:
 *  1. Every piece of text is passed through text_sanitize: no control or
 *     escape sequence from a stored value reaches the printer.
 *  2. The receipt holds no personal data beyond a masked name and mobile.
 *  3. The command's own output never reaches the kiosk's screen (it goes
 *     to /dev/null) and a command that exits early cannot kill the kiosk
 *     (SIGPIPE is ignored while writing).
 */
#include "kiosk/kiosk.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/log.h"
#include "core/util.h"

static void
add(char **buf, const char *a, const char *b)
{
	char *safe_a = text_sanitize(a ? a : "", a ? strlen(a) : 0);
	char *safe_b = text_sanitize(b ? b : "", b ? strlen(b) : 0);
	char *line = xasprintf("%s%s%s\n", safe_a, *safe_b ? " " : "", safe_b);
	char *joined = xasprintf("%s%s", *buf, line);

	free(*buf);
	*buf = joined;
	free(line);
	free(safe_a);
	free(safe_b);
}

char *
kiosk_receipt_text(const struct request *r)
{
	char *buf = xstrdup("");
	char date[64], g[128], h[128], mob[24], *mn;
	ui_lang keep = ui_get_lang();

	mn = kiosk_mask_name(r->name);
	kiosk_mask_mobile(r->mobile, mob, sizeof mob);
	khidma_datetime(r->created_at, date, sizeof date);
	add(&buf, "جمعية الخدمات الفنية والصيانة التعاونية", "");
	add(&buf, "Technical Services and Maintenance Cooperative Society", "");
	add(&buf, "----------------------------------------", "");
	for (int l = 0; l < 2; l++) {
		ui_set_lang(l == 0 ? LANG_AR : LANG_EN);
		kiosk_date(r->earliest_response, false, g, sizeof g);
		kiosk_date(r->earliest_response, true, h, sizeof h);
		add(&buf, _("Service request receipt"), "");
		add(&buf, _("Reference number:"), r->ref);
		add(&buf, _("Submitted:"), date);
		add(&buf, _("Name:"), mn);
		add(&buf, _("Mobile:"), mob);
		add(&buf, _("Earliest response:"), g);
		add(&buf, "", h);
		add(&buf, _("An officer verifies your data, then the research committee "
		                "studies your request and answers in no less than 14 days."), "");
		add(&buf, _("To follow it, choose \"Track my request\" at the kiosk and type "
		                "this number and the last 4 digits of your mobile."), "");
		add(&buf, "----------------------------------------", "");
	}
	ui_set_lang(keep);
	free(mn);
	return buf;
}

int
kiosk_receipt_print(const char *cmd, const char *text)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	char *full;
	FILE *p;
	size_t len = strlen(text);
	int rc = -1, st;

	if (cmd == NULL || *cmd == '\0')
		return -1;
	/* A subshell, so the command's own redirections (e.g. "cat > file")
	 * still apply: a trailing ">/dev/null" on the bare command would
	 * replace them and silently drop the receipt. */
	full = xasprintf("( %s\n) >/dev/null 2>&1", cmd);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	p = popen(full, "w");
	if (p == NULL) {
		log_error("kiosk: receipt command cannot start: %s", cmd);
		goto out;
	}
	if (fwrite(text, 1, len, p) != len)
		log_error("kiosk: receipt command did not take the receipt");
	st = pclose(p);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		rc = 0;
	else
		log_error("kiosk: receipt command failed (status %d): %s", st, cmd);
out:
	sigaction(SIGPIPE, &old, NULL);
	free(full);
	return rc;
}
