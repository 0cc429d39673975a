/*
 * cli/import_row — see import_row.h. Header names are compared as search
 * keys (text_search_key: case, hamza forms, harakat and tatweel folded),
 * with spaces, '-' and '/' taken as '_', so "Membership Number",
 * "membership-number" and "رقم العضويّة" all name the same column.
 */
#include "cli/import_row.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/validate.h"
#include "text/text.h"

#include <unictype.h>
#include <unistr.h>

static const char *const aliases[IC__COUNT][10] = {
	[IC_NUMBER]   = { "membership_number", "member_number", "membership_no",
	                  "number", "member_no", "رقم العضوية", "رقم العضو",
	                  "العضوية", NULL },
	[IC_NAME]     = { "name", "full_name", "member_name", "الاسم", "اسم",
	                  "الاسم الكامل", "اسم العضو", NULL },
	[IC_NID]      = { "national_id", "nid", "id_number", "iqama",
	                  "national_id_or_iqama", "رقم الهوية", "الهوية",
	                  "رقم الاقامة", "رقم الهوية/الاقامة", NULL },
	[IC_MOBILE]   = { "mobile", "mobile_number", "phone", "جوال", "الجوال",
	                  "رقم الجوال", "الهاتف", "رقم الهاتف", NULL },
	[IC_CATEGORY] = { "category", "type", "membership_type", "الفئة",
	                  "الفيه", "الصفة", "النوع", "نوع العضوية", NULL },
};

static const char *const col_names[IC__COUNT] = {
	"membership_number", "name", "national_id", "mobile", "category",
};

/* The comparable form of a header name (malloc'd), or NULL (bad UTF-8). */
static char *
header_key(const char *s, size_t n)
{
	char *clean, *key, *p;

	if ((clean = text_clean(s, n, false)) == NULL)
		return NULL;
	key = text_search_key(clean);
	free(clean);
	if (key == NULL)
		return NULL;
	for (p = key; *p; p++)
		if (*p == ' ' || *p == '-' || *p == '/')
			*p = '_';
	return key;
}

static int
match_column(const char *key)
{
	char *ak;
	int c, i, found = -1;

	for (c = 0; c < IC__COUNT && found < 0; c++)
		for (i = 0; aliases[c][i] && found < 0; i++) {
			ak = header_key(aliases[c][i], strlen(aliases[c][i]));
			if (ak && strcmp(ak, key) == 0)
				found = c;
			free(ak);
		}
	return found;
}

int
import_header_parse(struct import_header *h, int n, const char *const *cells,
                    const size_t *lens, char *why, size_t whysz)
{
	char *key;
	int i, c;

	memset(h, 0, sizeof *h);
	for (c = 0; c < IC__COUNT; c++)
		h->col[c] = -1;
	h->ncols = n;
	for (i = 0; i < n; i++) {
		if ((key = header_key(cells[i], lens[i])) == NULL) {
			snprintf(why, whysz, "header: column %d is not valid UTF-8", i + 1);
			goto fail;
		}
		c = match_column(key);
		if (c < 0) {
			if (h->nunknown < (int)ARRAY_LEN(h->unknown)) {
				h->unknown[h->nunknown] = i;
				h->unknown_names[h->nunknown++] = text_sanitize(cells[i], lens[i]);
			}
		} else if (h->col[c] >= 0) {
			snprintf(why, whysz, "header: the %s column is named twice "
			         "(columns %d and %d)", col_names[c], h->col[c] + 1, i + 1);
			free(key);
			goto fail;
		} else {
			h->col[c] = i;
		}
		free(key);
	}
	for (c = IC_NUMBER; c <= IC_NID; c++)
		if (h->col[c] < 0) {
			snprintf(why, whysz, "header: no %s column (the first row must "
			         "name the columns: membership_number, name, national_id, "
			         "mobile, category)", col_names[c]);
			goto fail;
		}
	return 0;
fail:
	for (i = 0; i < h->nunknown; i++)
		free(h->unknown_names[i]);
	h->nunknown = 0;
	return -1;
}

void
import_header_warn(struct import_header *h, const char *file, long line, FILE *f)
{
	int i;

	for (i = 0; i < h->nunknown; i++) {
		fprintf(f, "%s:%ld: column \"%s\" is not known: ignored\n", file, line,
		        h->unknown_names[i]);
		free(h->unknown_names[i]);
	}
	h->nunknown = 0;
}

/*
 * The register's names are the cooperative's own data, more varied than
 * what a visitor types (commas, brackets, quotes: "Otaibi, Ahmad"), so the
 * rule is looser than validate_name: 2..100 characters, at least 2 letters.
 */
static const char *
register_name_problem(const char *name)
{
	const uint8_t *p = (const uint8_t *)name, *end = p + strlen(name);
	size_t chars = 0, letters = 0;
	ucs4_t c;

	while (p < end) {
		p += u8_mbtouc(&c, p, (size_t)(end - p));
		chars++;
		if (uc_is_alpha(c))
			letters++;
	}
	if (chars == 0)
		return "empty";
	if (letters < 2)
		return "fewer than 2 letters";
	if (chars > 100)
		return "longer than 100 characters";
	return NULL;
}

static bool
parse_category(const char *s, char *out, size_t outsz)
{
	static const char *const map[][2] = {
		{ "", "member" }, { "member", "member" }, { "عضو", "member" },
		{ "supporter", "supporter" }, { "داعم", "supporter" },
		{ "volunteer", "volunteer" }, { "متطوع", "volunteer" },
	};
	char *key;
	size_t i;
	bool ok = false;

	for (i = 0; i < ARRAY_LEN(map); i++)         /* the common case, fast */
		if (strcmp(s, map[i][0]) == 0) {
			strlcpy_k(out, map[i][1], outsz);
			return true;
		}
	key = text_search_key(s);
	for (i = 0; key && i < ARRAY_LEN(map) && !ok; i++) {
		char *mk = text_search_key(map[i][0]);
		if (mk && strcmp(mk, key) == 0) {
			strlcpy_k(out, map[i][1], outsz);
			ok = true;
		}
		free(mk);
	}
	free(key);
	return ok;
}

int
import_row_parse(const struct import_header *h, int n,
                 const char *const *cells, const size_t *lens,
                 struct member *m, char *why, size_t whysz)
{
	char *v[IC__COUNT] = { NULL };
	const char *why_name;
	char *safe;
	val_rc vr;
	int c, i, ret = -1;

	memset(m, 0, sizeof *m);
	if (n != h->ncols) {
		snprintf(why, whysz, "%d field%s where the header has %d", n,
		         n == 1 ? "" : "s", h->ncols);
		return -1;
	}
	for (c = 0; c < IC__COUNT; c++) {
		i = h->col[c];
		if (i < 0) {
			v[c] = xstrdup("");
			continue;
		}
		if ((v[c] = text_clean(cells[i], lens[i], false)) == NULL) {
			snprintf(why, whysz, "%s: not valid UTF-8", col_names[c]);
			goto out;
		}
	}
	/* the form the kiosk and the console accept (and write) too */
	if ((vr = validate_member_number(v[IC_NUMBER], m->number, sizeof m->number)) != VAL_OK) {
		safe = text_sanitize(v[IC_NUMBER], strlen(v[IC_NUMBER]));
		snprintf(why, whysz, "membership number \"%s\": %s", safe,
		         *v[IC_NUMBER] ? validate_reason(vr) : "empty");
		free(safe);
		goto out;
	}
	if ((why_name = register_name_problem(v[IC_NAME])) != NULL) {
		safe = text_sanitize(v[IC_NAME], strlen(v[IC_NAME]));
		snprintf(why, whysz, "name \"%s\": %s", safe, why_name);
		free(safe);
		goto out;
	}
	if ((vr = validate_national_id(v[IC_NID], m->national_id,
	                               sizeof m->national_id)) != VAL_OK) {
		safe = text_sanitize(v[IC_NID], strlen(v[IC_NID]));
		snprintf(why, whysz, "national ID \"%s\": %s", safe, validate_reason(vr));
		free(safe);
		goto out;
	}
	if (*v[IC_MOBILE] != '\0' &&
	    (vr = validate_mobile(v[IC_MOBILE], m->mobile, sizeof m->mobile)) != VAL_OK) {
		safe = text_sanitize(v[IC_MOBILE], strlen(v[IC_MOBILE]));
		snprintf(why, whysz, "mobile \"%s\": %s", safe, validate_reason(vr));
		free(safe);
		goto out;
	}
	if (!parse_category(v[IC_CATEGORY], m->category, sizeof m->category)) {
		safe = text_sanitize(v[IC_CATEGORY], strlen(v[IC_CATEGORY]));
		snprintf(why, whysz, "category \"%s\": not member, supporter or "
		         "volunteer", safe);
		free(safe);
		goto out;
	}
	m->name = v[IC_NAME];
	v[IC_NAME] = NULL;
	ret = 0;
out:
	for (c = 0; c < IC__COUNT; c++)
		free(v[c]);
	if (ret != 0)
		memset(m, 0, sizeof *m);
	return ret;
}
