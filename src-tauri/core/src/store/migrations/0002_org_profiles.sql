-- Connected Salesforce orgs. Metadata only: tokens and client secrets live in the OS keyring
-- (service dev.leadbridge.app), never here.
CREATE TABLE org_profiles (
  name               TEXT PRIMARY KEY NOT NULL,
  login_url          TEXT NOT NULL,
  instance_url       TEXT NOT NULL,
  username           TEXT NOT NULL,
  user_id            TEXT NOT NULL,
  org_id             TEXT NOT NULL,
  api_version        TEXT NOT NULL,
  client_id          TEXT NOT NULL,
  -- The loopback callback used to sign in (web-server flow only).
  callback_port      INTEGER CHECK (callback_port BETWEEN 0 AND 65535),
  callback_path      TEXT,
  flow               TEXT NOT NULL CHECK (flow IN ('web_server', 'client_credentials')),
  -- Whether a client secret was given (the secret itself is in the keyring).
  has_client_secret  INTEGER NOT NULL CHECK (has_client_secret IN (0, 1)),
  connected_at       TEXT NOT NULL,
  is_active          INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1))
) STRICT;

-- At most one active profile.
CREATE UNIQUE INDEX org_profiles_one_active ON org_profiles (is_active) WHERE is_active = 1;
