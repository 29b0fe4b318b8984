// SPDX-License-Identifier: Apache-2.0
// Sends a few messages to a live `baton serve` with RudderStack's Node SDK,
// unchanged: it posts Segment-spec batches to /v1/batch, gzip-compressed
// (its default), with the write key as the HTTP Basic user name.  Used by
// tests/cli/segment.sh.
import Analytics from '@rudderstack/rudder-sdk-node'

const [host, writeKey] = process.argv.slice(2)
const client = new Analytics(writeKey, {
  dataPlaneUrl: host, flushAt: 10, flushInterval: 100, retryCount: 0, logLevel: 'error',
})

client.identify({
  userId: 'rs-u1',
  traits: { email: 'rs.ann@example.com' },
  timestamp: new Date('2026-06-02T09:00:00Z'),
})
for (let i = 0; i < 3; i++) {
  client.track({
    userId: 'rs-u1',
    event: 'dispute.call',
    properties: { journey: 'dispute', case: 'RS-1', note: 'x'.repeat(2000) },
    timestamp: new Date(Date.UTC(2026, 5, 2, 10 + i)),
  })
}
try {
  await client.flush()
} catch (err) {
  console.error('rudderstack error:', err && (err.message || err))
  process.exit(1)
}
