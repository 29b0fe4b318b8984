// SPDX-License-Identifier: Apache-2.0
// Sends a small customer story to a live `baton serve` with the real Segment
// Node SDK, unchanged: only `host` points at baton and the write key is a
// baton token.  Used by tests/cli/segment.sh.
import { Analytics } from '@segment/analytics-node'

const [host, writeKey] = process.argv.slice(2)
const analytics = new Analytics({ writeKey, host, flushAt: 3, flushInterval: 100, maxRetries: 2 })
let failed = false
analytics.on('error', (err) => {
  failed = true
  console.error('segment error:', err && (err.reason || err.message || err))
})

analytics.identify({
  userId: 'seg-u1',
  traits: { email: ' Seg.Ann@Example.com ', phone: '+44 7700 900999', name: 'Ann' },
  timestamp: new Date('2026-06-01T09:00:00Z'),
})
// before logging in, on the web: an anonymous visitor opens a dispute
analytics.track({
  anonymousId: 'anon-seg-9',
  event: 'dispute.opened',
  properties: { journey: 'dispute', case: 'SD-1', outcome: 'unresolved', amount: 42 },
  timestamp: new Date('2026-06-01T10:00:00Z'),
})
// later, logged in, the same customer's call resolves it
analytics.track({
  userId: 'seg-u1',
  event: 'dispute.call',
  properties: { journey: 'dispute', case: 'SD-1', outcome: 'resolved', team: 'service' },
  timestamp: new Date('2026-06-02T10:00:00Z'),
})
// the alias tells baton the anonymous visitor was seg-u1
analytics.alias({ userId: 'seg-u1', previousId: 'anon-seg-9', timestamp: new Date('2026-06-02T11:00:00Z') })
analytics.page({ userId: 'seg-u1', name: 'Billing', timestamp: new Date('2026-06-02T12:00:00Z') })
await analytics.closeAndFlush({ timeout: 15000 })
process.exit(failed ? 1 : 0)
