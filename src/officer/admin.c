/*
 * officer/admin — the admin's menu in the console (F1 → A, or A in the
 * queue), so an admin whose SSH account runs `khidma officer` through
 * ForceCommand never needs a shell: officers (admin_officers.c), the
 * catalog (admin_catalog.c), backup now (admin_backup.c) and the reports
 * (reports.c).
 *
 * Invariants:
 *  1. Only an admin reaches it: the queue shows the entry to role admin
 *     only, and this screen refuses any other role. The store refuses the
 *     writes anyway (st_actor_check with ST_ADMIN_ONLY in every account
 *     write, so an admin demoted meanwhile writes nothing: ST_REVOKED).
 *  2. Each entry has one fixed letter (and the letter on the same key of
 *     the Arabic keyboard), as in the queue's F1 menu.
 */
#include "officer/officer_int.h"

#include "core/util.h"

static const struct {
	const char *label;
	wchar_t     key, ar;
} admin_items[] = {
	{ N_("Officers"),   L'O', L'\u062e' },  /* خ */
	{ N_("Catalog"),    L'C', L'\u0624' },  /* ؤ */
	{ N_("Backup now"), L'B', 0 },          /* B is "لا", two letters */
	{ N_("Reports"),    L'R', L'\u0642' },  /* ق */
};

int
oc_admin(struct console *c)
{
	const char *shown[ARRAY_LEN(admin_items)];
	wchar_t keys[ARRAY_LEN(admin_items)], ar[ARRAY_LEN(admin_items)];
	int r = 0, i, sel = 0;

	if (c->me.role != ROLE_ADMIN) {
		ui_status(_("Only an admin can manage officers and backups."), true);
		return UI_REDRAW;
	}
	for (;;) {
		for (i = 0; i < (int)ARRAY_LEN(admin_items); i++) {
			shown[i] = _(admin_items[i].label);
			keys[i] = admin_items[i].key;
			ar[i] = admin_items[i].ar;
		}
		i = oc_pick_keys(N_("Administration"), shown, keys, ar,
		                 (int)ARRAY_LEN(admin_items), sel, &r);
		if (r)
			return r;
		if (i < 0)
			return UI_REDRAW;
		sel = i;
		switch (i) {
		case 0: r = oc_admin_officers(c); break;
		case 1: r = oc_admin_catalog(c); break;
		case 2: r = oc_admin_backup(c); break;
		default: r = oc_reports(c); break;
		}
		if (oc_unwind(r))
			return oc_unwind(r);
	}
}
