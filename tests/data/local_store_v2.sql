-- A local store of schema 2 (umcr-console before issue 17), key bytes(range(32)).
-- Written by the console of that version; see tests/attack/test_local_store_attacks.py.
BEGIN TRANSACTION;
CREATE TABLE confirmed_incident (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
INSERT INTO "confirmed_incident" VALUES('01a22867-9c97-727e-86b0-1e0cb515e065','{"id":"01a22867-9c97-727e-86b0-1e0cb515e065","number":"U000007","version":2,"state":"pending","received_at":"2026-11-29T17:43:28.663041Z","priority":3,"call_type":"syringe_disposal","source":"police_request","location":{"address":"","lat":34.086,"lon":-118.354,"division":"West Valley"},"team_ids":[],"times":{"dispatched_at":null,"en_route_at":null,"on_scene_at":null,"closed_at":null},"disposition":null,"redirected_to":null,"redirect_reason":null,"caller":{"name":"","phone":""},"person":"","narrative":"","notes":[],"language":"Spanish","safety":{"weapons":false,"violence":false,"medical":false,"crime":false},"created_by":"d1","updated_at":"2026-11-29T17:43:28.668606Z","assigned_team_ids":[],"follow_up":null,"handoff":null,"follows_up":null,"scheduled_for":null,"reserved_team_id":null,"sealed":"v1.hwZhXgeDZpVmIE1DNqsbkMO2HbBlNw/JTbGS93fbtTLeYg8toom5Oov2dMhH9m+LcdZXaAcExqEyHEKMrlobaf+Wytt7Z6v8mot/hiqSjIPtOPpTN8bqhqzdpe9MAzifhwJNM31TYhABKCsDa3I8i93h3/16cNYCztTqfTYPvusDYVMmYcrxHJvB/oVlN7xdSjJJGJauS/LXRVBQWqPY5oRiI91UqflnHVO57mFr/owqKzXAM7eNtdUhcj3+fVHu4EUuvwuQGf1XiYUA6dq4aEzzmbZydupeZ/GgJZOt9JXxRDqbVOrrQG63Z+Q8RLEmJv49cfyoibfelyQVCfLgJawKXmnc/5d2Lz0JRCEFDoVt/FfaDTkADM9Ykaf2tkfkw0WEwimXS2LfFo126JlxVgcK8BnLra2D4cTWuXmKaUXKfrvd6DeQmVHM3XaldSgcdpAgf3WXfRiM8iLWTZdIfDOl2KeHCCeGTXul0bvcdpVgmhRTmotIcngzQTHkMUmW98c="}');
CREATE TABLE confirmed_team (
    id TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
);
INSERT INTO "confirmed_team" VALUES('573be52f-34e4-53c4-b916-05c702dea206','{"id":"573be52f-34e4-53c4-b916-05c702dea206","call_sign":"PL-1","provider":"Penny Lane Centers","division":"Devonshire","status":"available","status_since":"2026-11-29T17:43:28.637779Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
INSERT INTO "confirmed_team" VALUES('35f00558-0b68-5c80-b3fe-819fe2c50860','{"id":"35f00558-0b68-5c80-b3fe-819fe2c50860","call_sign":"PL-2","provider":"Penny Lane Centers","division":"West Valley","status":"available","status_since":"2026-11-29T17:43:28.638112Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
INSERT INTO "confirmed_team" VALUES('59cd80b9-f61f-5319-8acf-a7d312c062ad','{"id":"59cd80b9-f61f-5319-8acf-a7d312c062ad","call_sign":"EX-1","provider":"Exodus Recovery","division":"West Los Angeles","status":"available","status_since":"2026-11-29T17:43:28.638247Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
INSERT INTO "confirmed_team" VALUES('8a289c67-a1f8-5878-9a49-7bc95c51fb6a','{"id":"8a289c67-a1f8-5878-9a49-7bc95c51fb6a","call_sign":"EX-2","provider":"Exodus Recovery","division":"Olympic","status":"available","status_since":"2026-11-29T17:43:28.638370Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
INSERT INTO "confirmed_team" VALUES('9620b53d-27ed-5374-bb41-3bc2649e2fcd','{"id":"9620b53d-27ed-5374-bb41-3bc2649e2fcd","call_sign":"AC-1","provider":"Alcott Center","division":"Wilshire","status":"available","status_since":"2026-11-29T17:43:28.638487Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
INSERT INTO "confirmed_team" VALUES('875f4321-d07d-573a-a526-813e7972a9ad','{"id":"875f4321-d07d-573a-a526-813e7972a9ad","call_sign":"AC-2","provider":"Alcott Center","division":"Southeast","status":"available","status_since":"2026-11-29T17:43:28.638601Z","incident_id":null,"version":1,"last_check_in":null,"languages":[],"base_lat":null,"base_lon":null,"status_note":"","last_scene_incident_id":null,"escalated_for":null,"alert_acknowledged_for":null,"reservation":null}');
CREATE TABLE event_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    team_id TEXT,
    data TEXT NOT NULL
);
INSERT INTO "event_log" VALUES(1,'01a22867-9c7d-71a0-a08b-5446ecbc976f','team.created','573be52f-34e4-53c4-b916-05c702dea206',NULL,'{"event_id":"01a22867-9c7d-71a0-a08b-5446ecbc976f","type":"team.created","entity_id":"573be52f-34e4-53c4-b916-05c702dea206","occurred_at":"2026-11-29T17:43:28.637779Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"PL-1","provider":"Penny Lane Centers","division":"Devonshire","languages":[],"base_lat":null,"base_lon":null},"seq":1,"recorded_at":"2026-11-29T17:43:28.637957Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(2,'01a22867-9c7e-7fb5-9b17-f0704b6baf12','team.created','35f00558-0b68-5c80-b3fe-819fe2c50860',NULL,'{"event_id":"01a22867-9c7e-7fb5-9b17-f0704b6baf12","type":"team.created","entity_id":"35f00558-0b68-5c80-b3fe-819fe2c50860","occurred_at":"2026-11-29T17:43:28.638112Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"PL-2","provider":"Penny Lane Centers","division":"West Valley","languages":[],"base_lat":null,"base_lon":null},"seq":2,"recorded_at":"2026-11-29T17:43:28.638169Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(3,'01a22867-9c7e-7fb5-9b17-f0704b6baf13','team.created','59cd80b9-f61f-5319-8acf-a7d312c062ad',NULL,'{"event_id":"01a22867-9c7e-7fb5-9b17-f0704b6baf13","type":"team.created","entity_id":"59cd80b9-f61f-5319-8acf-a7d312c062ad","occurred_at":"2026-11-29T17:43:28.638247Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"EX-1","provider":"Exodus Recovery","division":"West Los Angeles","languages":[],"base_lat":null,"base_lon":null},"seq":3,"recorded_at":"2026-11-29T17:43:28.638296Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(4,'01a22867-9c7e-7fb5-9b17-f0704b6baf14','team.created','8a289c67-a1f8-5878-9a49-7bc95c51fb6a',NULL,'{"event_id":"01a22867-9c7e-7fb5-9b17-f0704b6baf14","type":"team.created","entity_id":"8a289c67-a1f8-5878-9a49-7bc95c51fb6a","occurred_at":"2026-11-29T17:43:28.638370Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"EX-2","provider":"Exodus Recovery","division":"Olympic","languages":[],"base_lat":null,"base_lon":null},"seq":4,"recorded_at":"2026-11-29T17:43:28.638418Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(5,'01a22867-9c7e-7fb5-9b17-f0704b6baf15','team.created','9620b53d-27ed-5374-bb41-3bc2649e2fcd',NULL,'{"event_id":"01a22867-9c7e-7fb5-9b17-f0704b6baf15","type":"team.created","entity_id":"9620b53d-27ed-5374-bb41-3bc2649e2fcd","occurred_at":"2026-11-29T17:43:28.638487Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"AC-1","provider":"Alcott Center","division":"Wilshire","languages":[],"base_lat":null,"base_lon":null},"seq":5,"recorded_at":"2026-11-29T17:43:28.638533Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(6,'01a22867-9c7e-7fb5-9b17-f0704b6baf16','team.created','875f4321-d07d-573a-a526-813e7972a9ad',NULL,'{"event_id":"01a22867-9c7e-7fb5-9b17-f0704b6baf16","type":"team.created","entity_id":"875f4321-d07d-573a-a526-813e7972a9ad","occurred_at":"2026-11-29T17:43:28.638601Z","workstation_id":"server","expected_version":null,"payload":{"call_sign":"AC-2","provider":"Alcott Center","division":"Southeast","languages":[],"base_lat":null,"base_lon":null},"seq":6,"recorded_at":"2026-11-29T17:43:28.638647Z","actor":"admin"}');
INSERT INTO "event_log" VALUES(7,'01a22867-9c97-727e-86b0-1e0cb515e066','incident.created','01a22867-9c97-727e-86b0-1e0cb515e065',NULL,'{"event_id":"01a22867-9c97-727e-86b0-1e0cb515e066","type":"incident.created","entity_id":"01a22867-9c97-727e-86b0-1e0cb515e065","occurred_at":"2026-11-29T17:43:28.663258Z","workstation_id":"ws-old","expected_version":null,"payload":{"received_at":"2026-11-29T17:43:28.663041Z","source":"police_request","call_type":"syringe_disposal","priority":3,"location":{"address":"","lat":34.086,"lon":-118.354,"division":"West Valley"},"language":"Spanish","safety":{"weapons":false,"violence":false,"medical":false,"crime":false},"follows_up":null},"seq":7,"recorded_at":"2026-11-29T17:43:28.665481Z","actor":"d1","sealed":"v1.zsqpj6GL0glMF9sEqy+tJmu6ss2uWVDX374sTX8sTOraLgmcaiMK24LniZsTYKV+9Ua9fk6FugWOznGbkrqNfhymfeV4QDLZXOE/kbCxnboBLYjSU42qxFE5Wrx1c9iCP0hs5vgk8PKLVjZEnLRYrJqadKsDS65/fedX6hgGlkmEATfZ86S9PebhotpJAY3RYSCD11kdCzJwCCxSa/0stYNLokfOANFo1U3GgLy5VseXyR30ARXwaJfim5Z+svIrWE3o1BXvIt/NU9QAoIifKvMbDnmUcyWitxe8OgG0KBqVw9r60A8dh+zX2fEU1GMETjGTOjOPD5RIBPrHSPL9yIGA8oIjtqIYYHgldDToCNeh/ZAEwSTvJhJGjKrnFQx4+HlMCeldna8="}');
INSERT INTO "event_log" VALUES(8,'01a22867-9c9c-7309-9f61-a5d3cdc91c25','incident.note_added','01a22867-9c97-727e-86b0-1e0cb515e065',NULL,'{"event_id":"01a22867-9c9c-7309-9f61-a5d3cdc91c25","type":"incident.note_added","entity_id":"01a22867-9c97-727e-86b0-1e0cb515e065","occurred_at":"2026-11-29T17:43:28.668606Z","workstation_id":"ws-old","expected_version":null,"payload":{},"seq":8,"recorded_at":"2026-11-29T17:43:28.669880Z","actor":"d1","sealed":"v1.48Ts/wa/nRThJa0NpPP33DuMQIGw5hsMXZ5E1CqGEPHx+DNcILb+ZU27xClDcjKS500zInSKe1JllfxlXkdQvyfjk6f0320tJ1pgUseQYO4="}');
CREATE TABLE meta (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "meta" VALUES('key_check','v1.4HVLv0IcXfI7jR8gB3E8DwB7EcpE6R8oo6POGFE/yGBZCfgixZgKSbNjzcjqqRO+');
INSERT INTO "meta" VALUES('workstation_id','ws-old');
INSERT INTO "meta" VALUES('cursor_seq','8');
INSERT INTO "meta" VALUES('cursor_event_id','01a22867-9c9c-7309-9f61-a5d3cdc91c25');
CREATE TABLE outbox (
    local_seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    enqueued_at TEXT NOT NULL,
    accepted_seq INTEGER
);
INSERT INTO "outbox" VALUES(4,'01a22867-9ca2-7440-84ae-57710e7ac3ea','{"event_id":"01a22867-9ca2-7440-84ae-57710e7ac3ea","type":"incident.note_added","entity_id":"01a22867-9c97-727e-86b0-1e0cb515e065","occurred_at":"2026-11-29T17:43:28.674695Z","workstation_id":"ws-old","expected_version":null,"payload":{},"seq":null,"recorded_at":null,"actor":null,"sealed":"v1.SLNv3KnEngWBJ+ktEPLXYqv8Fuw5QCZEZwWd3srAhRGlWaqnsYqQL5fSEj3BjWtLZ5TQfwUW/ZkLB/MHWa66TW0i07LREGoQB4fGqe0/qlR57g=="}','2026-11-29T17:43:28.674773+00:00',NULL);
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
INSERT INTO "rejection" VALUES(1,'01a22867-9c9f-781e-81e8-9ae30a5dced5','incident.created','incident','01a22867-9c97-727e-86b0-1e0cb515e065','{"event_id":"01a22867-9c9f-781e-81e8-9ae30a5dced5","type":"incident.created","entity_id":"01a22867-9c97-727e-86b0-1e0cb515e065","occurred_at":"2026-11-29T17:43:28.663258Z","workstation_id":"ws-old","expected_version":null,"payload":{"received_at":"2026-11-29T17:43:28.663041Z","source":"police_request","call_type":"syringe_disposal","priority":3,"location":{"address":"","lat":34.086,"lon":-118.354,"division":"West Valley"},"language":"Spanish","safety":{"weapons":false,"violence":false,"medical":false,"crime":false},"follows_up":null},"seq":null,"recorded_at":null,"actor":null,"sealed":"v1.Dx1Ik6LH8Q0lKLS2CTouIooL4fFWSgQpapXr+awafM+nqta6/rnZWvG11UtX/05qGw/pBHdtpwJanOeuFCVzPgbvXoocpUGwANk7Mz+cCHSQd29357jTwHQCPtZBJUQPHP6S0E4cHV6EC+vm6Nt+hsU8n3QWURM0/NqEmuQgD16Oa1TrmplPyhVCWmy6+Ou6dIU/xPCqIgCDvyaQ6vp/fQTQwDMO0sLnnEGt9MPZi8PEe32iPfmiWobpOfuN+yyMvIAbrFqc1LooI7mcUtJMIK2m+9nrADUYxwL+k8Fd6mgKcbbDuY8IDUPzy0/c/n1Ecx/YxfTgFysbO34YV8O78vAt+tXya34gJU2eVAn6OeUMlrsaooGL1sieLpyxbOo9ycoXQlFjL4g="}','duplicate_entity','an incident with this id exists','The new incident (Syringe disposal, 1418 Wedgwood Pl) was rejected: an incident with this id exists. It exists already; nothing was added.','2026-11-29T17:43:28.672820+00:00',NULL);
CREATE INDEX ix_event_log_entity ON event_log (entity_id, seq);
CREATE INDEX ix_event_log_team ON event_log (team_id, seq);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('outbox',4);
INSERT INTO "sqlite_sequence" VALUES('rejection',1);
COMMIT;
PRAGMA user_version = 2;
