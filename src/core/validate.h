/*
 * core/validate — the domain's field rules, as pure functions over UTF-8:
 * Saudi national ID / Iqama, Saudi mobile numbers, e-mail, names.
 *
 * Each validator takes what the visitor typed (Eastern digits allowed),
 * writes the normalised value to out and returns VAL_OK, or a reason code
 * whose English msgid is validate_reason() (the ui translates it).
 */
#ifndef KHIDMA_CORE_VALIDATE_H
#define KHIDMA_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	VAL_OK = 0,
	VAL_EMPTY,          /* required and empty */
	VAL_NOT_DIGITS,     /* something other than digits */
	VAL_NID_LENGTH,     /* not 10 digits */
	VAL_NID_FIRST,      /* first digit not 1 (citizen) or 2 (resident) */
	VAL_NID_CHECK,      /* Luhn check digit wrong */
	VAL_MOBILE,         /* not 05XXXXXXXX / +9665XXXXXXXX */
	VAL_MOBILE_PREFIX,  /* 051 or 052: not a mobile operator prefix */
	VAL_EMAIL,
	VAL_TOO_SHORT,
	VAL_TOO_LONG,
	VAL_NAME,           /* no letters, or digits in a name */
	VAL_REF,            /* reference number: wrong length or check digit */
	VAL_INVALID_UTF8,
	VAL_LANDLINE,       /* 01X XXX XXXX: a landline, not a mobile */
	VAL_MEMBER_NUMBER,  /* not the register's form (letters, digits, - /) */
} val_rc;

/* English msgid explaining rc, e.g. "The national ID must have 10 digits." */
const char *validate_reason(val_rc rc);

/* 10 digits, first 1 or 2, Luhn check digit. out >= 11 bytes. */
val_rc validate_national_id(const char *in, char *out, size_t outsz);
/* Luhn check over an ASCII digit string (true when valid). */
bool   luhn_valid(const char *digits);
/* Saudi mobile: 05XXXXXXXX, 5XXXXXXXX, 9665XXXXXXXX, +9665…, 009665…; the
 * second digit after 5 must be a mobile prefix (0,3,4,5,6,7,8,9). out is
 * the normalised 05XXXXXXXX (>= 11 bytes). */
val_rc validate_mobile(const char *in, char *out, size_t outsz);
/* A membership number as the register writes it ("M-1002", "1002",
 * "B/17"): 1..MEMBER_NUMBER_MAX characters of ASCII letters, digits (Eastern
 * digits accepted) and - or /, at least one digit, spaces around it
 * dropped. out (>= 32 bytes) gets the normalised form: letters in capitals,
 * ASCII digits — the same for what is typed and what is imported, so the
 * two compare equal. */
#define MEMBER_NUMBER_MAX 20
val_rc validate_member_number(const char *in, char *out, size_t outsz);
/* A plain e-mail check (local@domain.tld, no spaces, ASCII or IDN letters). */
val_rc validate_email(const char *in);
/* A person's name: 2..max_chars characters, letters (any script), spaces,
 * and . ' - only. */
val_rc validate_name(const char *in, int max_chars);

#endif
