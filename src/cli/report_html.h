/*
 * cli/report_html — the report as one self-contained HTML page for the
 * board (see report_html.c for the layout and its invariants).
 */
#ifndef KHIDMA_CLI_REPORT_HTML_H
#define KHIDMA_CLI_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "store/report.h"

/*
 * Write r as HTML to f, in Arabic (lang="ar" dir="rtl") or English; the
 * service, channel and question names come from db's catalogs. Switches
 * the gettext language for its labels and restores it. Returns 0, or -1
 * on a write error.
 */
int report_render_html(const struct report *r, store *db, FILE *f, bool arabic);

#endif
