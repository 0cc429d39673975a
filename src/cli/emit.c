/*
 * cli/emit — see emit.h.
 */
#include "cli/emit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "core/util.h"

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

/* The characters a CSV cell never carries raw (invariant 5): the same set
 * emit_json_string escapes, less TAB and LF, which a quoted cell keeps. */
static bool
csv_unsafe(ucs4_t c)
{
	if (c == '\t' || c == '\n')
		return false;
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	       c == 0x2028 || c == 0x2029 || emit_is_bidi_control(c);
}

/* s with every csv_unsafe character and every invalid byte replaced by
 * U+FFFD (one for one); NULL when s needs no change. malloc'd. */
static char *
csv_clean(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), o = 0;
	char *r = NULL;
	ucs4_t c;
	int len;

	while (n > 0) {
		len = u8_mbtoucr(&c, p, n);
		if (len < 0 || csv_unsafe(c)) {
			if (r == NULL) {
				/* each unsafe unit is >= 1 byte, U+FFFD is 3 */
				r = xmalloc(3 * strlen(s) + 1);
				o = (size_t)((const char *)p - s);
				memcpy(r, s, o);
			}
			memcpy(r + o, "\xEF\xBF\xBD", 3);
			o += 3;
			if (len < 0)
				len = 1;
		} else if (r != NULL) {
			memcpy(r + o, p, (size_t)len);
			o += (size_t)len;
		}
		p += len;
		n -= (size_t)len;
	}
	if (r != NULL)
		r[o] = '\0';
	return r;
}

void
emit_csv_field(FILE *f, const char *s, bool guard)
{
	size_t n;
	bool quote, formula;
	char *clean;

	if (s == NULL)
		return;
	clean = csv_clean(s);
	if (clean != NULL)
		s = clean;
	n = strlen(s);
	formula = guard && n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
	quote = strpbrk(s, ",;\"\t\r\n") != NULL ||
	        (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
	if (!quote && !formula) {
		fputs(s, f);
		free(clean);
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
	free(clean);
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
