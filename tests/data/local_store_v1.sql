-- A console's local store at store schema 1, as umcr-console 0.1.0 writes it:
-- the pilot's six teams confirmed from the server (cursor at seq 6), then an
-- incident created and team AC-2 assigned while offline, both still in the
-- outbox. Made with that version's LocalStore and Workspace and dumped with
-- sqlite3's iterdump. tests/test_paths.py opens it with the current console
-- to prove an upgrade keeps the outbox: never regenerate it with a newer one.
PRAGMA user_version = 1;
BEGIN TRANSACTION;
CREATE TABLE confirmed_incident (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE confirmed_team (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
INSERT INTO "confirmed_team" VALUES('573be52f-34e4-53c4-b916-05c702dea206','{"id":"573be52f-34e4-53c4-b916-05c702dea206","call_sign":"PL-1","provider":"Penny Lane Centers","division":"Devonshire","status":"available","status_since":"2026-11-26T15:42:03.031874Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
INSERT INTO "confirmed_team" VALUES('35f00558-0b68-5c80-b3fe-819fe2c50860','{"id":"35f00558-0b68-5c80-b3fe-819fe2c50860","call_sign":"PL-2","provider":"Penny Lane Centers","division":"West Valley","status":"available","status_since":"2026-11-26T15:42:03.032076Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
INSERT INTO "confirmed_team" VALUES('59cd80b9-f61f-5319-8acf-a7d312c062ad','{"id":"59cd80b9-f61f-5319-8acf-a7d312c062ad","call_sign":"EX-1","provider":"Exodus Recovery","division":"West Los Angeles","status":"available","status_since":"2026-11-26T15:42:03.032126Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
INSERT INTO "confirmed_team" VALUES('8a289c67-a1f8-5878-9a49-7bc95c51fb6a','{"id":"8a289c67-a1f8-5878-9a49-7bc95c51fb6a","call_sign":"EX-2","provider":"Exodus Recovery","division":"Olympic","status":"available","status_since":"2026-11-26T15:42:03.032170Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
INSERT INTO "confirmed_team" VALUES('9620b53d-27ed-5374-bb41-3bc2649e2fcd','{"id":"9620b53d-27ed-5374-bb41-3bc2649e2fcd","call_sign":"AC-1","provider":"Alcott Center","division":"Wilshire","status":"available","status_since":"2026-11-26T15:42:03.032208Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
INSERT INTO "confirmed_team" VALUES('875f4321-d07d-573a-a526-813e7972a9ad','{"id":"875f4321-d07d-573a-a526-813e7972a9ad","call_sign":"AC-2","provider":"Alcott Center","division":"Southeast","status":"available","status_since":"2026-11-26T15:42:03.032246Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":""}');
CREATE TABLE event_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    team_id TEXT,
    data TEXT NOT NULL
);
INSERT INTO "event_log" VALUES(1,'01a21885-5d17-73ef-aa72-cf4c9fdb5648','team.created','573be52f-34e4-53c4-b916-05c702dea206',NULL,'{"event_id":"01a21885-5d17-73ef-aa72-cf4c9fdb5648","type":"team.created","entity_id":"573be52f-34e4-53c4-b916-05c702dea206","occurred_at":"2026-11-26T15:42:03.031874Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"PL-1","provider":"Penny Lane Centers","division":"Devonshire","languages":[],"base_lat":null,"base_lon":null},"seq":1,"recorded_at":"2026-11-26T15:42:03.031999Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(2,'01a21885-5d18-7dd6-9605-70ae03dbf43e','team.created','35f00558-0b68-5c80-b3fe-819fe2c50860',NULL,'{"event_id":"01a21885-5d18-7dd6-9605-70ae03dbf43e","type":"team.created","entity_id":"35f00558-0b68-5c80-b3fe-819fe2c50860","occurred_at":"2026-11-26T15:42:03.032076Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"PL-2","provider":"Penny Lane Centers","division":"West Valley","languages":[],"base_lat":null,"base_lon":null},"seq":2,"recorded_at":"2026-11-26T15:42:03.032097Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(3,'01a21885-5d18-7dd6-9605-70ae03dbf43f','team.created','59cd80b9-f61f-5319-8acf-a7d312c062ad',NULL,'{"event_id":"01a21885-5d18-7dd6-9605-70ae03dbf43f","type":"team.created","entity_id":"59cd80b9-f61f-5319-8acf-a7d312c062ad","occurred_at":"2026-11-26T15:42:03.032126Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"EX-1","provider":"Exodus Recovery","division":"West Los Angeles","languages":[],"base_lat":null,"base_lon":null},"seq":3,"recorded_at":"2026-11-26T15:42:03.032144Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(4,'01a21885-5d18-7dd6-9605-70ae03dbf440','team.created','8a289c67-a1f8-5878-9a49-7bc95c51fb6a',NULL,'{"event_id":"01a21885-5d18-7dd6-9605-70ae03dbf440","type":"team.created","entity_id":"8a289c67-a1f8-5878-9a49-7bc95c51fb6a","occurred_at":"2026-11-26T15:42:03.032170Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"EX-2","provider":"Exodus Recovery","division":"Olympic","languages":[],"base_lat":null,"base_lon":null},"seq":4,"recorded_at":"2026-11-26T15:42:03.032185Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(5,'01a21885-5d18-7dd6-9605-70ae03dbf441','team.created','9620b53d-27ed-5374-bb41-3bc2649e2fcd',NULL,'{"event_id":"01a21885-5d18-7dd6-9605-70ae03dbf441","type":"team.created","entity_id":"9620b53d-27ed-5374-bb41-3bc2649e2fcd","occurred_at":"2026-11-26T15:42:03.032208Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"AC-1","provider":"Alcott Center","division":"Wilshire","languages":[],"base_lat":null,"base_lon":null},"seq":5,"recorded_at":"2026-11-26T15:42:03.032223Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(6,'01a21885-5d18-7dd6-9605-70ae03dbf442','team.created','875f4321-d07d-573a-a526-813e7972a9ad',NULL,'{"event_id":"01a21885-5d18-7dd6-9605-70ae03dbf442","type":"team.created","entity_id":"875f4321-d07d-573a-a526-813e7972a9ad","occurred_at":"2026-11-26T15:42:03.032246Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"AC-2","provider":"Alcott Center","division":"Southeast","languages":[],"base_lat":null,"base_lon":null},"seq":6,"recorded_at":"2026-11-26T15:42:03.032259Z","actor":"admin"}');
CREATE TABLE meta (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "meta" VALUES('workstation_id','ws-fixture');
INSERT INTO "meta" VALUES('cursor_seq','6');
INSERT INTO "meta" VALUES('cursor_event_id','01a21885-5d18-7dd6-9605-70ae03dbf442');
CREATE TABLE outbox (
    local_seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    accepted_seq INTEGER
);
INSERT INTO "outbox" VALUES(1,'01a21885-5d45-7607-b220-2610e8ef5f7a','{"event_id":"01a21885-5d45-7607-b220-2610e8ef5f7a","type":"incident.created","entity_id":"01935f3e-0000-7000-8000-00000000f1a0","occurred_at":"2026-11-26T15:00:00Z","workstation_id":"ws-fixture","expected_version":null,"payload":{"received_at":"2026-11-26T15:00:00Z","source":"direct_line","call_type":"welfare_check","priority":2,"location":{"address":"200 N Spring St","lat":null,"lon":null,"division":"Southeast"},"caller":{"name":"","phone":""},"language":"","safety":{"weapons":false,"violence":false,"medical":false,"crime":false},"narrative":"","person":"","screen_override_reason":""},"seq":null,"recorded_at":null,"actor":null}','2026-11-26T15:00:00+00:00',NULL);
INSERT INTO "outbox" VALUES(2,'01a21885-5d4d-72e3-9261-f7c1f6718fed','{"event_id":"01a21885-5d4d-72e3-9261-f7c1f6718fed","type":"incident.team_assigned","entity_id":"01935f3e-0000-7000-8000-00000000f1a0","occurred_at":"2026-11-26T15:00:00Z","workstation_id":"ws-fixture","expected_version":null,"payload":{"team_id":"875f4321-d07d-573a-a526-813e7972a9ad"},"seq":null,"recorded_at":null,"actor":null}','2026-11-26T15:00:00+00:00',NULL);
CREATE TABLE rejection (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    data TEXT NOT NULL,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    summary TEXT NOT NULL,
    rejected_at TEXT NOT NULL,
    acknowledged_at TEXT
);
CREATE INDEX ix_event_log_entity ON event_log (entity_id, seq);
CREATE INDEX ix_event_log_team ON event_log (team_id, seq);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('outbox',2);
COMMIT;
