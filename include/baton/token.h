/* SPDX-License-Identifier: Apache-2.0 */
/*
 * token.h - API tokens with roles (docs/api.md).  A token is "bt_"
 * followed by 43 characters of base64url (256 random bits); only its BLAKE2b
 * hash is stored, so a stolen database gives no usable token.
 */
#ifndef BATON_TOKEN_H
#define BATON_TOKEN_H

#include "baton/baton.h"

/* guard: a sending system (a campaign tool) that may only ask the pre-send
 * guard, and hears allow or deny with the kinds of reason, nothing more. */
enum bt_role { BT_ROLE_ADMIN, BT_ROLE_OWNER, BT_ROLE_ANALYST, BT_ROLE_TEAM, BT_ROLE_AGENT,
	       BT_ROLE_INGEST, BT_ROLE_GUARD, BT_ROLE__COUNT };

extern const char *const bt_role_names[BT_ROLE__COUNT];
/* The role named s, or -1. */
int bt_role_parse(const char *s);

struct bt_token {
	int64_t id;
	int role;
	char *team, *person, *name; /* may be NULL */
	int64_t created, revoked;   /* ms; revoked 0 when live */
};

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
void bt_token_release(struct bt_token *t);
void bt_tokens_free(struct bt_token *v, size_t n);

#endif
