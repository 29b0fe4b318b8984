/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.h - API tokens with roles (docs/api.md).  A token is "bt_"
 * followed by 43 characters of base64url (256 random bits); only its BLAKE2b
 * hash is stored, so a stolen database gives no usable token.  The token
 * record and the roles are in baton/records.h.
 */
#ifndef BATON_TOKEN_H
#define BATON_TOKEN_H

#include "baton/baton.h"

#define BT_TOKEN_LEN 46 /* "bt_" + 43 */

/* Create a token; out receives it (NUL-terminated): show it once, it is not
 * kept.  A team token needs team, an owner token person; a team or person
 * given must be in the stored configuration (BT_EUSAGE otherwise). */
int bt_token_create(struct bt_db *db, int role, const char *team, const char *person,
		    const char *name, char out[BT_TOKEN_LEN + 1], int64_t *id, struct bt_err *err);
/* Who presents this token: BT_EAUTH when it is unknown or revoked. */
int bt_token_check(struct bt_db *db, const char *token, struct bt_token *who, struct bt_err *err);
int bt_token_list(struct bt_db *db, struct bt_token **out, size_t *n, struct bt_err *err);
int bt_token_revoke(struct bt_db *db, int64_t id, struct bt_err *err);
/* How many live admin tokens there are. */
int bt_token_admins(struct bt_db *db, int64_t *n, struct bt_err *err);

#endif
