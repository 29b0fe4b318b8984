-- SPDX-License-Identifier: Apache-2.0
-- SQLite (sqlite3 CLI, json1): read the NDJSON file into the staging tables
-- of pipeline.sql.  .import in ascii mode with a unit separator that never
-- occurs in the file reads each line whole into one column, unquoted; the
-- rowid is the arrival order.  json_extract re-uses its parse of the same
-- line within a row.
PRAGMA synchronous = OFF;
PRAGMA temp_store = MEMORY;
PRAGMA cache_size = -2000000;
CREATE TABLE raw(line TEXT);
.mode ascii
.separator "\037" "\n"
.import @FILE@ raw
.mode list

CREATE TABLE ev AS
SELECT rowid AS seq, json_extract(line, '$.id') AS eid,
       CAST(strftime('%s', ts) AS INTEGER) * 1000 + CAST(substr(strftime('%f', ts), 4) AS INTEGER) AS ts,
       source, type, channel, team, journey, case_ref, outcome, rep,
       coalesce(direction, 'inbound') AS direction,
       promise_id, promise_team, promise_due_raw,
       CASE WHEN promise_due_raw LIKE '____-__-__%' THEN
         CAST(strftime('%s', promise_due_raw) AS INTEGER) * 1000
         + CAST(substr(strftime('%f', promise_due_raw), 4) AS INTEGER) END AS promise_due_abs,
       fulfils, fb, csat, nps, ces, consent_mkt, purpose
FROM (
  SELECT rowid, line,
         json_extract(line, '$.ts') AS ts, json_extract(line, '$.source') AS source,
         json_extract(line, '$.type') AS type, json_extract(line, '$.channel') AS channel,
         json_extract(line, '$.team') AS team, json_extract(line, '$.journey') AS journey,
         json_extract(line, '$.case') AS case_ref, json_extract(line, '$.outcome') AS outcome,
         coalesce(json_extract(line, '$.repeat'), 0) AS rep,
         json_extract(line, '$.direction') AS direction,
         json_extract(line, '$.promise.id') AS promise_id,
         json_extract(line, '$.promise.team') AS promise_team,
         json_extract(line, '$.promise.due') AS promise_due_raw,
         json_extract(line, '$.fulfils') AS fulfils,
         CASE WHEN json_type(line, '$.feedback') IS NOT NULL THEN 1 ELSE 0 END AS fb,
         json_extract(line, '$.feedback.csat') AS csat,
         json_extract(line, '$.feedback.nps') AS nps,
         json_extract(line, '$.feedback.ces') AS ces,
         json_extract(line, '$.consent.marketing') AS consent_mkt,
         json_extract(line, '$.props.purpose') AS purpose
  FROM raw) x;

CREATE TABLE ev_id_raw AS
SELECT r.rowid AS seq, j.key AS itype, a.value AS ival
FROM raw r, json_each(r.line, '$.ids') j,
     json_each(CASE WHEN j.type = 'array' THEN j.value ELSE json_array(j.value) END) a;

CREATE TABLE ev_link AS
SELECT r.rowid AS seq, l.value AS ref FROM raw r, json_each(r.line, '$.links') l;

DROP TABLE raw;
