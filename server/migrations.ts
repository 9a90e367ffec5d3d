/**
 * The central database's schema, as migrations applied in order, each in its own transaction;
 * PRAGMA user_version holds how many have run. Never edit a shipped migration: append a new one.
 *
 * Kept as strings in a module, not as .sql files read at run time: bundled into the kiosk's
 * Electron main (demo mode runs this server in it), a folder read beside the module is not there.
 */
export const migrations: readonly { name: string; sql: string }[] = [
  {
    name: '001_initial',
    sql: `
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
`,
  },
  {
    name: '002_login_guards',
    sql: `
-- Failed log-ins for ID numbers no account holds (or held under another document type), by a keyed
-- hash of the number: they lock like a real account's, so a lock does not tell that an account exists.
CREATE TABLE login_guards (
  key_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_guards_age ON login_guards (updated_at);
`,
  },
  {
    name: '003_session_revocation',
    sql: `
-- A password reset or change revokes the account's other sessions for good: an op dated back to
-- when one of them was valid (a kiosk may date an op up to the maximum age in the past) is refused.
ALTER TABLE sessions ADD COLUMN revoked_at INTEGER;
`,
  },
  {
    name: '004_attested_resets',
    sql: `
-- On-site (attested) password resets each kiosk tried, for the per-kiosk hourly limit: a kiosk
-- credential in the wrong hands could otherwise reset account after account, or try name after
-- name for an ID number. Rows older than the hour are pruned as new ones come.
CREATE TABLE attested_resets (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX attested_resets_kiosk ON attested_resets (kiosk_id, at);
`,
  },
  {
    name: '005_failed_logins',
    sql: `
-- Log-in tries each kiosk made that did not succeed, for the per-kiosk hourly limit: with a kiosk
-- credential in the wrong hands, one common password tried against thousands of ID numbers locks
-- no account (each gets one guess). A try is counted before its password is checked and forgiven
-- when it succeeds. Rows older than the hour are pruned as new ones come.
CREATE TABLE failed_logins (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX failed_logins_kiosk ON failed_logins (kiosk_id, at);
`,
  },
  {
    name: '006_token_kiosk',
    sql: `
-- The kiosk a verification token was given to: it proves the mobile there only. Seen on the way
-- (the answer of /v1/sms/verify at a TLS-terminating proxy), it could otherwise be used from any
-- other kiosk within its half hour. Tokens issued before this have none, and prove nothing.
ALTER TABLE verification_tokens ADD COLUMN kiosk_id TEXT;
`,
  },
  {
    name: '007_failure_time',
    sql: `
-- When an account's last wrong password was counted: a day without one forgets its failures, as a
-- day without one forgets those of an ID number no account holds (login_guards). Kept for ever, an
-- account's count told it apart a day later: a lock after two tries meant an account exists.
ALTER TABLE accounts ADD COLUMN failed_at INTEGER;
-- Failures counted before: their last one was no later than the account's last update.
UPDATE accounts SET failed_at = updated_at WHERE failed_logins > 0;
`,
  },
  {
    name: '008_receipt_misses',
    sql: `
-- Receipt codes each kiosk looked up that found no op, for the per-kiosk hourly limit: with a kiosk
-- credential in the wrong hands (or a kiosk that does not keep its own limit), receipt codes could
-- be tried one after another. A look-up is counted before the code is looked up and forgiven when it
-- finds an op; a code already counted in the hour is not counted again (see receiptMisses.ts). The
-- code is kept as a keyed hash, never as typed. Rows older than the hour, every kiosk's, are pruned
-- at each count.
CREATE TABLE receipt_misses (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX receipt_misses_at ON receipt_misses (at);
CREATE INDEX receipt_misses_kiosk ON receipt_misses (kiosk_id, at);
CREATE INDEX receipt_misses_code ON receipt_misses (kiosk_id, code_hash);
`,
  },
]
