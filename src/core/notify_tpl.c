/*
 * core/notify_tpl — see notify_tpl.h. The GSM 03.38 tables are written
 * out here (basic set and the extension table reached through ESC).
 */
#include "core/notify_tpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/util.h"

const char *const notify_events[] = {
	"received", "needs_info", "accepted", "rejected", "registered",
	"delivered", NULL
};

static const struct { const char *event; const char *names; } allowed[] = {
	{ "received", " ref date " }, { "needs_info", " ref text " },
	{ "accepted", " ref " }, { "rejected", " ref text " },
	{ "registered", " ref " }, { "delivered", " ref code " },
};

bool notify_tpl_allowed(const char *event, const char *name)
{
	char key[40];

	if (strlen(name) > 30 || strchr(name, ' '))
		return false;
	snprintf(key, sizeof key, " %s ", name);
	for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
		if (strcmp(allowed[i].event, event) == 0)
			return strstr(allowed[i].names, key) != NULL;
	return false;
}

int notify_tpl_check(const char *event, const char *tpl, char *err, size_t errsz)
{
	for (const char *p = tpl; *p; p++) {
		const char *end;
		char name[32];

		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] != '(' || !(end = strstr(p, ")s")) || end - p - 2 >= (long)sizeof name ||
		    end - p - 2 <= 0) {
			snprintf(err, errsz, "a %% must start a placeholder %%(name)s or be "
			         "written %%%%");
			return -1;
		}
		snprintf(name, sizeof name, "%.*s", (int)(end - p - 2), p + 2);
		if (!notify_tpl_allowed(event, name)) {
			snprintf(err, errsz, "unknown placeholder %%(%.31s)s for the event "
			         "\"%s\"", name, event);
			return -1;
		}
		p = end + 1;
	}
	return 0;
}

/* GSM 03.38: the basic set (ESC left out) and the extension table. */
static const char gsm_basic[] =
	"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
static const char gsm_ext[] = "\f^{}\\[~]|€";

static bool in_set(const char *set, ucs4_t c)
{
	const uint8_t *p = (const uint8_t *)set;
	ucs4_t d;
	int n;

	while (*p && (n = u8_mbtouc(&d, p, u8_strlen(p))) > 0) {
		if (d == c)
			return true;
		p += n;
	}
	return false;
}

int notify_sms_units(const char *utf8, int *units, bool *ucs2)
{
	const uint8_t *p = (const uint8_t *)utf8;
	size_t left = strlen(utf8);
	int gsm = 0, u16 = 0;
	bool is_gsm = true;
	ucs4_t c;
	int n;

	while (left > 0 && (n = u8_mbtouc(&c, p, left)) > 0) {
		u16 += c > 0xFFFF ? 2 : 1;
		if (is_gsm) {
			if (in_set(gsm_basic, c))
				gsm += 1;
			else if (in_set(gsm_ext, c))
				gsm += 2;
			else
				is_gsm = false;
		}
		p += n;
		left -= (size_t)n;
	}
	*ucs2 = !is_gsm;
	*units = is_gsm ? gsm : u16;
	return is_gsm ? 160 : 70;
}

/* tpl with the values, text cut to `text_chars` characters (-1: whole),
 * the cut marked with `mark`. */
static char *fill(const char *tpl, const struct notify_vals *v, long text_chars,
                  const char *mark)
{
	size_t cap = strlen(tpl) + 64, len = 0;
	char *out = xmalloc(cap);

	for (const char *p = tpl; *p; p++) {
		const char *val = NULL, *end;
		char one[2] = { *p, 0 };
		char *cut = NULL;

		if (*p == '%' && p[1] == '%') {
			val = "%";
			p++;
		} else if (*p == '%' && p[1] == '(' && (end = strstr(p, ")s"))) {
			size_t nl = (size_t)(end - p - 2);
			const char *name = p + 2;

			if (nl == 3 && !strncmp(name, "ref", 3))
				val = v->ref;
			else if (nl == 4 && !strncmp(name, "date", 4))
				val = v->date;
			else if (nl == 4 && !strncmp(name, "code", 4))
				val = v->code;
			else if (nl == 4 && !strncmp(name, "text", 4)) {
				val = v->text;
				if (val && text_chars >= 0 &&
				    (long)u8_mbsnlen((const uint8_t *)val, strlen(val)) > text_chars) {
					/* the first characters and the mark */
					const uint8_t *q = (const uint8_t *)val;
					long k = 0, keep = text_chars - (long)strlen(mark == NULL ? "" : mark);
					ucs4_t c;
					int n;

					if (strcmp(mark, "…") == 0)
						keep = text_chars - 1;
					while (k < keep &&
					       (n = u8_mbtouc(&c, q, strlen((const char *)q))) > 0) {
						q += n;
						k++;
					}
					cut = xasprintf("%.*s%s", (int)((const char *)q - val), val, mark);
					val = text_chars > 0 ? cut : "";
				}
			}
			p = end + 1;
		} else {
			val = one;
		}
		if (!val)
			val = "";
		while (len + strlen(val) + 1 > cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, val, strlen(val));
		len += strlen(val);
		free(cut);
	}
	out[len] = '\0';
	return out;
}

char *notify_render(const char *tpl, const struct notify_vals *v, bool sms)
{
	char *s = fill(tpl, v, -1, "");
	const char *mark;
	long chars;
	int units, lim;
	bool ucs2;

	if (!sms)
		return s;
	lim = notify_sms_units(s, &units, &ucs2);
	if (units <= lim)
		return s;
	free(s);
	/* "…" is not GSM-7: a message in GSM-7 is cut with "..." */
	mark = ucs2 ? "…" : "...";
	/* cut the text until the message fits (each step re-counts: a cut
	 * may also change the encoding) */
	chars = v->text ? (long)u8_mbsnlen((const uint8_t *)v->text, strlen(v->text)) : 0;
	while (chars > 0) {
		chars -= chars > 40 ? 8 : 1;
		if (chars < 0)
			chars = 0;
		s = fill(tpl, v, chars, mark);
		lim = notify_sms_units(s, &units, &ucs2);
		if (units <= lim)
			return s;
		free(s);
	}
	return NULL;
}
