/*
 * cli/emit — writing tables out: CSV (RFC 4180) and JSON (an array of
 * objects), one row at a time, for `khidma export` and `khidma report
 * --format csv`.
 *
 * Invariants:
 *  1. CSV: fields joined by ',', records end in CRLF (RFC 4180); a field is
 *     quoted when it holds ',', '"', CR or LF or starts/ends with a space,
 *     and '"' is doubled inside quotes.
 *  2. CSV cells from people (names, descriptions) are data, never formulas:
 *     a cell starting with = + - @ TAB or CR gets a leading apostrophe
 *     (OWASP "CSV injection"), when emit_csv_guard is on.
 *  3. JSON: RFC 8259 strings: '"', '\\' and every control character
 *     escaped (\n \r \t \b \f, else \u00XX), U+2028/U+2029 escaped too,
 *     invalid UTF-8 replaced by U+FFFD, so the output always parses.
 *     A NULL cell is JSON null; every other value is a string.
 *  4. Output errors are sticky: emit_error() tells after the fact.
 */
#ifndef KHIDMA_CLI_EMIT_H
#define KHIDMA_CLI_EMIT_H

#include <stdbool.h>
#include <stdio.h>

enum emit_format { EMIT_CSV = 0, EMIT_JSON };

struct emit {
	FILE *f;
	enum emit_format fmt;
	bool csv_guard;        /* invariant 2 */
	bool header_done;
	long rows;
};

void emit_init(struct emit *e, FILE *f, enum emit_format fmt, bool csv_guard);
/* The UTF-8 byte-order mark (for Excel). */
void emit_bom(struct emit *e);
/* One row; names are the column names (CSV header written before row 1). */
void emit_row(struct emit *e, int n, const char *const *names,
              const char *const *cells);
/* Close the document (JSON "]"; a CSV/JSON with no rows still gets its
 * framing: "[]" for JSON). */
void emit_end(struct emit *e);
/* True when a write failed. */
bool emit_error(const struct emit *e);

/* Low-level, exposed for the report's CSV renderer and for tests. */
void emit_csv_field(FILE *f, const char *s, bool guard);
void emit_json_string(FILE *f, const char *s);

#endif
