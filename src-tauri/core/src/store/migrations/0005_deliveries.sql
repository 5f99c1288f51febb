-- The delivery log: every delivery (one record Leadbridge means to write to Salesforce) and
-- every attempt (one HTTP call on its behalf), written before and after the call so a crash
-- mid-push loses nothing and a resume knows what to re-check. Times are unix milliseconds UTC.
-- Bodies and messages are stored redacted (deliveries::redact); secrets never land here.

-- One push (a manual push, a webhook drain, a retry run) = one batch, so the UI can show "this push".
CREATE TABLE delivery_batches (
  id         INTEGER PRIMARY KEY,
  trigger    TEXT NOT NULL CHECK (trigger IN ('manual', 'webhook', 'retry')),
  started_at INTEGER NOT NULL
) STRICT;

CREATE TABLE deliveries (
  id                    INTEGER PRIMARY KEY,
  batch_id              INTEGER NOT NULL REFERENCES delivery_batches (id),
  trigger               TEXT NOT NULL CHECK (trigger IN ('manual', 'webhook', 'retry')),
  -- The failed delivery this one retries; kept NULL-able so pruning an old original keeps its retry.
  retry_of              INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
  email                 TEXT NOT NULL CHECK (email <> ''),
  email_key             TEXT NOT NULL,
  contact_name          TEXT,
  company               TEXT,
  object                TEXT NOT NULL
                          CHECK (object IN ('Lead', 'Contact', 'Account', 'Opportunity', 'CampaignMember', 'Task')),
  action                TEXT NOT NULL CHECK (action IN ('create', 'update', 'unchanged', 'skipped')),
  status                TEXT NOT NULL
                          CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed', 'skipped', 'resolved')),
  salesforce_id         TEXT,
  owner_id              TEXT,
  owner_reason          TEXT,
  opportunity_id        TEXT,
  campaign_member_id    TEXT,
  error_code            TEXT,
  error_message         TEXT,
  error_fields          TEXT,    -- JSON array of field names
  error_http_status     INTEGER,
  error_salesforce_code TEXT,
  payload               TEXT NOT NULL,  -- the planned field values (JSON, redacted, capped)
  attempts              INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Never smaller than an earlier delivery's (begin_delivery clamps it), so id order is time order.
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  finished_at           INTEGER,
  -- Finished exactly when the status is final.
  CHECK ((status IN ('pending', 'in_flight')) = (finished_at IS NULL)),
  CHECK ((trigger = 'retry') OR (retry_of IS NULL))
) STRICT;

-- Each sort order has an index ending in (created_at, id), so a window at any offset is an index
-- walk plus ~100 row lookups. The low-cardinality filter columns ride along at the end of every
-- index: whichever index the planner picks, checking and counting the other filters never reads
-- the table (a trigger filter is served that way too, so it needs no index of its own).
CREATE INDEX deliveries_by_created ON deliveries (created_at, id, status, object, trigger, error_code);
CREATE INDEX deliveries_by_status  ON deliveries (status, created_at, id, object, trigger, error_code);
CREATE INDEX deliveries_by_object  ON deliveries (object, created_at, id, status, trigger, error_code);
CREATE INDEX deliveries_by_email   ON deliveries (email_key, created_at, id, status, object, trigger, error_code);
CREATE INDEX deliveries_by_error   ON deliveries (error_code, created_at, id, status, object, trigger)
  WHERE error_code IS NOT NULL;
CREATE INDEX deliveries_by_batch   ON deliveries (batch_id, created_at, id);
CREATE INDEX deliveries_by_retry_of ON deliveries (retry_of) WHERE retry_of IS NOT NULL;
-- At most one retry of a delivery may be open at a time: two `log retry` runs cannot both send it.
CREATE UNIQUE INDEX deliveries_one_open_retry ON deliveries (retry_of)
  WHERE retry_of IS NOT NULL AND status IN ('pending', 'in_flight');

CREATE TABLE delivery_attempts (
  id              INTEGER PRIMARY KEY,
  delivery_id     INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt_no      INTEGER NOT NULL CHECK (attempt_no >= 1),
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  duration_ms     INTEGER CHECK (duration_ms >= 0),
  method          TEXT NOT NULL,
  path            TEXT NOT NULL,   -- no host, secrets in the query string redacted
  request_body    TEXT,
  response_status INTEGER,
  response_body   TEXT,
  error_code      TEXT,            -- Salesforce errorCode
  error_message   TEXT,
  error_fields    TEXT,            -- JSON array
  -- unknown = written before the call and never completed (the process died): re-check before re-sending.
  outcome         TEXT NOT NULL
                    CHECK (outcome IN ('unknown', 'sent', 'succeeded', 'failed_transient', 'failed_permanent')),
  api_usage       TEXT,            -- the Sforce-Limit-Info value seen on the response
  CHECK ((outcome = 'unknown') = (finished_at IS NULL)),
  UNIQUE (delivery_id, attempt_no)
) STRICT;

-- What a resume must look at.
CREATE INDEX delivery_attempts_open ON delivery_attempts (delivery_id) WHERE outcome IN ('unknown', 'sent');

-- FTS5 over the contact snapshot for the log's free-text search (word-prefix match).
CREATE VIRTUAL TABLE deliveries_fts USING fts5 (
  email, contact_name, company,
  content = 'deliveries', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TRIGGER deliveries_fts_insert AFTER INSERT ON deliveries BEGIN
  INSERT INTO deliveries_fts (rowid, email, contact_name, company)
  VALUES (new.id, new.email, new.contact_name, new.company);
END;

CREATE TRIGGER deliveries_fts_delete AFTER DELETE ON deliveries BEGIN
  INSERT INTO deliveries_fts (deliveries_fts, rowid, email, contact_name, company)
  VALUES ('delete', old.id, old.email, old.contact_name, old.company);
END;

CREATE TRIGGER deliveries_fts_update AFTER UPDATE OF email, contact_name, company ON deliveries BEGIN
  INSERT INTO deliveries_fts (deliveries_fts, rowid, email, contact_name, company)
  VALUES ('delete', old.id, old.email, old.contact_name, old.company);
  INSERT INTO deliveries_fts (rowid, email, contact_name, company)
  VALUES (new.id, new.email, new.contact_name, new.company);
END;

-- Finished deliveries counted per UTC hour of created_at and outcome (resolved counts as the
-- failure it was), kept by triggers so the chart never scans the log.
CREATE TABLE delivery_hourly_counts (
  hour_start INTEGER NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'skipped')),
  count      INTEGER NOT NULL,
  PRIMARY KEY (hour_start, outcome)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER deliveries_count_insert AFTER INSERT ON deliveries
WHEN new.status IN ('succeeded', 'failed', 'skipped', 'resolved') BEGIN
  INSERT INTO delivery_hourly_counts (hour_start, outcome, count)
  VALUES (new.created_at - new.created_at % 3600000,
          CASE new.status WHEN 'resolved' THEN 'failed' ELSE new.status END, 1)
  ON CONFLICT (hour_start, outcome) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER deliveries_count_update_old AFTER UPDATE OF status, created_at ON deliveries
WHEN old.status IN ('succeeded', 'failed', 'skipped', 'resolved') BEGIN
  UPDATE delivery_hourly_counts SET count = count - 1
  WHERE hour_start = old.created_at - old.created_at % 3600000
    AND outcome = CASE old.status WHEN 'resolved' THEN 'failed' ELSE old.status END;
END;

CREATE TRIGGER deliveries_count_update_new AFTER UPDATE OF status, created_at ON deliveries
WHEN new.status IN ('succeeded', 'failed', 'skipped', 'resolved') BEGIN
  INSERT INTO delivery_hourly_counts (hour_start, outcome, count)
  VALUES (new.created_at - new.created_at % 3600000,
          CASE new.status WHEN 'resolved' THEN 'failed' ELSE new.status END, 1)
  ON CONFLICT (hour_start, outcome) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER deliveries_count_delete AFTER DELETE ON deliveries
WHEN old.status IN ('succeeded', 'failed', 'skipped', 'resolved') BEGIN
  UPDATE delivery_hourly_counts SET count = count - 1
  WHERE hour_start = old.created_at - old.created_at % 3600000
    AND outcome = CASE old.status WHEN 'resolved' THEN 'failed' ELSE old.status END;
END;
