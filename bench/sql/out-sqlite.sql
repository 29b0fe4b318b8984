-- SPDX-License-Identifier: Apache-2.0
-- SQLite: print the KPI tables as three JSON arrays (journey, team, overall).
.mode json
SELECT * FROM kpi_journey ORDER BY journey;
SELECT * FROM kpi_team ORDER BY team;
SELECT * FROM kpi_overall;
