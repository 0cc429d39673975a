/*
 * kiosk/dates — dates for the visitor: Gregorian and the Umm al-Qura Hijri
 * calendar (ICU's "islamic-umalqura", the calendar used in Saudi Arabia),
 * in the current language, through libicu's C API (ucal + udat).
 *
 * Invariants:
 *  1. The Hijri date comes from ICU's calendar data, never from a formula.
 *  2. Arabic dates use the ar_SA locale (Arabic month names and digits);
 *     English ones "en" with the same calendar.
 *  3. Failure never leaves out empty: the Gregorian fallback is
 *     khidma_date's YYYY-MM-DD; a Hijri failure returns false and "".
 */
#include "kiosk/kiosk.h"

#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

#include "core/util.h"

bool
kiosk_date(time_t t, bool hijri, char *out, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar pat[32], buf[128];
	UCalendar *cal = NULL;
	UDateFormat *fmt = NULL;
	bool ar = ui_get_lang() == LANG_AR;
	const char *loc;
	int32_t len;
	bool ok = false;

	if (hijri)
		loc = ar ? "ar_SA@calendar=islamic-umalqura" : "en@calendar=islamic-umalqura";
	else
		loc = ar ? "ar_SA@calendar=gregorian" : "en_GB@calendar=gregorian";
	u_uastrcpy(pat, hijri ? "d MMMM y G" : "EEEE d MMMM y");
	cal = ucal_open(NULL, -1, loc, UCAL_DEFAULT, &st);
	fmt = udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, NULL, -1, pat, -1, &st);
	if (U_FAILURE(st))
		goto cleanup;
	udat_setCalendar(fmt, cal);
	len = udat_format(fmt, (UDate)t * 1000.0, buf, (int32_t)(sizeof buf / sizeof buf[0]),
	                  NULL, &st);
	if (U_FAILURE(st) || len <= 0)
		goto cleanup;
	u_strToUTF8(out, (int32_t)n, &len, buf, len, &st);
	ok = U_SUCCESS(st) && (size_t)len < n;
cleanup:
	if (fmt)
		udat_close(fmt);
	if (cal)
		ucal_close(cal);
	if (!ok) {
		if (hijri)
			strlcpy_k(out, "", n);
		else
			khidma_date(t, out, n);
	}
	return ok;
}
