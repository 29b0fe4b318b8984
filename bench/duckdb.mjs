// SPDX-License-Identifier: Apache-2.0
//
// duckdb.mjs - baton's journey pipeline in DuckDB SQL, in memory, on one
// NDJSON file: bench/sql/load-duckdb.sql then bench/sql/pipeline.sql.
//
//   node bench/duckdb.mjs FILE [--out RESULT.json] [--steps] [--query SQL]...
//
// Prints one JSON object to stdout (or to --out): {"engine", "version", "threads",
// "seconds" (load + pipeline, measured in this process), "kpi_journey",
// "kpi_team", "kpi_overall"}.  --steps adds the time of every statement
// (on stderr); --query runs SQL after the pipeline and prints its rows on
// stderr (for looking into the intermediate tables).  Needs `npm install` in bench/ (@duckdb/node-api).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const valued = ['--query', '--out'];
const queries = args.flatMap((a, i) => (args[i - 1] === '--query' ? [a] : []));
const outFile = args.find((a, i) => args[i - 1] === '--out');
const file = args.find((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1]));
const steps = args.includes('--steps');
if (!file) {
	console.error('usage: node bench/duckdb.mjs FILE [--out RESULT.json] [--steps] [--query SQL]...');
	process.exit(1);
}

// The dialect hooks of pipeline.sql: @FILE@, @TABLE@ and --@duckdb lines.
function prepare(text) {
	return text
		.replaceAll('@FILE@', resolve(file).replaceAll("'", "''"))
		.replaceAll('@TABLE@', 'TABLE')
		.replace(/^--@duckdb /gm, '');
}

// Statements end with ';' at the end of a line; comment-only chunks are skipped.
function statements(text) {
	return text
		.split(/;[ \t]*$/m)
		.map((s) => s.trim())
		.filter((s) => s.replace(/^--.*$/gm, '').trim() !== '');
}

const sql = ['load-duckdb.sql', 'pipeline.sql'].flatMap((f) =>
	statements(prepare(readFileSync(join(here, 'sql', f), 'utf8'))),
);

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const t0 = process.hrtime.bigint();
for (const s of sql) {
	const a = process.hrtime.bigint();
	await con.run(s);
	if (steps) {
		const head = s.replace(/^--.*$/gm, '').trim().split('\n')[0].slice(0, 60);
		console.error(`${(Number(process.hrtime.bigint() - a) / 1e9).toFixed(3)}s  ${head}`);
	}
}
const rows = async (q) => (await con.runAndReadAll(q)).getRowObjectsJS();
const result = {
	kpi_journey: await rows('SELECT * FROM kpi_journey ORDER BY journey'),
	kpi_team: await rows('SELECT * FROM kpi_team ORDER BY team'),
	kpi_overall: await rows('SELECT * FROM kpi_overall'),
};
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const errc = new console.Console(process.stderr);
for (const q of queries) errc.table(JSON.parse(JSON.stringify(await rows(q), (k, v) => (typeof v === "bigint" ? Number(v) : v))));
const meta = (await rows("SELECT version() AS v, current_setting('threads') AS t"))[0];
const out = { engine: 'duckdb', version: meta.v, threads: Number(meta.t), seconds, ...result };
const text = JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? Number(v) : v), 1) + '\n';
if (outFile) writeFileSync(outFile, text);
else process.stdout.write(text);
