-- SPDX-License-Identifier: MIT
-- 0002: the edge registry and what each edge has acknowledged, for fan-out and catch-up.
--
-- The database says what every edge still needs: a zone whose server_zones row is missing or
-- behind the domain's serial is pushed (deltas from the change journal, or the whole zone); a
-- row whose zone no longer exists is deleted on the edge. Whichever dnsapid process pushes a
-- zone to an edge holds that row locked (SELECT ... FOR UPDATE SKIP LOCKED) while it does, so
-- several processes on one database neither push twice nor skip.

CREATE TABLE IF NOT EXISTS servers (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    -- The edge's management API base URL ("http://192.0.2.53:8053").
    url VARCHAR(255) NOT NULL,
    -- The edge's management key, as the edge expects it: dnsapid must present it, so it cannot
    -- be stored hashed. The API never returns it after creation.
    api_key VARCHAR(255) NOT NULL,
    -- The name the edge is published under in NS records ("ns1.example.net"), or '' for none.
    ns_name VARCHAR(253) NOT NULL DEFAULT '',
    -- Inactive edges get no pushes and do not count for a change's status.
    active TINYINT(1) NOT NULL DEFAULT 1,
    -- The last state a dnsapid process saw: NULL before the first contact.
    reachable TINYINT(1) NULL,
    last_contact_at DATETIME(3) NULL,
    last_error VARCHAR(512) NOT NULL DEFAULT '',
    last_error_at DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY servers_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS server_zones (
    server_id INT UNSIGNED NOT NULL,
    zone VARCHAR(253) NOT NULL,
    -- The domain whose data the edge holds (domains.id; a deleted and re-created zone has a new
    -- id), and the serial the edge acknowledged for it. domain_id 0: the edge's copy is of
    -- unknown origin and is replaced by the whole zone.
    domain_id BIGINT UNSIGNED NOT NULL,
    serial INT UNSIGNED NOT NULL,
    acked_at DATETIME(3) NULL,
    -- Failed pushes of this zone in a row, and the last reason.
    failures INT UNSIGNED NOT NULL DEFAULT 0,
    last_error VARCHAR(512) NOT NULL DEFAULT '',
    -- No foreign key to servers: inserting a row would take a shared lock on the server's row
    -- for the whole push, and recording the server's state (an UPDATE of that row) would wait
    -- for it. Deleting a server deletes its rows explicitly.
    PRIMARY KEY (server_id, zone),
    KEY server_zones_zone (zone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The journal by zone name, across a zone's deletion and re-creation: a re-created zone
-- continues after the last serial the name had (an edge or secondary holding the old zone then
-- never mistakes it for the new one), and the change feed filters by zone.
CREATE INDEX IF NOT EXISTS changes_zone ON changes (zone, id);
