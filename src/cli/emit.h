/*
 * cli/emit — writing tables out: CSV (RFC 4180) and JSON (an array of
 * objects), one row at a time, for `khidma export` and `khidma report
 * --format csv`.
 *
 * Invariants:
 *  1. CSV: fields joined by ',', records end in CRLF (RFC 4180); a field is
 *     quoted when it holds ',', ';', '"', TAB, CR or LF or starts/ends with a
 *     space (';' and TAB: spreadsheets set to split on them), and '"' is
 *     doubled inside quotes. The header row is written even when no row
 *     follows (emit_header), so an empty table still names its columns.
 *  2. CSV cells from people (names, descriptions) are data, never formulas:
 *     a cell starting with = + - @ TAB or CR gets a leading apostrophe
 *     (OWASP "CSV injection"), when emit_csv_guard is on.
 *  3. JSON: RFC 8259 strings: '"', '\\' and every control character
 *     escaped (\n \r \t \b \f, else \u00XX), DEL and the C1 controls
 *     U+0080–U+009F, U+2028/U+2029 and the bidi controls (ALM, LRM, RLM,
 *     LRE…RLO U+202A–U+202E, isolates U+2066–U+2069) as \uXXXX, so a
 *     viewer neither obeys nor hides them (the value parses back the same),
 *     invalid UTF-8 replaced by U+FFFD, so the output always parses.
 *     A NULL cell is JSON null; every other value is a string.
 *  4. Output errors are sticky: emit_error() tells after the fact.
 *  5. CSV cells never carry terminal controls (`khidma export` writes to
 *     stdout, often a terminal): every C0 control but TAB and LF (which
 *     only occur inside a quoted cell, invariant 1), CR, DEL, the C1
 *     controls, U+2028/U+2029, the bidi controls of invariant 3 and any
 *     invalid UTF-8 byte become U+FFFD, one for one. Unlike JSON, CSV has
 *     no escape, so such a character does not come back.
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
/* The CSV header row now, unless written already (for an empty table);
 * nothing for JSON. emit_row writes it before the first row by itself. */
void emit_header(struct emit *e, int n, const char *const *names);
/* U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069 (invariant 3). */
bool emit_is_bidi_control(unsigned long c);
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
