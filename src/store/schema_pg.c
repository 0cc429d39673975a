/*
 * store/schema_pg — the PostgreSQL schema and its forward steps (issue 13,
 * PG-DESIGN §2), and the database roles of least privilege.
 *
 * pg_steps[k] takes the database from version k to k+1. The runner is the
 * PG engine's (sq_pg.c pg_migrate, called by store_open on a URI): each
 * missing step in its own transaction under pg_advisory_xact_lock, the
 * version recorded in khidma_schema (max(version)), so two processes
 * upgrading at once run each step once. This file only holds the steps
 * (st_pg_schema), and the roles (st_pg_grants_sql).
 *
 *   v1  consolidated: everything SQLite's schema.c v1..v12 ends with, same
 *       tables, columns, CHECKs and indexes (bigint for INTEGER, identity
 *       ids), and the triggers rewritten in plpgsql with the same effects:
 *       request_events append-only (UPDATE, DELETE, TRUNCATE refused, SQLSTATE
 *       23001); the report's counters request_days and request_durations
 *       (SQLite invariant 6; a request inserted with decided_at/delivered_at
 *       already set — a migrated one — is counted too); the SLA pause
 *       (invariant 11, a BEFORE trigger setting the row's own paused_s and
 *       paused_since instead of SQLite's AFTER trigger updating it again:
 *       same final row); the survey summaries survey_responses.s1..s5,
 *       survey_days, survey_channel_days, survey_officer_days (invariants 5
 *       and 8). In place of SQLite's FTS5 table: pg_trgm and a GIN trigram
 *       index on the same requests.name_key (text_search_key, computed in C
 *       by both engines), so `name_key LIKE '%' || ? || '%'` is an index
 *       lookup. New for many branches: requests.branch (generated from the
 *       reference's first two digits: every INSERT written for SQLite works
 *       unchanged), UNIQUE (branch, seq) instead of UNIQUE (seq), the
 *       branches catalog, and branch_seq: one counter row per branch
 *       (khidma_next_seq(branch, n) takes the next n numbers in the caller's
 *       transaction; a trigger keeps it above every seq inserted however the
 *       request came). The kiosk's door: SECURITY DEFINER functions with a
 *       fixed search_path (khidma_submit, khidma_track, khidma_track_events,
 *       khidma_open_requests_of, khidma_track_fail, khidma_help_call,
 *       khidma_survey, khidma_notify_withdraw, khidma_catalog,
 *       khidma_schema_version).
 *   v2  SQLite's v13: documents, and khidma_documents() for the kiosk.
 *   v3  SQLite's v15 (issue 13, store/ingest.c): requests.idem and
 *       survey_responses.idem (unique where set), ref_blocks (the numbers
 *       reserved for kiosks' offline use, taken with khidma_next_seq),
 *       spool_sent (used in spool files only; here for the same schema).
 *   v4  khidma_reserve_block(kiosk, branch, n, at): a kiosk's block of
 *       references (khidma_next_seq + the ref_blocks row), EXECUTE for
 *       khidma_kiosk.
 *   v5  the kiosk login runs the real kiosk (store/pg_kiosk.c):
 *       khidma_default_branch, ref_blocks.login, khidma_ingest_spooled (the
 *       spool forwarded through a function, only into this login's
 *       blocks), khidma_open_requests_of without the reference,
 *       khidma_help_call one open call per kiosk.
 *   v6  request_branch_days (branch, status, day) → n, the report's column
 *       per branch (issue 13), kept by a SECURITY DEFINER trigger and
 *       back-filled. SQLite's v16 (the branches catalog) is in v1 here.
 *   v7  a wrong proof (reference + the mobile's last four, or a survey
 *       code) costs its caller a second in khidma_track, _track_events,
 *       _survey and _notify_withdraw (pg_sleep: no ROLLBACK undoes it).
 *   v8  SQLite's v14: the queue header's view counts (store/queue.c
 *       invariant 5) — request_status_n, request_due_days (same columns,
 *       same meaning: schema.c invariant 13) kept by one SECURITY DEFINER
 *       row trigger khidma_requests_views() on INSERT, DELETE and an UPDATE
 *       that changes status, created_at or paused_s, back-filled; the
 *       partial indexes requests_committee and request_events_decider.
 *       store_queue_views runs the same statement on both engines.
 *   v9  store_changed exact (sq_pg.c invariant 9): every table the console
 *       shows (not the counters, which only its triggers write) calls
 *       khidma_notify_changed() — pg_notify('khidma_changed', '') — for
 *       each row written, and on TRUNCATE.
 *
 * Invariants:
 *  1. Steps are append-only, as schema.c's: a released step is never
 *     edited, only followed. A table, column or trigger added to schema.c
 *     gets a PG step here with the same meaning.
 *  2. The counter and summary triggers are SECURITY DEFINER: the roles that
 *     write requests and survey answers need no privilege on the counters,
 *     so no login can forge a figure of the report.
 *  3. Functions are created while search_path is exactly the schema being
 *     migrated (then pg_temp), and carry it (SET search_path FROM CURRENT):
 *     a caller's search_path can never redirect a SECURITY DEFINER body.
 *  4. st_pg_grants_sql is the whole privilege model: khidma_kiosk may only
 *     EXECUTE the kiosk functions (no table at all), khidma_officer reads
 *     every table and writes what the console writes, never UPDATE or
 *     DELETE on request_events, khidma_admin is an officer who also
 *     administers the catalog, officers, members and branches. EXECUTE on
 *     the khidma_* functions is revoked from PUBLIC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/schema_pg.h"
#include "store/store_int.h"

#define STATUS_CHECK(col) "CHECK (" col " IN ('received','needs_info'," \
	"'verified','referred','committee','accepted','rejected','registered'," \
	"'delivered','withdrawn'))"

#define PG_V1_TABLES \
	"CREATE EXTENSION IF NOT EXISTS pg_trgm;\n" \
	"CREATE TABLE meta (\n" \
	"  key   text PRIMARY KEY,\n" \
	"  value text NOT NULL);\n" \
	"INSERT INTO meta(key, value) VALUES ('branch', '01');\n" \
	"CREATE TABLE branches (\n" \
	"  code    text PRIMARY KEY CHECK (code ~ '^[0-9][0-9]$'),\n" \
	"  name_en text NOT NULL,\n" \
	"  name_ar text NOT NULL);\n" \
	"CREATE TABLE branch_seq (\n" \
	"  branch text PRIMARY KEY CHECK (branch ~ '^[0-9][0-9]$'),\n" \
	"  last   bigint NOT NULL CHECK (last >= 0));\n" \
	"CREATE TABLE catalog (\n" \
	"  id      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  kind    text NOT NULL CHECK (kind IN ('service','channel','question')),\n" \
	"  code    text NOT NULL CHECK (length(code) BETWEEN 1 AND 31),\n" \
	"  name_en text NOT NULL,\n" \
	"  name_ar text NOT NULL,\n" \
	"  sort    bigint NOT NULL DEFAULT 0,\n" \
	"  active  bigint NOT NULL DEFAULT 1 CHECK (active IN (0,1)),\n" \
	"  UNIQUE (kind, code));\n" \
	"CREATE TABLE members (\n" \
	"  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  number      text NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 31),\n" \
	"  name        text NOT NULL,\n" \
	"  national_id text NOT NULL,\n" \
	"  mobile      text NOT NULL DEFAULT '',\n" \
	"  category    text NOT NULL CHECK (category IN ('member','supporter','volunteer')));\n" \
	"CREATE INDEX members_nid ON members(national_id);\n" \
	"CREATE TABLE officers (\n" \
	"  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  login        text NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 63),\n" \
	"  name         text NOT NULL,\n" \
	"  role         text NOT NULL CHECK (role IN ('officer','researcher','committee','admin')),\n" \
	"  pwhash       text NOT NULL CHECK (length(pwhash) < 128),\n" \
	"  active       bigint NOT NULL DEFAULT 1 CHECK (active IN (0,1)),\n" \
	"  failed       bigint NOT NULL DEFAULT 0,\n" \
	"  locked_until bigint NOT NULL DEFAULT 0);\n" \
	"CREATE TABLE requests (\n" \
	"  id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  seq                 bigint NOT NULL,\n" \
	"  ref                 text NOT NULL UNIQUE,\n" \
	"  branch              text GENERATED ALWAYS AS (substr(ref, 1, 2)) STORED,\n" \
	"  category            text NOT NULL CHECK (category IN ('member','supporter','volunteer')),\n" \
	"  name                text NOT NULL,\n" \
	"  national_id         text NOT NULL,\n" \
	"  mobile              text NOT NULL,\n" \
	"  email               text NOT NULL DEFAULT '',\n" \
	"  member_number       text NOT NULL DEFAULT '',\n" \
	"  member_id           bigint REFERENCES members(id),\n" \
	"  service             text NOT NULL,\n" \
	"  channel             text NOT NULL,\n" \
	"  description         text NOT NULL,\n" \
	"  declared_at         bigint NOT NULL DEFAULT 0,\n" \
	"  signature           text NOT NULL DEFAULT '',\n" \
	"  declaration_version bigint NOT NULL DEFAULT 0,\n" \
	"  declared_by         text NOT NULL DEFAULT '',\n" \
	"  created_at          bigint NOT NULL,\n" \
	"  earliest_response   bigint NOT NULL,\n" \
	"  status              text NOT NULL " STATUS_CHECK("status") ",\n" \
	"  assigned_to         text NOT NULL DEFAULT '',\n" \
	"  decision_reason     text,\n" \
	"  field_match         text NOT NULL DEFAULT '',\n" \
	"  version             bigint NOT NULL DEFAULT 1,\n" \
	"  updated_at          bigint NOT NULL,\n" \
	"  name_key            text NOT NULL DEFAULT '',\n" \
	"  decided_at          bigint,\n" \
	"  delivered_at        bigint,\n" \
	"  last_officer        text NOT NULL DEFAULT '',\n" \
	"  surveyed            bigint NOT NULL DEFAULT 0 CHECK (surveyed IN (0, 1)),\n" \
	"  paused_s            bigint NOT NULL DEFAULT 0,\n" \
	"  paused_since        bigint NOT NULL DEFAULT 0,\n" \
	"  info_items          text NOT NULL DEFAULT '' CHECK (length(info_items) <= 400),\n" \
	"  info_text           text NOT NULL DEFAULT '' CHECK (length(info_text) <= 2000),\n" \
	"  duplicate_of        bigint NOT NULL DEFAULT 0,\n" \
	"  notify              text NOT NULL DEFAULT 'none' CHECK (notify IN ('none','sms','email','both')),\n" \
	"  notify_at           bigint NOT NULL DEFAULT 0,\n" \
	"  notify_decl         bigint NOT NULL DEFAULT 0,\n" \
	"  lang                text NOT NULL DEFAULT 'ar' CHECK (lang IN ('ar','en')),\n" \
	"  UNIQUE (branch, seq));\n" \
	"CREATE INDEX requests_queue ON requests(status, created_at, id);\n" \
	"CREATE INDEX requests_created ON requests(created_at);\n" \
	"CREATE INDEX requests_open ON requests(created_at) WHERE status IN " ST_OPEN_SQL ";\n" \
	"CREATE INDEX requests_assigned ON requests(assigned_to, created_at) WHERE assigned_to <> '';\n" \
	"CREATE INDEX requests_channel ON requests(channel, created_at);\n" \
	"CREATE INDEX requests_service ON requests(service, created_at);\n" \
	"CREATE INDEX requests_nid ON requests(national_id);\n" \
	"CREATE INDEX requests_mobile ON requests(mobile);\n" \
	"CREATE INDEX requests_decided ON requests((decided_at - created_at), created_at)\n" \
	"  WHERE decided_at IS NOT NULL;\n" \
	"CREATE INDEX requests_delivered ON requests((delivered_at - created_at), created_at)\n" \
	"  WHERE delivered_at IS NOT NULL;\n" \
	"CREATE INDEX requests_due ON requests((created_at + paused_s), id) WHERE status IN " ST_OPEN_SQL ";\n" \
	"CREATE INDEX requests_branch_queue ON requests(branch, status, created_at, id);\n" \
	"CREATE INDEX requests_name_trgm ON requests USING gin (name_key gin_trgm_ops);\n" \
	"CREATE TABLE request_events (\n" \
	"  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  request_id  bigint NOT NULL REFERENCES requests(id),\n" \
	"  at          bigint NOT NULL,\n" \
	"  who         text NOT NULL,\n" \
	"  from_status text NOT NULL " STATUS_CHECK("from_status") ",\n" \
	"  to_status   text NOT NULL " STATUS_CHECK("to_status") ",\n" \
	"  note        text NOT NULL DEFAULT '',\n" \
	"  kind        text NOT NULL DEFAULT '' CHECK (length(kind) < 32));\n" \
	"CREATE INDEX request_events_req ON request_events(request_id, id);\n" \
	"CREATE TABLE survey_responses (\n" \
	"  id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  day            bigint NOT NULL,\n" \
	"  channel        text NOT NULL DEFAULT '',\n" \
	"  comment        text,\n" \
	"  s1             bigint NOT NULL DEFAULT 0,\n" \
	"  s2             bigint NOT NULL DEFAULT 0,\n" \
	"  s3             bigint NOT NULL DEFAULT 0,\n" \
	"  s4             bigint NOT NULL DEFAULT 0,\n" \
	"  s5             bigint NOT NULL DEFAULT 0,\n" \
	"  service        text NOT NULL DEFAULT '',\n" \
	"  off_verified   text NOT NULL DEFAULT '',\n" \
	"  off_registered text NOT NULL DEFAULT '',\n" \
	"  off_delivered  text NOT NULL DEFAULT '');\n" \
	"CREATE INDEX survey_responses_day ON survey_responses(day);\n" \
	"CREATE TABLE survey_answers (\n" \
	"  response_id bigint NOT NULL REFERENCES survey_responses(id),\n" \
	"  question    text NOT NULL,\n" \
	"  score       bigint NOT NULL CHECK (score BETWEEN 0 AND 5),\n" \
	"  PRIMARY KEY (response_id, question));\n" \
	"CREATE TABLE track_failures (\n" \
	"  id    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  at    bigint NOT NULL,\n" \
	"  kiosk text NOT NULL DEFAULT '',\n" \
	"  ref   text NOT NULL DEFAULT '');\n" \
	"CREATE INDEX track_failures_at ON track_failures(at);\n" \
	"CREATE INDEX track_failures_kiosk ON track_failures(kiosk, at);\n" \
	"CREATE INDEX track_failures_ref ON track_failures(ref, at);\n" \
	"CREATE TABLE survey_days (\n" \
	"  day      bigint NOT NULL,\n" \
	"  question text NOT NULL,\n" \
	"  score    bigint NOT NULL CHECK (score BETWEEN 1 AND 5),\n" \
	"  n        bigint NOT NULL,\n" \
	"  PRIMARY KEY (day, question, score));\n" \
	"CREATE TABLE survey_channel_days (\n" \
	"  day bigint NOT NULL, channel text NOT NULL,\n" \
	"  s1 bigint NOT NULL, s2 bigint NOT NULL, s3 bigint NOT NULL, s4 bigint NOT NULL,\n" \
	"  s5 bigint NOT NULL, responses bigint NOT NULL, msum bigint NOT NULL,\n" \
	"  PRIMARY KEY (day, channel));\n" \
	"CREATE TABLE survey_officer_days (\n" \
	"  day bigint NOT NULL, officer text NOT NULL,\n" \
	"  s1 bigint NOT NULL, s2 bigint NOT NULL, s3 bigint NOT NULL, s4 bigint NOT NULL,\n" \
	"  s5 bigint NOT NULL, responses bigint NOT NULL, msum bigint NOT NULL,\n" \
	"  PRIMARY KEY (day, officer));\n" \
	"CREATE TABLE request_days (\n" \
	"  day     bigint NOT NULL,\n" \
	"  status  text NOT NULL " STATUS_CHECK("status") ",\n" \
	"  service text NOT NULL,\n" \
	"  n       bigint NOT NULL,\n" \
	"  PRIMARY KEY (status, service, day));\n" \
	"CREATE TABLE request_durations (\n" \
	"  kind   text NOT NULL CHECK (kind IN ('decided','delivered')),\n" \
	"  bucket bigint NOT NULL,\n" \
	"  n      bigint NOT NULL,\n" \
	"  PRIMARY KEY (kind, bucket));\n" \
	"CREATE TABLE help_calls (\n" \
	"  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  kiosk       text NOT NULL CHECK (length(kiosk) <= 160),\n" \
	"  called_at   bigint NOT NULL,\n" \
	"  answered_at bigint NOT NULL DEFAULT 0,\n" \
	"  answered_by text NOT NULL DEFAULT '' CHECK (length(answered_by) < 64));\n" \
	"CREATE INDEX help_calls_open ON help_calls(answered_at, called_at);\n" \
	"CREATE TABLE outbox (\n" \
	"  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  request_id bigint NOT NULL REFERENCES requests(id),\n" \
	"  event_id   bigint NOT NULL,\n" \
	"  event      text NOT NULL CHECK (event IN ('received','needs_info',\n" \
	"    'accepted','rejected','registered','delivered')),\n" \
	"  transport  text NOT NULL CHECK (transport IN ('sms','email')),\n" \
	"  address    text NOT NULL,\n" \
	"  lang       text NOT NULL CHECK (lang IN ('ar','en')),\n" \
	"  ref        text NOT NULL,\n" \
	"  date       bigint NOT NULL DEFAULT 0,\n" \
	"  text       text NOT NULL DEFAULT '',\n" \
	"  code       text NOT NULL DEFAULT '',\n" \
	"  idem       text NOT NULL UNIQUE,\n" \
	"  created_at bigint NOT NULL,\n" \
	"  state      text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued',\n" \
	"    'sending','sent','failed','unknown','cancelled')),\n" \
	"  tries      bigint NOT NULL DEFAULT 0,\n" \
	"  next_at    bigint NOT NULL,\n" \
	"  claimed_by text NOT NULL DEFAULT '',\n" \
	"  claimed_at bigint NOT NULL DEFAULT 0,\n" \
	"  sent_at    bigint NOT NULL DEFAULT 0,\n" \
	"  answer     text NOT NULL DEFAULT '');\n" \
	"CREATE INDEX outbox_due ON outbox(next_at, id) WHERE state = 'queued';\n" \
	"CREATE INDEX outbox_req ON outbox(request_id, id);\n" \
	"CREATE INDEX outbox_claimed ON outbox(claimed_at) WHERE state IN ('sending','sent');\n" \
	"CREATE TABLE survey_codes (\n" \
	"  hash       text PRIMARY KEY,\n" \
	"  request_id bigint NOT NULL UNIQUE REFERENCES requests(id),\n" \
	"  created_at bigint NOT NULL,\n" \
	"  used       bigint NOT NULL DEFAULT 0 CHECK (used IN (0,1)));\n" \
	/* request_events is append-only (SQLite invariant 3): a trigger, and no */ \
	/* UPDATE/DELETE/TRUNCATE grant to any khidma role. */ \
	"CREATE FUNCTION khidma_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n" \
	"BEGIN\n" \
	"  RAISE EXCEPTION 'request_events is append-only' USING ERRCODE = '23001';\n" \
	"END $$;\n" \
	"CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_events_append_only();\n" \
	"CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_events_append_only();\n" \
	"CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events\n" \
	"  FOR EACH STATEMENT EXECUTE FUNCTION khidma_events_append_only();\n" \
	/* The report's counters (SQLite v5, invariant 6). DAYOF/HOUROF: floor */ \
	/* division, as SQLite's DAYOF()/HOUROF() macros. */ \
	"CREATE FUNCTION khidma_dayof(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE\n" \
	"  RETURN (x - ((x % 86400) + 86400) % 86400) / 86400;\n" \
	"CREATE FUNCTION khidma_hourof(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE\n" \
	"  RETURN (x - ((x % 3600) + 3600) % 3600) / 3600;\n" \
	"CREATE FUNCTION khidma_days_add(p_at bigint, p_status text, p_service text)\n" \
	"RETURNS void LANGUAGE sql AS $$\n" \
	"  INSERT INTO request_days AS d(day, status, service, n)\n" \
	"    VALUES (khidma_dayof(p_at), p_status, p_service, 1)\n" \
	"    ON CONFLICT (status, service, day) DO UPDATE SET n = d.n + 1;\n" \
	"$$;\n" \
	"CREATE FUNCTION khidma_days_sub(p_at bigint, p_status text, p_service text)\n" \
	"RETURNS void LANGUAGE sql AS $$\n" \
	"  UPDATE request_days SET n = n - 1 WHERE day = khidma_dayof(p_at)\n" \
	"    AND status = p_status AND service = p_service;\n" \
	"$$;\n" \
	"CREATE FUNCTION khidma_dur_add(p_kind text, p_at bigint, p_created bigint)\n" \
	"RETURNS void LANGUAGE sql AS $$\n" \
	"  INSERT INTO request_durations AS d(kind, bucket, n)\n" \
	"    SELECT p_kind, khidma_hourof(p_at - p_created), 1 WHERE p_at IS NOT NULL\n" \
	"    ON CONFLICT (kind, bucket) DO UPDATE SET n = d.n + 1;\n" \
	"$$;\n" \
	"CREATE FUNCTION khidma_dur_sub(p_kind text, p_at bigint, p_created bigint)\n" \
	"RETURNS void LANGUAGE sql AS $$\n" \
	"  UPDATE request_durations SET n = n - 1 WHERE p_at IS NOT NULL\n" \
	"    AND kind = p_kind AND bucket = khidma_hourof(p_at - p_created);\n" \
	"$$;\n" \
	"CREATE FUNCTION khidma_requests_counters() RETURNS trigger LANGUAGE plpgsql\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  IF TG_OP = 'INSERT' THEN\n" \
	"    PERFORM khidma_days_add(NEW.created_at, NEW.status, NEW.service);\n" \
	/* SQLite inserts a request without decided_at/delivered_at (invariant */ \
	/* 7); one inserted with them (a migration) is counted here too. */ \
	"    PERFORM khidma_dur_add('decided', NEW.decided_at, NEW.created_at);\n" \
	"    PERFORM khidma_dur_add('delivered', NEW.delivered_at, NEW.created_at);\n" \
	"  ELSIF TG_OP = 'DELETE' THEN\n" \
	"    PERFORM khidma_days_sub(OLD.created_at, OLD.status, OLD.service);\n" \
	"    PERFORM khidma_dur_sub('decided', OLD.decided_at, OLD.created_at);\n" \
	"    PERFORM khidma_dur_sub('delivered', OLD.delivered_at, OLD.created_at);\n" \
	"  ELSE\n" \
	"    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.service IS DISTINCT FROM NEW.service\n" \
	"       OR OLD.created_at IS DISTINCT FROM NEW.created_at THEN\n" \
	"      PERFORM khidma_days_sub(OLD.created_at, OLD.status, OLD.service);\n" \
	"      PERFORM khidma_days_add(NEW.created_at, NEW.status, NEW.service);\n" \
	"    END IF;\n" \
	"    IF OLD.decided_at IS DISTINCT FROM NEW.decided_at\n" \
	"       OR OLD.created_at IS DISTINCT FROM NEW.created_at THEN\n" \
	"      PERFORM khidma_dur_sub('decided', OLD.decided_at, OLD.created_at);\n" \
	"      PERFORM khidma_dur_add('decided', NEW.decided_at, NEW.created_at);\n" \
	"    END IF;\n" \
	"    IF OLD.delivered_at IS DISTINCT FROM NEW.delivered_at\n" \
	"       OR OLD.created_at IS DISTINCT FROM NEW.created_at THEN\n" \
	"      PERFORM khidma_dur_sub('delivered', OLD.delivered_at, OLD.created_at);\n" \
	"      PERFORM khidma_dur_add('delivered', NEW.delivered_at, NEW.created_at);\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"CREATE TRIGGER requests_counters_insert AFTER INSERT ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_counters();\n" \
	"CREATE TRIGGER requests_counters_update AFTER UPDATE OF status, service,\n" \
	"  created_at, decided_at, delivered_at ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_counters();\n" \
	"CREATE TRIGGER requests_counters_delete AFTER DELETE ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_counters();\n" \
	/* The per-branch reference counter follows every request written, however */ \
	/* it came (a submit, a migration, a forwarded spool row): the next number */ \
	/* a branch hands out is above every seq it has. */ \
	"CREATE FUNCTION khidma_requests_branch_seq() RETURNS trigger LANGUAGE plpgsql\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  INSERT INTO branch_seq AS b(branch, last) VALUES (NEW.branch, NEW.seq)\n" \
	"    ON CONFLICT (branch) DO UPDATE SET last = greatest(b.last, excluded.last)\n" \
	"    WHERE b.last < excluded.last;\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"CREATE TRIGGER requests_branch_seq AFTER INSERT ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_branch_seq();\n" \
	/* The SLA clock (SQLite v11, invariant 11): paused while in needs_info. */ \
	/* SQLite's AFTER triggers UPDATE the row again; here a BEFORE trigger sets */ \
	/* the same columns in the row being written (same final row). */ \
	"CREATE FUNCTION khidma_requests_pause() RETURNS trigger LANGUAGE plpgsql AS $$\n" \
	"BEGIN\n" \
	"  IF NEW.status = 'needs_info' AND OLD.status <> 'needs_info' THEN\n" \
	"    NEW.paused_since := NEW.updated_at;\n" \
	"  ELSIF OLD.status = 'needs_info' AND NEW.status <> 'needs_info' THEN\n" \
	"    NEW.paused_s := NEW.paused_s + greatest(0, NEW.updated_at - OLD.paused_since);\n" \
	"    NEW.paused_since := 0;\n" \
	"  END IF;\n" \
	"  RETURN NEW;\n" \
	"END $$;\n" \
	"CREATE TRIGGER requests_pause BEFORE UPDATE OF status ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_pause();\n" \
	/* Survey summaries (SQLite v4/v9, invariants 5 and 8): each scored answer */ \
	/* moves its response from its old class and mean to the new. */ \
	"CREATE FUNCTION khidma_survey_answers_summary() RETURNS trigger LANGUAGE plpgsql\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE\n" \
	"  r record;\n" \
	"  v_c bigint; v_t bigint; v_oc bigint; v_ot bigint;\n" \
	"  d1 bigint; d2 bigint; d3 bigint; d4 bigint; d5 bigint; dr bigint; dm bigint;\n" \
	"BEGIN\n" \
	"  IF NEW.score NOT BETWEEN 1 AND 5 THEN\n" \
	"    RETURN NULL;\n" \
	"  END IF;\n" \
	"  UPDATE survey_responses SET s1 = s1 + (NEW.score = 1)::int,\n" \
	"    s2 = s2 + (NEW.score = 2)::int, s3 = s3 + (NEW.score = 3)::int,\n" \
	"    s4 = s4 + (NEW.score = 4)::int, s5 = s5 + (NEW.score = 5)::int\n" \
	"    WHERE id = NEW.response_id\n" \
	"    RETURNING day, channel, off_verified, off_registered, off_delivered,\n" \
	"      s1 + s2 + s3 + s4 + s5 AS c, s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5 AS t\n" \
	"    INTO r;\n" \
	"  IF NOT FOUND THEN\n" \
	"    RETURN NULL;\n" \
	"  END IF;\n" \
	"  INSERT INTO survey_days AS sd(day, question, score, n)\n" \
	"    VALUES (r.day, NEW.question, NEW.score, 1)\n" \
	"    ON CONFLICT (day, question, score) DO UPDATE SET n = sd.n + 1;\n" \
	"  v_c := r.c; v_t := r.t; v_oc := v_c - 1; v_ot := v_t - NEW.score;\n" \
	"  d1 := (v_t / v_c = 1)::int - (v_oc > 0 AND v_ot / nullif(v_oc, 0) = 1)::int;\n" \
	"  d2 := (v_t / v_c = 2)::int - (v_oc > 0 AND v_ot / nullif(v_oc, 0) = 2)::int;\n" \
	"  d3 := (v_t / v_c = 3)::int - (v_oc > 0 AND v_ot / nullif(v_oc, 0) = 3)::int;\n" \
	"  d4 := (v_t / v_c = 4)::int - (v_oc > 0 AND v_ot / nullif(v_oc, 0) = 4)::int;\n" \
	"  d5 := (v_t / v_c = 5)::int - (v_oc > 0 AND v_ot / nullif(v_oc, 0) = 5)::int;\n" \
	"  dr := (v_oc = 0)::int;\n" \
	"  dm := v_t * 720720 / v_c - CASE WHEN v_oc > 0 THEN v_ot * 720720 / v_oc ELSE 0 END;\n" \
	"  INSERT INTO survey_channel_days AS x(day, channel, s1, s2, s3, s4, s5, responses, msum)\n" \
	"    VALUES (r.day, r.channel, d1, d2, d3, d4, d5, dr, dm)\n" \
	"    ON CONFLICT (day, channel) DO UPDATE SET s1 = x.s1 + excluded.s1,\n" \
	"      s2 = x.s2 + excluded.s2, s3 = x.s3 + excluded.s3, s4 = x.s4 + excluded.s4,\n" \
	"      s5 = x.s5 + excluded.s5, responses = x.responses + excluded.responses,\n" \
	"      msum = x.msum + excluded.msum;\n" \
	"  INSERT INTO survey_officer_days AS x(day, officer, s1, s2, s3, s4, s5, responses, msum)\n" \
	"    SELECT r.day, o.officer, d1, d2, d3, d4, d5, dr, dm FROM (SELECT DISTINCT officer\n" \
	"      FROM unnest(ARRAY[r.off_verified, r.off_registered, r.off_delivered]) AS u(officer)\n" \
	"      WHERE officer <> '') AS o\n" \
	"    ON CONFLICT (day, officer) DO UPDATE SET s1 = x.s1 + excluded.s1,\n" \
	"      s2 = x.s2 + excluded.s2, s3 = x.s3 + excluded.s3, s4 = x.s4 + excluded.s4,\n" \
	"      s5 = x.s5 + excluded.s5, responses = x.responses + excluded.responses,\n" \
	"      msum = x.msum + excluded.msum;\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"CREATE TRIGGER survey_answers_summary AFTER INSERT ON survey_answers\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_survey_answers_summary();\n"

#define PG_V1_FUNCTIONS \
	/* Per-branch references: the next n numbers of a branch, taken in the */ \
	/* caller's transaction (a counter row per branch: no coordination between */ \
	/* branches, a rolled-back submit hands its number out again). Returns the */ \
	/* last of them; the block is [last - n + 1, last]. */ \
	"CREATE FUNCTION khidma_next_seq(p_branch text, p_n bigint DEFAULT 1) RETURNS bigint\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE v bigint;\n" \
	"BEGIN\n" \
	"  IF p_n < 1 THEN\n" \
	"    RAISE EXCEPTION 'khidma_next_seq: n must be at least 1' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	"  INSERT INTO branch_seq AS b(branch, last)\n" \
	"    VALUES (p_branch, coalesce((SELECT max(seq) FROM requests WHERE branch = p_branch), 0) + p_n)\n" \
	"    ON CONFLICT (branch) DO UPDATE SET last = b.last + p_n\n" \
	"    RETURNING last INTO v;\n" \
	"  RETURN v;\n" \
	"END $$;\n" \
	/* The reference of (branch, seq): core/refno.c's refno_make — branch, */ \
	/* seq in at least 5 digits, a Damm check digit. */ \
	"CREATE FUNCTION khidma_refno(p_branch text, p_seq bigint) RETURNS text\n" \
	"LANGUAGE plpgsql IMMUTABLE AS $$\n" \
	"DECLARE\n" \
	"  t constant int[] := ARRAY[\n" \
	"    0,3,1,7,5,9,8,6,4,2, 7,0,9,2,1,5,4,8,6,3, 4,2,0,6,8,7,1,3,5,9,\n" \
	"    1,7,5,0,9,8,3,4,2,6, 6,1,2,3,0,4,5,9,7,8, 3,6,7,4,2,0,9,5,8,1,\n" \
	"    5,8,6,9,7,2,0,1,3,4, 8,9,4,5,3,6,2,0,1,7, 9,4,3,8,6,1,7,2,0,5,\n" \
	"    2,5,8,1,4,3,6,7,9,0];\n" \
	"  body text := p_branch || CASE WHEN length(p_seq::text) < 5\n" \
	"    THEN lpad(p_seq::text, 5, '0') ELSE p_seq::text END;\n" \
	"  k int := 0;\n" \
	"BEGIN\n" \
	"  IF p_branch !~ '^[0-9][0-9]$' OR p_seq < 0 OR length(body) > 14 THEN\n" \
	"    RETURN NULL;\n" \
	"  END IF;\n" \
	"  FOR i IN 1 .. length(body) LOOP\n" \
	"    k := t[k * 10 + ascii(substr(body, i, 1)) - 48 + 1];\n" \
	"  END LOOP;\n" \
	"  RETURN body || k;\n" \
	"END $$;\n" \
	/* ---- the kiosk's door (role khidma_kiosk: EXECUTE on these, no table) ---- */ \
	/* Each runs as the schema's owner with a fixed search_path and returns only */ \
	/* what the kiosk screens show. */ \
	"CREATE FUNCTION khidma_schema_version() RETURNS int LANGUAGE sql STABLE\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT max(version) FROM khidma_schema;\n" \
	"$$;\n" \
	/* The catalog (services, channels, questions): no personal data. */ \
	"CREATE FUNCTION khidma_catalog(p_kind text)\n" \
	"RETURNS TABLE(id bigint, kind text, code text, name_en text, name_ar text,\n" \
	"  sort bigint, active bigint)\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT id, kind, code, name_en, name_ar, sort, active FROM catalog\n" \
	"    WHERE p_kind IS NULL OR kind = p_kind ORDER BY kind, sort, id;\n" \
	"$$;\n" \
	/* A kiosk submission (store_request_submit with who = 'kiosk'): the */ \
	/* request and its first event, the "received" message when the member */ \
	/* consented, in the caller's transaction. r is a JSON object with the */ \
	/* fields of struct request the kiosk fills (category, name, national_id, */ \
	/* mobile, email, member_number, service, channel, description, */ \
	/* declared_at, signature, declaration_version, declared_by, field_match, */ \
	/* name_key — text_search_key(name), computed by the caller as on SQLite —, */ \
	/* notify, lang, duplicate_of), plus branch and study_days. Refuses an */ \
	/* unknown service or channel (22023: ST_INVALID). */ \
	"CREATE FUNCTION khidma_submit(r jsonb, p_now bigint)\n" \
	"RETURNS TABLE(id bigint, ref text, seq bigint, member_id bigint,\n" \
	"  created_at bigint, earliest_response bigint)\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"#variable_conflict use_column\n" \
	"DECLARE\n" \
	"  v_branch text := coalesce(r->>'branch', (SELECT value FROM meta WHERE key = 'branch'));\n" \
	"  v_seq bigint; v_ref text; v_member bigint; v_id bigint; v_ev bigint;\n" \
	"  v_days bigint := coalesce(nullif((r->>'study_days')::bigint, 0), 14);\n" \
	"  v_notify text := coalesce(r->>'notify', 'none');\n" \
	"  v_due bigint;\n" \
	"BEGIN\n" \
	"  IF (SELECT count(*) FROM catalog WHERE kind = 'service' AND code = r->>'service') <> 1\n" \
	"     OR (SELECT count(*) FROM catalog WHERE kind = 'channel' AND code = r->>'channel') <> 1 THEN\n" \
	"    RAISE EXCEPTION 'unknown service or channel' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	"  SELECT m.id INTO v_member FROM members m WHERE m.national_id = r->>'national_id'\n" \
	"    OR (coalesce(r->>'member_number', '') <> '' AND m.number = r->>'member_number')\n" \
	"    ORDER BY m.national_id = r->>'national_id' DESC, m.id LIMIT 1;\n" \
	"  v_seq := khidma_next_seq(v_branch, 1);\n" \
	"  v_ref := khidma_refno(v_branch, v_seq);\n" \
	"  IF v_ref IS NULL THEN\n" \
	"    RAISE EXCEPTION 'bad branch %', v_branch USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	"  v_due := p_now + v_days * 86400;\n" \
	"  INSERT INTO requests(seq, ref, category, name, national_id, mobile, email,\n" \
	"    member_number, member_id, service, channel, description, declared_at,\n" \
	"    signature, declaration_version, declared_by, created_at, earliest_response,\n" \
	"    status, assigned_to, field_match, version, updated_at, name_key,\n" \
	"    last_officer, notify, notify_at, notify_decl, lang, duplicate_of)\n" \
	"  VALUES (v_seq, v_ref, r->>'category', r->>'name', r->>'national_id',\n" \
	"    r->>'mobile', coalesce(r->>'email', ''), coalesce(r->>'member_number', ''),\n" \
	"    v_member, r->>'service', r->>'channel', coalesce(r->>'description', ''),\n" \
	"    coalesce((r->>'declared_at')::bigint, 0), coalesce(r->>'signature', ''),\n" \
	"    coalesce((r->>'declaration_version')::bigint, 0),\n" \
	"    coalesce(r->>'declared_by', ''), p_now, v_due, 'received', '',\n" \
	"    coalesce(r->>'field_match', ''), 1, p_now, coalesce(r->>'name_key', ''), '',\n" \
	"    v_notify, CASE WHEN v_notify <> 'none' THEN p_now ELSE 0 END,\n" \
	"    CASE WHEN v_notify <> 'none' THEN coalesce((r->>'declaration_version')::bigint, 0) ELSE 0 END,\n" \
	"    CASE WHEN r->>'lang' = 'en' THEN 'en' ELSE 'ar' END,\n" \
	"    greatest(coalesce((r->>'duplicate_of')::bigint, 0), 0))\n" \
	"  RETURNING requests.id INTO v_id;\n" \
	"  INSERT INTO request_events(request_id, at, who, from_status, to_status, note, kind)\n" \
	"    VALUES (v_id, p_now, 'kiosk', 'received', 'received', 'submitted', 'submitted')\n" \
	"    RETURNING request_events.id INTO v_ev;\n" \
	/* store/notify.c st_notify_event for the submission (invariant 12) */ \
	"  INSERT INTO outbox(request_id, event_id, event, transport, address, lang, ref,\n" \
	"    date, text, code, idem, created_at, next_at)\n" \
	"    SELECT q.id, v_ev, 'received', t.tr, CASE t.tr WHEN 'sms' THEN q.mobile ELSE q.email END,\n" \
	"      q.lang, q.ref, q.earliest_response, '', '', 'k' || q.id || '-e' || v_ev || '-' || t.tr,\n" \
	"      p_now, p_now\n" \
	"    FROM requests q, (VALUES ('sms'), ('email')) AS t(tr)\n" \
	"    WHERE q.id = v_id AND (q.notify = 'both' OR q.notify = t.tr)\n" \
	"      AND (t.tr = 'sms' OR q.email <> '');\n" \
	"  RETURN QUERY SELECT v_id, v_ref, v_seq, v_member, p_now, v_due;\n" \
	"END $$;\n" \
	/* Tracking: the request of reference p_ref, only when p_last4 is the last */ \
	/* four digits of its mobile (the check the kiosk makes, made here so the */ \
	/* kiosk's login never sees a request it was not given the proof for). */ \
	"CREATE FUNCTION khidma_track(p_ref text, p_last4 text) RETURNS SETOF requests\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT * FROM requests WHERE ref = p_ref AND length(mobile) >= 4\n" \
	"    AND length(p_last4) = 4 AND right(mobile, 4) = p_last4;\n" \
	"$$;\n" \
	"CREATE FUNCTION khidma_track_events(p_ref text, p_last4 text) RETURNS SETOF request_events\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT e.* FROM request_events e JOIN requests q ON q.id = e.request_id\n" \
	"    WHERE q.ref = p_ref AND length(q.mobile) >= 4 AND length(p_last4) = 4\n" \
	"    AND right(q.mobile, 4) = p_last4 ORDER BY e.id;\n" \
	"$$;\n" \
	/* The open requests of a national ID for a service (the kiosk's duplicate */ \
	/* warning at intake): when and which, nothing else. */ \
	"CREATE FUNCTION khidma_open_requests_of(p_nid text, p_service text)\n" \
	"RETURNS TABLE(id bigint, ref text, status text, created_at bigint)\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT id, ref, status, created_at FROM requests WHERE national_id = p_nid\n" \
	"    AND (p_service IS NULL OR service = p_service) AND status IN " ST_OPEN_SQL "\n" \
	"    ORDER BY created_at, id;\n" \
	"$$;\n" \
	/* A failed tracking lookup (store_track_fail_at): recorded, old ones */ \
	/* dropped, the counts over the window returned. */ \
	"CREATE FUNCTION khidma_track_fail(p_kiosk text, p_ref text, p_now bigint, p_window bigint)\n" \
	"RETURNS TABLE(n_all bigint, n_kiosk bigint, n_ref bigint)\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  DELETE FROM track_failures WHERE at < p_now - 86400\n" \
	"    - CASE WHEN p_window > 86400 THEN p_window ELSE 0 END;\n" \
	"  INSERT INTO track_failures(at, kiosk, ref) VALUES (p_now, p_kiosk, p_ref);\n" \
	"  RETURN QUERY SELECT\n" \
	"    (SELECT count(*) FROM track_failures WHERE at > p_now - p_window),\n" \
	"    (SELECT count(*) FROM track_failures WHERE kiosk = p_kiosk AND at > p_now - p_window),\n" \
	"    (SELECT count(*) FROM track_failures WHERE ref = p_ref AND at > p_now - p_window);\n" \
	"END $$;\n" \
	/* "Call an officer" (store_help_call). */ \
	"CREATE FUNCTION khidma_help_call(p_kiosk text, p_now bigint) RETURNS bigint\n" \
	"LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  INSERT INTO help_calls(kiosk, called_at) VALUES (p_kiosk, p_now) RETURNING id;\n" \
	"$$;\n" \
	/* A survey response (store_survey_submit). Linked by p_code_hash (the hash */ \
	/* of the delivery message's one-time code, computed by the caller as */ \
	/* notify.c's code_hash) or by p_ref + p_last4, or not at all (both ''): */ \
	/* the response keeps the request's service and the officers credited, */ \
	/* never the request. p_answers: [{"question": "q1", "score": 4}, …]. */ \
	/* result: 'ok', 'notfound', 'not_delivered', 'already_used'; nothing is */ \
	/* written unless 'ok'. */ \
	"CREATE FUNCTION khidma_survey(p_day bigint, p_channel text, p_comment text,\n" \
	"  p_ref text, p_last4 text, p_code_hash text, p_answers jsonb)\n" \
	"RETURNS TABLE(id bigint, result text, service text, off_verified text,\n" \
	"  off_registered text, off_delivered text)\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"#variable_conflict use_column\n" \
	"DECLARE\n" \
	"  q record; v_req bigint; v_id bigint; a jsonb;\n" \
	"  v_service text := ''; v_ov text := ''; v_or text := ''; v_od text := '';\n" \
	"BEGIN\n" \
	"  IF coalesce(p_code_hash, '') <> '' THEN\n" \
	"    SELECT request_id, used INTO q FROM survey_codes WHERE hash = p_code_hash;\n" \
	"    IF NOT FOUND THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'notfound', '', '', '', ''; RETURN;\n" \
	"    ELSIF q.used <> 0 THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    v_req := q.request_id;\n" \
	"  ELSIF coalesce(p_ref, '') <> '' THEN\n" \
	"    SELECT r.id INTO v_req FROM requests r WHERE r.ref = p_ref\n" \
	"      AND length(r.mobile) >= 4 AND length(p_last4) = 4 AND right(r.mobile, 4) = p_last4;\n" \
	"    IF NOT FOUND THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'notfound', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  IF v_req IS NOT NULL THEN\n" \
	"    SELECT r.status, r.surveyed, r.service INTO q FROM requests r WHERE r.id = v_req;\n" \
	"    IF q.status <> 'delivered' THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'not_delivered', '', '', '', ''; RETURN;\n" \
	"    ELSIF q.surveyed <> 0 THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    v_service := q.service;\n" \
	"    SELECT " CREDIT_VERIFIED("v_req") ", " CREDIT_REGISTERED("v_req") ", " CREDIT_DELIVERED("v_req") "\n" \
	"      INTO v_ov, v_or, v_od;\n" \
	"    UPDATE requests SET surveyed = 1 WHERE requests.id = v_req AND surveyed = 0;\n" \
	"    IF NOT FOUND THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    IF coalesce(p_code_hash, '') <> '' THEN\n" \
	"      UPDATE survey_codes SET used = 1 WHERE request_id = v_req AND used = 0;\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  INSERT INTO survey_responses(day, channel, comment, service, off_verified,\n" \
	"    off_registered, off_delivered)\n" \
	"    VALUES (p_day, coalesce(p_channel, ''), nullif(p_comment, ''), v_service, v_ov, v_or, v_od)\n" \
	"    RETURNING survey_responses.id INTO v_id;\n" \
	"  FOR a IN SELECT * FROM jsonb_array_elements(coalesce(p_answers, '[]'::jsonb)) LOOP\n" \
	"    INSERT INTO survey_answers(response_id, question, score)\n" \
	"      VALUES (v_id, a->>'question', (a->>'score')::bigint);\n" \
	"  END LOOP;\n" \
	"  RETURN QUERY SELECT v_id, 'ok', v_service, v_ov, v_or, v_od;\n" \
	"END $$;\n" \
	/* The member withdraws the consent to messages (store_notify_withdraw): */ \
	/* by reference and the mobile's last four digits; true when it matched. */ \
	"CREATE FUNCTION khidma_notify_withdraw(p_ref text, p_last4 text, p_now bigint)\n" \
	"RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE v_id bigint; v_status text;\n" \
	"BEGIN\n" \
	"  UPDATE requests SET notify = 'none', notify_at = p_now, version = version + 1,\n" \
	"    updated_at = p_now WHERE ref = p_ref AND length(mobile) >= 4\n" \
	"    AND length(p_last4) = 4 AND right(mobile, 4) = p_last4\n" \
	"    RETURNING id, status INTO v_id, v_status;\n" \
	"  IF v_id IS NULL THEN\n" \
	"    RETURN false;\n" \
	"  END IF;\n" \
	"  UPDATE outbox SET state = 'cancelled', answer = 'consent withdrawn'\n" \
	"    WHERE request_id = v_id AND state = 'queued';\n" \
	"  INSERT INTO request_events(request_id, at, who, from_status, to_status, note, kind)\n" \
	"    VALUES (v_id, p_now, 'kiosk', v_status, v_status, 'messages: consent withdrawn',\n" \
	"      'notify_off');\n" \
	"  RETURN true;\n" \
	"END $$;\n"

/* The functions of khidma_kiosk (invariant 4), with their signatures. */
#define KIOSK_FUNCS \
	"khidma_schema_version(), khidma_catalog(text), " \
	"khidma_submit(jsonb, bigint), khidma_track(text, text), " \
	"khidma_track_events(text, text), khidma_open_requests_of(text, text), " \
	"khidma_track_fail(text, text, bigint, bigint), " \
	"khidma_help_call(text, bigint), " \
	"khidma_survey(bigint, text, text, text, text, text, jsonb), " \
	"khidma_notify_withdraw(text, text, bigint), khidma_documents(), " \
	"khidma_reserve_block(text, text, bigint, bigint), " \
	"khidma_default_branch(), khidma_ingest_spooled(jsonb, text, text)"
#define ALL_TABLES "meta, branches, branch_seq, catalog, members, officers, " \
	"requests, request_events, survey_responses, survey_answers, " \
	"track_failures, survey_days, survey_channel_days, survey_officer_days, " \
	"request_days, request_durations, help_calls, outbox, survey_codes, " \
	"documents, ref_blocks, spool_sent, request_branch_days, request_status_n, " \
	"request_due_days, khidma_schema"

static const char pg_grants[] =
	"-- khidma: database roles (issue 13). Run by the schema's owner.\n"
	"-- roles are the cluster's, not the database's: two inits at once on\n"
	"-- two databases may both find one missing; the loser's error is ignored\n"
	"DO $$ DECLARE g text; BEGIN\n"
	"  FOREACH g IN ARRAY ARRAY['khidma_kiosk', 'khidma_officer', 'khidma_admin'] LOOP\n"
	"    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN\n"
	"      BEGIN\n"
	"        EXECUTE format('CREATE ROLE %I NOLOGIN', g);\n"
	"      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;\n"
	"      END;\n"
	"    END IF;\n"
	"  END LOOP;\n"
	"  IF NOT pg_has_role('khidma_admin', 'khidma_officer', 'MEMBER') THEN\n"
	"    BEGIN\n"
	"      GRANT khidma_officer TO khidma_admin;\n"
	"    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;\n"
	"    END;\n"
	"  END IF;\n"
	"END $$;\n"
	"-- nobody but the owner has anything on the tables until granted below\n"
	"REVOKE ALL ON " ALL_TABLES " FROM PUBLIC, khidma_kiosk, khidma_officer, khidma_admin;\n"
	"REVOKE ALL ON FUNCTION khidma_next_seq(text, bigint), " KIOSK_FUNCS " FROM PUBLIC;\n"
	"-- the kiosk: its functions, no table (a stolen kiosk login reads no member)\n"
	"GRANT EXECUTE ON FUNCTION " KIOSK_FUNCS " TO khidma_kiosk;\n"
	"-- the officer console: reads everything, writes what it writes;\n"
	"-- request_events is append-only: INSERT, never UPDATE or DELETE\n"
	"GRANT SELECT ON " ALL_TABLES " TO khidma_officer;\n"
	"GRANT INSERT ON request_events TO khidma_officer;\n"
	"GRANT INSERT, UPDATE ON requests, outbox, survey_codes, help_calls, "
	"survey_responses, survey_answers, track_failures TO khidma_officer;\n"
	"-- the forwarder and migrate (issue 13): reference blocks, copies\n"
	"GRANT INSERT ON ref_blocks, spool_sent TO khidma_officer;\n"
	"GRANT UPDATE (failed, locked_until, pwhash) ON officers TO khidma_officer;\n"
	"GRANT DELETE ON track_failures TO khidma_officer;\n"
	"GRANT EXECUTE ON FUNCTION khidma_next_seq(text, bigint), " KIOSK_FUNCS
	" TO khidma_officer;\n"
	"-- the administrator: an officer who also keeps the catalogs and accounts\n"
	"GRANT INSERT, UPDATE, DELETE ON catalog, officers, members, meta, branches, "
	"documents "
	"TO khidma_admin;\n"
	"DO $$ DECLARE q record; BEGIN\n"
	"  FOR q IN SELECT c.oid::regclass AS seq FROM pg_class c\n"
	"    WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace LOOP\n"
	"    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO khidma_officer', q.seq);\n"
	"  END LOOP;\n"
	"END $$;\n";

/* v2 = SQLite's v13: the documents the kiosk shows (store/docs.c), and
 * the kiosk's way to read them. */
#define PG_V2 \
	"CREATE TABLE documents (\n" \
	"  id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  code     text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 31),\n" \
	"  title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 120),\n" \
	"  title_ar text NOT NULL CHECK (length(title_ar) BETWEEN 1 AND 120),\n" \
	"  path_en  text NOT NULL CHECK (length(path_en) BETWEEN 1 AND 255),\n" \
	"  path_ar  text NOT NULL CHECK (length(path_ar) BETWEEN 1 AND 255),\n" \
	"  sort     bigint NOT NULL DEFAULT 0,\n" \
	"  active   bigint NOT NULL DEFAULT 1 CHECK (active IN (0,1)));\n" \
	"CREATE FUNCTION khidma_documents() RETURNS SETOF documents\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT * FROM documents ORDER BY sort, id;\n" \
	"$$;\n"

/* Every step starts with this (sq_pg.c runs each in its own transaction):
 * functions carry exactly the schema being migrated, then pg_temp
 * (invariant 3); notices of IF NOT EXISTS stay quiet. */
/* v3 = SQLite v15 (issue 13, pgc's ingest/spool): idempotency keys,
 * reserved reference blocks, the spool's marks. Added by pga so the
 * store's submit (which reads ref_blocks) runs on PostgreSQL; the roles'
 * grants on the two tables are pgb's (st_pg_grants_sql). */
#define PG_V3 \
	"ALTER TABLE requests ADD COLUMN idem text;\n" \
	"CREATE UNIQUE INDEX requests_idem ON requests(idem) WHERE idem IS NOT NULL;\n" \
	"ALTER TABLE survey_responses ADD COLUMN idem text;\n" \
	"CREATE UNIQUE INDEX survey_responses_idem ON survey_responses(idem)\n" \
	"  WHERE idem IS NOT NULL;\n" \
	"CREATE TABLE ref_blocks (\n" \
	"  id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  kiosk  text NOT NULL,\n" \
	"  branch text NOT NULL,\n" \
	"  first  bigint NOT NULL,\n" \
	"  last   bigint NOT NULL,\n" \
	"  at     bigint NOT NULL,\n" \
	"  CHECK (first BETWEEN 1 AND last));\n" \
	"CREATE INDEX ref_blocks_last ON ref_blocks(branch, last);\n" \
	"CREATE TABLE spool_sent (\n" \
	"  request_id bigint PRIMARY KEY REFERENCES requests(id),\n" \
	"  at         bigint NOT NULL,\n" \
	"  outcome    text NOT NULL CHECK (outcome IN ('sent','replay','conflict')));\n"

#define STEP_PREAMBLE \
	"SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);\n" \
	"SET LOCAL client_min_messages = warning;\n"

/* v3 = SQLite's v15: idempotent copies (forwarder, migrate), reserved
 * reference blocks, the spool's marks. */
#define PG_V3 \
	"ALTER TABLE requests ADD COLUMN idem text;\n" \
	"CREATE UNIQUE INDEX requests_idem ON requests(idem) WHERE idem IS NOT NULL;\n" \
	"ALTER TABLE survey_responses ADD COLUMN idem text;\n" \
	"CREATE UNIQUE INDEX survey_responses_idem ON survey_responses(idem)\n" \
	"  WHERE idem IS NOT NULL;\n" \
	"CREATE TABLE ref_blocks (\n" \
	"  id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" \
	"  kiosk  text NOT NULL,\n" \
	"  branch text NOT NULL,\n" \
	"  first  bigint NOT NULL,\n" \
	"  last   bigint NOT NULL,\n" \
	"  at     bigint NOT NULL,\n" \
	"  CHECK (first BETWEEN 1 AND last));\n" \
	"CREATE INDEX ref_blocks_last ON ref_blocks(branch, last);\n" \
	"CREATE TABLE spool_sent (\n" \
	"  request_id bigint PRIMARY KEY REFERENCES requests(id),\n" \
	"  at         bigint NOT NULL,\n" \
	"  outcome    text NOT NULL CHECK (outcome IN ('sent','replay','conflict')));\n"

/* v4 (issue 13): the kiosk's way to reserve a block of references for its
 * offline use (store_ref_block_reserve): the numbers from the branch's
 * counter and the record in ref_blocks, one call, as the owner — the
 * kiosk role has no table privilege (invariant 4). */
#define PG_V4 \
	"CREATE FUNCTION khidma_reserve_block(p_kiosk text, p_branch text, p_n bigint,\n" \
	"  p_at bigint) RETURNS bigint\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE v bigint;\n" \
	"BEGIN\n" \
	"  IF p_n < 1 OR p_n > 100000 OR length(p_kiosk) > 160\n" \
	"     OR p_branch !~ '^[0-9][0-9]$' THEN\n" \
	"    RAISE EXCEPTION 'khidma_reserve_block: bad arguments' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	"  v := khidma_next_seq(p_branch, p_n);\n" \
	"  INSERT INTO ref_blocks(kiosk, branch, first, last, at)\n" \
	"    VALUES (p_kiosk, p_branch, v - p_n + 1, v, p_at);\n" \
	"  RETURN v;\n" \
	"END $$;\n"

/* v5 (issue 13, the kiosk's login runs the real kiosk: store/pg_kiosk.c).
 *  - khidma_default_branch(): the server's default branch (meta), for a
 *    kiosk login without a configured branch;
 *  - ref_blocks.login: the database login that reserved a block (default
 *    session_user: inside khidma_reserve_block, a SECURITY DEFINER
 *    function, still the caller's login); NULL for blocks reserved before;
 *  - khidma_ingest_spooled(r, idem, kiosk): a spooled submission inserted
 *    once — the same key again is a no-op ('replay', the same reference);
 *    a reference outside every block this login (and, unless '', this
 *    kiosk name) reserved is refused ('outside_block'), a reference that
 *    exists under another key too ('conflict'); nothing written then. It
 *    takes only what a kiosk submits (the applicant, the service, the
 *    declaration, the consent) and writes a received request, its
 *    "submitted" event and the "received" message as khidma_submit does:
 *    a kiosk login cannot forge a history;
 *  - khidma_open_requests_of no longer hands out the reference (the kiosk
 *    shows the date only: with a national ID and a kiosk login one must
 *    not learn half of what tracking asks for);
 *  - khidma_help_call: one open call per kiosk, as store/help.c. */
#define PG_V5 \
	"CREATE FUNCTION khidma_default_branch() RETURNS text LANGUAGE sql STABLE\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT value FROM meta WHERE key = 'branch';\n" \
	"$$;\n" \
	"ALTER TABLE ref_blocks ADD COLUMN login text;\n" \
	"ALTER TABLE ref_blocks ALTER COLUMN login SET DEFAULT session_user;\n" \
	"CREATE OR REPLACE FUNCTION khidma_open_requests_of(p_nid text, p_service text)\n" \
	"RETURNS TABLE(id bigint, ref text, status text, created_at bigint)\n" \
	"LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"  SELECT id, ''::text, status, created_at FROM requests WHERE national_id = p_nid\n" \
	"    AND (p_service IS NULL OR service = p_service) AND status IN " ST_OPEN_SQL "\n" \
	"    ORDER BY created_at, id;\n" \
	"$$;\n" \
	"CREATE OR REPLACE FUNCTION khidma_help_call(p_kiosk text, p_now bigint) RETURNS bigint\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE v bigint;\n" \
	"BEGIN\n" \
	"  SELECT id INTO v FROM help_calls WHERE kiosk = p_kiosk AND answered_at = 0\n" \
	"    ORDER BY id LIMIT 1;\n" \
	"  IF v IS NULL THEN\n" \
	"    INSERT INTO help_calls(kiosk, called_at) VALUES (p_kiosk, p_now) RETURNING id INTO v;\n" \
	"  END IF;\n" \
	"  RETURN v;\n" \
	"END $$;\n" \
	"CREATE FUNCTION khidma_ingest_spooled(r jsonb, p_idem text, p_kiosk text)\n" \
	"RETURNS TABLE(outcome text, id bigint, ref text)\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"#variable_conflict use_column\n" \
	"DECLARE\n" \
	"  v_ref text := r->>'ref';\n" \
	"  v_branch text; v_seq bigint; v_id bigint; v_ev bigint; v_member bigint;\n" \
	"  v_at bigint := (r->>'created_at')::bigint;\n" \
	"  v_now bigint := coalesce((r->>'now')::bigint, (r->>'created_at')::bigint);\n" \
	"  v_notify text := coalesce(r->>'notify', 'none');\n" \
	"BEGIN\n" \
	"  IF coalesce(p_idem, '') = '' OR length(p_idem) > 47 OR v_at IS NULL\n" \
	"     OR coalesce(v_ref, '') !~ '^[0-9]{8,15}$' THEN\n" \
	"    RAISE EXCEPTION 'khidma_ingest_spooled: bad arguments' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	/* store/ingest.c invariant 2: the key first */ \
	"  SELECT q.id, q.ref INTO v_id, v_ref FROM requests q WHERE q.idem = p_idem;\n" \
	"  IF FOUND THEN\n" \
	"    RETURN QUERY SELECT 'replay'::text, v_id, v_ref; RETURN;\n" \
	"  END IF;\n" \
	"  v_ref := r->>'ref';\n" \
	"  v_branch := substr(v_ref, 1, 2);\n" \
	"  v_seq := substr(v_ref, 3, length(v_ref) - 3)::bigint;\n" \
	"  IF khidma_refno(v_branch, v_seq) IS DISTINCT FROM v_ref THEN\n" \
	"    RAISE EXCEPTION 'khidma_ingest_spooled: not a reference' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	/* only a number reserved for this login (and kiosk) */ \
	"  IF NOT EXISTS (SELECT 1 FROM ref_blocks b WHERE b.branch = v_branch\n" \
	"      AND v_seq BETWEEN b.first AND b.last\n" \
	"      AND (b.login IS NULL OR b.login = session_user)\n" \
	"      AND (coalesce(p_kiosk, '') = '' OR b.kiosk = p_kiosk)) THEN\n" \
	"    RETURN QUERY SELECT 'outside_block'::text, 0::bigint, v_ref; RETURN;\n" \
	"  END IF;\n" \
	"  IF EXISTS (SELECT 1 FROM requests q WHERE q.ref = v_ref) THEN\n" \
	"    RETURN QUERY SELECT 'conflict'::text, 0::bigint, v_ref; RETURN;\n" \
	"  END IF;\n" \
	"  IF (SELECT count(*) FROM catalog WHERE kind = 'service' AND code = r->>'service') <> 1\n" \
	"     OR (SELECT count(*) FROM catalog WHERE kind = 'channel' AND code = r->>'channel') <> 1 THEN\n" \
	"    RAISE EXCEPTION 'unknown service or channel' USING ERRCODE = '22023';\n" \
	"  END IF;\n" \
	"  SELECT m.id INTO v_member FROM members m WHERE m.national_id = r->>'national_id'\n" \
	"    OR (coalesce(r->>'member_number', '') <> '' AND m.number = r->>'member_number')\n" \
	"    ORDER BY m.national_id = r->>'national_id' DESC, m.id LIMIT 1;\n" \
	"  INSERT INTO requests(seq, ref, category, name, national_id, mobile, email,\n" \
	"    member_number, member_id, service, channel, description, declared_at,\n" \
	"    signature, declaration_version, declared_by, created_at, earliest_response,\n" \
	"    status, assigned_to, field_match, version, updated_at, name_key,\n" \
	"    last_officer, notify, notify_at, notify_decl, lang, duplicate_of, idem)\n" \
	"  VALUES (v_seq, v_ref, r->>'category', r->>'name', r->>'national_id',\n" \
	"    r->>'mobile', coalesce(r->>'email', ''), coalesce(r->>'member_number', ''),\n" \
	"    v_member, r->>'service', r->>'channel', coalesce(r->>'description', ''),\n" \
	"    coalesce((r->>'declared_at')::bigint, 0), coalesce(r->>'signature', ''),\n" \
	"    coalesce((r->>'declaration_version')::bigint, 0), 'kiosk', v_at,\n" \
	"    greatest(coalesce((r->>'earliest_response')::bigint, v_at), v_at), 'received', '',\n" \
	"    coalesce(r->>'field_match', ''), 1, v_at, coalesce(r->>'name_key', ''), '',\n" \
	"    v_notify, CASE WHEN v_notify <> 'none' THEN v_at ELSE 0 END,\n" \
	"    CASE WHEN v_notify <> 'none' THEN coalesce((r->>'declaration_version')::bigint, 0) ELSE 0 END,\n" \
	"    CASE WHEN r->>'lang' = 'en' THEN 'en' ELSE 'ar' END, 0, p_idem)\n" \
	"  RETURNING requests.id INTO v_id;\n" \
	"  INSERT INTO request_events(request_id, at, who, from_status, to_status, note, kind)\n" \
	"    VALUES (v_id, v_at, 'kiosk', 'received', 'received', 'submitted', 'submitted')\n" \
	"    RETURNING request_events.id INTO v_ev;\n" \
	"  INSERT INTO outbox(request_id, event_id, event, transport, address, lang, ref,\n" \
	"    date, text, code, idem, created_at, next_at)\n" \
	"    SELECT q.id, v_ev, 'received', t.tr, CASE t.tr WHEN 'sms' THEN q.mobile ELSE q.email END,\n" \
	"      q.lang, q.ref, q.earliest_response, '', '', 'k' || q.id || '-e' || v_ev || '-' || t.tr,\n" \
	"      v_now, v_now\n" \
	"    FROM requests q, (VALUES ('sms'), ('email')) AS t(tr)\n" \
	"    WHERE q.id = v_id AND (q.notify = 'both' OR q.notify = t.tr)\n" \
	"      AND (t.tr = 'sms' OR q.email <> '');\n" \
	"  RETURN QUERY SELECT 'added'::text, v_id, v_ref;\n" \
	"END $$;\n"

/* v6 (issue 13, the report per branch): request_branch_days (branch,
 * status, UTC day of created_at) → n, kept by a trigger like request_days
 * (SQLite invariant 6, with the branch; the trigger is the owner's, so no
 * login can forge a figure) and back-filled, so the report's column per
 * branch reads a few rows per day and branch instead of the requests. */
#define PG_V6 \
	"CREATE TABLE request_branch_days (\n" \
	"  branch text NOT NULL,\n" \
	"  status text NOT NULL " STATUS_CHECK("status") ",\n" \
	"  day    bigint NOT NULL,\n" \
	"  n      bigint NOT NULL,\n" \
	"  PRIMARY KEY (branch, status, day));\n" \
	"INSERT INTO request_branch_days(branch, status, day, n)\n" \
	"  SELECT branch, status, khidma_dayof(created_at), count(*) FROM requests\n" \
	"  GROUP BY 1, 2, 3;\n" \
	"CREATE FUNCTION khidma_requests_branch_days() RETURNS trigger LANGUAGE plpgsql\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n" \
	"    UPDATE request_branch_days SET n = n - 1 WHERE branch = OLD.branch\n" \
	"      AND status = OLD.status AND day = khidma_dayof(OLD.created_at);\n" \
	"  END IF;\n" \
	"  IF TG_OP IN ('UPDATE', 'INSERT') THEN\n" \
	"    INSERT INTO request_branch_days AS d(branch, status, day, n)\n" \
	"      VALUES (NEW.branch, NEW.status, khidma_dayof(NEW.created_at), 1)\n" \
	"      ON CONFLICT (branch, status, day) DO UPDATE SET n = d.n + 1;\n" \
	"  END IF;\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"CREATE TRIGGER requests_branch_days_insert AFTER INSERT ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_branch_days();\n" \
	"CREATE TRIGGER requests_branch_days_update AFTER UPDATE OF status, created_at, ref\n" \
	"  ON requests FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status\n" \
	"    OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.ref IS DISTINCT FROM NEW.ref)\n" \
	"  EXECUTE FUNCTION khidma_requests_branch_days();\n" \
	"CREATE TRIGGER requests_branch_days_delete AFTER DELETE ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_branch_days();\n"

/* v7 (issue 13, least privilege): a wrong proof costs its caller a second.
 * The last four digits of the mobile are 10 000 guesses per reference, and
 * the kiosk's throttle (kiosk/throttle.c) is the kiosk's: a login stolen
 * from the lobby talks to the server directly. khidma_track,
 * khidma_track_events, khidma_survey (reference + last four, or a survey
 * code) and khidma_notify_withdraw now sleep PROOF_DELAY seconds before
 * answering "no such request" — pg_sleep, which no ROLLBACK undoes, so
 * with the kiosk login's CONNECTION LIMIT 2 (docs/deploy/multi-branch.md)
 * one reference takes hours to guess instead of seconds. Same answers,
 * same signatures (CREATE OR REPLACE keeps the grants); nothing is written
 * on a wrong proof, as before. */
#define PROOF_DELAY "1"
#define PG_V7 \
	"CREATE OR REPLACE FUNCTION khidma_track(p_ref text, p_last4 text) RETURNS SETOF requests\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  RETURN QUERY SELECT * FROM requests WHERE ref = p_ref AND length(mobile) >= 4\n" \
	"    AND length(p_last4) = 4 AND right(mobile, 4) = p_last4;\n" \
	"  IF NOT FOUND THEN\n" \
	"    PERFORM pg_sleep(" PROOF_DELAY ");\n" \
	"  END IF;\n" \
	"END $$;\n" \
	"CREATE OR REPLACE FUNCTION khidma_track_events(p_ref text, p_last4 text)\n" \
	"RETURNS SETOF request_events\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  RETURN QUERY SELECT e.* FROM request_events e JOIN requests q ON q.id = e.request_id\n" \
	"    WHERE q.ref = p_ref AND length(q.mobile) >= 4 AND length(p_last4) = 4\n" \
	"    AND right(q.mobile, 4) = p_last4 ORDER BY e.id;\n" \
	"  IF NOT FOUND THEN\n" \
	"    PERFORM pg_sleep(" PROOF_DELAY ");\n" \
	"  END IF;\n" \
	"END $$;\n" \
	"CREATE OR REPLACE FUNCTION khidma_notify_withdraw(p_ref text, p_last4 text, p_now bigint)\n" \
	"RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"DECLARE v_id bigint; v_status text;\n" \
	"BEGIN\n" \
	"  UPDATE requests SET notify = 'none', notify_at = p_now, version = version + 1,\n" \
	"    updated_at = p_now WHERE ref = p_ref AND length(mobile) >= 4\n" \
	"    AND length(p_last4) = 4 AND right(mobile, 4) = p_last4\n" \
	"    RETURNING id, status INTO v_id, v_status;\n" \
	"  IF v_id IS NULL THEN\n" \
	"    PERFORM pg_sleep(" PROOF_DELAY ");\n" \
	"    RETURN false;\n" \
	"  END IF;\n" \
	"  UPDATE outbox SET state = 'cancelled', answer = 'consent withdrawn'\n" \
	"    WHERE request_id = v_id AND state = 'queued';\n" \
	"  INSERT INTO request_events(request_id, at, who, from_status, to_status, note, kind)\n" \
	"    VALUES (v_id, p_now, 'kiosk', v_status, v_status, 'messages: consent withdrawn',\n" \
	"      'notify_off');\n" \
	"  RETURN true;\n" \
	"END $$;\n" \
	"CREATE OR REPLACE FUNCTION khidma_survey(p_day bigint, p_channel text, p_comment text,\n" \
	"  p_ref text, p_last4 text, p_code_hash text, p_answers jsonb)\n" \
	"RETURNS TABLE(id bigint, result text, service text, off_verified text,\n" \
	"  off_registered text, off_delivered text)\n" \
	"LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"#variable_conflict use_column\n" \
	"DECLARE\n" \
	"  q record; v_req bigint; v_id bigint; a jsonb;\n" \
	"  v_service text := ''; v_ov text := ''; v_or text := ''; v_od text := '';\n" \
	"BEGIN\n" \
	"  IF coalesce(p_code_hash, '') <> '' THEN\n" \
	"    SELECT request_id, used INTO q FROM survey_codes WHERE hash = p_code_hash;\n" \
	"    IF NOT FOUND THEN\n" \
	"      PERFORM pg_sleep(" PROOF_DELAY ");\n" \
	"      RETURN QUERY SELECT 0::bigint, 'notfound', '', '', '', ''; RETURN;\n" \
	"    ELSIF q.used <> 0 THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    v_req := q.request_id;\n" \
	"  ELSIF coalesce(p_ref, '') <> '' THEN\n" \
	"    SELECT r.id INTO v_req FROM requests r WHERE r.ref = p_ref\n" \
	"      AND length(r.mobile) >= 4 AND length(p_last4) = 4 AND right(r.mobile, 4) = p_last4;\n" \
	"    IF NOT FOUND THEN\n" \
	"      PERFORM pg_sleep(" PROOF_DELAY ");\n" \
	"      RETURN QUERY SELECT 0::bigint, 'notfound', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  IF v_req IS NOT NULL THEN\n" \
	"    SELECT r.status, r.surveyed, r.service INTO q FROM requests r WHERE r.id = v_req;\n" \
	"    IF q.status <> 'delivered' THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'not_delivered', '', '', '', ''; RETURN;\n" \
	"    ELSIF q.surveyed <> 0 THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    v_service := q.service;\n" \
	"    SELECT " CREDIT_VERIFIED("v_req") ", " CREDIT_REGISTERED("v_req") ", " CREDIT_DELIVERED("v_req") "\n" \
	"      INTO v_ov, v_or, v_od;\n" \
	"    UPDATE requests SET surveyed = 1 WHERE requests.id = v_req AND surveyed = 0;\n" \
	"    IF NOT FOUND THEN\n" \
	"      RETURN QUERY SELECT 0::bigint, 'already_used', '', '', '', ''; RETURN;\n" \
	"    END IF;\n" \
	"    IF coalesce(p_code_hash, '') <> '' THEN\n" \
	"      UPDATE survey_codes SET used = 1 WHERE request_id = v_req AND used = 0;\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  INSERT INTO survey_responses(day, channel, comment, service, off_verified,\n" \
	"    off_registered, off_delivered)\n" \
	"    VALUES (p_day, coalesce(p_channel, ''), nullif(p_comment, ''), v_service, v_ov, v_or, v_od)\n" \
	"    RETURNING survey_responses.id INTO v_id;\n" \
	"  FOR a IN SELECT * FROM jsonb_array_elements(coalesce(p_answers, '[]'::jsonb)) LOOP\n" \
	"    INSERT INTO survey_answers(response_id, question, score)\n" \
	"      VALUES (v_id, a->>'question', (a->>'score')::bigint);\n" \
	"  END LOOP;\n" \
	"  RETURN QUERY SELECT v_id, 'ok', v_service, v_ov, v_or, v_od;\n" \
	"END $$;\n"
/* v8 = SQLite's v14 (issue 12's queue header, store/queue.c invariant 5):
 * request_status_n and request_due_days kept by a SECURITY DEFINER row
 * trigger (invariant 2) with the same effects as SQLite's three triggers —
 * each write subtracts its OLD row and adds its NEW one, so the paused time
 * the BEFORE trigger khidma_requests_pause sets is counted with the status
 * it came with; no column list but a WHEN on the three columns, so a value
 * a BEFORE trigger changes is never missed — back-filled, and the two
 * partial indexes store_queue_views counts a committee member's own part
 * with. */
#define PG_V8 \
	"CREATE TABLE request_status_n (\n" \
	"  status text PRIMARY KEY " STATUS_CHECK("status") ",\n" \
	"  n      bigint NOT NULL);\n" \
	"INSERT INTO request_status_n(status, n) VALUES ('received', 0),\n" \
	"  ('needs_info', 0), ('verified', 0), ('referred', 0), ('committee', 0),\n" \
	"  ('accepted', 0), ('rejected', 0), ('registered', 0), ('delivered', 0),\n" \
	"  ('withdrawn', 0);\n" \
	"UPDATE request_status_n c SET n = (SELECT count(*) FROM requests r\n" \
	"  WHERE r.status = c.status);\n" \
	"CREATE TABLE request_due_days (\n" \
	"  day bigint PRIMARY KEY,\n" \
	"  n   bigint NOT NULL);\n" \
	"INSERT INTO request_due_days(day, n) SELECT khidma_dayof(created_at + paused_s),\n" \
	"  count(*) FROM requests WHERE status IN " ST_ACTIVE_SQL " GROUP BY 1;\n" \
	"CREATE INDEX requests_committee ON requests(declared_by)\n" \
	"  WHERE status = 'committee';\n" \
	"CREATE INDEX request_events_decider ON request_events(who, request_id, kind)\n" \
	"  WHERE kind IN " ST_DECIDER_KINDS ";\n" \
	"CREATE FUNCTION khidma_requests_views() RETURNS trigger LANGUAGE plpgsql\n" \
	"SECURITY DEFINER SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  IF TG_OP <> 'INSERT' THEN\n" \
	"    UPDATE request_status_n SET n = n - 1 WHERE status = OLD.status;\n" \
	"    IF OLD.status IN " ST_ACTIVE_SQL " THEN\n" \
	"      UPDATE request_due_days SET n = n - 1\n" \
	"        WHERE day = khidma_dayof(OLD.created_at + OLD.paused_s);\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  IF TG_OP <> 'DELETE' THEN\n" \
	"    UPDATE request_status_n SET n = n + 1 WHERE status = NEW.status;\n" \
	"    IF NEW.status IN " ST_ACTIVE_SQL " THEN\n" \
	"      INSERT INTO request_due_days AS d(day, n)\n" \
	"        VALUES (khidma_dayof(NEW.created_at + NEW.paused_s), 1)\n" \
	"        ON CONFLICT (day) DO UPDATE SET n = d.n + 1;\n" \
	"    END IF;\n" \
	"  END IF;\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"CREATE TRIGGER requests_views_insert AFTER INSERT ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_views();\n" \
	"CREATE TRIGGER requests_views_update AFTER UPDATE ON requests FOR EACH ROW\n" \
	"  WHEN (OLD.status IS DISTINCT FROM NEW.status\n" \
	"    OR OLD.created_at IS DISTINCT FROM NEW.created_at\n" \
	"    OR OLD.paused_s IS DISTINCT FROM NEW.paused_s)\n" \
	"  EXECUTE FUNCTION khidma_requests_views();\n" \
	"CREATE TRIGGER requests_views_delete AFTER DELETE ON requests\n" \
	"  FOR EACH ROW EXECUTE FUNCTION khidma_requests_views();\n"

/* v9 (store_changed exact on PostgreSQL, sq_pg.c invariant 9): a row
 * written to a table the console shows notifies 'khidma_changed' (PostgreSQL
 * folds the notices of one transaction into one, delivered at commit). Row
 * triggers, not statement ones: a statement that writes no row (a poll of
 * the outbox that claims nothing) tells nobody, as SQLite's data_version
 * does not move for it. The counters are left out: only these tables'
 * triggers write them. */
#define PG_CHANGED_TABLES "'meta','branches','catalog','members','officers'," \
	"'requests','request_events','survey_responses','survey_answers'," \
	"'track_failures','help_calls','outbox','survey_codes','documents'," \
	"'ref_blocks','spool_sent'"
#define PG_V9 \
	"CREATE FUNCTION khidma_notify_changed() RETURNS trigger LANGUAGE plpgsql\n" \
	"SET search_path FROM CURRENT AS $$\n" \
	"BEGIN\n" \
	"  PERFORM pg_notify('khidma_changed', '');\n" \
	"  RETURN NULL;\n" \
	"END $$;\n" \
	"DO $$ DECLARE t text; BEGIN\n" \
	"  FOREACH t IN ARRAY ARRAY[" PG_CHANGED_TABLES "] LOOP\n" \
	"    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I'\n" \
	"      ' FOR EACH ROW EXECUTE FUNCTION khidma_notify_changed()', t || '_changed', t);\n" \
	"    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I'\n" \
	"      ' FOR EACH STATEMENT EXECUTE FUNCTION khidma_notify_changed()',\n" \
	"      t || '_truncated', t);\n" \
	"  END LOOP;\n" \
	"END $$;\n"

static const char *const pg_steps[] = {
	STEP_PREAMBLE PG_V1_TABLES PG_V1_FUNCTIONS,
	STEP_PREAMBLE PG_V2,
	STEP_PREAMBLE PG_V3,
	STEP_PREAMBLE PG_V4,
	STEP_PREAMBLE PG_V5,
	STEP_PREAMBLE PG_V6,
	STEP_PREAMBLE PG_V7,
	STEP_PREAMBLE PG_V8,
	STEP_PREAMBLE PG_V9,
};

/* See store_int.h: the steps sq_pg.c's runner applies. */
const char *const *st_pg_schema(int *n)
{
	*n = (int)ARRAY_LEN(pg_steps);
	return pg_steps;
}

/* See schema_pg.h. */
int store_pg_schema_latest(void)
{
	return (int)ARRAY_LEN(pg_steps);
}

/* See schema_pg.h. */
const char *st_pg_grants_sql(void)
{
	return pg_grants;
}
