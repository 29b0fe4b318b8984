-- SPDX-License-Identifier: Apache-2.0
--
-- pipeline.sql - baton's journey pipeline (docs/journeys.md, docs/kpis.md,
-- docs/identity.md) in SQL, one text for DuckDB, SQLite and PostgreSQL.
--
-- Input: the staging tables a load-<dialect>.sql file makes from the NDJSON:
--   ev(seq, eid, ts, source, type, channel, team, journey, case_ref, outcome,
--      rep, direction, promise_id, promise_team, promise_due_raw,
--      promise_due_abs, fulfils, fb, csat, nps, ces, consent_mkt, purpose)
--      seq = arrival order, ts = milliseconds since the epoch, rep/fb/
--      consent_mkt = 0/1 integers
--   ev_id_raw(seq, itype, ival)   one row per identifier value as given
--   ev_link(seq, ref)             one row per entry of `links`
-- Output: tables kpi_journey, kpi_team and kpi_overall.
--
-- Dialect hooks, applied by the drivers before running this text:
--   @TABLE@        "TABLE" (PostgreSQL: "UNLOGGED TABLE")
--   --@sqlite ...  a line only SQLite runs (indexes: it has no hash join)
--   --@pg ...      a line only PostgreSQL runs (ANALYZE for the planner)
--   --@duckdb ...  a line only DuckDB runs
-- Everything else is plain SQL: window functions, a recursive CTE, integer
-- 0/1 flags instead of booleans, no integer division, no regular
-- expressions, no dialect functions.
--
-- Times are in milliseconds: 7 days = 604800000 (recontact window), 30 days
-- = 2592000000 (abandonment timeout), 24 h = 86400000 (handoff SLA).  The
-- simplifications against the product rules are listed in bench/README.md.

-- 1. Duplicates: an event id seen before is ignored (the first in arrival
--    order is kept).
CREATE @TABLE@ dup AS
SELECT seq FROM (
  SELECT seq, row_number() OVER (PARTITION BY eid ORDER BY seq) AS rn
  FROM ev WHERE eid IS NOT NULL) x
WHERE rn > 1;

CREATE @TABLE@ as_of AS
SELECT max(ts) AS t, count(*) AS events FROM ev WHERE seq NOT IN (SELECT seq FROM dup);

-- 2. Identifiers: type lower-cased; e-mail trimmed and lower-cased; phone
--    reduced to '+' and digits; others trimmed.  Junk values never link.
-- (Two steps: an optimiser that inlines the nested expression would run
-- the replace() chain once per use.)
CREATE @TABLE@ idn0 AS
SELECT seq, itype,
       CASE itype
         WHEN 'email' THEN lower(trim(ival))
         WHEN 'phone' THEN replace(replace(replace(replace(replace(replace(
                             trim(ival), ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '/', '')
         ELSE trim(ival) END AS ival
FROM (SELECT seq, lower(itype) AS itype, ival FROM ev_id_raw
      WHERE ival IS NOT NULL AND seq NOT IN (SELECT seq FROM dup)) r;
DROP TABLE ev_id_raw;

CREATE @TABLE@ idn AS
SELECT seq, itype || ':' || ival AS k,
       CASE itype WHEN 'customer_id' THEN 0 WHEN 'user_id' THEN 1 WHEN 'email' THEN 2
                  WHEN 'phone' THEN 3 ELSE 4 END AS rk
FROM (SELECT seq, itype, ival,
             CASE WHEN substr(ival, 1, 1) = '+' THEN substr(ival, 2) ELSE ival END AS d
      FROM idn0) m
WHERE lower(ival) NOT IN ('', 'null', 'undefined', '0', 'anonymous', 'guest', 'test',
                          '[object object]', 'nan', 'none', 'n/a', 'unknown', '-')
  AND NOT (d <> '' AND substr(d, 1, 1) >= '0' AND substr(d, 1, 1) <= '9'
           AND replace(d, substr(d, 1, 1), '') = '');
DROP TABLE idn0;

-- 3. Identity: identifiers are nodes; an event links each of its
--    identifiers to its strongest one (customer_id, user_id, email, phone,
--    then by name, as the engine does).
CREATE @TABLE@ ident AS
SELECT k, rk, row_number() OVER (ORDER BY k) AS node
FROM (SELECT k, min(rk) AS rk FROM idn GROUP BY k) x;
--@sqlite CREATE UNIQUE INDEX ident_k ON ident(k);

CREATE @TABLE@ evid AS
SELECT i.seq, d.node, d.rk, row_number() OVER (PARTITION BY i.seq ORDER BY d.rk, d.k) AS rn
FROM idn i JOIN ident d ON d.k = i.k;
--@sqlite CREATE INDEX evid_seq ON evid(seq, rn);
--@pg ANALYZE evid;
DROP TABLE idn;

CREATE @TABLE@ link1 AS
SELECT DISTINCT a.node AS x, b.node AS y, a.rk AS xrk, b.rk AS yrk
FROM evid a JOIN evid b ON b.seq = a.seq
WHERE a.rn = 1 AND b.rn > 1 AND b.node <> a.node;

CREATE @TABLE@ edge AS
SELECT x AS src, y AS dst, yrk AS dst_rk FROM link1
UNION
SELECT y, x, xrk FROM link1;
--@sqlite CREATE INDEX edge_src ON edge(src);
--@pg ANALYZE edge;

-- Connected components by label propagation to the fixpoint (a recursive
-- CTE).  The guard rail "never merge two profiles that hold different
-- customer_ids": a customer_id node keeps its own label, and labels of
-- customer_id nodes sort before all others, so every other node takes the
-- smallest customer_id it reaches (or the smallest node of its component
-- when it reaches none) and no component holds two customer_ids.
CREATE @TABLE@ lab AS
WITH RECURSIVE reach(node, lab) AS (
  SELECT node, CASE WHEN rk = 0 THEN node ELSE node + 1000000000000 END FROM ident
  UNION
  SELECT g.dst, r.lab FROM reach r JOIN edge g ON g.src = r.node WHERE g.dst_rk <> 0
)
SELECT node, min(lab) AS lab FROM reach GROUP BY node;
--@sqlite CREATE UNIQUE INDEX lab_node ON lab(node);

-- An event belongs to the profile of its strongest identifier (docs/identity.md).
CREATE @TABLE@ evp AS
SELECT e.*, l.lab AS prof
FROM ev e JOIN evid a ON a.seq = e.seq AND a.rn = 1 JOIN lab l ON l.node = a.node;
--@pg ANALYZE evp;
DROP TABLE ev;

-- 4. Journey instances (docs/journeys.md rules 2-7, without case matching: see README).
--    opener: a customer contact that fulfils no promise (rules 2-4 place it);
--    every other event joins the most recent instance (rule 6).
--    st: an event that sets the state: an opener, or a non-outbound event
--    with outcome resolved/abandoned.  code: 1 resolved, 2 abandoned, 0 open.
CREATE @TABLE@ je0 AS
SELECT seq, prof, journey, ts, team, channel, case_ref, outcome, rep, direction, csat, nps, ces,
       contact, opener,
       CASE WHEN opener = 1 OR (direction <> 'outbound' AND outcome IN ('resolved', 'abandoned'))
            THEN 1 ELSE 0 END AS st,
       CASE outcome WHEN 'resolved' THEN 1 WHEN 'abandoned' THEN 2 ELSE 0 END AS code,
       row_number() OVER (PARTITION BY prof, journey ORDER BY ts, seq) AS pos
FROM (
  SELECT p.*,
         CASE WHEN direction = 'inbound' AND NOT (fb = 1 AND outcome IS NULL) THEN 1 ELSE 0 END
           AS contact,
         CASE WHEN direction = 'inbound' AND NOT (fb = 1 AND outcome IS NULL) AND fulfils IS NULL
              THEN 1 ELSE 0 END AS opener
  FROM evp p WHERE journey IS NOT NULL) x;

-- The state before each event is the state its last state-setting event
-- left (packed as pos * 4 + code, so max() finds the last one), unless a
-- silence since that event reached the abandonment timeout (the largest
-- gap between consecutive events since then: stno counts the state-setting
-- events up to each event, so the events after one state-setting event up
-- to the next share stno - st).
CREATE @TABLE@ je1 AS
SELECT j.*,
       ts - lag(ts) OVER w AS gap,
       max(CASE WHEN st = 1 THEN pos * 4 + code END) OVER wp AS last_st,
       max(CASE WHEN st = 1 AND code = 1 THEN ts END) OVER wp AS last_res_ts,
       max(opener) OVER wp AS had_opener,
       sum(st) OVER (PARTITION BY prof, journey ORDER BY pos
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stno
FROM je0 j
WINDOW w AS (PARTITION BY prof, journey ORDER BY pos),
       wp AS (PARTITION BY prof, journey ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);
DROP TABLE je0;

CREATE @TABLE@ je2 AS
SELECT y.*, sum(newi) OVER (PARTITION BY prof, journey ORDER BY pos
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ino
FROM (
  SELECT j.*,
         CASE WHEN opener = 1 AND (had_opener IS NULL OR had_opener = 0
                                   OR last_st % 4 = 2
                                   OR (last_st % 4 = 1 AND ts - last_res_ts >= 604800000)
                                   OR max(gap) OVER (PARTITION BY prof, journey, stno - st ORDER BY pos
                                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                                      >= 2592000000)
              THEN 1 ELSE 0 END AS newi
  FROM je1 j) y;
DROP TABLE je1;

CREATE @TABLE@ inst0 AS
SELECT prof, journey, ino, row_number() OVER (ORDER BY prof, journey, ino) AS iid
FROM (SELECT DISTINCT prof, journey, ino FROM je2 WHERE ino > 0) x;
--@sqlite CREATE UNIQUE INDEX inst0_k ON inst0(prof, journey, ino);

-- Events in instances (events before a profile's first contact of a
-- journey are on the timeline only).  recont: a contact that re-opened a
-- resolved instance within the recontact window.
CREATE @TABLE@ je AS
SELECT j.seq, i.iid, i.prof, i.journey, j.ts, j.team, j.channel, j.case_ref, j.outcome, j.rep,
       j.direction, j.csat, j.nps, j.ces, j.contact, j.opener, j.st, j.code, j.pos, j.newi,
       j.gap, j.stno,
       CASE WHEN j.opener = 1 AND j.newi = 0 AND j.last_st % 4 = 1 THEN 1 ELSE 0 END AS recont,
       row_number() OVER (PARTITION BY i.iid ORDER BY j.pos) AS ipos,
       max(j.stno) OVER (PARTITION BY i.iid) AS klast
FROM je2 j JOIN inst0 i ON i.prof = j.prof AND i.journey = j.journey AND i.ino = j.ino;
--@sqlite CREATE INDEX je_iid ON je(iid, ipos);
--@sqlite CREATE UNIQUE INDEX je_seq ON je(seq);
--@pg ANALYZE je;
DROP TABLE je2;

-- 5. Instance facts and state as of T (the latest event).  abandon_ts:
--    when the silence after the last state-setting event reached the
--    timeout (events that never re-open, like an outbound notice, may
--    still arrive after it).
CREATE @TABLE@ inst AS
SELECT x.*,
       CASE WHEN fcode = 1 THEN 'resolved'
            WHEN fcode = 2 OR abandon_ts IS NOT NULL
                 OR (SELECT t FROM as_of) - last_ts >= 2592000000 THEN 'abandoned'
            ELSE 'open' END AS state
FROM (
  SELECT iid, min(prof) AS prof, min(journey) AS journey, min(ts) AS start_ts, max(ts) AS last_ts,
         max(CASE WHEN st = 1 THEN pos * 4 + code END) % 4 AS fcode,
         min(CASE WHEN st = 1 AND code = 1 THEN ts END) AS first_res_ts,
         max(CASE WHEN st = 1 AND code = 1 THEN ts END) AS last_res_ts,
         min(CASE WHEN stno = klast AND st = 0 AND gap >= 2592000000 THEN ts - gap + 2592000000 END)
           AS abandon_ts,
         max(recont) AS recont,
         max(CASE WHEN newi = 1 AND outcome = 'resolved' THEN 1 ELSE 0 END) AS first_contact_res,
         sum(contact) AS contacts,
         sum(CASE WHEN contact = 1 AND rep = 1 THEN 1 ELSE 0 END) AS repeats,
         count(DISTINCT CASE WHEN contact = 1 THEN channel END) AS channels
  FROM je GROUP BY iid) x;
--@sqlite CREATE UNIQUE INDEX inst_iid ON inst(iid);
--@pg ANALYZE inst;

-- 6. Handoffs: consecutive work events (contacts and internal events) of an
--    instance with different teams.  Clean: the receiver carries, in case
--    or links, a case reference an earlier event of the instance carried;
--    no repeat; within 24 h of the previous work event.
CREATE @TABLE@ wk AS
SELECT iid, seq, ipos, ts, team, case_ref, rep,
       lag(team) OVER w AS pteam, lag(ts) OVER w AS pts
FROM je WHERE (contact = 1 OR direction = 'internal') AND team IS NOT NULL
WINDOW w AS (PARTITION BY iid ORDER BY ipos);

CREATE @TABLE@ hand AS SELECT * FROM wk WHERE pteam IS NOT NULL AND pteam <> team;
--@sqlite CREATE INDEX hand_seq ON hand(seq);

CREATE @TABLE@ icase AS
SELECT iid, case_ref AS ref, min(ipos) AS fpos FROM je WHERE case_ref IS NOT NULL
GROUP BY iid, case_ref;
--@sqlite CREATE UNIQUE INDEX icase_k ON icase(iid, ref);
--@sqlite CREATE INDEX ev_link_seq ON ev_link(seq);

CREATE @TABLE@ hctx AS
SELECT h.seq FROM hand h JOIN icase c ON c.iid = h.iid AND c.ref = h.case_ref AND c.fpos < h.ipos
UNION
SELECT h.seq FROM hand h JOIN ev_link l ON l.seq = h.seq
                         JOIN icase c ON c.iid = h.iid AND c.ref = l.ref AND c.fpos < h.ipos;
--@sqlite CREATE UNIQUE INDEX hctx_seq ON hctx(seq);

CREATE @TABLE@ handoff AS
SELECT h.iid, h.seq, h.team, h.pteam,
       CASE WHEN x.seq IS NULL THEN 'context_lost'
            WHEN h.rep = 1 THEN 'customer_repeated'
            WHEN h.ts - h.pts > 86400000 THEN 'late' END AS failure
FROM hand h LEFT JOIN hctx x ON x.seq = h.seq;

-- 7. Promises: kept by `due`, kept late, or broken (due passed unfulfilled).
--    A promise is kept by an event of the same profile (as the engine does:
--    a fulfilment on a profile identity resolution did not join is lost).
CREATE @TABLE@ ful AS
SELECT prof, fulfils AS pid, min(ts) AS fts FROM evp WHERE fulfils IS NOT NULL
GROUP BY prof, fulfils;
--@sqlite CREATE UNIQUE INDEX ful_pid ON ful(pid, prof);

CREATE @TABLE@ prom AS
SELECT p.pid, p.seq, p.prof, p.team AS mteam, p.pteam, p.due, f.fts, j.iid,
       CASE WHEN f.fts IS NOT NULL AND f.fts <= p.due THEN 'kept'
            WHEN f.fts IS NOT NULL THEN 'kept_late'
            WHEN p.due <= (SELECT t FROM as_of) THEN 'broken'
            ELSE 'pending' END AS status
FROM (
  SELECT promise_id AS pid, seq, prof, team, promise_team AS pteam,
         CASE WHEN promise_due_abs IS NOT NULL THEN promise_due_abs
              WHEN promise_due_raw LIKE '%ms' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 2) AS BIGINT)
              WHEN promise_due_raw LIKE '%s' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 1) AS BIGINT) * 1000
              WHEN promise_due_raw LIKE '%m' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 1) AS BIGINT) * 60000
              WHEN promise_due_raw LIKE '%h' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 1) AS BIGINT) * 3600000
              WHEN promise_due_raw LIKE '%d' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 1) AS BIGINT) * 86400000
              WHEN promise_due_raw LIKE '%w' THEN ts + CAST(substr(promise_due_raw, 1, length(promise_due_raw) - 1) AS BIGINT) * 604800000
         END AS due,
         row_number() OVER (PARTITION BY promise_id ORDER BY ts, seq) AS rn
  FROM evp WHERE promise_id IS NOT NULL) p
LEFT JOIN ful f ON f.pid = p.pid AND f.prof = p.prof
LEFT JOIN je j ON j.seq = p.seq
WHERE p.rn = 1;
--@sqlite CREATE INDEX prom_prof ON prom(prof);
--@pg ANALYZE prom;

-- 8. Collisions: an outbound event to a customer who at that moment has an
--    open instance of a sensitive journey (other than the event's own), an
--    overdue promise, or whose latest marketing consent is false.
--    Open periods: from each state-setting event that leaves the instance
--    open to the next state-setting event, the last one to the timeout.
CREATE @TABLE@ seg AS
SELECT iid, prof, journey, t0, CASE WHEN nts IS NULL THEN lts ELSE nts END AS t1
FROM (
  SELECT s.iid, i.prof, i.journey, s.ts AS t0, s.code,
         CASE WHEN i.abandon_ts IS NOT NULL THEN i.abandon_ts ELSE i.last_ts + 2592000000 END AS lts,
         lead(s.ts) OVER (PARTITION BY s.iid ORDER BY s.ipos) AS nts
  FROM je s JOIN inst i ON i.iid = s.iid
  WHERE s.st = 1 AND i.journey IN ('complaint', 'billing-dispute')) x
WHERE code = 0;
--@sqlite CREATE INDEX seg_prof ON seg(prof);
--@pg ANALYZE seg;

CREATE @TABLE@ outb AS
SELECT e.seq, e.prof, e.ts, coalesce(e.purpose, 'marketing') AS purpose, j.iid
FROM evp e LEFT JOIN je j ON j.seq = e.seq
WHERE e.direction = 'outbound';
--@pg ANALYZE outb;

CREATE @TABLE@ cons AS
SELECT prof, seq, ts, consent_mkt AS val FROM evp WHERE consent_mkt IS NOT NULL;
--@sqlite CREATE INDEX cons_prof ON cons(prof);

CREATE @TABLE@ coll AS
SELECT o.seq, s.journey, 'open_instance' AS reason
FROM outb o JOIN seg s ON s.prof = o.prof AND s.t0 <= o.ts AND o.ts < s.t1
WHERE o.iid IS NULL OR o.iid <> s.iid
UNION
SELECT o.seq, i.journey, 'overdue_promise'
FROM outb o JOIN prom p ON p.prof = o.prof AND p.due < o.ts AND (p.fts IS NULL OR p.fts > o.ts)
LEFT JOIN inst i ON i.iid = p.iid
UNION
SELECT seq, NULL, 'consent' FROM (
  SELECT o.seq, c.val, row_number() OVER (PARTITION BY o.seq ORDER BY c.ts DESC, c.seq DESC) AS rn
  FROM outb o JOIN cons c ON c.prof = o.prof AND c.ts <= o.ts
  WHERE o.purpose = 'marketing') x
WHERE rn = 1 AND val = 0;

-- 9. Local versus journey success, per team: local successes are events
--    with outcome contained/resolved in an instance; a true success saw no
--    further contact in its instance within 7 days, counted once the 7 days
--    have passed; cost shifted = the contacts of other teams that followed
--    a local success within 7 days, each charged to the latest local
--    success before it (as the engine does).
CREATE @TABLE@ lsucc AS
SELECT iid, seq, ipos, ts, team FROM je
WHERE outcome IN ('contained', 'resolved') AND team IS NOT NULL;

CREATE @TABLE@ follow AS
SELECT s.seq AS sseq, s.team AS steam, c.seq AS cseq, c.team AS cteam,
       row_number() OVER (PARTITION BY c.seq ORDER BY s.ipos DESC) AS latest
FROM lsucc s JOIN je c ON c.iid = s.iid AND c.ipos > s.ipos
WHERE c.contact = 1 AND c.ts <= s.ts + 604800000;

CREATE @TABLE@ kpi_team AS
SELECT s.team,
       count(*) AS local_success,
       sum(CASE WHEN f.sseq IS NULL AND (SELECT t FROM as_of) - s.ts >= 604800000 THEN 1 ELSE 0 END)
         AS true_success,
       coalesce(max(cs.n), 0) AS cost_shifted
FROM lsucc s
LEFT JOIN (SELECT DISTINCT sseq FROM follow) f ON f.sseq = s.seq
LEFT JOIN (SELECT steam, count(*) AS n FROM follow
           WHERE latest = 1 AND cteam IS NOT NULL AND cteam <> steam GROUP BY steam) cs
       ON cs.steam = s.team
GROUP BY s.team;

-- 10. The KPIs (docs/kpis.md) per journey.
CREATE @TABLE@ k_inst AS
SELECT journey,
       count(*) AS instances,
       sum(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN state = 'resolved' THEN 1 ELSE 0 END) AS resolved,
       sum(CASE WHEN state = 'abandoned' THEN 1 ELSE 0 END) AS abandoned,
       sum(CASE WHEN state = 'resolved' AND recont = 0
                 AND (SELECT t FROM as_of) - last_res_ts >= 604800000 THEN 1 ELSE 0 END) AS successful,
       sum(CASE WHEN first_res_ts IS NOT NULL THEN 1 ELSE 0 END) AS resolved_once,
       sum(CASE WHEN first_res_ts IS NOT NULL AND recont = 1 THEN 1 ELSE 0 END) AS recontacted,
       sum(CASE WHEN first_contact_res = 1 AND recont = 0 THEN 1 ELSE 0 END) AS fcr,
       sum(contacts) AS contacts, sum(repeats) AS repeats, sum(channels) AS channels
FROM inst GROUP BY journey;

CREATE @TABLE@ k_ttr AS
SELECT journey,
       min(CASE WHEN rn * 2 >= n THEN ttr END) AS p50,
       min(CASE WHEN rn * 10 >= n * 9 THEN ttr END) AS p90
FROM (
  SELECT journey, ttr, row_number() OVER (PARTITION BY journey ORDER BY ttr) AS rn,
         count(*) OVER (PARTITION BY journey) AS n
  FROM (SELECT journey, first_res_ts - start_ts AS ttr FROM inst WHERE first_res_ts IS NOT NULL) a
) b GROUP BY journey;

CREATE @TABLE@ k_hand AS
SELECT i.journey, count(*) AS handoffs, sum(CASE WHEN h.failure IS NULL THEN 1 ELSE 0 END) AS clean
FROM handoff h JOIN inst i ON i.iid = h.iid GROUP BY i.journey;

CREATE @TABLE@ k_fb AS
SELECT journey, avg(CAST(csat AS DOUBLE PRECISION)) AS csat_avg,
       avg(CAST(ces AS DOUBLE PRECISION)) AS ces_avg,
       sum(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS promoters,
       sum(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS detractors,
       count(nps) AS nps_n
FROM je WHERE csat IS NOT NULL OR nps IS NOT NULL OR ces IS NOT NULL GROUP BY journey;

CREATE @TABLE@ k_prom AS
SELECT i.journey, count(*) AS promises,
       sum(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END) AS kept,
       sum(CASE WHEN p.status = 'kept_late' THEN 1 ELSE 0 END) AS kept_late,
       sum(CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END) AS broken,
       sum(CASE WHEN p.status = 'broken' AND p.pteam IS NOT NULL AND p.mteam IS NOT NULL
                 AND p.pteam <> p.mteam THEN 1 ELSE 0 END) AS cross_team
FROM prom p JOIN inst i ON i.iid = p.iid GROUP BY i.journey;

CREATE @TABLE@ k_coll AS
SELECT journey, count(DISTINCT seq) AS collisions FROM coll WHERE journey IS NOT NULL
GROUP BY journey;

CREATE @TABLE@ kpi_journey AS
SELECT k.journey, k.instances, k.open, k.resolved, k.abandoned,
       CAST(k.resolved AS DOUBLE PRECISION) / NULLIF(k.resolved + k.abandoned, 0) AS completion_rate,
       CAST(k.successful AS DOUBLE PRECISION) / NULLIF(k.resolved + k.abandoned, 0) AS resolution_rate,
       CAST(k.recontacted AS DOUBLE PRECISION) / NULLIF(k.resolved_once, 0) AS recontact_rate,
       CAST(k.fcr AS DOUBLE PRECISION) / NULLIF(k.resolved_once, 0) AS fcr_rate,
       coalesce(h.handoffs, 0) AS handoffs,
       CAST(coalesce(h.handoffs, 0) AS DOUBLE PRECISION) / k.instances AS handoffs_per_instance,
       CAST(h.clean AS DOUBLE PRECISION) / NULLIF(h.handoffs, 0) AS handoff_success_rate,
       CAST(k.repeats AS DOUBLE PRECISION) / NULLIF(k.contacts, 0) AS repeat_rate,
       CAST(k.contacts AS DOUBLE PRECISION) / k.instances AS contacts_per_instance,
       CAST(k.channels AS DOUBLE PRECISION) / k.instances AS channels_per_instance,
       CAST(t.p50 AS DOUBLE PRECISION) / 1000 AS ttr_p50_s,
       CAST(t.p90 AS DOUBLE PRECISION) / 1000 AS ttr_p90_s,
       f.csat_avg,
       100 * CAST(f.promoters - f.detractors AS DOUBLE PRECISION) / NULLIF(f.nps_n, 0) AS nps,
       f.ces_avg,
       coalesce(p.promises, 0) AS promises, coalesce(p.kept, 0) AS promises_kept,
       coalesce(p.kept_late, 0) AS promises_kept_late, coalesce(p.broken, 0) AS promises_broken,
       coalesce(p.cross_team, 0) AS cross_team_breaks,
       coalesce(c.collisions, 0) AS collisions
FROM k_inst k
LEFT JOIN k_ttr t ON t.journey = k.journey
LEFT JOIN k_hand h ON h.journey = k.journey
LEFT JOIN k_fb f ON f.journey = k.journey
LEFT JOIN k_prom p ON p.journey = k.journey
LEFT JOIN k_coll c ON c.journey = k.journey;

CREATE @TABLE@ kpi_overall AS
SELECT (SELECT events FROM as_of) AS events,
       (SELECT count(*) FROM dup) AS duplicates,
       (SELECT count(*) FROM ident) AS identifiers,
       (SELECT count(DISTINCT lab) FROM lab) AS profiles,
       (SELECT count(*) FROM inst) AS instances,
       (SELECT count(*) FROM handoff) AS handoffs,
       (SELECT count(*) FROM prom) AS promises,
       (SELECT count(DISTINCT seq) FROM coll) AS collisions,
       (SELECT count(DISTINCT seq) FROM coll WHERE reason = 'consent') AS consent_collisions;
