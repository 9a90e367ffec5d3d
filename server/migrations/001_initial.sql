-- The central passport API's data. Times are milliseconds since the epoch (INTEGER) unless named *_iso.

CREATE TABLE kiosks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- base64url HMAC key shared with the kiosk (it signs every request with it).
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE enrollment_codes (
  code_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  kiosk_id TEXT
);

-- Nonces seen within the clock-skew window, per kiosk: a replayed request is refused.
CREATE TABLE nonces (
  kiosk_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (kiosk_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_expiry ON nonces (expires_at);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  id_type TEXT NOT NULL,
  -- Unique identifiers; NULL once freed by an accepted appeal.
  id_number TEXT UNIQUE,
  name TEXT NOT NULL,
  mobile TEXT UNIQUE,
  email TEXT UNIQUE,
  pending_email TEXT,
  mobile_verified INTEGER NOT NULL DEFAULT 0,
  email_verified INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE account_audit (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  kiosk_id TEXT,
  op_id TEXT,
  -- JSON; never a password or code.
  detail TEXT
);
CREATE INDEX account_audit_account ON account_audit (account_id, at);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  kiosk_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX sessions_account ON sessions (account_id);

-- SMS and email codes, stored only as keyed hashes.
CREATE TABLE codes (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  target TEXT NOT NULL,
  purpose TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  kiosk_id TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  voided_at INTEGER,
  used_at INTEGER,
  tries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX codes_target ON codes (channel, target, purpose, issued_at);
CREATE INDEX codes_target_any ON codes (channel, target, issued_at);
CREATE INDEX codes_kiosk ON codes (kiosk_id, issued_at);

CREATE TABLE verification_tokens (
  token_hash TEXT PRIMARY KEY,
  mobile TEXT NOT NULL,
  purpose TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

-- Every op ever seen, with its answer: the idempotency record.
CREATE TABLE ops (
  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  receipt TEXT NOT NULL,
  created_at_iso TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'pending')),
  result TEXT,
  error TEXT,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ops_receipt ON ops (receipt);

CREATE TABLE appeals (
  id TEXT PRIMARY KEY,
  op_id TEXT NOT NULL UNIQUE,
  kiosk_id TEXT NOT NULL,
  occupied TEXT NOT NULL,
  id_type TEXT NOT NULL,
  id_number TEXT NOT NULL,
  name TEXT NOT NULL,
  mobile TEXT NOT NULL,
  email TEXT NOT NULL,
  statement TEXT NOT NULL,
  attestation TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  -- The account the identifier was taken from, when accepted.
  freed_from TEXT
);

-- The --dev message sink.
CREATE TABLE dev_outbox (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT,
  text TEXT NOT NULL,
  code TEXT,
  link TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX dev_outbox_recipient ON dev_outbox (recipient);
