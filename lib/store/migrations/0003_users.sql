-- SPDX-License-Identifier: MIT
-- 0003: users (email and password) of accounts, login sessions, failed-login bookkeeping.
--
-- A session is an API key of kind 'session': random, stored as SHA-256 like every key, with
-- an expiry, made by POST /v1/sessions for one user. It acts with the rights of an
-- unrestricted read-write key of the user's account (plus the admin resources for a user of
-- role 'admin'); GET /v1/keys lists keys of kind 'key' only.

CREATE TABLE IF NOT EXISTS users (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    -- Stored with ASCII letters lowercased (dnsapid does it), so the unique key and every
    -- lookup are case-insensitive under the binary collation.
    email VARCHAR(254) NOT NULL,
    -- libsodium's crypto_pwhash_str: "$argon2id$v=19$m=...,t=...,p=1$salt$hash".
    password_hash VARCHAR(255) NOT NULL,
    -- owner: the account's user; admin: also reaches the admin resources (plans, accounts,
    -- servers) through its sessions.
    role ENUM('owner', 'admin') NOT NULL DEFAULT 'owner',
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_login_at DATETIME(3) NULL,
    UNIQUE KEY users_email (email),
    KEY users_account (account_id),
    CONSTRAINT users_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE api_keys
    ADD COLUMN IF NOT EXISTS kind ENUM('key', 'session') NOT NULL DEFAULT 'key' AFTER account_id,
    ADD COLUMN IF NOT EXISTS user_id BIGINT UNSIGNED NULL AFTER kind;
-- A user's sessions end with the user.
ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_user FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users (id)
    ON DELETE CASCADE;

-- Failed logins (and refused sign-ups) per email and per client address, for the limit of
-- [sessions] max_failures in failure_window seconds. Rows older than the window are deleted
-- as new ones come; a successful login deletes its email's rows.
CREATE TABLE IF NOT EXISTS login_failures (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(254) NOT NULL,
    remote VARCHAR(64) NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY login_failures_email (email, created_at),
    KEY login_failures_remote (remote, created_at),
    KEY login_failures_time (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
