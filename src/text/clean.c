/*
 * text/clean — text coming in (validation, storage cleaning, digits, search
 * keys) and the display sanitiser every outgoing string passes through.
 *
 * Invariants:
 *  1. Nothing here returns text containing a C0/C1 control (other than '\n'
 *     when the caller asked to keep newlines) or a bidi control.
 *  2. text_clean's output is NFC and free of Arabic presentation forms: it
 *     is what the store holds. Invalid UTF-8 is refused (NULL), never
 *     repaired silently.
 *  3. The sanitiser replaces one character by one character (U+FFFD), so
 *     logical indices survive it (see text_int.h).
 */
#include <string.h>
#include <unistr.h>
#include <uninorm.h>
#include <unicase.h>
#include <unictype.h>

#include "core/util.h"
#include "text/text_int.h"

bool tx_is_bidi_control(uint32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

bool tx_is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

uint32_t tx_safe_char(uint32_t c)
{
	if (c == '\t')
		return ' ';
	if (tx_is_control(c) || tx_is_bidi_control(c) || c == 0x2028 || c == 0x2029)
		return TX_REPLACEMENT;
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return TX_REPLACEMENT;
	return c;
}

uint32_t *tx_decode_safe(const char *s, size_t n, int *outn)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t *u = xmalloc((n + 1) * sizeof *u);
	size_t i = 0, k = 0;

	while (i < n && k < TX_MAX_CHARS) {
		ucs4_t c;
		int len = u8_mbtouc(&c, p + i, n - i);  /* invalid → U+FFFD */
		if (len <= 0)
			len = 1;
		u[k++] = tx_safe_char(c);
		i += (size_t)len;
	}
	*outn = (int)k;
	return u;
}

uint32_t *tx_decode(const char *s, size_t n, size_t *outn)
{
	size_t len = 0;
	uint32_t *r = u8_to_u32((const uint8_t *)s, n, NULL, &len);

	if (!r) {            /* only on ENOMEM: s is valid by contract */
		r = xmalloc(sizeof *r);
		len = 0;
	}
	*outn = len;
	return r;
}

char *tx_encode(const uint32_t *u, size_t n)
{
	size_t len = 0;
	uint8_t *r = u32_to_u8(u, n, NULL, &len);
	char *s;

	if (!r)
		return xstrdup("");
	s = xmalloc(len + 1);
	memcpy(s, r, len);
	s[len] = '\0';
	free(r);
	return s;
}

/*
 * Contract: true when s[0..n) is valid UTF-8 (s may be NULL when n is 0).
 */
bool text_valid_utf8(const char *s, size_t n)
{
	if (n == 0)
		return true;
	return s && u8_check((const uint8_t *)s, n) == NULL;
}

/* Arabic Presentation Forms-A and -B (U+FEFF, the BOM, is not a form). */
static bool is_presentation_form(uint32_t c)
{
	return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE);
}

/* Append the NFKC decomposition of one presentation form to out. */
static size_t fold_form(uint32_t c, uint32_t *out)
{
	uint32_t buf[32];
	size_t len = ARRAY_LEN(buf);
	uint32_t *r = u32_normalize(UNINORM_NFKC, &c, 1, buf, &len);

	if (!r) {
		out[0] = c;
		return 1;
	}
	memcpy(out, r, len * sizeof *r);
	if (r != buf)
		free(r);
	return len;
}

static bool is_space(uint32_t c)
{
	return c == ' ' || c == '\n' || uc_is_property_white_space(c);
}

/*
 * Contract: see text.h. Steps: validate, fold presentation forms (NFKC on
 * those characters only: the longest decomposition, U+FDFA, is 18 chars),
 * drop controls and bidi controls (TAB, CR, U+2028/9 → space or newline),
 * NFC, trim. Returns NULL for invalid UTF-8; otherwise malloc'd.
 */
char *text_clean(const char *s, size_t n, bool keep_newlines)
{
	uint32_t *u, *v, *nfc;
	size_t ulen, vlen = 0, nfclen = 0, a, b, i;
	char *r;

	if (!text_valid_utf8(s, n))
		return NULL;
	if (n == 0)
		return xstrdup("");
	u = tx_decode(s, n, &ulen);
	v = xmalloc((ulen * 18 + 1) * sizeof *v);
	for (i = 0; i < ulen; i++) {
		uint32_t c = u[i];
		bool nl = c == '\n' || c == 0x2028 || c == 0x2029 ||
		          (c == '\r' && !(i + 1 < ulen && u[i + 1] == '\n'));

		if (nl) {
			v[vlen++] = keep_newlines ? '\n' : ' ';
		} else if (c == '\t') {
			v[vlen++] = ' ';
		} else if (tx_is_control(c) || tx_is_bidi_control(c) || c == 0xFEFF) {
			continue;
		} else if (is_presentation_form(c)) {
			vlen += fold_form(c, v + vlen);
		} else {
			v[vlen++] = c;
		}
	}
	free(u);
	nfc = u32_normalize(UNINORM_NFC, v, vlen, NULL, &nfclen);
	if (!nfc) {          /* ENOMEM only */
		nfc = v;
		nfclen = vlen;
		v = NULL;
	}
	free(v);
	a = 0;
	b = nfclen;
	while (a < b && is_space(nfc[a]))
		a++;
	while (b > a && is_space(nfc[b - 1]))
		b--;
	r = tx_encode(nfc + a, b - a);
	free(nfc);
	return r;
}

/* The ASCII digit for an ASCII, Arabic-Indic or Persian digit, or -1. */
static int digit_value(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0x0660 && c <= 0x0669)
		return (int)(c - 0x0660);
	if (c >= 0x06F0 && c <= 0x06F9)
		return (int)(c - 0x06F0);
	return -1;
}

/* Contract: see text.h. out is NUL-terminated on success. */
int text_digits(const char *in, char *out, size_t outsz, bool allow_plus)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t n, i = 0, k = 0;

	if (!in || !out || outsz == 0)
		return -1;
	n = strlen(in);
	if (!text_valid_utf8(in, n))
		return -1;
	while (i < n) {
		ucs4_t c;
		int len = u8_mbtouc(&c, p + i, n - i);
		int d = digit_value(c);
		char ch;

		i += (size_t)(len > 0 ? len : 1);
		if (c == ' ' || c == '-' || c == 0x0640 || c == 0x00A0)
			continue;
		if (d >= 0)
			ch = (char)('0' + d);
		else if (c == '+' && allow_plus && k == 0)
			ch = '+';
		else
			return -1;
		if (k + 1 >= outsz)
			return -1;
		out[k++] = ch;
	}
	out[k] = '\0';
	return (int)k;
}

/* The search-folded form of an Arabic letter, 0 to drop it. */
static uint32_t fold_arabic(uint32_t c)
{
	int d;

	if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640)
		return 0;
	if (tx_is_control(c) || tx_is_bidi_control(c) || c == 0xFEFF)
		return 0;
	switch (c) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671:
		return 0x0627;
	case 0x0649: case 0x0626:
		return 0x064A;
	case 0x0629:
		return 0x0647;
	case 0x0624:
		return 0x0648;
	default:
		break;
	}
	d = digit_value(c);
	return d >= 0 ? (uint32_t)('0' + d) : c;
}

/*
 * Contract: see text.h. NFKC + case folding first (so presentation forms
 * and full-width Latin become plain letters), then the Arabic folding map.
 */
char *text_search_key(const char *s)
{
	uint32_t *u, *f;
	size_t ulen, flen = 0, i, k = 0;
	char *r;

	if (!s)
		return NULL;
	if (!text_valid_utf8(s, strlen(s)))
		return NULL;
	u = tx_decode(s, strlen(s), &ulen);
	f = u32_casefold(u, ulen, NULL, UNINORM_NFKC, NULL, &flen);
	free(u);
	if (!f)
		return xstrdup("");
	for (i = 0; i < flen; i++) {
		uint32_t c = fold_arabic(f[i]);
		if (c)
			f[k++] = c;
	}
	r = tx_encode(f, k);
	free(f);
	return r;
}

/* Contract: see text.h (counts invalid bytes as one character each). */
size_t text_char_count(const char *s)
{
	return s ? u8_mbsnlen((const uint8_t *)s, strlen(s)) : 0;
}

/*
 * Contract: see text.h. Also '\n' and TAB: a TAB becomes a space, '\n'
 * becomes U+FFFD like every other C0 control (the result is one line).
 * s may be NULL when n is 0. Never returns NULL.
 */
char *text_sanitize(const char *s, size_t n)
{
	int k;
	uint32_t *u = tx_decode_safe(s ? s : "", s ? n : 0, &k);
	char *r = tx_encode(u, (size_t)k);

	free(u);
	return r;
}
