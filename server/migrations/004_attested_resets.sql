-- On-site (attested) password resets each kiosk tried, for the per-kiosk hourly limit: a kiosk
-- credential in the wrong hands could otherwise reset account after account, or try name after
-- name for an ID number. Rows older than the hour are pruned as new ones come.
CREATE TABLE attested_resets (
  id INTEGER PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX attested_resets_kiosk ON attested_resets (kiosk_id, at);
