/*
 * officer/admin_backup — "Backup now" in the admin's menu: a checked copy
 * of the database into the configured backup_dir, named
 * khidma-YYYYMMDD-HHMMSS.db, through the same code path as `khidma backup
 * FILE` (store_backup_file: copy to a hidden temporary name, quick_check,
 * rename that never replaces a file).
 *
 * Invariants:
 *  1. Admins only (admin.c refuses other roles), and only while the
 *     session still holds (store_session_check first: a disabled or
 *     re-roled admin gets no copy of the members' data).
 *  2. The progress (percent of pages copied) is on the status line while
 *     the copy runs; the result — the file's path and schema version, or
 *     why nothing was written — in a box the admin closes.
 *  3. Logged: "admin X: backup written to PATH" (or its failure).
 */
#include "officer/officer_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/log.h"
#include "core/util.h"

static void
progress(void *ctx, int done, int total)
{
	int *last = ctx, pct = total > 0 ? (int)(100LL * done / total) : 0;
	char line[96];

	if (pct == *last)
		return;
	*last = pct;
	snprintf(line, sizeof line, _("Backing up the database… %d%%"), pct);
	ui_status(line, false);
	ui_flush();
}

/* Why a backup failed, in the admin's language. */
static const char *
failure(const struct store_backup_file *b, st_rc rc)
{
	switch (b->stage) {
	case SB_TMP:
		if (b->err_no == ENOENT || b->err_no == ENOTDIR)
			return _("The backup directory does not exist. Nothing was written.");
		if (b->err_no == ENOSPC)
			return _("The disk of the backup directory is full. Nothing was written.");
		return _("No file can be created in the backup directory (permissions?). Nothing was written.");
	case SB_CHECK:
		return _("The copy failed its check: the database may be damaged. Nothing was written; run `khidma check`.");
	case SB_PUBLISH:
		if (b->err_no == EEXIST)
			return _("A backup with this name exists already. Try again in a second.");
		return _("The copy could not be put in place. Nothing was written.");
	default:
		return rc == ST_FULL
		     ? _("The disk of the backup directory is full. Nothing was written.")
		     : _("The copy failed. Nothing was written.");
	}
}

int
oc_admin_backup(struct console *c)
{
	const char *dir = c->a->cfg.backup_dir;
	struct store_backup_file b = { 0 };
	char stamp[32], *dest, *msg;
	time_t now = khidma_now();
	struct stat sb;
	struct tm tm;
	int last = -1;
	st_rc rc;

	if (dir == NULL || dir[0] == '\0') {
		ui_message(_("Backup now"), _("No backup directory is configured: set backup_dir in khidma.conf."), false);
		return UI_REDRAW;
	}
	if ((rc = store_session_check(c->db)) != ST_OK) {     /* invariant 1 */
		ui_status(oc_store_error(rc), true);
		return UI_REDRAW;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	dest = xasprintf("%s/khidma-%s.db", dir, stamp);
	b.dest = dest;
	b.progress = progress;
	b.ctx = &last;
	ui_status(_("Backing up the database…"), false);
	ui_flush();
	rc = store_backup_file(c->db, &b);
	ui_status("", false);
	if (rc == ST_OK) {
		long long kb = stat(dest, &sb) == 0 ? (long long)sb.st_size / 1024 : 0;

		log_security("admin %s: backup written to %s (schema version %d)",
		             c->me.login, dest, b.version);
		msg = xasprintf(_("Backup written and checked:\n%s\n(%lld KiB, schema version %d)"),
		                dest, kb, b.version);
	} else {
		log_error("admin %s: backup to %s failed: %s%s%s", c->me.login, dest,
		          st_rc_name(rc), b.err[0] ? ": " : "", b.err);
		msg = xstrdup(failure(&b, rc));
	}
	if (ui_message(_("Backup now"), msg, false) == ACT_IDLE) {
		free(msg);
		free(dest);
		return UI_HOME;
	}
	free(msg);
	free(dest);
	return UI_REDRAW;
}
