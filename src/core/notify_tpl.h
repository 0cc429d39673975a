/*
 * core/notify_tpl — the message templates of screens/notify.conf (issue
 * 14): gettext-style placeholders %(name)s, one SMS segment per message.
 *
 *   placeholder  value                                   widest
 *   %(ref)s      the reference number                    15 digits
 *   %(date)s     the earliest-response date, YYYY-MM-DD  10
 *   %(text)s     the items asked for and the officer's   what is left
 *                text (needs_info: labels resolved by the
 *                sender, cli/cmd_notify.c) / the reason
 *   %(code)s     the one-time survey code                8 digits
 *   %%           a percent sign
 *
 * Each event allows its own placeholders (notify_tpl_allowed): received
 * ref date; needs_info ref text; accepted ref; rejected ref text;
 * registered ref; delivered ref code.
 *
 * Invariants:
 *  1. An SMS is one segment: GSM-7 (160 septets, the extension table's
 *     characters count 2) when every character is in GSM 03.38's tables,
 *     else UCS-2 (70 UTF-16 units). `khidma check` refuses a template whose
 *     widest rendering (with NOTIFY_TEXT_RESERVE characters of text) does
 *     not fit; at send time %(text)s is cut (ending in "…", or "..." in a
 *     GSM-7 message) so that the message fits, never the template's words.
 *  2. E-mail subjects and bodies have no length limit here (the transport
 *     encodes them: RFC 2047 and base64).
 */
#ifndef KHIDMA_CORE_NOTIFY_TPL_H
#define KHIDMA_CORE_NOTIFY_TPL_H

#include <stdbool.h>
#include <stddef.h>

#define NOTIFY_TEXT_RESERVE 20   /* characters of %(text)s a template leaves */

struct notify_vals {
	const char *ref, *date, *text, *code;
};

/* The events, in the order of the table above; NULL-terminated. */
extern const char *const notify_events[];

/* Whether placeholder `name` (without %( )s) is allowed in event's
 * templates. */
bool notify_tpl_allowed(const char *event, const char *name);

/* Check the placeholders of tpl for event: 0, or -1 with the reason in
 * err ("unknown placeholder %(x)s", "a lone %"). */
int  notify_tpl_check(const char *event, const char *tpl, char *err, size_t errsz);

/* The SMS cost of utf8: its units in *units, the segment limit (160 or 70)
 * returned; *ucs2 tells the encoding. */
int  notify_sms_units(const char *utf8, int *units, bool *ucs2);

/* Render tpl (already checked) with v (NULL values = ""). For an SMS the
 * result fits one segment, %(text)s cut when needed (NULL when even the
 * template without text does not fit). malloc'd. */
char *notify_render(const char *tpl, const struct notify_vals *v, bool sms);

#endif
