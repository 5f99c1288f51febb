-- The webhook receiver (`serve`) and the back-flow. Times are UTC RFC 3339 with milliseconds
-- and a Z, as in the contact inbox, so they sort as text.

-- Every accepted webhook event, written in the same transaction that applies it to the contact
-- inbox and before the 2xx goes out: a crash after the acknowledgement loses nothing.
CREATE TABLE webhook_events (
  id              INTEGER PRIMARY KEY,
  received_at     TEXT NOT NULL,
  kind            TEXT NOT NULL,
  occurred_at     TEXT,
  conversation_id TEXT,
  -- SHA-256 of the raw body: a sender's retry of the same body is acknowledged, not stored twice.
  body_sha256     TEXT NOT NULL UNIQUE,
  body            TEXT NOT NULL CHECK (json_valid(body)),
  -- applied: the contact inbox has it; parked: it names a conversation or contact the inbox
  -- does not know yet (an event that overtook its lead.qualified); re-applied when one arrives.
  state           TEXT NOT NULL CHECK (state IN ('applied', 'parked')),
  email_key       TEXT,             -- the contact it applied to (the first, for a shared conversation)
  -- Salesforce Task logging (only for the kinds the mapping's `tasks.eventKinds` names):
  -- none = not wanted, pending = to log once the contact has a Lead/Contact Id, done, failed.
  task_state      TEXT NOT NULL DEFAULT 'none' CHECK (task_state IN ('none', 'pending', 'done', 'failed')),
  task_id         TEXT,
  -- Set before the Task create is sent: a pass that finds it set without an answer looks the
  -- Task up (its Subject carries `[LB-<id>]`) before sending again, so none is duplicated.
  task_sent_at    TEXT,
  task_delivery_id INTEGER
) STRICT;

CREATE INDEX webhook_events_parked ON webhook_events (conversation_id) WHERE state = 'parked';
CREATE INDEX webhook_events_tasks ON webhook_events (email_key) WHERE task_state = 'pending';

-- Contacts an automated delivery still owes: one row per contact, kept until a delivery with
-- trigger `webhook` has finished for it (queued_at tells whether a later event re-queued it).
CREATE TABLE webhook_queue (
  email_key   TEXT PRIMARY KEY,
  queued_at   TEXT NOT NULL,
  -- The last automated delivery that failed for it (see the delivery log), if any.
  failed_delivery_id INTEGER,
  failed_at   TEXT
) STRICT, WITHOUT ROWID;

-- The back-flow's incremental cursor and what the last pull did.
CREATE TABLE backflow_state (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  cursor              TEXT,           -- the largest Opportunity LastModifiedDate pulled so far
  last_pulled_at      TEXT,
  last_changed        INTEGER NOT NULL DEFAULT 0,
  last_seen           INTEGER NOT NULL DEFAULT 0
) STRICT;
