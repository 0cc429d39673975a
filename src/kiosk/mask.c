/*
 * kiosk/mask — what a lobby screen may show of a person, and the loose
 * comparison of a typed signature with the name given.
 *
 * Invariants:
 *  1. A masked name shows one letter (the first grapheme's base) and a
 *     mobile only its last 4 digits: nobody reading over a shoulder learns
 *     who filed a request.
 *  2. Names match when their search keys (text_search_key: case, harakat,
 *     tatweel and alef forms folded) are equal once spaces and . ' - are
 *     dropped.
 */
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/util.h"

char *
kiosk_mask_name(const char *name)
{
	const uint8_t *s = (const uint8_t *)(name ? name : "");
	ucs4_t c;
	int len;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return xstrdup("****");
	len = u8_mbtouc(&c, s, strlen((const char *)s));
	if (len <= 0)
		len = 1;
	return xasprintf("%.*s****", len, (const char *)s);
}

void
kiosk_mask_mobile(const char *mobile, char *out, size_t n)
{
	size_t len = mobile ? strlen(mobile) : 0;

	if (len < 4) {
		strlcpy_k(out, "******", n);
		return;
	}
	snprintf(out, n, "******%s", mobile + len - 4);
}

/* The search key of s without spaces and . ' - (malloc'd, NULL on bad UTF-8). */
static char *
loose_key(const char *s)
{
	char *k = text_search_key(s ? s : ""), *w, *r;

	if (k == NULL)
		return NULL;
	for (r = w = k; *r; r++)
		if (*r != ' ' && *r != '.' && *r != '\'' && *r != '-')
			*w++ = *r;
	*w = '\0';
	return k;
}

bool
kiosk_names_match(const char *a, const char *b)
{
	char *ka = loose_key(a), *kb = loose_key(b);
	bool ok = ka && kb && *ka && strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return ok;
}
