// SPDX-License-Identifier: Apache-2.0
// Builds the dashboard: src/main.js and src/style.css bundled and minified by
// esbuild into OUT (default build/web/): index.html, assets/app.<hash>.js and
// assets/app.<hash>.css, nothing else (scripts/web.sh calls it for `make`).
// The names carry a hash of the content, so the server sends them as
// immutable; index.html names them and holds no inline script or style (the
// server's Content-Security-Policy forbids both).
//   node web/build.mjs [OUT]
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, '..', 'build', 'web'));

const result = await esbuild.build({
	entryPoints: { app: join(here, 'src', 'main.js') },
	bundle: true,
	minify: true,
	format: 'esm',
	target: ['chrome110', 'firefox110', 'safari16'],
	write: false,
	outdir: out,
	legalComments: 'none',
	logLevel: 'warning',
});
const css = readFileSync(join(here, 'src', 'style.css'), 'utf8');
const cssMin = (await esbuild.transform(css, { loader: 'css', minify: true })).code;
const js = result.outputFiles.find((f) => f.path.endsWith('.js')).contents;

const hash = (data) => createHash('sha256').update(data).digest('hex').slice(0, 12);
const jsName = `app.${hash(js)}.js`;
const cssName = `app.${hash(cssMin)}.css`;
const html = readFileSync(join(here, 'index.html'), 'utf8')
	.replace('%APP_JS%', `/assets/${jsName}`)
	.replace('%APP_CSS%', `/assets/${cssName}`);

// the folder holds exactly this build: old hashed files would pile up
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f), { recursive: true });
mkdirSync(join(out, 'assets'));
writeFileSync(join(out, 'assets', jsName), js);
writeFileSync(join(out, 'assets', cssName), cssMin);
writeFileSync(join(out, 'index.html'), html);
console.log(`web: ${out}: index.html, assets/${jsName} (${js.length} bytes), ${cssName} (${cssMin.length} bytes)`);
