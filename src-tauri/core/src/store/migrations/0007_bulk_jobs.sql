-- Bulk API 2.0 jobs of a push: the outbox of the bulk path. A row is written once Salesforce
-- created the job and before its CSV is uploaded, with one row per record tying it to its
-- delivery and attempt, so a restart resumes polling the same job and never uploads again what
-- Salesforce already took.

CREATE TABLE bulk_jobs (
  id            INTEGER PRIMARY KEY,
  job_id        TEXT NOT NULL UNIQUE,   -- Salesforce's ingest job id (750...)
  object        TEXT NOT NULL,
  operation     TEXT NOT NULL CHECK (operation IN ('insert', 'update')),
  -- The CSV part in the data directory (deleted once the results are read).
  file          TEXT NOT NULL,
  records       INTEGER NOT NULL CHECK (records >= 0),
  bytes         INTEGER NOT NULL CHECK (bytes >= 0),
  -- created: the job exists, nothing uploaded (a restart aborts it and sends the records again);
  -- uploaded: the CSV is in (a restart closes the job); closed: UploadComplete sent, Salesforce
  -- processes it (a restart polls); done: results read into the delivery log.
  stage         TEXT NOT NULL CHECK (stage IN ('created', 'uploaded', 'closed', 'done')),
  state         TEXT,                   -- Salesforce's last reported state
  processed     INTEGER NOT NULL DEFAULT 0,
  failed        INTEGER NOT NULL DEFAULT 0,
  error_message TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX bulk_jobs_open ON bulk_jobs (stage) WHERE stage <> 'done';

-- Which delivery (and attempt) each CSV row belongs to. The key is what the result files
-- echo back: the Email of a new Lead, the Id of an updated one, the LeadId of a
-- CampaignMember.
CREATE TABLE bulk_job_rows (
  bulk_job    INTEGER NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
  row_key     TEXT NOT NULL,
  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt_id  INTEGER NOT NULL REFERENCES delivery_attempts (id) ON DELETE CASCADE,
  PRIMARY KEY (bulk_job, row_key)
) STRICT, WITHOUT ROWID;
