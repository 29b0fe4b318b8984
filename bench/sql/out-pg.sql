-- SPDX-License-Identifier: Apache-2.0
-- PostgreSQL: print the KPI tables as one JSON object on one line.
\pset tuples_only on
\pset format unaligned
SELECT json_build_object(
  'kpi_journey', (SELECT json_agg(k ORDER BY journey) FROM kpi_journey k),
  'kpi_team', (SELECT json_agg(t ORDER BY team) FROM kpi_team t),
  'kpi_overall', (SELECT json_agg(o) FROM kpi_overall o));
