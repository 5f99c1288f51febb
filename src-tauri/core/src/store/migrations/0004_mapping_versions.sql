-- Every saved mapping document (field mapping, criteria, routing), one row per version.
-- Rows are only ever added: the newest is in force, the others are history to compare and
-- restore. `document` is the canonical export text, so identical documents compare equal.
CREATE TABLE mapping_versions (
  version       INTEGER PRIMARY KEY NOT NULL CHECK (version > 0),
  saved_at      TEXT NOT NULL,                 -- RFC 3339, UTC
  document      TEXT NOT NULL,
  note          TEXT,
  reverted_from INTEGER CHECK (reverted_from >= 0)  -- the version a revert restored (0 = the default)
) STRICT;
