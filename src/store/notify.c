/*
 * store/notify — the member's consent to messages, the outbox and the
 * one-time survey codes (schema v12; issue 14). The sender (`khidma
 * notify`, cli/cmd_notify.c) renders and delivers; this file only keeps
 * the rows honest.
 *
 * Events that send a message (the status change that writes the event):
 *
 *   event        written when                      placeholders kept
 *   received     the submission                    ref, date (earliest response)
 *   needs_info   a change into needs_info          ref, text (the officer's
 *                                                  info_text; the items are
 *                                                  read from requests.info_items
 *                                                  with the row, outbox_msg.items)
 *   accepted     a change into accepted            ref
 *   rejected     a change into rejected            ref, text (the reason)
 *   registered   a change into registered          ref
 *   delivered    a change into delivered           ref, code (one-time survey code)
 *
 * A row per transport the consent names (sms: the mobile; email: the
 * e-mail, only when there is one).
 *
 * Invariants:
 *  1. An outbox row is inserted only by st_notify_event, inside the
 *     transaction that writes its event, right after it; no consent, no
 *     row. idem = "k<request>-e<event>-<transport>" is unique: one event
 *     never makes the same message twice.
 *  2. States: queued → sending (store_outbox_claim, its own short
 *     transaction) → sent | queued (retry later) | failed
 *     (store_outbox_done, by the claimant only); sending → unknown
 *     (store_outbox_recover, claimant dead); queued → cancelled (consent
 *     withdrawn). Nothing returns to queued from unknown: a message is
 *     handed to a gateway at most once.
 *  3. Quiet hours and the daily limit only move next_at of a queued row;
 *     they never count as a try.
 *  4. A survey code is 8 random digits (getrandom); survey_codes keeps its
 *     BLAKE2b hash and the request, and the outbox keeps the code only
 *     until the message is sent. A survey response never names either
 *     (store/survey.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <sodium.h>

#include "core/util.h"
#include "store/store_int.h"

#define C_OUTBOX ST_CACHE_OUTBOX
_Static_assert(ST_CACHE_OUTBOX < ARRAY_LEN(((store *)0)->cache), "s->cache");
#define DAY_S (24 * 60 * 60)

static const char *const choice_names[] = { "none", "sms", "email", "both" };

const char *notify_choice_name(int c)
{
	return c >= 0 && c < 4 ? choice_names[c] : "none";
}

bool notify_choice_parse(const char *name, int *out)
{
	*out = NOTIFY_NONE;
	for (int i = 0; name && i < 4; i++)
		if (strcmp(name, choice_names[i]) == 0) {
			*out = i;
			return true;
		}
	return false;
}

/* ---- writing: in the transition's transaction ------------------------------ */

static const char *event_of(req_status from, req_status to, const char *kind)
{
	if (kind && strcmp(kind, "submitted") == 0)
		return "received";
	if (from == to)
		return NULL;
	switch (to) {
	case RS_NEEDS_INFO:  return "needs_info";
	case RS_ACCEPTED:    return "accepted";
	case RS_REJECTED:    return "rejected";
	case RS_REGISTERED:  return "registered";
	case RS_DELIVERED:   return "delivered";
	default:             return NULL;
	}
}

/* The hash kept for a survey code (hex BLAKE2b-128). */
static void code_hash(const char *code, char hex[33])
{
	unsigned char h[16];

	crypto_generichash(h, sizeof h, (const unsigned char *)code, strlen(code),
	                   (const unsigned char *)"khidma-survey", 13);
	sodium_bin2hex(hex, 33, h, sizeof h);
}

/* store_int.h (the kiosk's login hashes the code it sends: pg_kiosk.c) */
void st_code_hash(const char *code, char hex[33])
{
	code_hash(code, hex);
}

/* A fresh code for request id, its hash stored; "" when the request was
 * already evaluated (no code is needed) or has no consent. */
static st_rc make_code(store *s, int64_t id, time_t now, char code[16])
{
	sq_stmt *st;
	st_rc r;

	code[0] = '\0';
	if ((r = st_prep(s, "DELETE FROM survey_codes WHERE request_id = ? AND "
	                 "used = 0", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, id);
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO survey_codes(hash, request_id, "
	                 "created_at) SELECT ?1, id, ?3 FROM requests WHERE id = ?2 "
	                 "AND surveyed = 0 AND notify <> 'none' ON CONFLICT DO NOTHING",
	                 &st)) != ST_OK)
		return r;
	for (int tries = 0; tries < 8; tries++) {
		uint32_t v;
		char hex[33];

		if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
			r = ST_IO;
			break;
		}
		snprintf(code, 16, "%08u", (unsigned)(v % 100000000u));
		code_hash(code, hex);
		sq_reset(st);
		sq_bind_text(st, 1, hex);
		sq_bind_i64(st, 2, id);
		sq_bind_i64(st, 3, (int64_t)now);
		if ((r = st_done(st)) != ST_OK)
			break;
		if (sq_changes(s) == 1)
			break;
		code[0] = '\0';      /* a hash taken (or no code wanted): again */
		if (tries == 0) {    /* no code wanted: the request says so */
			sq_stmt *q;
			int want = 0;

			if (st_prep(s, "SELECT surveyed = 0 AND notify <> 'none' AND NOT "
			            "EXISTS (SELECT 1 FROM survey_codes WHERE request_id "
			            "= ?1) FROM requests WHERE id = ?1", &q) == ST_OK) {
				sq_bind_i64(q, 1, id);
				if (sq_step(q) == SQ_ROW)
					want = sq_col_int(q, 0);
				sq_finalize(q);
			}
			if (!want)
				break;
		}
	}
	sq_finalize(st);
	return r;
}

/* See store_int.h. */
st_rc st_notify_event(store *s, int64_t request_id, int64_t event_id,
                      req_status from, req_status to, const char *kind,
                      const char *note, time_t now)
{
	const char *ev = event_of(from, to, kind);
	sq_stmt *st;
	char code[16] = "";
	st_rc r;

	if (!ev)
		return ST_OK;
	if (to == RS_DELIVERED && (r = make_code(s, request_id, now, code)) != ST_OK)
		return r;
	if (!s->cache[C_OUTBOX]) {
		r = st_prep(s, "INSERT INTO outbox(request_id, event_id, event, "
		            "transport, address, lang, ref, date, text, code, idem, "
		            "created_at, next_at) SELECT q.id, ?2, ?3, t.tr, CASE t.tr "
		            "WHEN 'sms' THEN q.mobile ELSE q.email END, q.lang, q.ref, "
		            "q.earliest_response, ?4, ?5, 'k' || q.id || '-e' || ?2 || "
		            "'-' || t.tr, ?6, ?6 FROM requests q, (SELECT 'sms' AS tr "
		            "UNION ALL SELECT 'email') AS t WHERE q.id = ?1 AND "
		            "(q.notify = 'both' OR q.notify = t.tr) AND "
		            "(t.tr = 'sms' OR q.email <> '')", &s->cache[C_OUTBOX]);
		if (r != ST_OK)
			return r;
		st_cache_arm(s);
	}
	st = s->cache[C_OUTBOX];
	sq_bind_i64(st, 1, request_id);
	sq_bind_i64(st, 2, event_id);
	sq_bind_text(st, 3, ev);
	sq_bind_text(st, 4, to == RS_NEEDS_INFO || to == RS_REJECTED ?
	                  (note ? note : "") : "");
	sq_bind_text(st, 5, code);
	sq_bind_i64(st, 6, (int64_t)now);
	r = st_done(st);
	sq_reset(st);
	sq_clear(st);
	sodium_memzero(code, sizeof code);
	return r;
}

/* ---- reading -------------------------------------------------------------- */

#define OB_COLS "o.id, o.request_id, o.event_id, o.event, o.transport, " \
	"o.address, o.lang, o.ref, o.date, o.text, o.code, o.idem, q.national_id, " \
	"o.state, o.tries, o.created_at, o.next_at, o.claimed_at, o.sent_at, " \
	"o.claimed_by, o.answer, q.info_items"

static void fill_msg(sq_stmt *st, struct outbox_msg *m)
{
	memset(m, 0, sizeof *m);
	m->id = sq_col_i64(st, 0);
	m->request_id = sq_col_i64(st, 1);
	m->event_id = sq_col_i64(st, 2);
	st_col_copy(st, 3, m->event, sizeof m->event);
	st_col_copy(st, 4, m->transport, sizeof m->transport);
	st_col_copy(st, 5, m->address, sizeof m->address);
	st_col_copy(st, 6, m->lang, sizeof m->lang);
	st_col_copy(st, 7, m->ref, sizeof m->ref);
	m->date = (time_t)sq_col_i64(st, 8);
	m->text = st_col_dup(st, 9);
	st_col_copy(st, 10, m->code, sizeof m->code);
	st_col_copy(st, 11, m->idem, sizeof m->idem);
	st_col_copy(st, 12, m->member, sizeof m->member);
	st_col_copy(st, 13, m->state, sizeof m->state);
	m->tries = sq_col_int(st, 14);
	m->created_at = (time_t)sq_col_i64(st, 15);
	m->next_at = (time_t)sq_col_i64(st, 16);
	m->claimed_at = (time_t)sq_col_i64(st, 17);
	m->sent_at = (time_t)sq_col_i64(st, 18);
	st_col_copy(st, 19, m->claimed_by, sizeof m->claimed_by);
	m->answer = st_col_dup(st, 20);
	m->items = st_col_dup(st, 21);
}

void outbox_msg_clear(struct outbox_msg *m)
{
	if (!m)
		return;
	free(m->text);
	free(m->answer);
	free(m->items);
	sodium_memzero(m, sizeof *m);
}

void outbox_msgs_free(struct outbox_msg *m, int n)
{
	for (int i = 0; m && i < n; i++)
		outbox_msg_clear(&m[i]);
	free(m);
}

st_rc store_outbox_list(store *s, int64_t request_id, struct outbox_msg **out,
                        int *n)
{
	sq_stmt *st;
	struct outbox_msg *v = NULL;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*out = NULL;
	*n = 0;
	if ((r = st_prep(s, "SELECT " OB_COLS " FROM outbox o JOIN requests q ON "
	                 "q.id = o.request_id WHERE o.request_id = ? ORDER BY o.id",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, request_id);
	while ((rc = sq_step(st)) == SQ_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		fill_msg(st, &v[cnt++]);
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		outbox_msgs_free(v, cnt);
		return sq_map(rc);
	}
	*out = v;
	*n = cnt;
	return ST_OK;
}

/* See store.h. */
st_rc store_outbox_of_member(store *s, const char *nid, struct outbox_msg **out, int *n)
{
	sq_stmt *st;
	struct outbox_msg *v = NULL;
	int cnt = 0, cap = 0, rc;
	st_rc r;

	*out = NULL;
	*n = 0;
	if (nid == NULL || nid[0] == '\0')
		return ST_OK;
	if ((r = st_prep(s, "SELECT " OB_COLS " FROM outbox o JOIN requests q ON "
	                 "q.id = o.request_id WHERE q.national_id = ? "
	                 "ORDER BY o.created_at DESC, o.id DESC LIMIT 200", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, nid);
	while ((rc = sq_step(st)) == SQ_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		fill_msg(st, &v[cnt++]);
	}
	sq_finalize(st);
	if (rc != SQ_DONE) {
		outbox_msgs_free(v, cnt);
		return sq_map(rc);
	}
	*out = v;
	*n = cnt;
	return ST_OK;
}

/* ---- the sender's claims ---------------------------------------------------- */

struct claim_ctx { const struct outbox_policy *p; struct outbox_msg *out; bool found; };

static st_rc move_next(store *s, int64_t id, time_t at)
{
	sq_stmt *st;
	st_rc r;

	if ((r = st_prep(s, "UPDATE outbox SET next_at = ? WHERE id = ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, (int64_t)at);
	sq_bind_i64(st, 2, id);
	r = st_done(st);
	sq_finalize(st);
	return r;
}

static st_rc claim_body(store *s, void *ctx)
{
	struct claim_ctx *c = ctx;
	const struct outbox_policy *p = c->p;
	sq_stmt *st, *cnt = NULL;
	st_rc r;
	int rc;

	if (c->found)                /* st_tx runs the body again after BUSY */
		outbox_msg_clear(c->out);
	c->found = false;
	if ((r = st_prep(s, "SELECT " OB_COLS " FROM outbox o JOIN requests q ON "
	                 "q.id = o.request_id WHERE o.state = 'queued' AND "
	                 "o.next_at <= ?1 AND (?2 IS NULL OR o.transport = ?2) "
	                 "ORDER BY o.next_at, o.id LIMIT 1", &st)) != ST_OK)
		return r;
	if (p->per_day > 0 &&
	    (r = st_prep(s, "SELECT count(*) FROM outbox o JOIN requests q ON q.id "
	                 "= o.request_id WHERE o.state IN ('sending','sent','unknown') "
	                 "AND o.claimed_at >= ?1 AND o.claimed_at < ?2 AND "
	                 "q.national_id = ?3", &cnt)) != ST_OK) {
		sq_finalize(st);
		return r;
	}
	for (;;) {
		struct outbox_msg *m = c->out;

		sq_reset(st);
		sq_bind_i64(st, 1, (int64_t)p->now);
		sq_bind_text(st, 2, p->transport);
		rc = sq_step(st);
		if (rc != SQ_ROW) {
			/* nothing due: ST_OK keeps the rows moved on the way */
			r = rc == SQ_DONE ? ST_OK : sq_map(rc);
			break;
		}
		fill_msg(st, m);
		/* invariant 3: quiet hours and the daily limit move next_at */
		if (strcmp(m->transport, "sms") == 0 && p->sms_quiet_until > p->now) {
			r = move_next(s, m->id, p->sms_quiet_until);
			outbox_msg_clear(m);
			if (r != ST_OK)
				break;
			continue;
		}
		if (cnt) {
			int used = 0;

			sq_reset(cnt);
			sq_bind_i64(cnt, 1, (int64_t)p->day_start);
			sq_bind_i64(cnt, 2, (int64_t)p->next_day);
			sq_bind_text(cnt, 3, m->member);
			if (sq_step(cnt) == SQ_ROW)
				used = sq_col_int(cnt, 0);
			if (used >= p->per_day) {
				r = move_next(s, m->id, p->next_day);
				outbox_msg_clear(m);
				if (r != ST_OK)
					break;
				continue;
			}
		}
		sq_reset(st);
		{
			sq_stmt *up;

			if ((r = st_prep(s, "UPDATE outbox SET state = 'sending', tries = "
			                 "tries + 1, claimed_by = ?, claimed_at = ? WHERE id "
			                 "= ? AND state = 'queued'", &up)) != ST_OK) {
				outbox_msg_clear(m);
				break;
			}
			sq_bind_text(up, 1, p->who);
			sq_bind_i64(up, 2, (int64_t)p->now);
			sq_bind_i64(up, 3, m->id);
			r = st_done(up);
			sq_finalize(up);
			if (r != ST_OK) {
				outbox_msg_clear(m);
				break;
			}
		}
		m->tries++;
		strlcpy_k(m->state, "sending", sizeof m->state);
		strlcpy_k(m->claimed_by, p->who, sizeof m->claimed_by);
		m->claimed_at = p->now;
		c->found = true;
		break;
	}
	sq_finalize(st);
	sq_finalize(cnt);
	return r;
}

st_rc store_outbox_claim(store *s, const struct outbox_policy *p,
                         struct outbox_msg *out)
{
	struct claim_ctx c = { p, out, false };
	st_rc r;

	memset(out, 0, sizeof *out);
	if (!p || !p->who || !p->who[0] || !st_utf8_ok(p->who))
		return ST_INVALID;
	r = st_tx(s, claim_body, &c);
	if (r != ST_OK) {
		if (c.found)
			outbox_msg_clear(out);
		return r;
	}
	return c.found ? ST_OK : ST_NOTFOUND;
}

struct done_ctx {
	int64_t id;
	const char *who, *answer;
	bool sent, permanent;
	time_t now;
	int retry_s, max_tries;
};

static st_rc done_body(store *s, void *ctx)
{
	struct done_ctx *d = ctx;
	sq_stmt *st;
	int tries = 0, rc;
	st_rc r;

	if ((r = st_prep(s, "SELECT tries FROM outbox WHERE id = ? AND state = "
	                 "'sending' AND claimed_by = ?", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, d->id);
	sq_bind_text(st, 2, d->who);
	rc = sq_step(st);
	if (rc == SQ_ROW)
		tries = sq_col_int(st, 0);
	sq_finalize(st);
	if (rc != SQ_ROW)
		return rc == SQ_DONE ? ST_STALE : sq_map(rc);
	if (d->sent) {
		r = st_prep(s, "UPDATE outbox SET state = 'sent', sent_at = ?2, "
		            "code = '', answer = ?3 WHERE id = ?1", &st);
	} else if (d->permanent || tries >= d->max_tries) {
		r = st_prep(s, "UPDATE outbox SET state = 'failed', answer = ?3 "
		            "WHERE id = ?1", &st);
	} else {
		r = st_prep(s, "UPDATE outbox SET state = 'queued', next_at = ?4, "
		            "answer = ?3 WHERE id = ?1", &st);
	}
	if (r != ST_OK)
		return r;
	{
		long long delay = d->retry_s > 0 ? d->retry_s : 60;

		for (int i = 1; i < tries && delay < DAY_S; i++)
			delay *= 2;
		if (delay > DAY_S)
			delay = DAY_S;
		sq_bind_i64(st, 1, d->id);
		sq_bind_i64(st, 2, (int64_t)d->now);
		{
			char ans[301];   /* at most 300 bytes of the answer */

			snprintf(ans, sizeof ans, "%.300s", d->answer ? d->answer : "");
			sq_bind_text(st, 3, ans);
		}
		sq_bind_i64(st, 4, (int64_t)d->now + delay);
	}
	r = st_done(st);
	sq_finalize(st);
	return r;
}

st_rc store_outbox_done(store *s, int64_t id, const char *who, bool sent,
                        bool permanent, const char *answer, time_t now,
                        int retry_s, int max_tries)
{
	struct done_ctx d = { id, who, answer, sent, permanent, now, retry_s,
	                      max_tries };

	if (!who || !st_utf8_ok(who) || !st_utf8_ok(answer))
		return ST_INVALID;
	return st_tx(s, done_body, &d);
}

struct recover_ctx {
	bool (*dead)(void *, const char *, time_t);
	void *ctx;
	int n;
};

static st_rc recover_body(store *s, void *ctx)
{
	struct recover_ctx *c = ctx;
	sq_stmt *st, *up;
	st_rc r;
	int rc;

	c->n = 0;
	if ((r = st_prep(s, "SELECT id, claimed_by, claimed_at FROM outbox WHERE "
	                 "state = 'sending'", &st)) != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE outbox SET state = 'unknown', answer = "
	                 "'interrupted while sending: maybe sent, never sent again' "
	                 "WHERE id = ? AND state = 'sending'", &up)) != ST_OK) {
		sq_finalize(st);
		return r;
	}
	while ((rc = sq_step(st)) == SQ_ROW) {
		const char *by = (const char *)sq_col_text(st, 1);

		if (!c->dead(c->ctx, by ? by : "", (time_t)sq_col_i64(st, 2)))
			continue;
		sq_reset(up);
		sq_bind_i64(up, 1, sq_col_i64(st, 0));
		if ((r = st_done(up)) != ST_OK)
			break;
		c->n++;
	}
	if (r == ST_OK && rc != SQ_DONE)
		r = sq_map(rc);
	sq_finalize(st);
	sq_finalize(up);
	return r;
}

st_rc store_outbox_recover(store *s, bool (*dead)(void *, const char *, time_t),
                           void *ctx, int *n)
{
	struct recover_ctx c = { dead, ctx, 0 };
	st_rc r;

	r = st_tx(s, recover_body, &c);
	if (n)
		*n = r == ST_OK ? c.n : 0;
	return r;
}

/* ---- withdrawal at the kiosk ------------------------------------------------- */

struct withdraw_ctx { const char *ref, *last4; };

static st_rc withdraw_body(store *s, void *ctx)
{
	struct withdraw_ctx *w = ctx;
	sq_stmt *st;
	time_t now = khidma_now();
	int64_t id = 0;
	const char *mob, *status;
	req_status rs = RS_RECEIVED;
	size_t ml;
	st_rc r = ST_OK;
	int rc;

	if ((r = st_prep(s, "SELECT id, mobile, status FROM requests WHERE ref = ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, w->ref);
	rc = sq_step(st);
	if (rc != SQ_ROW) {
		sq_finalize(st);
		return rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	mob = (const char *)sq_col_text(st, 1);
	ml = mob ? strlen(mob) : 0;
	if (ml < 4 || strlen(w->last4) != 4 || strcmp(mob + ml - 4, w->last4) != 0)
		r = ST_NOTFOUND;
	id = sq_col_i64(st, 0);
	status = (const char *)sq_col_text(st, 2);
	req_status_parse(status, &rs);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE requests SET notify = 'none', notify_at = ?2, "
	                 "version = version + 1, updated_at = ?2 WHERE id = ?1",
	                 &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, id);
	sq_bind_i64(st, 2, (int64_t)now);
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE outbox SET state = 'cancelled', answer = "
	                 "'consent withdrawn' WHERE request_id = ? AND state = "
	                 "'queued'", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, id);
	r = st_done(st);
	sq_finalize(st);
	if (r != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO request_events(request_id, at, who, "
	                 "from_status, to_status, note, kind) VALUES (?1, ?2, "
	                 "'kiosk', ?3, ?3, 'messages: consent withdrawn', "
	                 "'notify_off')", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, id);
	sq_bind_i64(st, 2, (int64_t)now);
	sq_bind_text(st, 3, req_status_name(rs));
	r = st_done(st);
	sq_finalize(st);
	return r;
}

st_rc store_notify_withdraw(store *s, const char *ref, const char *last4)
{
	struct withdraw_ctx w = { ref, last4 };

	if (!ref || !last4 || !st_utf8_ok(ref) || !st_utf8_ok(last4))
		return ST_INVALID;
	if (st_door(s))         /* a kiosk's login: khidma_notify_withdraw */
		return st_door_withdraw(s, ref, last4);
	return st_tx(s, withdraw_body, &w);
}

/* ---- survey codes (store/survey.c's link_request) ------------------------------ */

/* The request a survey code names: its id and whether the code was used;
 * ST_NOTFOUND. */
st_rc st_survey_code_find(store *s, const char *code, int64_t *request_id,
                          bool *used)
{
	sq_stmt *st;
	char hex[33];
	int rc;
	st_rc r;

	*request_id = 0;
	*used = false;
	if (!code || strlen(code) != 8 || strspn(code, "0123456789") != 8)
		return ST_NOTFOUND;
	code_hash(code, hex);
	if ((r = st_prep(s, "SELECT request_id, used FROM survey_codes WHERE hash = ?",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, hex);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		*request_id = sq_col_i64(st, 0);
		*used = sq_col_int(st, 1) != 0;
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

/* Mark the code of request_id used (in the response's transaction). */
st_rc st_survey_code_use(store *s, int64_t request_id)
{
	sq_stmt *st;
	st_rc r;

	if ((r = st_prep(s, "UPDATE survey_codes SET used = 1 WHERE request_id = ? "
	                 "AND used = 0", &st)) != ST_OK)
		return r;
	sq_bind_i64(st, 1, request_id);
	r = st_done(st);
	sq_finalize(st);
	if (r == ST_OK && sq_changes(s) != 1)
		r = ST_DENIED;
	return r;
}
