// SPDX-License-Identifier: Apache-2.0
// A slow client for tests/cli/hardening.sh: opens N connections to
// HOST:PORT (from LOCAL address when given), sends the start of a request
// header and then one more header line every INTERVAL ms, never finishing
// it, for at most DURATION ms.  Prints {"opened":..,"closed":..,"last_close_ms":..}
// where "closed" counts the connections the server closed.
// usage: node slow.mjs HOST PORT N INTERVAL DURATION [LOCAL]
import net from 'node:net'

const [host, port, n, interval, duration, local] = process.argv.slice(2)
const t0 = Date.now()
let opened = 0, closed = 0, last = 0
const socks = []
for (let i = 0; i < Number(n); i++) {
  const s = net.connect({ host, port: Number(port), localAddress: local || undefined })
  s.on('connect', () => {
    opened++
    s.write('GET /healthz HTTP/1.1\r\nHost: baton\r\n')
    s.timer = setInterval(() => s.write('X-Slow: 1\r\n'), Number(interval))
  })
  s.on('data', () => {})
  s.on('error', () => {})
  s.on('close', () => {
    clearInterval(s.timer)
    if (!s.ours) { closed++; last = Date.now() - t0 }
  })
  socks.push(s)
}
setTimeout(() => {
  for (const s of socks) { s.ours = true; s.destroy() }
  console.log(JSON.stringify({ opened, closed, last_close_ms: last }))
}, Number(duration))
