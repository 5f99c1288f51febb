-- The contact inbox: people captured in chat, one row per email compared case-insensitively.
-- Timestamps are UTC RFC 3339 with milliseconds and a Z (`2026-04-05T14:30:00.000Z`), so they
-- sort as text.
CREATE TABLE contacts (
  id                    INTEGER PRIMARY KEY,
  email_key             TEXT NOT NULL UNIQUE,          -- lowercased email: the dedupe key
  email                 TEXT NOT NULL,                 -- as last given
  first_name            TEXT,
  last_name             TEXT,
  phone                 TEXT,
  company               TEXT,
  website               TEXT,
  domain                TEXT,
  country               TEXT,
  qualification_score   REAL CHECK (qualification_score BETWEEN 0 AND 100),
  intent                TEXT,
  source                TEXT,
  -- The current (most recently qualified) conversation; all of them are in contact_conversations.
  conversation_url      TEXT,
  workspace_id          TEXT,
  conversation_id       TEXT,
  conversation_status   TEXT NOT NULL DEFAULT 'open' CHECK (conversation_status IN ('open', 'closed')),
  closed_at             TEXT,
  metadata              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  agent_meeting_scheduled_with TEXT,
  agent_last_routed     TEXT,
  agent_closed_by       TEXT,
  received_at           TEXT NOT NULL,                 -- first received by Leadbridge
  updated_at            TEXT NOT NULL,                 -- last changed by an event
  qualified_at          TEXT,                          -- latest lead.qualified timestamp
  -- Merge order: the latest lead.qualified timestamp (or receipt time when an event had none).
  -- A later event's non-empty fields win; an older one only fills empty fields.
  last_event_at         TEXT NOT NULL,
  -- Lowercased email, names and company, newline-separated: the inbox search scans this one column.
  search_text           TEXT NOT NULL,

  -- Delivery facts, written by the sync engine and the back-flow (empty until then).
  salesforce_lead_id                TEXT,
  salesforce_contact_id             TEXT,
  salesforce_account_id             TEXT,
  salesforce_opportunity_id         TEXT,
  salesforce_opportunity_stage      TEXT,
  salesforce_opportunity_amount     REAL,
  salesforce_opportunity_close_date TEXT,             -- YYYY-MM-DD
  salesforce_opportunity_modified_at TEXT,            -- the Opportunity's LastModifiedDate last pulled back
  last_delivery_status  TEXT,                          -- succeeded | failed | skipped
  last_delivery_id      INTEGER,
  last_delivered_at     TEXT,
  delivered             INTEGER GENERATED ALWAYS AS
                          (salesforce_lead_id IS NOT NULL OR salesforce_contact_id IS NOT NULL) VIRTUAL
) STRICT;

CREATE INDEX contacts_by_received ON contacts (received_at, id);
CREATE INDEX contacts_by_updated ON contacts (updated_at, id);
CREATE INDEX contacts_by_score ON contacts (qualification_score, id);
CREATE INDEX contacts_by_status ON contacts (conversation_status, received_at, id);
CREATE INDEX contacts_by_delivered ON contacts (delivered, received_at, id);
CREATE INDEX contacts_by_salesforce_lead ON contacts (salesforce_lead_id) WHERE salesforce_lead_id IS NOT NULL;
CREATE INDEX contacts_by_salesforce_contact ON contacts (salesforce_contact_id) WHERE salesforce_contact_id IS NOT NULL;

-- Every conversation a contact qualified in (a returning visitor has several).
CREATE TABLE contact_conversations (
  id                INTEGER PRIMARY KEY,
  contact_id        INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  conversation_key  TEXT NOT NULL,                     -- conversationId, else conversationUrl
  conversation_id   TEXT,
  conversation_url  TEXT,
  workspace_id      TEXT,
  status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at         TEXT,
  qualified_at      TEXT,
  first_seen_at     TEXT NOT NULL,
  UNIQUE (contact_id, conversation_key)
) STRICT;

CREATE INDEX contact_conversations_by_id ON contact_conversations (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX contact_conversations_by_url ON contact_conversations (conversation_url) WHERE conversation_url IS NOT NULL;

-- Conversation events kept for logging as Salesforce Tasks.
CREATE TABLE contact_events (
  id                 INTEGER PRIMARY KEY,
  contact_id         INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  kind               TEXT NOT NULL CHECK (kind IN ('conversation.escalated', 'conversation.feedback', 'guardrail.triggered')),
  occurred_at        TEXT NOT NULL,
  conversation_id    TEXT,
  payload            TEXT NOT NULL CHECK (json_valid(payload)),
  received_at        TEXT NOT NULL,
  -- SHA-256 of kind, timestamp, conversation and payload: a webhook retry or a re-import of the
  -- same event is stored once.
  dedupe_key         TEXT NOT NULL,
  salesforce_task_id TEXT,
  UNIQUE (contact_id, dedupe_key)
) STRICT;

CREATE INDEX contact_events_by_contact ON contact_events (contact_id, occurred_at);
