/*
 * core/refno — see refno.h. The Damm algorithm: one quasigroup table of
 * order 10 (weakly totally anti-symmetric), so every single-digit error and
 * every adjacent transposition changes the check digit.
 */
#include "core/refno.h"

#include <stdio.h>
#include <string.h>

static const unsigned char damm_table[10][10] = {
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int
damm_digit(const char *digits)
{
	int interim = 0;

	for (const char *p = digits; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		interim = damm_table[interim][*p - '0'];
	}
	return interim;
}

bool
refno_make(const char *branch, int64_t seq, char *out, size_t outsz)
{
	char body[32];
	int n, check;

	if (strlen(branch) != 2 || damm_digit(branch) < 0 || seq < 0)
		return false;
	n = snprintf(body, sizeof body, "%s%05lld", branch, (long long)seq);
	if (n < 0 || (size_t)n + 2 > outsz || n > 14)
		return false;
	check = damm_digit(body);
	snprintf(out, outsz, "%s%d", body, check);
	return true;
}

bool
refno_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 8 || n > 15)
		return false;
	return damm_digit(s) == 0;
}
