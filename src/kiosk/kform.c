/*
 * kiosk/kform — the kiosk's forms: a ui_form (src/ui/ui_form.c) built from
 * a form_def of screens/forms.conf, with the options of catalog choices
 * (service types, channels) read from the store here, since src/ui never
 * reads it.
 *
 * Invariants:
 *  1. Only active catalog items are offered, in the catalog's sort order
 *     (store_catalog_list), with both languages' names.
 *  2. A catalog that cannot be read gives an empty choice (logged by the
 *     store), never a half-built form.
 */
#include "kiosk/kiosk.h"

#include <stdlib.h>

#include "core/util.h"

static void
load_catalog(struct ui_form *f, int i, store *db)
{
	struct catalog_item *ci = NULL;
	const char **codes, **en, **ar;
	int n = 0;

	if (store_catalog_list(db, f->it[i].def->catalog, false, &ci, &n) != ST_OK)
		n = 0;
	codes = xcalloc((size_t)n + 1, sizeof *codes);
	en = xcalloc((size_t)n + 1, sizeof *en);
	ar = xcalloc((size_t)n + 1, sizeof *ar);
	for (int j = 0; j < n; j++) {
		codes[j] = ci[j].code;
		en[j] = ci[j].name_en;
		ar[j] = ci[j].name_ar;
	}
	ui_form_set_options(f, i, n, codes, en, ar);
	catalog_items_free(ci, n);
	free(codes);
	free(en);
	free(ar);
}

/* Contract: see kiosk.h. */
void
kform_init(struct ui_form *f, const struct form_def *def, store *db)
{
	ui_form_init(f);
	kform_add_fields(f, def, db);
}

/* Contract: see kiosk.h. */
void
kform_add_fields(struct ui_form *f, const struct form_def *def, store *db)
{
	int first = f->n;

	ui_form_add_fields(f, def);
	for (int i = first; i < f->n; i++)
		if (f->it[i].is_choice && f->it[i].def && f->it[i].def->catalog)
			load_catalog(f, i, db);
}
