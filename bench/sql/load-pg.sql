-- SPDX-License-Identifier: Apache-2.0
-- PostgreSQL: read the NDJSON file into the staging tables of pipeline.sql.
-- \copy streams the file from the client; CSV format with quote and
-- delimiter bytes that never occur keeps each line whole and unescaped, and
-- the cast to jsonb parses it.  The identity column is the arrival order.
CREATE UNLOGGED TABLE raw(seq bigint GENERATED ALWAYS AS IDENTITY, line jsonb);
\copy raw(line) FROM '@FILE@' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')

CREATE UNLOGGED TABLE ev AS
SELECT seq, line->>'id' AS eid,
       floor(extract(epoch FROM CAST(line->>'ts' AS timestamptz)) * 1000)::bigint AS ts,
       line->>'source' AS source, line->>'type' AS type, line->>'channel' AS channel,
       line->>'team' AS team, line->>'journey' AS journey, line->>'case' AS case_ref,
       line->>'outcome' AS outcome,
       CASE WHEN (line->'repeat') = 'true'::jsonb THEN 1 ELSE 0 END AS rep,
       coalesce(line->>'direction', 'inbound') AS direction,
       line->'promise'->>'id' AS promise_id, line->'promise'->>'team' AS promise_team,
       line->'promise'->>'due' AS promise_due_raw,
       CASE WHEN line->'promise'->>'due' LIKE '____-__-__%' THEN
         floor(extract(epoch FROM CAST(line->'promise'->>'due' AS timestamptz)) * 1000)::bigint
       END AS promise_due_abs,
       line->>'fulfils' AS fulfils,
       CASE WHEN line ? 'feedback' THEN 1 ELSE 0 END AS fb,
       (line->'feedback'->>'csat')::int AS csat, (line->'feedback'->>'nps')::int AS nps,
       (line->'feedback'->>'ces')::int AS ces,
       CASE line->'consent'->>'marketing' WHEN 'true' THEN 1 WHEN 'false' THEN 0 END AS consent_mkt,
       line->'props'->>'purpose' AS purpose
FROM raw;

CREATE UNLOGGED TABLE ev_id_raw AS
SELECT r.seq, k.key AS itype, v.value AS ival
FROM raw r
CROSS JOIN LATERAL jsonb_each(r.line->'ids') k
CROSS JOIN LATERAL jsonb_array_elements_text(
  CASE WHEN jsonb_typeof(k.value) = 'array' THEN k.value ELSE jsonb_build_array(k.value) END) v;

CREATE UNLOGGED TABLE ev_link AS
SELECT r.seq, l.value AS ref
FROM raw r CROSS JOIN LATERAL jsonb_array_elements_text(r.line->'links') l
WHERE jsonb_typeof(r.line->'links') = 'array';

DROP TABLE raw;
ANALYZE ev; ANALYZE ev_id_raw; ANALYZE ev_link;
