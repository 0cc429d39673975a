/*
 * store/schema — the schema and its forward migrations.
 *
 * PRAGMA user_version holds the number of steps applied. steps[k] takes the
 * database from version k to k+1; a database of ANY earlier version is
 * upgraded by running the missing steps in order, each in its own
 * BEGIN IMMEDIATE transaction that also sets user_version, so a crash
 * between steps leaves a consistent, still-upgradable file.
 *
 *   v1  base schema: meta, catalog, members, officers, requests,
 *       request_events (+ append-only triggers), survey_responses,
 *       survey_answers; the queue index (status, created_at, id).
 *   v2  search: requests.name_key (text_search_key of the name, back-filled
 *       for existing rows), indexes on national_id, mobile, name_key,
 *       created_at, open requests by created_at (partial index: the queue's
 *       default view stays an index walk when most requests are closed),
 *       assigned_to, channel, service; track_failures.
 *   v3  requests_name_fts: FTS5 trigram index over name_key (external
 *       content + triggers), so a name substring of 3+ characters is an
 *       index lookup, not a scan of a million rows.
 *   v4  report summaries, kept by triggers in the transaction that writes
 *       the row they summarise (so every writer keeps them, the store's
 *       functions and raw SQL alike), back-filled from the rows already
 *       there: requests.decided_at / delivered_at (the time of the first
 *       event moving the request to accepted|rejected / delivered);
 *       survey_responses.s1..s5 (its scored answers by score);
 *       survey_days (day, question, score) → n, the answers per day;
 *       survey_channel_days (day, channel) → s1..s5 and the responses
 *       with a scored answer; covering indexes for the report's counts
 *       (status, service, created_at) and officer look-ups (id,
 *       assigned_to); and
 *       request_events_to (to_status, from_status, request_id, at), which
 *       `khidma init` used to create by hand (report_ensure_indexes).
 *   v5  cheaper durable submit, O(days) report counts (issue 6; figures in
 *       bench/README.md and the commit): counters kept by triggers and
 *       back-filled — request_days (status, service, UTC day of
 *       created_at) → n (in that order, so the report's GROUP BY status,
 *       service streams without a sort), and request_durations (kind decided|delivered, hour
 *       bucket of decided_at|delivered_at - created_at) → n; indexes no
 *       query uses any more dropped (requests_name_key: the name search is
 *       FTS5 or instr() on requests_created; request_events_to: the report
 *       reads requests.decided_at/delivered_at; requests_counts: replaced
 *       by request_days); requests_assigned made partial (assigned_to <>
 *       ''), since a new request is unassigned and the queue only filters
 *       by an officer's login; requests_name_fts rebuilt with
 *       columnsize=0 (nothing ranks by length, so no docsize row per
 *       request); requests_decided/delivered recreated in v4's form
 *       (databases generated while v4 was being written have them as
 *       (created_at, decided_at), on which the duration order sorts);
 *       v4's triggers on request_events dropped (invariant 7).
 *       Per submit: 26 → ~20 pages written to the WAL.
 *   v6  officer_sat: the per-officer satisfaction sums kept by triggers
 *       (invariant 8) with requests.last_officer, back-filled from the
 *       events; the whole-time report reads one row per officer instead
 *       of looking up every linked request (~100 ms at 1M); a period's
 *       report still does, through requests_officer.
 *   v7  track_failures.kiosk and .ref (the kiosk_id and the reference of
 *       a failed tracking lookup; '' for rows written before) with an
 *       index on each (, at): the throttle counts per kiosk and per
 *       reference, the alarm over all.
 *   v8  request_events.kind: what wrote the event ("submitted", "note",
 *       "assign", "match", the workflow action — "verify", "refer_back",
 *       "reopen", "exception", "accept" … — or "vote_accept" /
 *       "vote_reject"); '' for older events (invariant 9).
 *   v9  honest surveys (invariants 4, 8): survey_responses loses
 *       request_id and gains service, off_verified, off_registered,
 *       off_delivered (the request's service and the officers credited,
 *       frozen at its delivery: CREDIT_* in store_int.h), copied from the
 *       linked request for existing rows, which mark it requests.surveyed
 *       (one response per request from now on); survey_channel_days
 *       rebuilt to count responses (by the class floor(mean) of their
 *       scored answers, + msum = the sum of their means x 720720);
 *       survey_officer_days (day, officer) the same over the responses
 *       credited to each officer; officer_sat, its two triggers,
 *       survey_responses_linked and requests_officer dropped
 *       (last_officer stays, written as before, read by no report).
 *   v10 help_calls (id, kiosk, called_at, answered_at, answered_by): "call
 *       an officer" at the kiosk (store/help.c); no personal data, an
 *       index on the open calls (answered_at, called_at).
 *   v11 the SLA clock that stops in needs_info (requests.paused_s,
 *       paused_since, kept by triggers; index requests_due on the open
 *       requests by created_at + paused_s), what "ask for information"
 *       asked for (info_items, info_text), and duplicate_of (v11_sql).
 *   v12 notifications (issue 14; store/notify.c): requests.notify
 *       (none|sms|email|both: the member's consent), notify_at (when it
 *       was given or withdrawn), notify_decl (the declaration version it
 *       was given under), lang (ar|en: the language of the messages);
 *       outbox (one row per message: request, event, transport, address,
 *       language, the placeholder values, an idempotency key, state
 *       queued|sending|sent|failed|unknown|cancelled, tries, next_at,
 *       claimed_by/at, sent_at, the gateway's answer) written in the
 *       transaction of the status change; survey_codes (the hash of a
 *       one-time survey code → its request, used once).
 *   v13 documents (issue 12, the admin's catalog; store/docs.c): the
 *       kiosk's "Information and guides" — code (unique), title_en,
 *       title_ar, path_en, path_ar (files under the data directory), sort,
 *       active (retired, never deleted). Empty = the configuration's
 *       `docs` are shown, as before v13.
 *   v14 the queue header's view counts without a scan (issue 12; figures
 *       in bench/results.md): request_status_n (status → requests in it)
 *       and request_due_days (UTC day of created_at + paused_s → the open
 *       requests not in needs_info due on that day), kept by triggers and
 *       back-filled; requests_committee (declared_by of the requests at
 *       the committee) and request_events_decider (who, request_id, kind
 *       of the verify / forward / vote events), partial indexes that count
 *       a committee member's own part (invariant 13).
 *   v15 kiosks that outlive their link and branches that join a server
 *       (issue 13; store/ingest.c, store/spool.c): requests.idem and
 *       survey_responses.idem (the idempotency key of a copied row: NULL
 *       for a row written here, unique otherwise, so a forwarded or
 *       migrated row is inserted once and a replay is a no-op);
 *       ref_blocks (kiosk, branch, first, last, at: sequence numbers
 *       reserved for a kiosk's offline use — the submission's next seq
 *       skips them; in a spool file, the blocks this kiosk holds);
 *       spool_sent (request_id, at, outcome sent|replay|conflict: which
 *       spooled requests the server has committed — used in spool files).
 *   v16 branches (code, name_en, name_ar): the branches catalog (issue 13;
 *       store/branches.c), as PostgreSQL's v1 has it. No counter gains a
 *       branch here: a file holds one branch (meta 'branch'), so its
 *       request_days is that branch's (PostgreSQL's v5 adds
 *       request_branch_days).
 *
 * Invariants:
 *  1. Steps are append-only: a released step is never edited, only followed.
 *  2. Every table is STRICT (except the FTS5 virtual table and its shadow
 *     tables, which SQLite owns); statuses and roles are stored as their names
 *     with a CHECK listing them.
 *  3. request_events refuses UPDATE and DELETE (triggers RAISE(ABORT)).
 *  4. survey tables have no column naming a visitor or a request; from
 *     v9 a response names the officers credited with the request it was
 *     linked to (the reports show them only from report_min_n up).
 *  5. The v4 summaries equal what the detail rows say: requests.decided_at
 *     = min(at) of its events into accepted|rejected with from <> to (NULL
 *     when none), delivered_at likewise for delivered; s1..s5 of a response
 *     = its answers with that score; survey_days.n = the answers of that
 *     question and score on responses of that day; survey_channel_days =
 *     the sums of s1..s5 and the count of responses with s1+..+s5 > 0 per
 *     (day, channel) of the responses. The triggers keep them
 *     on INSERT, which is the only way the store writes those rows
 *     (request_events is append-only; survey rows are never updated).
 *  6. The v5 counters equal what the rows say: request_days.n = the
 *     requests with that status and service created on that UTC day
 *     (DAYOF: floor(created_at / 86400)); request_durations.n = the
 *     requests whose decided_at (resp. delivered_at) is set and whose
 *     duration decided_at - created_at falls in that hour bucket (HOUROF:
 *     floor(duration / 3600)). The
 *     triggers keep them on every INSERT (request_days), UPDATE of
 *     status, service, created_at, decided_at or delivered_at, and DELETE
 *     of requests. Rows may reach n = 0; readers skip those.
 *  7. From v5 decided_at/delivered_at (invariant 5) are set by whoever
 *     writes the status change — store_request_transition in the same
 *     UPDATE, bench/gen with the rows it generates — not by triggers on
 *     request_events (see v5_sql), and a request is inserted without
 *     them (the counters count them from the UPDATE that sets them).
 *  8. v6: officer_sat.(s1..s5, responses) per officer = the sums of
 *     s1..s5 and the count of responses with a scored answer over the
 *     survey responses linked to requests whose officer is that officer;
 *     the officer of a request is COALESCE(NULLIF(assigned_to, ''),
 *     last_officer) ('' = none; readers skip it), and last_officer = the
 *     `who` of its last event not written by the kiosk ('' when none),
 *     set by the writer of the event in the same transaction (invariant
 *     7's rule). Kept by triggers on survey_answers INSERT and on UPDATE
 *     of assigned_to/last_officer; requests with linked responses are
 *     never deleted (foreign key), survey rows never updated.
 *     Replaced in v9: survey_channel_days (day, channel) and
 *     survey_officer_days (day, officer) = over the responses of that day
 *     with a scored answer (for an officer: credited to it in off_verified,
 *     off_registered or off_delivered, once), s<k> = those whose class
 *     floor(t / c) is k (c scored answers, t their total), responses =
 *     their number, msum = sum(t * 720720 / c); kept by the trigger on
 *     survey_answers INSERT (each answer moves its response from its old
 *     class and mean to the new).
 *  9. v8: an event's kind is set when it is written and never changes; a
 *     vote or an exception (from = to) is only ever written by the
 *     workflow (store_request_act), so typing a note can never forge one.
 * 10. members is replaced whole by each `members import` (store/members.c:
 *     built as members_stage, swapped in by renames, ids kept): its
 *     national-ID index is members_nid or members_nid_b, and its CREATE
 *     TABLE text may name it "members" (quoted). A migration must not name
 *     that index nor rely on that text; meta 'import_owner' is the
 *     import's claim while one runs.
 * 11. v11: paused_s = the sum of the closed needs_info intervals of the
 *     request (from the updated_at of the UPDATE moving it into
 *     needs_info to that of the UPDATE moving it out), paused_since = the
 *     start of the open one when status = needs_info, else 0. The SLA
 *     counts only the society's time: due = created_at + paused_s +
 *     sla_days; overdue = open, not needs_info, due < now (store/queue.c
 *     and the report's overdue list use the same rule).
 * 12. v12: an outbox row is written only in the transaction that writes
 *     its event (the status change or the submission) and only while the
 *     request's notify allows its transport; idem is unique, so no two
 *     rows are the same message. A row leaves 'queued' only through a
 *     claim ('sending', in its own short transaction) and leaves
 *     'sending' once: to sent/queued/failed by its claimant, or to
 *     'unknown' when the claimant died — never back to 'queued', so a
 *     message is handed to a gateway at most once. survey_codes holds no
 *     code, only its hash; survey_responses never names a code.
 * 13. v14: request_status_n.n = the requests in that status (a row for
 *     every status, 0 included); request_due_days.n = the requests with
 *     status IN ST_ACTIVE (open, not needs_info) whose created_at +
 *     paused_s falls on that UTC day (DAYOF). Kept by triggers on INSERT,
 *     UPDATE OF status, created_at or paused_s (each statement subtracts
 *     its OLD row and adds its NEW one, so v11's nested paused_s UPDATE
 *     and the status UPDATE add up in either order), and DELETE. Rows may
 *     reach n = 0. store_queue_views reads them (store/queue.c invariant 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text.h"
#include "store/store_int.h"

#define STATUS_CHECK(col) "CHECK (" col " IN ('received','needs_info'," \
	"'verified','referred','committee','accepted','rejected','registered'," \
	"'delivered','withdrawn'))"

static const char v1_sql[] =
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) STRICT;"
	"INSERT INTO meta(key, value) VALUES ('branch', '01');"

	"CREATE TABLE catalog ("
	"  id      INTEGER PRIMARY KEY,"
	"  kind    TEXT NOT NULL CHECK (kind IN ('service','channel','question')),"
	"  code    TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 31),"
	"  name_en TEXT NOT NULL,"
	"  name_ar TEXT NOT NULL,"
	"  sort    INTEGER NOT NULL DEFAULT 0,"
	"  active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),"
	"  UNIQUE (kind, code)) STRICT;"

	"CREATE TABLE members ("
	"  id          INTEGER PRIMARY KEY,"
	"  number      TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 31),"
	"  name        TEXT NOT NULL,"
	"  national_id TEXT NOT NULL,"
	"  mobile      TEXT NOT NULL DEFAULT '',"
	"  category    TEXT NOT NULL CHECK (category IN ('member','supporter','volunteer'))"
	") STRICT;"
	"CREATE INDEX members_nid ON members(national_id);"

	"CREATE TABLE officers ("
	"  id           INTEGER PRIMARY KEY,"
	"  login        TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 63),"
	"  name         TEXT NOT NULL,"
	"  role         TEXT NOT NULL CHECK (role IN ('officer','researcher','committee','admin')),"
	"  pwhash       TEXT NOT NULL CHECK (length(pwhash) < 128),"
	"  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),"
	"  failed       INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0) STRICT;"

	"CREATE TABLE requests ("
	"  id                  INTEGER PRIMARY KEY,"
	"  seq                 INTEGER NOT NULL UNIQUE,"
	"  ref                 TEXT NOT NULL UNIQUE,"
	"  category            TEXT NOT NULL CHECK (category IN ('member','supporter','volunteer')),"
	"  name                TEXT NOT NULL,"
	"  national_id         TEXT NOT NULL,"
	"  mobile              TEXT NOT NULL,"
	"  email               TEXT NOT NULL DEFAULT '',"
	"  member_number       TEXT NOT NULL DEFAULT '',"
	"  member_id           INTEGER REFERENCES members(id),"
	"  service             TEXT NOT NULL,"
	"  channel             TEXT NOT NULL,"
	"  description         TEXT NOT NULL,"
	"  declared_at         INTEGER NOT NULL DEFAULT 0,"
	"  signature           TEXT NOT NULL DEFAULT '',"
	"  declaration_version INTEGER NOT NULL DEFAULT 0,"
	"  declared_by         TEXT NOT NULL DEFAULT '',"
	"  created_at          INTEGER NOT NULL,"
	"  earliest_response   INTEGER NOT NULL,"
	"  status              TEXT NOT NULL " STATUS_CHECK("status") ","
	"  assigned_to         TEXT NOT NULL DEFAULT '',"
	"  decision_reason     TEXT,"
	"  field_match         TEXT NOT NULL DEFAULT '',"
	"  version             INTEGER NOT NULL DEFAULT 1,"
	"  updated_at          INTEGER NOT NULL) STRICT;"
	"CREATE INDEX requests_queue ON requests(status, created_at, id);"

	"CREATE TABLE request_events ("
	"  id          INTEGER PRIMARY KEY,"
	"  request_id  INTEGER NOT NULL REFERENCES requests(id),"
	"  at          INTEGER NOT NULL,"
	"  who         TEXT NOT NULL,"
	"  from_status TEXT NOT NULL " STATUS_CHECK("from_status") ","
	"  to_status   TEXT NOT NULL " STATUS_CHECK("to_status") ","
	"  note        TEXT NOT NULL DEFAULT '') STRICT;"
	"CREATE INDEX request_events_req ON request_events(request_id, id);"
	"CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events"
	" BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;"
	"CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events"
	" BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;"

	/* Anonymous: no officer, no visitor; the day only (local midnight). */
	"CREATE TABLE survey_responses ("
	"  id         INTEGER PRIMARY KEY,"
	"  day        INTEGER NOT NULL,"
	"  channel    TEXT NOT NULL DEFAULT '',"
	"  comment    TEXT,"
	"  request_id INTEGER REFERENCES requests(id)) STRICT;"
	"CREATE TABLE survey_answers ("
	"  response_id INTEGER NOT NULL REFERENCES survey_responses(id),"
	"  question    TEXT NOT NULL,"
	"  score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),"
	"  PRIMARY KEY (response_id, question)) STRICT;";

static const char v2_sql[] =
	"ALTER TABLE requests ADD COLUMN name_key TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX requests_created ON requests(created_at);"
	"CREATE INDEX requests_open ON requests(created_at) WHERE status IN " ST_OPEN_SQL ";"
	"CREATE INDEX requests_assigned ON requests(assigned_to, created_at);"
	"CREATE INDEX requests_channel ON requests(channel, created_at);"
	"CREATE INDEX requests_service ON requests(service, created_at);"
	"CREATE INDEX requests_nid ON requests(national_id);"
	"CREATE INDEX requests_mobile ON requests(mobile);"
	"CREATE INDEX requests_name_key ON requests(name_key);"
	"CREATE INDEX survey_responses_day ON survey_responses(day);"
	"CREATE TABLE track_failures ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL) STRICT;"
	"CREATE INDEX track_failures_at ON track_failures(at);";

/* v3: substring search on the name key without a table scan: an FTS5
 * trigram index over requests.name_key (external content, kept in step by
 * triggers), rebuilt from the rows already there. */
static const char v3_sql[] =
	"CREATE VIRTUAL TABLE requests_name_fts USING fts5(name_key, "
	"  content = 'requests', content_rowid = 'id', tokenize = 'trigram');"
	"CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN"
	"  INSERT INTO requests_name_fts(rowid, name_key) VALUES (new.id, new.name_key);"
	"END;"
	"CREATE TRIGGER requests_fts_update AFTER UPDATE OF name_key ON requests BEGIN"
	"  INSERT INTO requests_name_fts(requests_name_fts, rowid, name_key)"
	"    VALUES ('delete', old.id, old.name_key);"
	"  INSERT INTO requests_name_fts(rowid, name_key) VALUES (new.id, new.name_key);"
	"END;"
	"CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN"
	"  INSERT INTO requests_name_fts(requests_name_fts, rowid, name_key)"
	"    VALUES ('delete', old.id, old.name_key);"
	"END;"
	"INSERT INTO requests_name_fts(requests_name_fts) VALUES ('rebuild');";

/* v4: summaries for the report (see the design comment), back-filled in
 * one pass per table. The events' first decision/delivery per request come
 * through request_events_to, created first. */
static const char v4_sql[] =
	"CREATE INDEX IF NOT EXISTS request_events_to ON "
	"request_events(to_status, from_status, request_id, at);"
	"ALTER TABLE requests ADD COLUMN decided_at INTEGER;"
	"ALTER TABLE requests ADD COLUMN delivered_at INTEGER;"
	"UPDATE requests SET decided_at = e.at FROM (SELECT request_id, min(at) AS at"
	"  FROM request_events WHERE to_status IN ('accepted','rejected')"
	"  AND from_status <> to_status GROUP BY request_id) AS e"
	"  WHERE e.request_id = requests.id;"
	"UPDATE requests SET delivered_at = e.at FROM (SELECT request_id, min(at) AS at"
	"  FROM request_events WHERE to_status = 'delivered'"
	"  AND from_status <> to_status GROUP BY request_id) AS e"
	"  WHERE e.request_id = requests.id;"
	"CREATE TRIGGER request_events_decided AFTER INSERT ON request_events"
	"  WHEN new.to_status IN ('accepted','rejected') AND new.from_status <> new.to_status"
	"  BEGIN UPDATE requests SET decided_at = new.at WHERE id = new.request_id"
	"  AND (decided_at IS NULL OR decided_at > new.at); END;"
	"CREATE TRIGGER request_events_delivered AFTER INSERT ON request_events"
	"  WHEN new.to_status = 'delivered' AND new.from_status <> new.to_status"
	"  BEGIN UPDATE requests SET delivered_at = new.at WHERE id = new.request_id"
	"  AND (delivered_at IS NULL OR delivered_at > new.at); END;"
	"CREATE INDEX requests_counts ON requests(status, service, created_at);"
	"CREATE INDEX requests_officer ON requests(id, assigned_to);"
	"CREATE INDEX requests_decided ON requests(decided_at - created_at, created_at)"
	"  WHERE decided_at IS NOT NULL;"
	"CREATE INDEX requests_delivered ON requests(delivered_at - created_at, created_at)"
	"  WHERE delivered_at IS NOT NULL;"

	"ALTER TABLE survey_responses ADD COLUMN s1 INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE survey_responses ADD COLUMN s2 INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE survey_responses ADD COLUMN s3 INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE survey_responses ADD COLUMN s4 INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE survey_responses ADD COLUMN s5 INTEGER NOT NULL DEFAULT 0;"
	"UPDATE survey_responses SET s1 = a.s1, s2 = a.s2, s3 = a.s3, s4 = a.s4,"
	"  s5 = a.s5 FROM (SELECT response_id, sum(score = 1) AS s1,"
	"  sum(score = 2) AS s2, sum(score = 3) AS s3, sum(score = 4) AS s4,"
	"  sum(score = 5) AS s5 FROM survey_answers GROUP BY response_id) AS a"
	"  WHERE a.response_id = survey_responses.id;"
	"CREATE TABLE survey_days ("
	"  day      INTEGER NOT NULL,"
	"  question TEXT NOT NULL,"
	"  score    INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
	"  n        INTEGER NOT NULL,"
	"  PRIMARY KEY (day, question, score)) STRICT;"
	"INSERT INTO survey_days(day, question, score, n)"
	"  SELECT r.day, a.question, a.score, count(*) FROM survey_answers a"
	"  JOIN survey_responses r ON r.id = a.response_id"
	"  WHERE a.score BETWEEN 1 AND 5 GROUP BY 1, 2, 3;"
	"CREATE TABLE survey_channel_days ("
	"  day       INTEGER NOT NULL,"
	"  channel   TEXT NOT NULL,"
	"  s1        INTEGER NOT NULL,"
	"  s2        INTEGER NOT NULL,"
	"  s3        INTEGER NOT NULL,"
	"  s4        INTEGER NOT NULL,"
	"  s5        INTEGER NOT NULL,"
	"  responses INTEGER NOT NULL,"
	"  PRIMARY KEY (day, channel)) STRICT;"
	"INSERT INTO survey_channel_days(day, channel, s1, s2, s3, s4, s5, responses)"
	"  SELECT day, channel, sum(s1), sum(s2), sum(s3), sum(s4), sum(s5),"
	"  sum(s1 + s2 + s3 + s4 + s5 > 0) FROM survey_responses"
	"  WHERE s1 + s2 + s3 + s4 + s5 > 0 GROUP BY day, channel;"
	"CREATE TRIGGER survey_answers_summary AFTER INSERT ON survey_answers"
	"  WHEN new.score BETWEEN 1 AND 5 BEGIN"
	"  UPDATE survey_responses SET s1 = s1 + (new.score = 1),"
	"    s2 = s2 + (new.score = 2), s3 = s3 + (new.score = 3),"
	"    s4 = s4 + (new.score = 4), s5 = s5 + (new.score = 5)"
	"    WHERE id = new.response_id;"
	"  INSERT INTO survey_days(day, question, score, n)"
	"    SELECT day, new.question, new.score, 1 FROM survey_responses"
	"    WHERE id = new.response_id"
	"    ON CONFLICT (day, question, score) DO UPDATE SET n = n + 1;"
	"  INSERT INTO survey_channel_days(day, channel, s1, s2, s3, s4, s5, responses)"
	"    SELECT day, channel, new.score = 1, new.score = 2, new.score = 3,"
	"    new.score = 4, new.score = 5, s1 + s2 + s3 + s4 + s5 = 1"
	"    FROM survey_responses WHERE id = new.response_id"
	"    ON CONFLICT (day, channel) DO UPDATE SET s1 = s1 + excluded.s1,"
	"    s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,"
	"    s5 = s5 + excluded.s5, responses = responses + excluded.responses;"
	"  END;"
	"CREATE INDEX survey_responses_linked ON survey_responses"
	"  (request_id, day, s1, s2, s3, s4, s5) WHERE request_id IS NOT NULL;";

/* v5: counters for the report, kept by triggers on requests (invariant
 * 6), and fewer index pages per submit (see the design comment). */
#define DAYOF(x)  "((" x ") - (((" x ") % 86400) + 86400) % 86400) / 86400"
#define HOUROF(x) "((" x ") - (((" x ") % 3600) + 3600) % 3600) / 3600"
#define DAYS_ADD(r) "INSERT INTO request_days(day, status, service, n) " \
	"VALUES (" DAYOF(r ".created_at") ", " r ".status, " r ".service, 1) " \
	"ON CONFLICT (status, service, day) DO UPDATE SET n = n + 1;"
#define DAYS_SUB(r) "UPDATE request_days SET n = n - 1 WHERE day = " \
	DAYOF(r ".created_at") " AND status = " r ".status AND service = " \
	r ".service;"
#define DUR_ADD(r, col, kind) "INSERT INTO request_durations(kind, bucket, n) " \
	"SELECT '" kind "', " HOUROF(r "." col " - " r ".created_at") ", 1 " \
	"WHERE " r "." col " IS NOT NULL " \
	"ON CONFLICT (kind, bucket) DO UPDATE SET n = n + 1;"
#define DUR_SUB(r, col, kind) "UPDATE request_durations SET n = n - 1 " \
	"WHERE " r "." col " IS NOT NULL AND kind = '" kind "' AND bucket = " \
	HOUROF(r "." col " - " r ".created_at") ";"

static const char v5_sql[] =
	"DROP INDEX requests_name_key;"
	"DROP INDEX request_events_to;"
	"DROP INDEX requests_counts;"
	"DROP INDEX requests_assigned;"
	"CREATE INDEX requests_assigned ON requests(assigned_to, created_at)"
	"  WHERE assigned_to <> '';"
	/* bench databases made while v4 was being written carry an earlier
	 * form of these two (created_at, decided_at): one form for all */
	"DROP INDEX requests_decided;"
	"DROP INDEX requests_delivered;"
	"CREATE INDEX requests_decided ON requests(decided_at - created_at,"
	"  created_at) WHERE decided_at IS NOT NULL;"
	"CREATE INDEX requests_delivered ON requests(delivered_at - created_at,"
	"  created_at) WHERE delivered_at IS NOT NULL;"
	"DROP TABLE requests_name_fts;"
	"CREATE VIRTUAL TABLE requests_name_fts USING fts5(name_key, "
	"  content = 'requests', content_rowid = 'id', tokenize = 'trigram',"
	"  columnsize = 0);"
	"INSERT INTO requests_name_fts(requests_name_fts) VALUES ('rebuild');"
	/* one segment on the top level: else automerge starts merging the
	 * rebuilt index with each new submit's segment, ~8 more pages per
	 * submit for thousands of submits (measured on the 100k bench copy:
	 * 29.6 pages per submit over the first 400, 21.6 with this) */
	"INSERT INTO requests_name_fts(requests_name_fts) VALUES ('optimize');"

	"CREATE TABLE request_days ("
	"  day     INTEGER NOT NULL,"
	"  status  TEXT NOT NULL " STATUS_CHECK("status") ","
	"  service TEXT NOT NULL,"
	"  n       INTEGER NOT NULL,"
	"  PRIMARY KEY (status, service, day)) STRICT, WITHOUT ROWID;"
	"INSERT INTO request_days(day, status, service, n)"
	"  SELECT " DAYOF("created_at") ", status, service, count(*) FROM requests"
	"  GROUP BY 1, 2, 3;"
	"CREATE TABLE request_durations ("
	"  kind   TEXT NOT NULL CHECK (kind IN ('decided','delivered')),"
	"  bucket INTEGER NOT NULL,"
	"  n      INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, bucket)) STRICT, WITHOUT ROWID;"
	"INSERT INTO request_durations(kind, bucket, n)"
	"  SELECT 'decided', " HOUROF("decided_at - created_at") ", count(*)"
	"  FROM requests WHERE decided_at IS NOT NULL GROUP BY 2;"
	"INSERT INTO request_durations(kind, bucket, n)"
	"  SELECT 'delivered', " HOUROF("delivered_at - created_at") ", count(*)"
	"  FROM requests WHERE delivered_at IS NOT NULL GROUP BY 2;"

	/* Triggers are compiled into every statement that may fire them, and
	 * compiling is most of a submit's CPU (bench/README.md): v4's two
	 * triggers on request_events made every event insert — the
	 * submission's first event too — compile an UPDATE of requests, and
	 * duration counting there would have doubled that (~325k more
	 * instructions per submit). So from v5 the store's status change sets
	 * decided_at/delivered_at itself (requests.c, the same rule: the first
	 * change into accepted|rejected, resp. delivered), and the counts
	 * follow those columns by UPDATE OF triggers, which only statements
	 * setting them compile. The insert of a request carries one statement
	 * more (its day count). */
	"DROP TRIGGER request_events_decided;"
	"DROP TRIGGER request_events_delivered;"
	"CREATE TRIGGER requests_counters_insert AFTER INSERT ON requests BEGIN "
	DAYS_ADD("new")
	"END;"
	"CREATE TRIGGER requests_counters_status AFTER UPDATE OF status, service,"
	"  created_at ON requests WHEN old.status IS NOT new.status OR"
	"  old.service IS NOT new.service OR old.created_at IS NOT new.created_at"
	"  BEGIN " DAYS_SUB("old") DAYS_ADD("new") "END;"
	"CREATE TRIGGER requests_counters_decided AFTER UPDATE OF decided_at,"
	"  created_at ON requests WHEN old.decided_at IS NOT new.decided_at OR"
	"  old.created_at IS NOT new.created_at BEGIN "
	DUR_SUB("old", "decided_at", "decided")
	DUR_ADD("new", "decided_at", "decided")
	"END;"
	"CREATE TRIGGER requests_counters_delivered AFTER UPDATE OF delivered_at,"
	"  created_at ON requests WHEN old.delivered_at IS NOT new.delivered_at OR"
	"  old.created_at IS NOT new.created_at BEGIN "
	DUR_SUB("old", "delivered_at", "delivered")
	DUR_ADD("new", "delivered_at", "delivered")
	"END;"
	"CREATE TRIGGER requests_counters_delete AFTER DELETE ON requests BEGIN "
	DAYS_SUB("old")
	DUR_SUB("old", "decided_at", "decided")
	DUR_SUB("old", "delivered_at", "delivered")
	"END;";

/* v6: satisfaction per officer kept by triggers (invariant 8). The
 * officer of a request — its assignee, else the last officer (not the
 * kiosk) who wrote an event on it — is requests.last_officer beside
 * assigned_to, set by whoever writes the event (the store's UPDATE of the
 * request in the same transaction, bench/gen), so no trigger on
 * request_events is needed (every event INSERT, the submission's too,
 * would compile it). */
#define OFFICER_OF(q) "COALESCE(NULLIF(" q ".assigned_to, ''), " q ".last_officer)"
#define LINKED_SUMS(id) "(SELECT coalesce(sum(s1), 0) AS a1, coalesce(sum(s2), 0) AS a2," \
	" coalesce(sum(s3), 0) AS a3, coalesce(sum(s4), 0) AS a4," \
	" coalesce(sum(s5), 0) AS a5, coalesce(sum(s1 + s2 + s3 + s4 + s5 > 0), 0)" \
	" AS ar FROM survey_responses WHERE request_id = " id ")"

static const char v6_sql[] =
	"ALTER TABLE requests ADD COLUMN last_officer TEXT NOT NULL DEFAULT '';"
	"UPDATE requests SET last_officer = e.who FROM (SELECT request_id, who,"
	"  max(id) FROM request_events WHERE who <> 'kiosk' GROUP BY request_id)"
	"  AS e WHERE e.request_id = requests.id;"
	"CREATE TABLE officer_sat ("
	"  officer   TEXT NOT NULL PRIMARY KEY,"
	"  s1        INTEGER NOT NULL,"
	"  s2        INTEGER NOT NULL,"
	"  s3        INTEGER NOT NULL,"
	"  s4        INTEGER NOT NULL,"
	"  s5        INTEGER NOT NULL,"
	"  responses INTEGER NOT NULL) STRICT, WITHOUT ROWID;"
	"INSERT INTO officer_sat(officer, s1, s2, s3, s4, s5, responses)"
	"  SELECT " OFFICER_OF("q") ", sum(r.s1), sum(r.s2), sum(r.s3), sum(r.s4),"
	"  sum(r.s5), sum(r.s1 + r.s2 + r.s3 + r.s4 + r.s5 > 0)"
	"  FROM survey_responses r JOIN requests q ON q.id = r.request_id"
	"  GROUP BY 1;"
	/* a scored answer of a linked response: to its request's officer;
	 * the response counts once, with its first scored answer */
	"CREATE TRIGGER survey_answers_officer AFTER INSERT ON survey_answers"
	"  WHEN new.score BETWEEN 1 AND 5 AND (SELECT request_id FROM"
	"  survey_responses WHERE id = new.response_id) IS NOT NULL BEGIN"
	"  INSERT INTO officer_sat(officer, s1, s2, s3, s4, s5, responses)"
	"    SELECT " OFFICER_OF("q") ", new.score = 1, new.score = 2,"
	"    new.score = 3, new.score = 4, new.score = 5,"
	"    (SELECT count(*) FROM survey_answers WHERE response_id = new.response_id"
	"     AND score BETWEEN 1 AND 5) = 1"
	"    FROM survey_responses r JOIN requests q ON q.id = r.request_id"
	"    WHERE r.id = new.response_id"
	"    ON CONFLICT (officer) DO UPDATE SET s1 = s1 + excluded.s1,"
	"    s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,"
	"    s5 = s5 + excluded.s5, responses = responses + excluded.responses;"
	"  END;"
	/* the request's officer changes: its linked sums move with it */
	"CREATE TRIGGER requests_officer_moves AFTER UPDATE OF assigned_to,"
	"  last_officer ON requests WHEN " OFFICER_OF("old") " IS NOT "
	OFFICER_OF("new") " AND EXISTS (SELECT 1 FROM survey_responses WHERE"
	"  request_id = new.id) BEGIN"
	"  UPDATE officer_sat SET s1 = s1 - t.a1, s2 = s2 - t.a2, s3 = s3 - t.a3,"
	"    s4 = s4 - t.a4, s5 = s5 - t.a5, responses = responses - t.ar"
	"    FROM " LINKED_SUMS("new.id") " AS t WHERE officer = " OFFICER_OF("old") ";"
	"  INSERT INTO officer_sat(officer, s1, s2, s3, s4, s5, responses)"
	"    SELECT " OFFICER_OF("new") ", t.a1, t.a2, t.a3, t.a4, t.a5, t.ar"
	"    FROM " LINKED_SUMS("new.id") " AS t WHERE true"
	"    ON CONFLICT (officer) DO UPDATE SET s1 = s1 + excluded.s1,"
	"    s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,"
	"    s5 = s5 + excluded.s5, responses = responses + excluded.responses;"
	"  END;";

/* v7: the tracking throttle per kiosk and per reference (kiosk/track.c):
 * each failure says where and for which reference. */
static const char v7_sql[] =
	"ALTER TABLE track_failures ADD COLUMN kiosk TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE track_failures ADD COLUMN ref TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX track_failures_kiosk ON track_failures(kiosk, at);"
	"CREATE INDEX track_failures_ref ON track_failures(ref, at);";

/* v9: honest surveys and figures (issue 10, findings 7 and 8). A response
 * keeps what the reports need — day (the 1st of its month from now on),
 * channel, service, the officers credited — and no request id; the
 * per-channel and per-officer sums count responses, not answers. */
/* A response's counts: c scored answers, t their total; its mean is t/c,
 * its class floor(t/c) (1..5), its mean in MEAN_SCALE units t*SCALE/c
 * (exact for c <= 16: 720720 = lcm(1..16)). */
#define RESP_C(r) "(" r "s1 + " r "s2 + " r "s3 + " r "s4 + " r "s5)"
#define RESP_T(r) "(" r "s1 + 2 * " r "s2 + 3 * " r "s3 + 4 * " r "s4 + 5 * " r "s5)"
#define SUMS_COLS "s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL," \
	" s4 INTEGER NOT NULL, s5 INTEGER NOT NULL, responses INTEGER NOT NULL," \
	" msum INTEGER NOT NULL"
#define SUMS_FROM(c, t) "sum(" t " / " c " = 1), sum(" t " / " c " = 2)," \
	" sum(" t " / " c " = 3), sum(" t " / " c " = 4), sum(" t " / " c " = 5)," \
	" count(*), sum(" t " * 720720 / " c ")"
/* the change one more answer makes to its response's class and mean:
 * from (oc, ot) = (c - 1, t - score) to (c, t) */
#define DELTA_COLS "(d.t / d.c = 1) - (d.oc > 0 AND d.ot / d.oc = 1)," \
	" (d.t / d.c = 2) - (d.oc > 0 AND d.ot / d.oc = 2)," \
	" (d.t / d.c = 3) - (d.oc > 0 AND d.ot / d.oc = 3)," \
	" (d.t / d.c = 4) - (d.oc > 0 AND d.ot / d.oc = 4)," \
	" (d.t / d.c = 5) - (d.oc > 0 AND d.ot / d.oc = 5), d.oc = 0," \
	" d.t * 720720 / d.c - CASE WHEN d.oc > 0 THEN d.ot * 720720 / d.oc ELSE 0 END"
#define DELTA_FROM "(SELECT day, channel, off_verified, off_registered," \
	" off_delivered, " RESP_C("") " AS c, " RESP_T("") " AS t, " RESP_C("") \
	" - 1 AS oc, " RESP_T("") " - new.score AS ot FROM survey_responses" \
	" WHERE id = new.response_id) AS d"
#define SUMS_UPSERT "DO UPDATE SET s1 = s1 + excluded.s1, s2 = s2 + excluded.s2," \
	" s3 = s3 + excluded.s3, s4 = s4 + excluded.s4, s5 = s5 + excluded.s5," \
	" responses = responses + excluded.responses, msum = msum + excluded.msum;"

static const char v9_sql[] =
	"ALTER TABLE survey_responses ADD COLUMN service TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE survey_responses ADD COLUMN off_verified TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE survey_responses ADD COLUMN off_registered TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE survey_responses ADD COLUMN off_delivered TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE requests ADD COLUMN surveyed INTEGER NOT NULL DEFAULT 0"
	"  CHECK (surveyed IN (0, 1));"
	/* the links become what they gave: service and credit; the request
	 * is marked as evaluated (once per request from now on) */
	"UPDATE survey_responses SET service = q.service,"
	"  off_verified = " CREDIT_VERIFIED("q.id") ","
	"  off_registered = " CREDIT_REGISTERED("q.id") ","
	"  off_delivered = " CREDIT_DELIVERED("q.id")
	"  FROM requests q WHERE q.id = survey_responses.request_id;"
	"UPDATE requests SET surveyed = 1 WHERE id IN (SELECT request_id FROM"
	"  survey_responses WHERE request_id IS NOT NULL);"
	"DROP TRIGGER survey_answers_officer;"
	"DROP TRIGGER requests_officer_moves;"
	"DROP INDEX survey_responses_linked;"
	"DROP INDEX requests_officer;"
	"DROP TABLE officer_sat;"
	"ALTER TABLE survey_responses DROP COLUMN request_id;"
	/* per channel and per officer: responses (by the class of their
	 * mean), not answers */
	"DROP TABLE survey_channel_days;"
	"CREATE TABLE survey_channel_days ("
	"  day INTEGER NOT NULL, channel TEXT NOT NULL, " SUMS_COLS ","
	"  PRIMARY KEY (day, channel)) STRICT;"
	"INSERT INTO survey_channel_days(day, channel, s1, s2, s3, s4, s5, responses, msum)"
	"  SELECT day, channel, " SUMS_FROM("c", "t") " FROM (SELECT day, channel, "
	RESP_C("") " AS c, " RESP_T("") " AS t FROM survey_responses) WHERE c > 0"
	"  GROUP BY day, channel;"
	"CREATE TABLE survey_officer_days ("
	"  day INTEGER NOT NULL, officer TEXT NOT NULL, " SUMS_COLS ","
	"  PRIMARY KEY (day, officer)) STRICT;"
	"INSERT INTO survey_officer_days(day, officer, s1, s2, s3, s4, s5, responses, msum)"
	"  SELECT day, officer, " SUMS_FROM("c", "t") " FROM ("
	"  SELECT id, day, off_verified AS officer, " RESP_C("") " AS c, " RESP_T("")
	"    AS t FROM survey_responses UNION"
	"  SELECT id, day, off_registered, " RESP_C("") ", " RESP_T("") " FROM survey_responses UNION"
	"  SELECT id, day, off_delivered, " RESP_C("") ", " RESP_T("") " FROM survey_responses)"
	"  WHERE c > 0 AND officer <> '' GROUP BY day, officer;"
	"DROP TRIGGER survey_answers_summary;"
	"CREATE TRIGGER survey_answers_summary AFTER INSERT ON survey_answers"
	"  WHEN new.score BETWEEN 1 AND 5 BEGIN"
	"  UPDATE survey_responses SET s1 = s1 + (new.score = 1),"
	"    s2 = s2 + (new.score = 2), s3 = s3 + (new.score = 3),"
	"    s4 = s4 + (new.score = 4), s5 = s5 + (new.score = 5)"
	"    WHERE id = new.response_id;"
	"  INSERT INTO survey_days(day, question, score, n)"
	"    SELECT day, new.question, new.score, 1 FROM survey_responses"
	"    WHERE id = new.response_id"
	"    ON CONFLICT (day, question, score) DO UPDATE SET n = n + 1;"
	"  INSERT INTO survey_channel_days(day, channel, s1, s2, s3, s4, s5, responses, msum)"
	"    SELECT d.day, d.channel, " DELTA_COLS " FROM " DELTA_FROM " WHERE true"
	"    ON CONFLICT (day, channel) " SUMS_UPSERT
	"  INSERT INTO survey_officer_days(day, officer, s1, s2, s3, s4, s5, responses, msum)"
	"    SELECT d.day, o.officer, " DELTA_COLS " FROM " DELTA_FROM " JOIN"
	"    (SELECT off_verified AS officer FROM survey_responses WHERE id = new.response_id"
	"     UNION SELECT off_registered FROM survey_responses WHERE id = new.response_id"
	"     UNION SELECT off_delivered FROM survey_responses WHERE id = new.response_id)"
	"    AS o WHERE o.officer <> ''"
	"    ON CONFLICT (day, officer) " SUMS_UPSERT
	"  END;";

/* v2: compute name_key for the rows an older program wrote. */
static st_rc v2_backfill(store *s)
{
	sq_stmt *sel = NULL, *upd = NULL;
	st_rc r;
	int rc;

	if ((r = st_prep(s, "SELECT id, name FROM requests", &sel)) != ST_OK)
		return r;
	if ((r = st_prep(s, "UPDATE requests SET name_key = ? WHERE id = ?", &upd)) != ST_OK)
		goto out;
	while ((rc = sq_step(sel)) == SQ_ROW) {
		const char *name = sq_col_text(sel, 1);
		char *key = text_search_key(name ? name : "");

		sq_bind_text(upd, 1, key ? key : "");
		sq_bind_i64(upd, 2, sq_col_i64(sel, 0));
		free(key);
		r = st_done(upd);
		sq_reset(upd);
		if (r != ST_OK)
			goto out;
	}
	r = sq_map(rc);
out:
	sq_finalize(sel);
	sq_finalize(upd);
	return r;
}

/* v10: help requests from the kiosk (store/help.c): which kiosk, when,
 * answered when and by whom — nothing about the visitor. */
static const char v10_sql[] =
	"CREATE TABLE help_calls ("
	"  id INTEGER PRIMARY KEY,"
	"  kiosk TEXT NOT NULL CHECK (length(kiosk) <= 160),"
	"  called_at INTEGER NOT NULL,"
	"  answered_at INTEGER NOT NULL DEFAULT 0,"
	"  answered_by TEXT NOT NULL DEFAULT '' CHECK (length(answered_by) < 64)"
	") STRICT;"
	"CREATE INDEX help_calls_open ON help_calls(answered_at, called_at);";

struct step {
	const char *sql;
	st_rc (*fn)(store *s);
};

/* v8: the kind of every event (the workflow's audit, workflow.c): a
 * vote or a study-period exception is an event with from = to, told apart
 * from a note by its kind, not by text an officer could type. Events
 * written before v8 keep kind '' (request_events is append-only). */
static const char v8_sql[] =
	"ALTER TABLE request_events ADD COLUMN kind TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(kind) < 32);";

/* v11 (issue 12, the officer's working day): the SLA clock that stops
 * while a request waits for the member (needs_info), what the officer
 * asked for, and the duplicate link.
 *  - paused_s: the seconds of the closed needs_info intervals;
 *    paused_since: when the current one began (0 = not paused). The
 *    request's due time is created_at + paused_s + sla_days; it is overdue
 *    when open, not in needs_info and past it (invariant 11). Kept by two
 *    triggers on UPDATE OF status from the row's own updated_at (every
 *    writer sets it in the same UPDATE), back-filled from the events.
 *  - requests_due: the open requests by (created_at + paused_s, id), for
 *    the queue's "due date" order and the overdue filter.
 *  - info_items (catalog codes, comma-separated) and info_text: what the
 *    last "ask for information" asked the member for; '' when nothing.
 *  - duplicate_of: the id of the open request of the same national ID
 *    and service acknowledged at intake, or named by the "duplicate"
 *    action (0 = none). */
static const char v11_sql[] =
	"ALTER TABLE requests ADD COLUMN paused_s INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE requests ADD COLUMN paused_since INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE requests ADD COLUMN info_items TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(info_items) <= 400);"
	"ALTER TABLE requests ADD COLUMN info_text TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(info_text) <= 2000);"
	"ALTER TABLE requests ADD COLUMN duplicate_of INTEGER NOT NULL DEFAULT 0;"
	"UPDATE requests SET paused_s = COALESCE((SELECT sum(max(0, ("
	"    SELECT min(l.at) FROM request_events l WHERE l.request_id = e.request_id"
	"    AND l.id > e.id AND l.from_status = 'needs_info'"
	"    AND l.to_status <> 'needs_info') - e.at))"
	"  FROM request_events e WHERE e.request_id = requests.id"
	"  AND e.to_status = 'needs_info' AND e.from_status <> 'needs_info'), 0),"
	"  paused_since = CASE WHEN status = 'needs_info' THEN COALESCE((SELECT"
	"    max(e.at) FROM request_events e WHERE e.request_id = requests.id"
	"    AND e.to_status = 'needs_info' AND e.from_status <> 'needs_info'),"
	"    updated_at) ELSE 0 END"
	"  WHERE id IN (SELECT request_id FROM request_events"
	"    WHERE to_status = 'needs_info');"
	"CREATE INDEX requests_due ON requests(created_at + paused_s, id)"
	"  WHERE status IN " ST_OPEN_SQL ";"
	"CREATE TRIGGER requests_pause AFTER UPDATE OF status ON requests"
	"  WHEN new.status = 'needs_info' AND old.status <> 'needs_info' BEGIN"
	"  UPDATE requests SET paused_since = new.updated_at WHERE id = new.id;"
	"  END;"
	"CREATE TRIGGER requests_resume AFTER UPDATE OF status ON requests"
	"  WHEN old.status = 'needs_info' AND new.status <> 'needs_info' BEGIN"
	"  UPDATE requests SET paused_s = paused_s +"
	"    max(0, new.updated_at - old.paused_since), paused_since = 0"
	"    WHERE id = new.id;"
	"  END;";

/* v12: notifications (issue 14): the consent on the request, the outbox,
 * the one-time survey codes (store/notify.c). */
static const char v12_sql[] =
	"ALTER TABLE requests ADD COLUMN notify TEXT NOT NULL DEFAULT 'none'"
	"  CHECK (notify IN ('none','sms','email','both'));"
	"ALTER TABLE requests ADD COLUMN notify_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE requests ADD COLUMN notify_decl INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE requests ADD COLUMN lang TEXT NOT NULL DEFAULT 'ar'"
	"  CHECK (lang IN ('ar','en'));"
	"CREATE TABLE outbox ("
	"  id         INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES requests(id),"
	"  event_id   INTEGER NOT NULL,"
	"  event      TEXT NOT NULL CHECK (event IN ('received','needs_info',"
	"    'accepted','rejected','registered','delivered')),"
	"  transport  TEXT NOT NULL CHECK (transport IN ('sms','email')),"
	"  address    TEXT NOT NULL,"
	"  lang       TEXT NOT NULL CHECK (lang IN ('ar','en')),"
	"  ref        TEXT NOT NULL,"
	"  date       INTEGER NOT NULL DEFAULT 0,"
	"  text       TEXT NOT NULL DEFAULT '',"
	"  code       TEXT NOT NULL DEFAULT '',"
	"  idem       TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued',"
	"    'sending','sent','failed','unknown','cancelled')),"
	"  tries      INTEGER NOT NULL DEFAULT 0,"
	"  next_at    INTEGER NOT NULL,"
	"  claimed_by TEXT NOT NULL DEFAULT '',"
	"  claimed_at INTEGER NOT NULL DEFAULT 0,"
	"  sent_at    INTEGER NOT NULL DEFAULT 0,"
	"  answer     TEXT NOT NULL DEFAULT '') STRICT;"
	"CREATE INDEX outbox_due ON outbox(next_at, id) WHERE state = 'queued';"
	"CREATE INDEX outbox_req ON outbox(request_id, id);"
	"CREATE INDEX outbox_claimed ON outbox(claimed_at) WHERE state IN ('sending','sent');"
	"CREATE TABLE survey_codes ("
	"  hash       TEXT PRIMARY KEY,"
	"  request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),"
	"  created_at INTEGER NOT NULL,"
	"  used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0,1))) STRICT;";

/* v13: the documents the kiosk shows (store/docs.c, invariant 2 there:
 * what is written passes doc_item_problem). */
static const char v13_sql[] =
	"CREATE TABLE documents ("
	"  id       INTEGER PRIMARY KEY,"
	"  code     TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 31),"
	"  title_en TEXT NOT NULL CHECK (length(title_en) BETWEEN 1 AND 120),"
	"  title_ar TEXT NOT NULL CHECK (length(title_ar) BETWEEN 1 AND 120),"
	"  path_en  TEXT NOT NULL CHECK (length(path_en) BETWEEN 1 AND 255),"
	"  path_ar  TEXT NOT NULL CHECK (length(path_ar) BETWEEN 1 AND 255),"
	"  sort     INTEGER NOT NULL DEFAULT 0,"
	"  active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))) STRICT;";

/* v14: the queue's view counts (invariant 13, store/queue.c invariant 5).
 * The due-day counter covers the requests the overdue view may count
 * (open, not waiting for the member); the partial day at the cut is
 * counted from requests_due. */
#define STATUS_N(r, d) "UPDATE request_status_n SET n = n " d " 1 WHERE status = " r ".status;"
#define DUE_ADD(r) "INSERT INTO request_due_days(day, n) SELECT " \
	DAYOF(r ".created_at + " r ".paused_s") ", 1 WHERE " r ".status IN " \
	ST_ACTIVE_SQL " ON CONFLICT (day) DO UPDATE SET n = n + 1;"
#define DUE_SUB(r) "UPDATE request_due_days SET n = n - 1 WHERE " r ".status IN " \
	ST_ACTIVE_SQL " AND day = " DAYOF(r ".created_at + " r ".paused_s") ";"

static const char v14_sql[] =
	"CREATE TABLE request_status_n ("
	"  status TEXT PRIMARY KEY " STATUS_CHECK("status") ","
	"  n      INTEGER NOT NULL) STRICT, WITHOUT ROWID;"
	"INSERT INTO request_status_n(status, n) VALUES ('received', 0),"
	"  ('needs_info', 0), ('verified', 0), ('referred', 0), ('committee', 0),"
	"  ('accepted', 0), ('rejected', 0), ('registered', 0), ('delivered', 0),"
	"  ('withdrawn', 0);"
	"UPDATE request_status_n SET n = (SELECT count(*) FROM requests r"
	"  WHERE r.status = request_status_n.status);"
	"CREATE TABLE request_due_days ("
	"  day INTEGER PRIMARY KEY,"
	"  n   INTEGER NOT NULL) STRICT;"
	"INSERT INTO request_due_days(day, n) SELECT " DAYOF("created_at + paused_s")
	"  , count(*) FROM requests WHERE status IN " ST_ACTIVE_SQL " GROUP BY 1;"
	"CREATE INDEX requests_committee ON requests(declared_by)"
	"  WHERE status = 'committee';"
	"CREATE INDEX request_events_decider ON request_events(who, request_id, kind)"
	"  WHERE kind IN " ST_DECIDER_KINDS ";"
	"CREATE TRIGGER requests_views_insert AFTER INSERT ON requests BEGIN "
	STATUS_N("new", "+") DUE_ADD("new")
	"END;"
	"CREATE TRIGGER requests_views_update AFTER UPDATE OF status, created_at,"
	"  paused_s ON requests WHEN old.status IS NOT new.status OR"
	"  old.created_at IS NOT new.created_at OR old.paused_s IS NOT new.paused_s"
	"  BEGIN " STATUS_N("old", "-") STATUS_N("new", "+") DUE_SUB("old")
	DUE_ADD("new") "END;"
	"CREATE TRIGGER requests_views_delete AFTER DELETE ON requests BEGIN "
	STATUS_N("old", "-") DUE_SUB("old")
	"END;";

/* v15: idempotent copies, reserved reference blocks, the spool's marks
 * (issue 13). */
static const char v15_sql[] =
	"ALTER TABLE requests ADD COLUMN idem TEXT;"
	"CREATE UNIQUE INDEX requests_idem ON requests(idem) WHERE idem IS NOT NULL;"
	"ALTER TABLE survey_responses ADD COLUMN idem TEXT;"
	"CREATE UNIQUE INDEX survey_responses_idem ON survey_responses(idem)"
	"  WHERE idem IS NOT NULL;"
	"CREATE TABLE ref_blocks ("
	"  id     INTEGER PRIMARY KEY,"
	"  kiosk  TEXT NOT NULL,"
	"  branch TEXT NOT NULL,"
	"  first  INTEGER NOT NULL,"
	"  last   INTEGER NOT NULL,"
	"  at     INTEGER NOT NULL,"
	"  CHECK (first BETWEEN 1 AND last)) STRICT;"
	"CREATE INDEX ref_blocks_last ON ref_blocks(branch, last);"
	"CREATE TABLE spool_sent ("
	"  request_id INTEGER PRIMARY KEY REFERENCES requests(id),"
	"  at         INTEGER NOT NULL,"
	"  outcome    TEXT NOT NULL CHECK (outcome IN ('sent','replay','conflict'))"
	") STRICT;";

/* v16: the branches catalog (issue 13): the names of the branches the
 * report's columns and the queue's filter show. A SQLite file holds one
 * branch (meta 'branch'); the catalog may name others (for a file that
 * will join a server, and for the report's names). */
static const char v16_sql[] =
	"CREATE TABLE branches ("
	"  code    TEXT PRIMARY KEY CHECK (length(code) = 2 AND code GLOB '[0-9][0-9]'),"
	"  name_en TEXT NOT NULL,"
	"  name_ar TEXT NOT NULL"
	") STRICT;";

static const struct step steps[] = {
	{ v1_sql, NULL },
	{ v2_sql, v2_backfill },
	{ v3_sql, NULL },
	{ v4_sql, NULL },
	{ v5_sql, NULL },
	{ v6_sql, NULL },
	{ v7_sql, NULL },
	{ v8_sql, NULL },
	{ v9_sql, NULL },
	{ v10_sql, NULL },
	{ v11_sql, NULL },
	{ v12_sql, NULL },
	{ v13_sql, NULL },
	{ v14_sql, NULL },
	{ v15_sql, NULL },
	{ v16_sql, NULL },
};

/* The schema version this program writes. */
int store_schema_latest(void)
{
	return (int)ARRAY_LEN(steps);
}

int st_user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

struct step_ctx { int from; };

static st_rc step_body(store *s, void *ctx)
{
	struct step_ctx *c = ctx;
	char sql[64];
	st_rc r;
	int v = st_user_version(s->db);

	if (v < 0)
		return st_map(sqlite3_errcode(s->db));
	if (v != c->from)            /* another process migrated meanwhile */
		return ST_OK;
	r = st_map(sqlite3_exec(s->db, steps[c->from].sql, NULL, NULL, NULL));
	if (r == ST_OK && steps[c->from].fn)
		r = steps[c->from].fn(s);
	if (r != ST_OK)
		return r;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", c->from + 1);
	return st_map(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

st_rc st_migrate(store *s, int target, char *err, size_t errsz)
{
	struct step_ctx c;
	st_rc r;
	int v;

	if (target > store_schema_latest())
		target = store_schema_latest();
	while ((v = st_user_version(s->db)) >= 0 && v < target) {
		c.from = v;
		if ((r = st_tx(s, step_body, &c)) != ST_OK) {
			if (err && errsz)
				snprintf(err, errsz, "schema upgrade to version %d failed: %s",
				         v + 1, sqlite3_errmsg(s->db));
			return r;
		}
	}
	if (v < 0) {
		if (err && errsz)
			snprintf(err, errsz, "cannot read the schema version: %s",
			         sqlite3_errmsg(s->db));
		return st_map(sqlite3_errcode(s->db));
	}
	return ST_OK;
}
