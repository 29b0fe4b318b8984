/* SPDX-License-Identifier: Apache-2.0 */
/*
 * actions.h - actions (docs/governance.md): what a steering meeting or an
 * owner decided to do, who does it, by when, for which journey and KPI.
 * The API, the CLI and the agenda read and write them through here, so the
 * same checks hold everywhere.
 */
#ifndef BATON_ACTIONS_H
#define BATON_ACTIONS_H

#include "baton/baton.h"
#include "baton/config.h"
#include "baton/records.h"

/* Limits on what a client sends. */
#define BT_ACTION_TEXT_MAX 200 /* bytes of a title or a meeting */

/*
 * Read a JSON object of action fields onto *a: a fresh action when create
 * (title, owner and due required; status defaults to open), else a change
 * of the action already in *a (any of the fields; null clears journey, kpi
 * and meeting).  The fields: title, owner (a person of cfg), due (RFC 3339,
 * or a date: due by the end of that day, UTC), status (open, in_progress,
 * done, dropped), journey (of cfg), kpi (a journey KPI's key), meeting.
 * BT_EINVAL names the field and what is wrong; *a is unchanged then.
 * *changed (may be NULL): how many fields took a new value.
 */
int bt_action_read(const struct bt_config *cfg, const char *json, size_t len, int create,
		   struct bt_action *a, size_t *changed, struct bt_err *err);

/* Store a new action (sets a->id, created and updated) or a change of one
 * (updated; BT_ENOTFOUND). who: the person or token name, for a new one. */
int bt_action_add(struct bt_db *db, struct bt_action *a, const char *who, struct bt_err *err);
int bt_action_update(struct bt_db *db, struct bt_action *a, struct bt_err *err);

/* Every action, oldest first; one by id (BT_ENOTFOUND). */
int bt_actions_list(struct bt_db *db, struct bt_action **out, size_t *n, struct bt_err *err);
int bt_action_get(struct bt_db *db, int64_t id, struct bt_action *out, struct bt_err *err);
/* A deep copy of an action (0 or BT_ENOMEM); free with bt_action_clear. */
int bt_action_copy(const struct bt_action *from, struct bt_action *to);
void bt_action_clear(struct bt_action *a);

/* Is it overdue at now (seconds): not done or dropped, and due at or
 * before now (an action due at T is late from T on). */
int bt_action_overdue(const struct bt_action *a, int64_t now);
/* The action as JSON, judged at now (seconds). */
int bt_action_json(const struct bt_action *a, int64_t now, struct bt_buf *out);

#endif
