/*
 * Unit tests for the domain rules in src/core: reference numbers (Damm),
 * national ID / Iqama (Luhn), Saudi mobiles, e-mail, names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/refno.h"
#include "core/validate.h"

/* Every single-digit substitution and every adjacent transposition of a
 * valid reference is refused. */
static void
test_refno_catches_single_errors(void **state)
{
	(void)state;
	for (int64_t seq = 1; seq < 3000; seq += 37) {
		char ref[16];
		assert_true(refno_make("01", seq, ref, sizeof ref));
		assert_int_equal(strlen(ref), 8);
		assert_true(refno_valid(ref));
		for (size_t i = 0; i < strlen(ref); i++) {
			for (char d = '0'; d <= '9'; d++) {
				char bad[16];
				if (d == ref[i])
					continue;
				strcpy(bad, ref);
				bad[i] = d;
				assert_false(refno_valid(bad));
			}
			if (i + 1 < strlen(ref) && ref[i] != ref[i + 1]) {
				char sw[16];
				strcpy(sw, ref);
				sw[i] = ref[i + 1];
				sw[i + 1] = ref[i];
				assert_false(refno_valid(sw));
			}
		}
	}
}

static void
test_refno_format(void **state)
{
	char ref[16];
	(void)state;
	assert_true(refno_make("07", 42, ref, sizeof ref));
	assert_memory_equal(ref, "0700042", 7);
	assert_int_equal(damm_digit("572"), 4);          /* the textbook example */
	assert_true(refno_make("01", 1234567, ref, sizeof ref));
	assert_int_equal(strlen(ref), 10);               /* grows past 5 digits */
	assert_true(refno_valid(ref));
	assert_false(refno_make("1", 1, ref, sizeof ref));
	assert_false(refno_make("0a", 1, ref, sizeof ref));
	assert_false(refno_valid("1234"));
	assert_false(refno_valid("0100001x"));
}

static void
test_national_id(void **state)
{
	char out[16];
	(void)state;
	/* 1000000008: Luhn-valid citizen ID */
	assert_int_equal(validate_national_id("1000000008", out, sizeof out), VAL_OK);
	assert_string_equal(out, "1000000008");
	/* the same in Eastern Arabic digits */
	assert_int_equal(validate_national_id("١٠٠٠٠٠٠٠٠٨", out, sizeof out), VAL_OK);
	assert_string_equal(out, "1000000008");
	/* Persian digits */
	assert_int_equal(validate_national_id("۱۰۰۰۰۰۰۰۰۸", out, sizeof out), VAL_OK);
	assert_int_equal(validate_national_id("1000000009", out, sizeof out), VAL_NID_CHECK);
	assert_int_equal(validate_national_id("3000000004", out, sizeof out), VAL_NID_FIRST);
	assert_int_equal(validate_national_id("100000000", out, sizeof out), VAL_NID_LENGTH);
	assert_int_equal(validate_national_id("10000a0008", out, sizeof out), VAL_NOT_DIGITS);
	assert_int_equal(validate_national_id("", out, sizeof out), VAL_EMPTY);
	assert_true(luhn_valid("2000000006"));
}

static void
test_mobile(void **state)
{
	char out[16];
	(void)state;
	assert_int_equal(validate_mobile("0551234567", out, sizeof out), VAL_OK);
	assert_string_equal(out, "0551234567");
	assert_int_equal(validate_mobile("+966551234567", out, sizeof out), VAL_OK);
	assert_string_equal(out, "0551234567");
	assert_int_equal(validate_mobile("00966501234567", out, sizeof out), VAL_OK);
	assert_string_equal(out, "0501234567");
	assert_int_equal(validate_mobile("٠٥٥١٢٣٤٥٦٧", out, sizeof out), VAL_OK);
	assert_string_equal(out, "0551234567");
	assert_int_equal(validate_mobile("055 123 4567", out, sizeof out), VAL_OK);
	/* a landline (Riyadh 011) and non-mobile 05x prefixes */
	assert_int_equal(validate_mobile("0114567890", out, sizeof out), VAL_LANDLINE);
	assert_int_equal(validate_mobile("0521234567", out, sizeof out), VAL_MOBILE_PREFIX);
	assert_int_equal(validate_mobile("05512345", out, sizeof out), VAL_MOBILE);
	assert_int_equal(validate_mobile("+971501234567", out, sizeof out), VAL_MOBILE);
	assert_int_equal(validate_mobile("abc", out, sizeof out), VAL_MOBILE);
}

/* Issue 12: the register's membership numbers ("M-1002") are typed as
 * they are; typed and imported forms compare equal. */
static void
test_member_number(void **state)
{
	char out[32];
	(void)state;
	assert_int_equal(validate_member_number("M-1002", out, sizeof out), VAL_OK);
	assert_string_equal(out, "M-1002");
	assert_int_equal(validate_member_number(" m-1002 ", out, sizeof out), VAL_OK);
	assert_string_equal(out, "M-1002");
	assert_int_equal(validate_member_number("1002", out, sizeof out), VAL_OK);
	assert_string_equal(out, "1002");
	assert_int_equal(validate_member_number("ب/١٧", out, sizeof out), VAL_MEMBER_NUMBER);
	assert_int_equal(validate_member_number("B/١٧", out, sizeof out), VAL_OK);
	assert_string_equal(out, "B/17");
	assert_int_equal(validate_member_number("M 1002", out, sizeof out), VAL_MEMBER_NUMBER);
	assert_int_equal(validate_member_number("M-", out, sizeof out), VAL_MEMBER_NUMBER);
	assert_int_equal(validate_member_number("", out, sizeof out), VAL_EMPTY);
	assert_int_equal(validate_member_number("M-10020000000000000000", out, sizeof out),
	                 VAL_TOO_LONG);
	assert_int_equal(validate_member_number("M-1\x1b[2J", out, sizeof out), VAL_MEMBER_NUMBER);
	assert_int_equal(validate_member_number("\xff", out, sizeof out), VAL_INVALID_UTF8);
	/* the reasons name what is wrong */
	assert_non_null(strstr(validate_reason(VAL_MOBILE_PREFIX), "051 or 052"));
	assert_null(strstr(validate_reason(VAL_MOBILE_PREFIX), "starting with 05."));
	assert_non_null(strstr(validate_reason(VAL_MEMBER_NUMBER), "M-1002"));
}

static void
test_email_and_name(void **state)
{
	(void)state;
	assert_int_equal(validate_email("a.b@example.sa"), VAL_OK);
	assert_int_equal(validate_email("a@b"), VAL_EMAIL);
	assert_int_equal(validate_email("a b@c.sa"), VAL_EMAIL);
	assert_int_equal(validate_email("@c.sa"), VAL_EMAIL);
	assert_int_equal(validate_email("a@@c.sa"), VAL_EMAIL);
	assert_int_equal(validate_name("محمد بن عبدالله", 80), VAL_OK);
	assert_int_equal(validate_name("مُحَمَّد", 80), VAL_OK);
	assert_int_equal(validate_name("Sara O'Neil-Smith", 80), VAL_OK);
	assert_int_equal(validate_name("12345", 80), VAL_NAME);
	assert_int_equal(validate_name("Ali", 2), VAL_TOO_LONG);
	assert_int_equal(validate_name("\xff\xfe", 80), VAL_INVALID_UTF8);
	assert_int_equal(validate_name("", 80), VAL_EMPTY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refno_catches_single_errors),
		cmocka_unit_test(test_refno_format),
		cmocka_unit_test(test_national_id),
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_member_number),
		cmocka_unit_test(test_email_and_name),
	};
	return cmocka_run_group_tests_name("core_rules", tests, NULL, NULL);
}
