/*
 * store/spool — the kiosk's spool and its forwarder; see spool.h for the
 * design and invariants. Only the public store interface is used here
 * (store.h and store/ingest.c's copies), so the server may be either
 * engine; the spool itself is always a SQLite file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sodium.h>
#include <errno.h>
#include <sys/stat.h>

#include "core/util.h"
#include "store/spool.h"

st_rc spool_open(const char *path, store **out, char *err, size_t errsz)
{
	struct store_opts o = { .create = true, .busy_ms = 10000 };
	const char *slash = strrchr(path, '/');

	/* The spool's own directory is made when it is missing (one level,
	 * 0700): a PostgreSQL kiosk's default spool is var/spool.db under the
	 * directory it was started in, and a missing var/ left the kiosk
	 * without its offline block (only a log line said why). A deeper
	 * missing path is still refused by store_open, with its reason. */
	if (slash && slash != path) {
		char *dir = xasprintf("%.*s", (int)(slash - path), path);

		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			errno = 0;               /* store_open reports the real failure */
		free(dir);
	}
	return store_open(path, &o, out, err, errsz);
}

/* Copy the server's catalog (every kind, retired items too) into the
 * spool, so a request taken offline passes the submission's check. */
static st_rc copy_catalog(store *spool, store *server)
{
	static const char *const kinds[] = { "service", "channel", "question" };
	st_rc r = ST_OK;

	for (size_t k = 0; k < ARRAY_LEN(kinds) && r == ST_OK; k++) {
		struct catalog_item *it = NULL;
		int n = 0;

		if ((r = store_catalog_list(server, kinds[k], true, &it, &n)) != ST_OK)
			break;
		for (int i = 0; i < n && r == ST_OK; i++)
			r = store_catalog_upsert(spool, kinds[k], &it[i]);
		catalog_items_free(it, n);
	}
	return r;
}

/* Copy the server's documents (the kiosk's "Information and guides")
 * into the spool, retired ones first: the spool's active ones never
 * exceed the server's (DOC_MAX_ACTIVE). */
static st_rc copy_docs(store *spool, store *server)
{
	struct doc_item *d = NULL;
	int n = 0;
	st_rc r;

	if ((r = store_doc_list(server, true, &d, &n)) != ST_OK)
		return r;
	for (int pass = 0; pass < 2 && r == ST_OK; pass++)
		for (int i = 0; i < n && r == ST_OK; i++)
			if (d[i].active == (pass == 1))
				r = store_doc_upsert(spool, &d[i]);
	doc_items_free(d, n);
	return r;
}

st_rc spool_refill(store *spool, store *server, const char *kiosk, int low,
                   int n, int64_t *left)
{
	int64_t next, have, first, last;
	st_rc r;

	if ((r = store_ref_block_next(spool, &next, &have)) != ST_OK)
		return r;
	if (have < low) {
		/* the server first: a store opened offline learns its branch
		 * only when it first reaches the server (store_opts.offline_ok) */
		if ((r = store_ref_block_reserve(server, kiosk, n, &first, &last)) != ST_OK)
			return r;
		/* the spool's references carry the server's branch */
		if (strcmp(store_branch(spool), store_branch(server)) != 0 &&
		    (r = store_meta_set(spool, "branch", store_branch(server))) != ST_OK)
			return r;
		/* a crash here loses the block: a gap in the numbers, no harm */
		if ((r = store_ref_block_add(spool, store_branch(server), first,
		                             last)) != ST_OK)
			return r;
		have += last - first + 1;
	}
	if ((r = copy_catalog(spool, server)) != ST_OK ||
	    (r = copy_docs(spool, server)) != ST_OK)
		return r;
	if (left)
		*left = have;
	return ST_OK;
}

st_rc spool_submit(store *spool, struct request *r)
{
	unsigned char rnd[8];
	char hex[17], idem[48];
	int64_t next, left;
	st_rc rc;

	/* the key names the reference it is made for; the reference is known
	 * before the write (one writer: the kiosk process) */
	if ((rc = store_ref_block_next(spool, &next, &left)) != ST_OK)
		return rc;
	if (next == 0)
		return ST_FULL;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(idem, sizeof idem, "k:%s:%lld:%s", store_branch(spool),
	         (long long)next, hex);
	return store_request_spool(spool, r, idem);
}

st_rc spool_forward(store *spool, store *server, int max, struct spool_pass *p)
{
	int64_t ids[64], after = 0;
	int n, done = 0, commits = 0;
	bool reached = false;
	st_rc r = ST_OK;

	p->sent = p->replays = p->conflicts = 0;
	while (done < max) {
		int want = max - done < (int)ARRAY_LEN(ids) ? max - done : (int)ARRAY_LEN(ids);

		if ((r = store_spool_ids(spool, after, want, ids, &n)) != ST_OK || n == 0)
			break;
		for (int i = 0; i < n && r == ST_OK; i++, done++) {
			struct request_full q;
			enum ingest_outcome out = INGEST_ADDED;
			const char *mark;

			after = ids[i];
			if ((r = store_request_read_full(spool, ids[i], &q)) != ST_OK)
				break;
			if (!q.idem[0]) {           /* not spooled by spool_submit */
				request_full_free(&q);
				continue;
			}
			r = store_request_ingest(server, &q, q.idem, true, &out);
			if (r == ST_OK || out == INGEST_CONFLICT)
				reached = true;
			if (r == ST_OK && p->die_after > 0 && ++commits >= p->die_after)
				raise(SIGKILL);     /* test hook: committed, not marked */
			if (r == ST_DENIED && out == INGEST_CONFLICT) {
				strlcpy_k(p->conflict_ref, q.r.ref, sizeof p->conflict_ref);
				r = ST_OK;
			}
			request_full_free(&q);
			if (r != ST_OK)
				break;
			/* invariant 2: only now, after the server's commit */
			mark = out == INGEST_ADDED ? "sent" :
			       out == INGEST_REPLAY ? "replay" : "conflict";
			if ((r = store_spool_mark(spool, ids[i], mark)) != ST_OK)
				break;
			if (out == INGEST_ADDED)
				p->sent++;
			else if (out == INGEST_REPLAY)
				p->replays++;
			else
				p->conflicts++;
		}
		if (r != ST_OK)
			break;
	}
	if (r == ST_OK && done == 0) {
		char b[8];

		/* nothing to send: one read says whether the server answers */
		r = store_meta_get(server, "branch", b, sizeof b);
		if (r == ST_NOTFOUND)
			r = ST_OK;
		reached = r == ST_OK;
	}
	if (reached) {
		char now[32];

		snprintf(now, sizeof now, "%lld", (long long)khidma_now());
		store_meta_set(spool, "forward_last_ok", now);
	}
	return r;
}

st_rc spool_status(store *spool, struct spool_status *st)
{
	char buf[32] = "";
	int64_t next;
	st_rc r;

	memset(st, 0, sizeof *st);
	if ((r = store_spool_pending(spool, &st->pending, &st->oldest,
	                             &st->conflicts)) != ST_OK)
		return r;
	if ((r = store_ref_block_next(spool, &next, &st->refs_left)) != ST_OK)
		return r;
	if (store_meta_get(spool, "forward_last_ok", buf, sizeof buf) == ST_OK)
		st->last_ok = (time_t)strtoll(buf, NULL, 10);
	return ST_OK;
}
