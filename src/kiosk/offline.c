/*
 * kiosk/offline — the kiosk's side of the spool (issue 13; see kiosk.h and
 * store/spool.h for the spool's guarantees).
 *
 * Invariants:
 *  1. Only a kiosk whose database is a PostgreSQL server spools; a kiosk
 *     on a SQLite file never creates a spool.
 *  2. A spooled submission is as durable as an online one (the spool is a
 *     khidma SQLite store: WAL, synchronous=FULL, one transaction) and the
 *     visitor's confirmation is the same: the reference shown is on disk.
 *  3. The forward pass runs between visitors only (from the welcome), never
 *     while a visitor types; a failure there is logged once per change and
 *     changes nothing the visitor sees.
 *  4. Started while the server cannot be reached (the store opened
 *     offline, store_opts.offline_ok), the kiosk takes requests only when
 *     its spool can: a reserved reference left and a copy of the catalog
 *     (kiosk_spool_ready); the request form then lists the spool's copy
 *     of the catalog until a pass between visitors reaches the server,
 *     which puts the server's back (k->req_init cleared). Otherwise it is
 *     out of service (oos.c) and tries the server again by itself.
 *  5. With no reserved reference left, an offline submission is answered
 *     as the server's absence (ST_OFFLINE: "cannot be reached … try again
 *     in a moment"), never as a full disk.
 */
#include "kiosk/kiosk.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/util.h"
#include "store/spool.h"

enum { FORWARD_EVERY_S = 30, REFS_LOW = 20, REFS_BLOCK = 100, FORWARD_MAX = 50 };

static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

bool kiosk_spool_enabled(const struct kiosk *k)
{
	return k->a->db_path && store_uri_is_pg(k->a->db_path);
}

static st_rc open_spool(struct kiosk *k)
{
	char err[512] = "";
	char *path;
	st_rc rc;

	if (k->spool)
		return ST_OK;
	path = config_spool_path(&k->a->cfg, k->a->db_path);
	rc = spool_open(path, &k->spool, err, sizeof err);
	if (rc != ST_OK)
		log_error("kiosk: the spool %s cannot be opened: %s (%s)", path,
		          st_rc_name(rc), err);
	free(path);
	return rc;
}

st_rc kiosk_spool_submit(struct kiosk *k, struct request *r)
{
	st_rc rc;

	if (!kiosk_spool_enabled(k))
		return ST_OFFLINE;
	if ((rc = open_spool(k)) != ST_OK)
		return rc;
	{
		int64_t next = 0, left = 0;

		if (store_ref_block_next(k->spool, &next, &left) == ST_OK && left <= 0) {
			log_error("kiosk: request not spooled: no reserved reference "
			          "left (the server was not reached to reserve more)");
			return ST_OFFLINE;  /* invariant 5 */
		}
	}
	rc = spool_submit(k->spool, r);
	if (rc == ST_OK) {
		log_info("kiosk: the server cannot be reached: request %s kept in "
		         "the spool until it can", r->ref);
		k->spool_next = 0;          /* forward at the next chance */
	} else {
		log_error("kiosk: request not spooled: %s%s", st_rc_name(rc),
		          rc == ST_FULL ? " (no reserved reference left)" : "");
	}
	return rc;
}

void kiosk_spool_tick(struct kiosk *k)
{
	static st_rc last = ST_OK;
	struct spool_pass p = { 0 };
	time_t now = mono_s();
	st_rc rc;

	if (!kiosk_spool_enabled(k) || k->a->db == NULL || now < k->spool_next)
		return;
	k->spool_next = now + FORWARD_EVERY_S;
	if (open_spool(k) != ST_OK)
		return;
	rc = spool_refill(k->spool, k->a->db, kiosk_id(k), REFS_LOW, REFS_BLOCK,
	                  NULL);
	if (rc == ST_OK)
		rc = spool_forward(k->spool, k->a->db, FORWARD_MAX, &p);
	if (p.sent || p.replays || p.conflicts)
		log_info("kiosk: forwarded the spool: %d delivered, %d already "
		         "there, %d refused", p.sent, p.replays, p.conflicts);
	if (p.conflicts)
		log_error("kiosk: spooled reference %s exists on the server as "
		          "another request; kept in the spool", p.conflict_ref);
	if (rc == ST_OK && k->form_from_spool) {
		/* invariant 4: the server's catalog from now on (between
		 * visitors: this runs before the welcome only) */
		k->req_init = false;
		k->form_from_spool = false;
	}
	if (rc != last && rc == ST_OK)
		log_info("kiosk: the server answers again; spool pass done");
	else if (rc != last)
		log_error("kiosk: spool pass: %s", st_rc_name(rc));
	last = rc;
	if (rc != ST_OK)
		k->spool_next = now + 5;    /* the link may come back soon */
}

bool kiosk_spool_ready(struct kiosk *k)
{
	struct spool_status ss;
	struct catalog_item *it = NULL;
	int n = 0;

	if (!kiosk_spool_enabled(k) || open_spool(k) != ST_OK ||
	    spool_status(k->spool, &ss) != ST_OK || ss.refs_left <= 0)
		return false;
	if (store_catalog_list(k->spool, "service", false, &it, &n) != ST_OK)
		n = 0;
	catalog_items_free(it, n);
	return n > 0;
}

store *kiosk_read_db(struct kiosk *k)
{
	if (kiosk_spool_enabled(k) && k->a->db && store_offline(k->a->db) &&
	    open_spool(k) == ST_OK)
		return k->spool;
	return k->a->db;
}

store *kiosk_catalog_db(struct kiosk *k)
{
	store *db = kiosk_read_db(k);

	if (db != k->a->db)
		k->form_from_spool = true;
	return db;
}

void kiosk_spool_close(struct kiosk *k)
{
	store_close(k->spool);
	k->spool = NULL;
}
