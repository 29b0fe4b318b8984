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

/* Who presents the token of this hash (a session's: bt_session_open). */
int bt_token_check_hash(struct bt_db *db, const unsigned char hash[32], struct bt_token *who,
			struct bt_err *err);

/* Dashboard sessions (docs/dashboard.md).  A session lives in its cookie:
 * its token's hash (never the token), a random id and when it expires,
 * sealed (XSalsa20-Poly1305)
 * with a key derived from the database's key, so that every node of a
 * database opens the cookies of every other, and a restart ends none.  The
 * database keeps only the sessions signed out before they expire, by the
 * hash of their id. */
#define BT_SESSION_COOKIE_MAX 160 /* a cookie's value, with its NUL */
/* The key that seals sessions (on a connection that may write). */
int bt_session_key(struct bt_db *db, unsigned char key[32], struct bt_err *err);
/* A session of token until expires (ms): the cookie's value into out. */
int bt_session_seal(const unsigned char key[32], const char *token, int64_t expires,
		    char out[BT_SESSION_COOKIE_MAX]);
/* Open a cookie at now: its token's hash into hash, the hash of its id
 * into id and its end into *expires.  BT_EAUTH when it is none of this
 * key's, has expired, or was signed out (asked of db). */
int bt_session_open(struct bt_db *db, const unsigned char key[32], const char *cookie, int64_t now,
		    unsigned char hash[32], unsigned char id[32], int64_t *expires,
		    struct bt_err *err);
/* Sign out the session of id (as bt_session_open gave it) for good. */
int bt_session_forget(struct bt_db *db, const unsigned char id[32], int64_t expires,
		      struct bt_err *err);

#endif
