// SPDX-License-Identifier: Apache-2.0
// A webhook receiver for tests/cli/webhooks.sh, on 127.0.0.1: it verifies
// each delivery as docs/webhooks.md tells a receiver to (HMAC-SHA256 of
// timestamp "." body with the secret, compared in constant time, and a
// timestamp at most 5 minutes old), answers 500 to the first REFUSE
// requests, 302 (to /hook) to the others on /redirect..., 400 to one that
// fails the check, and 200 to the rest, and appends one JSON line per request to
// LOG: {n, status, event, delivery, timestamp, verified, why, body}.
// Prints {"port":N} once it listens.
// usage: node hook_receiver.mjs SECRET REFUSE LOG [PORT]
import { createHmac, timingSafeEqual } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import http from 'node:http'

const [secret, refuse, log, port] = process.argv.slice(2)
let n = 0

function verify(headers, raw) {
  const ts = headers['x-baton-timestamp'] || ''
  const got = Buffer.from(headers['x-baton-signature'] || '')
  const want = Buffer.from('sha256=' + createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex'))
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'bad signature'
  if (!/^[0-9]+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return 'old timestamp'
  return null
}

http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const raw = Buffer.concat(chunks)
    const why = verify(req.headers, raw)
    const status = ++n <= Number(refuse) ? 500 : why ? 400 : req.url.startsWith('/redirect') ? 302 : 200
    appendFileSync(log, JSON.stringify({
      n, status, method: req.method, path: req.url, type: req.headers['content-type'],
      event: req.headers['x-baton-event'], delivery: req.headers['x-baton-delivery'],
      timestamp: Number(req.headers['x-baton-timestamp']), verified: !why, why,
      body: JSON.parse(raw.toString('utf8') || 'null'),
    }) + '\n')
    res.writeHead(status, { 'Content-Type': 'text/plain', ...(status === 302 ? { Location: '/hook' } : {}) })
    res.end(status === 200 ? 'thanks' : 'not now')
  })
}).listen(Number(port || 0), '127.0.0.1', function () {
  console.log(JSON.stringify({ port: this.address().port }))
})
