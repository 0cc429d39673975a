/*
 * cli/emit — see emit.h.
 */
#include "cli/emit.h"

#include <stdint.h>
#include <string.h>

#include <unistr.h>

void
emit_init(struct emit *e, FILE *f, enum emit_format fmt, bool csv_guard)
{
	memset(e, 0, sizeof *e);
	e->f = f;
	e->fmt = fmt;
	e->csv_guard = csv_guard;
}

void
emit_bom(struct emit *e)
{
	fputs("\xEF\xBB\xBF", e->f);
}

void
emit_csv_field(FILE *f, const char *s, bool guard)
{
	size_t n;
	bool quote, formula;

	if (s == NULL)
		return;
	n = strlen(s);
	formula = guard && n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	quote = strpbrk(s, ",;\"\t\r\n") != NULL ||
	        (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
	if (!quote && !formula) {
		fputs(s, f);
		return;
	}
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

bool
emit_is_bidi_control(unsigned long c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

void
emit_json_string(FILE *f, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);
	ucs4_t c;
	int len;

	fputc('"', f);
	while (n > 0) {
		len = u8_mbtoucr(&c, p, n);
		if (len < 0) {                    /* invalid or truncated */
			fputs("\\ufffd", f);
			len = 1;
		} else if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
		} else if (c < 0x20) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			default:   fprintf(f, "\\u%04x", (unsigned)c); break;
			}
		} else if (c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
		           c == 0x2028 || c == 0x2029 || emit_is_bidi_control(c)) {
			fprintf(f, "\\u%04x", (unsigned)c);
		} else {
			fwrite(p, 1, (size_t)len, f);
		}
		p += len;
		n -= (size_t)len;
	}
	fputc('"', f);
}

void
emit_header(struct emit *e, int n, const char *const *names)
{
	if (e->fmt != EMIT_CSV || e->header_done)
		return;
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', e->f);
		emit_csv_field(e->f, names[i], false);
	}
	fputs("\r\n", e->f);
	e->header_done = true;
}

void
emit_row(struct emit *e, int n, const char *const *names,
         const char *const *cells)
{
	int i;

	if (e->fmt == EMIT_CSV) {
		emit_header(e, n, names);
		for (i = 0; i < n; i++) {
			if (i)
				fputc(',', e->f);
			emit_csv_field(e->f, cells[i], e->csv_guard);
		}
		fputs("\r\n", e->f);
	} else {
		fputs(e->rows ? ",\n  {" : "[\n  {", e->f);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", e->f);
			emit_json_string(e->f, names[i]);
			fputs(": ", e->f);
			if (cells[i] == NULL)
				fputs("null", e->f);
			else
				emit_json_string(e->f, cells[i]);
		}
		fputc('}', e->f);
	}
	e->rows++;
}

void
emit_end(struct emit *e)
{
	if (e->fmt == EMIT_JSON)
		fputs(e->rows ? "\n]\n" : "[]\n", e->f);
	fflush(e->f);
}

bool
emit_error(const struct emit *e)
{
	return ferror(e->f) != 0;
}
