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
