-- A password reset or change revokes the account's other sessions for good: an op dated back to
-- when one of them was valid (a kiosk may date an op up to the maximum age in the past) is refused.
ALTER TABLE sessions ADD COLUMN revoked_at INTEGER;
