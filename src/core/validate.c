/*
 * core/validate — see validate.h. Pure functions: no I/O, no globals.
 * Digits go through text_digits first, so Eastern Arabic (٠–٩) and
 * Persian (۰–۹) digits are accepted wherever digits are.
 */
#include "core/validate.h"

#include <string.h>
#include <unistr.h>
#include <unictype.h>

#include "core/util.h"
#include "text/text.h"

/* Marks the msgids for xgettext; the ui translates them. */
#define N_(s) (s)

const char *
validate_reason(val_rc rc)
{
	switch (rc) {
	case VAL_OK:            return "";
	case VAL_EMPTY:         return N_("This field is required.");
	case VAL_NOT_DIGITS:    return N_("Please type digits only.");
	case VAL_NID_LENGTH:    return N_("The national ID or Iqama number must have 10 digits.");
	case VAL_NID_FIRST:     return N_("A national ID starts with 1, an Iqama number with 2.");
	case VAL_NID_CHECK:     return N_("This national ID or Iqama number is not valid: please check the digits.");
	case VAL_MOBILE:        return N_("Please type a Saudi mobile number: 05XXXXXXXX.");
	case VAL_MOBILE_PREFIX: return N_("Numbers starting with 051 or 052 are not Saudi mobile numbers: "
	                                  "a mobile number starts with 050, 053, 054, 055, 056, 057, "
	                                  "058 or 059.");
	case VAL_LANDLINE:      return N_("This is not a mobile number: please type a number starting with 05.");
	case VAL_MEMBER_NUMBER: return N_("Please type the membership number as on the card: letters, "
	                                  "digits, - and / (for example M-1002).");
	case VAL_EMAIL:         return N_("This e-mail address is not valid.");
	case VAL_TOO_SHORT:     return N_("This is too short.");
	case VAL_TOO_LONG:      return N_("This is too long.");
	case VAL_NAME:          return N_("Please type a name in letters.");
	case VAL_REF:           return N_("This reference number is not valid: please check the digits.");
	case VAL_INVALID_UTF8:  return N_("The text contains invalid characters.");
	}
	return "";
}

bool
luhn_valid(const char *d)
{
	size_t n = strlen(d);
	int sum = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (v < 0 || v > 9)
			return false;
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* Normalise to ASCII digits; VAL_EMPTY / VAL_NOT_DIGITS on failure. */
static val_rc
digits_of(const char *in, char *out, size_t outsz, bool plus)
{
	int n;

	if (in == NULL || *in == '\0')
		return VAL_EMPTY;
	n = text_digits(in, out, outsz, plus);
	if (n < 0)
		return VAL_NOT_DIGITS;
	if (n == 0)
		return VAL_EMPTY;
	return VAL_OK;
}

val_rc
validate_national_id(const char *in, char *out, size_t outsz)
{
	char d[64];
	val_rc rc = digits_of(in, d, sizeof d, false);

	if (rc != VAL_OK)
		return rc;
	if (strlen(d) != 10)
		return VAL_NID_LENGTH;
	if (d[0] != '1' && d[0] != '2')
		return VAL_NID_FIRST;
	if (!luhn_valid(d))
		return VAL_NID_CHECK;
	strlcpy_k(out, d, outsz);
	return VAL_OK;
}

val_rc
validate_mobile(const char *in, char *out, size_t outsz)
{
	char d[64];
	const char *local;
	val_rc rc = digits_of(in, d, sizeof d, true);

	if (rc != VAL_OK)
		return rc == VAL_NOT_DIGITS ? VAL_MOBILE : rc;
	if (strncmp(d, "+966", 4) == 0)
		local = d + 4;
	else if (strncmp(d, "00966", 5) == 0)
		local = d + 5;
	else if (strncmp(d, "966", 3) == 0 && strlen(d) == 12)
		local = d + 3;
	else if (d[0] == '0')
		local = d + 1;
	else if (d[0] == '+')
		return VAL_MOBILE;
	else
		local = d;
	/* local is now 5XXXXXXXX (9 digits) */
	if (strlen(local) != 9 || local[0] != '5')
		return local[0] == '1' && strlen(local) == 9 ? VAL_LANDLINE : VAL_MOBILE;
	/* Saudi mobile prefixes: 50, 53, 54, 55, 56, 57, 58, 59 (51, 52: not mobile) */
	if (local[1] == '1' || local[1] == '2')
		return VAL_MOBILE_PREFIX;
	if (outsz < 11)
		return VAL_MOBILE;
	out[0] = '0';
	memcpy(out + 1, local, 9);
	out[10] = '\0';
	return VAL_OK;
}

val_rc
validate_member_number(const char *in, char *out, size_t outsz)
{
	const uint8_t *p, *end;
	char buf[MEMBER_NUMBER_MAX + 1];
	size_t n = 0;
	bool digit = false;
	ucs4_t c;
	int len;

	if (in == NULL)
		return VAL_EMPTY;
	end = (const uint8_t *)in + strlen(in);
	if (u8_check((const uint8_t *)in, (size_t)(end - (const uint8_t *)in)) != NULL)
		return VAL_INVALID_UTF8;
	while (end > (const uint8_t *)in && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (p = (const uint8_t *)in; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == end)
		return VAL_EMPTY;
	for (; p < end; p += len) {
		len = u8_mbtouc(&c, p, (size_t)(end - p));
		if (c >= 0x0660 && c <= 0x0669)          /* Arabic-Indic digits */
			c = '0' + (c - 0x0660);
		else if (c >= 0x06f0 && c <= 0x06f9)     /* Persian digits */
			c = '0' + (c - 0x06f0);
		if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/'))
			return VAL_MEMBER_NUMBER;
		if (n >= MEMBER_NUMBER_MAX)
			return VAL_TOO_LONG;
		digit |= c >= '0' && c <= '9';
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (!digit)
		return VAL_MEMBER_NUMBER;
	if (outsz <= n)
		return VAL_TOO_LONG;
	memcpy(out, buf, n + 1);
	return VAL_OK;
}

val_rc
validate_email(const char *in)
{
	const char *at, *dot;
	size_t n;

	if (in == NULL || *in == '\0')
		return VAL_EMPTY;
	n = strlen(in);
	if (n > 254 || u8_check((const uint8_t *)in, n) != NULL)
		return VAL_EMAIL;
	for (const char *p = in; *p; p++)
		if (*p == ' ' || (unsigned char)*p < 0x21)
			return VAL_EMAIL;
	at = strchr(in, '@');
	if (at == NULL || at == in || strchr(at + 1, '@') != NULL)
		return VAL_EMAIL;
	dot = strrchr(at, '.');
	if (dot == NULL || dot == at + 1 || dot[1] == '\0' || strlen(dot + 1) < 2)
		return VAL_EMAIL;
	if (strstr(at, "..") != NULL)
		return VAL_EMAIL;
	return VAL_OK;
}

val_rc
validate_name(const char *in, int max_chars)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t n, chars = 0, letters = 0;
	ucs4_t c;

	if (in == NULL || *in == '\0')
		return VAL_EMPTY;
	n = strlen(in);
	if (u8_check(s, n) != NULL)
		return VAL_INVALID_UTF8;
	for (const uint8_t *p = s; p < s + n;) {
		int len = u8_mbtouc(&c, p, s + n - p);
		p += len;
		chars++;
		if (uc_is_alpha(c) || uc_is_general_category(c, UC_CATEGORY_M))
			letters++;
		else if (c == ' ' || c == '.' || c == '\'' || c == '-' || c == 0x0640)
			continue;
		else
			return VAL_NAME;
	}
	if (letters < 2)
		return letters == 0 ? VAL_NAME : VAL_TOO_SHORT;
	if (max_chars > 0 && chars > (size_t)max_chars)
		return VAL_TOO_LONG;
	return VAL_OK;
}
