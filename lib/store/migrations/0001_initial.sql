-- SPDX-License-Identifier: MIT
-- 0001: plans, accounts, API keys, domains, RRsets, the change journal, usage and audit.
--
-- Conventions: InnoDB, utf8mb4 with binary collation (names are stored lowercased, so
-- comparisons are exact), times as DATETIME(3) in UTC (every connection sets time_zone
-- '+00:00'; TIMESTAMP would end in 2038). Domain and owner
-- names are absolute, lowercase, in presentation form without the trailing dot.

CREATE TABLE IF NOT EXISTS plans (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    -- Every limit: 0 means unlimited.
    max_domains BIGINT UNSIGNED NOT NULL DEFAULT 0,
    max_records_per_domain BIGINT UNSIGNED NOT NULL DEFAULT 0,
    max_calls_per_day BIGINT UNSIGNED NOT NULL DEFAULT 0,
    max_calls_per_month BIGINT UNSIGNED NOT NULL DEFAULT 0,
    rate_per_second INT UNSIGNED NOT NULL DEFAULT 0,
    rate_burst INT UNSIGNED NOT NULL DEFAULT 0,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY plans_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS accounts (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(128) NOT NULL,
    email VARCHAR(254) NULL,
    plan_id INT UNSIGNED NOT NULL,
    disabled TINYINT(1) NOT NULL DEFAULT 0,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY accounts_name (name),
    CONSTRAINT accounts_plan FOREIGN KEY (plan_id) REFERENCES plans (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_keys (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    -- The visible, non-secret start of the key ("edk_" and 10 base32 characters); the lookup key.
    prefix VARCHAR(32) NOT NULL,
    -- SHA-256 of the whole key. Keys carry 160 random bits, so a fast hash is enough.
    hash BINARY(32) NOT NULL,
    name VARCHAR(128) NOT NULL DEFAULT '',
    can_write TINYINT(1) NOT NULL,
    -- JSON {"domains":[...],"names":[...],"types":[...]}; an absent or empty list: no limit.
    scope TEXT NOT NULL,
    expires_at DATETIME(3) NULL,
    last_used_at DATETIME(3) NULL,
    revoked_at DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY api_keys_prefix (prefix),
    KEY api_keys_account (account_id),
    CONSTRAINT api_keys_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS domains (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(253) NOT NULL,
    -- The SOA serial; every change adds one (RFC 1982 arithmetic). It is the zone's ETag.
    serial INT UNSIGNED NOT NULL,
    -- Records in the zone's RRsets (the SOA excluded), kept in step by every write.
    record_count INT UNSIGNED NOT NULL DEFAULT 0,
    -- The SOA is managed, not stored as an RRset: these fields and the serial make it.
    soa_mname VARCHAR(255) NOT NULL,
    soa_rname VARCHAR(255) NOT NULL,
    soa_refresh INT UNSIGNED NOT NULL,
    soa_retry INT UNSIGNED NOT NULL,
    soa_expire INT UNSIGNED NOT NULL,
    soa_minimum INT UNSIGNED NOT NULL,
    soa_ttl INT UNSIGNED NOT NULL,
    -- The smallest TTL a record may have in this zone (published in the API).
    min_ttl INT UNSIGNED NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY domains_name (name),
    KEY domains_account (account_id, name),
    CONSTRAINT domains_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS rrsets (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    domain_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(255) NOT NULL,
    -- The owner name in uncompressed wire form, so compiling never parses text.
    owner VARBINARY(255) NOT NULL,
    type SMALLINT UNSIGNED NOT NULL,
    ttl INT UNSIGNED NOT NULL,
    -- JSON array of the records' content in canonical presentation form (as ldns prints it).
    content MEDIUMTEXT NOT NULL,
    -- The same records validated: per record a 2-octet RDLENGTH and the RDATA, in content order.
    rdata MEDIUMBLOB NOT NULL,
    record_count INT UNSIGNED NOT NULL,
    -- The zone serial of the change that last touched this RRset: its ETag.
    changed_serial INT UNSIGNED NOT NULL,
    changed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY rrsets_name_type (domain_id, name, type),
    CONSTRAINT rrsets_domain FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The change journal: one row per zone serial step, written in the transaction of the change.
-- Fan-out builds IXFR deltas from it; history and restore read it.
CREATE TABLE IF NOT EXISTS changes (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    -- No foreign key: the journal outlives a deleted domain.
    domain_id BIGINT UNSIGNED NOT NULL,
    zone VARCHAR(253) NOT NULL,
    account_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('create', 'update', 'delete') NOT NULL,
    serial_from INT UNSIGNED NOT NULL,
    serial_to INT UNSIGNED NOT NULL,
    -- Records removed and added, SOA excluded: uncompressed wire RRs (owner, type, class, TTL,
    -- RDLENGTH, RDATA) one after another, as in an IXFR step.
    removed MEDIUMBLOB NOT NULL,
    added MEDIUMBLOB NOT NULL,
    -- Who: the API key (NULL for the admin key), its visible prefix, and the client address.
    key_id BIGINT UNSIGNED NULL,
    actor VARCHAR(64) NOT NULL,
    remote VARCHAR(64) NOT NULL,
    summary VARCHAR(255) NOT NULL DEFAULT '',
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY changes_domain_serial (domain_id, serial_to),
    KEY changes_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- API calls per account and UTC day; dnsapid adds its in-memory counts every second.
CREATE TABLE IF NOT EXISTS usage_daily (
    account_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    calls BIGINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who did what outside the zone data: accounts, plans and keys created, changed, revoked.
CREATE TABLE IF NOT EXISTS audit (
    id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    account_id BIGINT UNSIGNED NULL,
    actor VARCHAR(64) NOT NULL,
    remote VARCHAR(64) NOT NULL,
    action VARCHAR(64) NOT NULL,
    target VARCHAR(255) NOT NULL,
    detail TEXT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY audit_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
