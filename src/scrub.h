/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scrub.h - scrubbing identifiers out of raw records: writing an event
 * without some of its identifiers (ingest drops erased ones, erasure drops
 * the person's from other people's events), and recognising a record that
 * names a person erased before (ingest keeps no dead letter of it).  Part
 * of the model layer: it knows identity and JSON, nothing of storage.
 */
#ifndef BT_SCRUB_H
#define BT_SCRUB_H

#include "identity.h"
#include "util/buf.h"
#include "util/json.h"

/* Write object `root` of doc to out, leaving out of its `ids` the
 * identifiers for which drop(ctx, normalised text) is true. */
int bt__raw_without_ids(const struct bt__identity *id, const struct bt_json_doc *doc,
			uint32_t root, int (*drop)(void *ctx, const char *norm, size_t n),
			void *ctx, struct bt_buf *out);

/* Does raw[0..n) (a rejected record: JSON, or any text) hold a value that,
 * read as an identifier of a type erased so far, was erased?  Every string
 * and number of a JSON record is tried, keys too; of other text, every
 * quoted part and every field between , ; tab or line ends.  doc is
 * scratch.  1 or 0. */
int bt__mentions_erased(const struct bt__identity *id, const char *raw, size_t n,
			struct bt_json_doc *doc);

#endif
