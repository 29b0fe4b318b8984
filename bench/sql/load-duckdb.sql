-- SPDX-License-Identifier: Apache-2.0
-- DuckDB: read the NDJSON file into the staging tables of pipeline.sql.
-- @FILE@ is replaced by the input path.  The column list fixes the types
-- (no sampling); the file order is kept (preserve_insertion_order), so the
-- rowid is the arrival order.
CREATE TABLE raw AS
SELECT * FROM read_ndjson('@FILE@', columns = {
    id: 'VARCHAR', ts: 'VARCHAR', source: 'VARCHAR', type: 'VARCHAR',
    ids: 'MAP(VARCHAR, JSON)',
    channel: 'VARCHAR', team: 'VARCHAR', journey: 'VARCHAR', "case": 'VARCHAR',
    links: 'VARCHAR[]', outcome: 'VARCHAR', repeat: 'BOOLEAN', direction: 'VARCHAR',
    promise: 'STRUCT(id VARCHAR, kind VARCHAR, due VARCHAR, team VARCHAR)',
    fulfils: 'VARCHAR',
    feedback: 'STRUCT(csat INTEGER, nps INTEGER, ces INTEGER, comment VARCHAR)',
    consent: 'JSON', props: 'JSON'},
  maximum_object_size = 65536);

CREATE TABLE ev AS
SELECT rowid AS seq, id AS eid, epoch_ms(CAST(ts AS TIMESTAMPTZ)) AS ts, source, type,
       channel, team, journey, "case" AS case_ref, outcome,
       CASE WHEN repeat THEN 1 ELSE 0 END AS rep,
       coalesce(direction, 'inbound') AS direction,
       promise.id AS promise_id, promise.team AS promise_team, promise.due AS promise_due_raw,
       CASE WHEN promise.due LIKE '____-__-__%'
            THEN epoch_ms(TRY_CAST(promise.due AS TIMESTAMPTZ)) END AS promise_due_abs,
       fulfils,
       CASE WHEN feedback IS NOT NULL THEN 1 ELSE 0 END AS fb,
       feedback.csat AS csat, feedback.nps AS nps, feedback.ces AS ces,
       CASE json_extract_string(consent, '$.marketing') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
         AS consent_mkt,
       json_extract_string(props, '$.purpose') AS purpose
FROM raw;

-- ids as a MAP of JSON values (json_each is several times slower); a value
-- is a string or an array of strings.
CREATE TABLE ev_id_raw AS
WITH kv AS (
  SELECT rowid AS seq, unnest(map_keys(ids)) AS itype, unnest(map_values(ids)) AS v FROM raw)
SELECT seq, itype, json_extract_string(v, '$') AS ival FROM kv WHERE json_type(v) <> 'ARRAY'
UNION ALL
SELECT seq, itype, unnest(json_extract_string(v, '$[*]')) FROM kv WHERE json_type(v) = 'ARRAY';

CREATE TABLE ev_link AS
SELECT seq, ref FROM (SELECT rowid AS seq, unnest(links) AS ref FROM raw WHERE links IS NOT NULL) x;

DROP TABLE raw;
