-- SPDX-License-Identifier: MIT
-- 0004: TSIG keys (RFC 8945) for DNS UPDATE (RFC 2136) into dnsapid.
--
-- A TSIG key is an API key of kind 'tsig': it belongs to an account and carries the same scope
-- (can_write, domains, names, types), expiry and revocation. It authenticates DNS UPDATE
-- messages only, never the REST API (its prefix and hash are random and never shown). Its
-- secret must be usable for HMAC, so unlike API keys it cannot be stored hashed: it is stored
-- as the server needs it, returned once at creation and never again. Anyone who reads this
-- table can sign updates with these keys: guard the database (and its backups) accordingly.

ALTER TABLE api_keys
    MODIFY COLUMN kind ENUM('key', 'session', 'tsig') NOT NULL DEFAULT 'key',
    -- The key's DNS name, lowercase with the trailing dot ("edk_abcdefghij.tsig.").
    ADD COLUMN IF NOT EXISTS tsig_name VARCHAR(255) NULL AFTER user_id,
    ADD COLUMN IF NOT EXISTS tsig_algorithm VARCHAR(32) NULL AFTER tsig_name,
    ADD COLUMN IF NOT EXISTS tsig_secret VARBINARY(64) NULL AFTER tsig_algorithm,
    ADD UNIQUE KEY IF NOT EXISTS api_keys_tsig_name (tsig_name);
