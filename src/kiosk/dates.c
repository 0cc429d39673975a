/*
 * kiosk/dates — dates for the visitor: Gregorian and the Umm al-Qura Hijri
 * calendar (ICU's "islamic-umalqura", the calendar used in Saudi Arabia),
 * in the current language, through libicu's C API (ucal + udat).
 *
 * ICU is loaded on demand (dlopen) the first time a date is formatted, not
 * linked: libicui18n/libicuuc/libicudata and the C++ runtime they pull in
 * cost ≈ 2.5 MB of resident memory and several milliseconds of relocation at
 * every start, and only the confirmation, receipt and tracking screens need
 * them. The library is the one the program was compiled against: its soname
 * and the versioned symbol names (ucal_open_72 …) come from
 * U_ICU_VERSION_MAJOR_NUM in <unicode/uvernum.h>, so a Debian ICU transition
 * needs a rebuild exactly as a linked build would; the pointers have the
 * headers' own types (__typeof__), so a changed signature fails to compile.
 *
 * Invariants:
 *  1. The Hijri date comes from ICU's calendar data, never from a formula.
 *  2. Arabic dates use the ar_SA locale (Arabic month names and digits);
 *     English ones "en" with the same calendar.
 *  3. Failure never leaves out empty: the Gregorian fallback is
 *     khidma_date's YYYY-MM-DD; a Hijri failure returns false and "".
 *     ICU that cannot be loaded is such a failure (logged once).
 *  4. ICU is loaded at most once and stays loaded (no dlclose: C++ static
 *     destructors); only this file knows it is not linked.
 */
#include "kiosk/kiosk.h"

#include <dlfcn.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>
#include <unicode/uvernum.h>

#include "core/log.h"
#include "core/util.h"

#define ICU_STR2(x) #x
#define ICU_STR(x)  ICU_STR2(x)
#define ICU_SONAME  "libicui18n.so." ICU_STR(U_ICU_VERSION_MAJOR_NUM)
#if U_DISABLE_RENAMING
#define ICU_SYM(name) #name
#else
/* The headers rename ucal_open to ucal_open_72: stringify the expansion. */
#define ICU_SYM(name) ICU_STR(name)
#endif

static struct {
	bool tried, ok;
	__typeof__(ucal_open)        *ucal_open;
	__typeof__(ucal_close)       *ucal_close;
	__typeof__(udat_open)        *udat_open;
	__typeof__(udat_close)       *udat_close;
	__typeof__(udat_setCalendar) *udat_setCalendar;
	__typeof__(udat_format)      *udat_format;
	__typeof__(u_strToUTF8)      *u_strToUTF8;
} icu;

/* dlsym into a typed pointer; false when missing. */
#define ICU_LOAD(h, f) \
	((icu.f = (__typeof__(icu.f))dlsym((h), ICU_SYM(f))) != NULL)

/* Load ICU once (invariant 4). libicui18n brings libicuuc and libicudata
 * in as its own dependencies; dlsym on its handle searches them too. */
static bool
icu_load(void)
{
	void *h;

	if (icu.tried)
		return icu.ok;
	icu.tried = true;
	h = dlopen(ICU_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		log_error("dates: cannot load %s: %s", ICU_SONAME, dlerror());
		return false;
	}
	icu.ok = ICU_LOAD(h, ucal_open) && ICU_LOAD(h, ucal_close) &&
	         ICU_LOAD(h, udat_open) && ICU_LOAD(h, udat_close) &&
	         ICU_LOAD(h, udat_setCalendar) && ICU_LOAD(h, udat_format) &&
	         ICU_LOAD(h, u_strToUTF8);
	if (!icu.ok)
		log_error("dates: %s lacks a symbol (%s)", ICU_SONAME, dlerror());
	return icu.ok;
}

/* An ASCII pattern as UTF-16 (u_uastrcpy without the library). */
static void
ascii_to_uchar(UChar *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++)
		dst[i] = (UChar)(unsigned char)src[i];
	dst[i] = 0;
}

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
	if (!icu_load())
		goto cleanup;
	ascii_to_uchar(pat, sizeof pat / sizeof pat[0], hijri ? "d MMMM y G" : "EEEE d MMMM y");
	cal = icu.ucal_open(NULL, -1, loc, UCAL_DEFAULT, &st);
	fmt = icu.udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, NULL, -1, pat, -1, &st);
	if (U_FAILURE(st))
		goto cleanup;
	icu.udat_setCalendar(fmt, cal);
	len = icu.udat_format(fmt, (UDate)t * 1000.0, buf,
	                      (int32_t)(sizeof buf / sizeof buf[0]), NULL, &st);
	if (U_FAILURE(st) || len <= 0)
		goto cleanup;
	icu.u_strToUTF8(out, (int32_t)n, &len, buf, len, &st);
	ok = U_SUCCESS(st) && (size_t)len < n;
cleanup:
	if (fmt)
		icu.udat_close(fmt);
	if (cal)
		icu.ucal_close(cal);
	if (!ok) {
		if (hijri)
			strlcpy_k(out, "", n);
		else
			khidma_date(t, out, n);
	}
	return ok;
}
