/*
 * kiosk/throttle — the brake on guessing a reference number and the last 4
 * digits of a mobile, shared by "Track my request" (track.c) and the link
 * of a survey to a request (survey.c).
 *
 * Each failed lookup is recorded (store_track_fail_at) with this kiosk's
 * kiosk_id and the reference typed, and counted over track_window seconds:
 * f = max(failures at this kiosk, failures for this reference at any
 * kiosk), this one included.
 *
 * Invariants:
 *  1. A match is answered at once: only a failure waits. So one visitor's
 *     mistakes never delay another visitor's correct answer, at another
 *     kiosk or for another reference (only a wait still running at this
 *     kiosk, invariant 3, at most 30 s).
 *  2. A failure's answer ("no match") comes after 0 s while f <=
 *     track_max_tries, then 1, 2, 4 … (at most 30) s: 2^(f - max - 1).
 *     Guessing one reference from many kiosks is slowed by its count;
 *     guessing many references at one kiosk by the kiosk's.
 *  3. No lookup starts at this kiosk before the last failure's wait has
 *     ended (struct kiosk's throttle_until, monotonic clock), so leaving
 *     the screen does not skip it.
 *  4. The alarm: once the failures of all kiosks within the window reach
 *     track_max_tries, every further failure is a log_security line naming
 *     the kiosk and the three counts.
 *  5. Fails closed: a failure that cannot be recorded gives -1 and the
 *     caller says "unavailable", never "no match".
 *  6. The kiosk_id is the configured one, else "<hostname>:<terminal>"
 *     (ttyname of standard input without /dev/, "-" when none): stable
 *     while the kiosk runs on the same console.
 */
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"

#define THROTTLE_MAX_S 30

/* See invariant 6. */
const char *
kiosk_id(struct kiosk *k)
{
	static char id[160];
	char host[64] = "";
	const char *tty;

	if (k->a->cfg.kiosk_id && k->a->cfg.kiosk_id[0])
		return k->a->cfg.kiosk_id;
	if (id[0] == '\0') {
		if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
			strlcpy_k(host, "localhost", sizeof host);
		tty = ttyname(STDIN_FILENO);
		if (tty && strncmp(tty, "/dev/", 5) == 0)
			tty += 5;
		snprintf(id, sizeof id, "%s:%s", host, tty ? tty : "-");
	}
	return id;
}

void
kiosk_mono_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

bool
kiosk_mono_passed(const struct timespec *t)
{
	struct timespec now;

	kiosk_mono_now(&now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* See kiosk.h. */
bool
kiosk_throttle_ready(struct kiosk *k, struct timespec *at)
{
	*at = k->throttle_until;
	return kiosk_mono_passed(&k->throttle_until);
}

/* The wait before a failure's answer, for f failures (invariant 2). */
static int
delay_for(int f, int max)
{
	int over = f - max - 1;

	if (over < 0)
		return 0;
	return over >= 5 ? THROTTLE_MAX_S : 1 << over;
}

/* See kiosk.h. */
int
kiosk_throttle_fail(struct kiosk *k, const char *ref, struct timespec *until)
{
	const struct config *cfg = &k->a->cfg;
	struct track_counts c;
	int f, d;

	if (store_track_fail_at(k->a->db, kiosk_id(k), ref ? ref : "",
	                        cfg->track_window, &c) != ST_OK)
		return -1;
	f = c.kiosk > c.ref ? c.kiosk : c.ref;
	d = delay_for(f, cfg->track_max_tries);
	if (c.all >= cfg->track_max_tries)
		log_security("kiosk %s: %d failed lookups within %d s at all kiosks "
		             "(%d at this kiosk, %d for ref %s); answer after %d s",
		             kiosk_id(k), c.all, cfg->track_window, c.kiosk, c.ref,
		             ref ? ref : "", d);
	kiosk_mono_now(until);
	until->tv_sec += d;
	k->throttle_until = *until;
	return d;
}
