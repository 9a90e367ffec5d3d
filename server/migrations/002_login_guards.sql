-- Failed log-ins for ID numbers no account holds (or held under another document type), by a keyed
-- hash of the number: they lock like a real account's, so a lock does not tell that an account exists.
CREATE TABLE login_guards (
  key_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_guards_age ON login_guards (updated_at);
