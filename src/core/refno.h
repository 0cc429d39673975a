/*
 * core/refno — reference numbers: digits only (typeable on a numeric keypad),
 * short, unique per branch, with a Damm check digit so that every single-
 * digit error and every adjacent transposition is caught before any lookup.
 *
 * Format: BB SSSSS C — the 2-digit branch code, the request's sequence number
 * (at least 5 digits, more when it outgrows them), the Damm check digit.
 * Example: branch 01, sequence 42 → "01000427"-style 8 digits.
 */
#ifndef KHIDMA_CORE_REFNO_H
#define KHIDMA_CORE_REFNO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Damm check digit of an ASCII digit string (0..9), -1 if not digits. */
int  damm_digit(const char *digits);
/* Build the reference for (branch "01", seq) into out (>= 16 bytes). */
bool refno_make(const char *branch, int64_t seq, char *out, size_t outsz);
/* True when s is 8..15 ASCII digits whose Damm check passes. */
bool refno_valid(const char *s);

#endif
