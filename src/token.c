/* SPDX-License-Identifier: Apache-2.0 */
/* token.c - API tokens: creation, check, list, revocation, and the
 * dashboard's sessions of a token (token.h). */
#include "baton/token.h"

#include "baton/config.h"
#include "db.h"
#include "util/alloc.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

static void token_hash(const char *token, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is value (given as option opt) the id of one of n things of the
 * configuration, which are `size` bytes apart with their id first? */
static int check_id(const char *opt, const char *what, const char *value, const void *things,
		    size_t n, size_t size, struct bt_err *err)
{
	const char **ids = bt__calloc(n + 1, sizeof(*ids));
	const char *near;
	if (!ids)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ids[i] = *(char *const *)((const char *)things + i * size);
		if (!strcmp(ids[i], value)) {
			bt__free(ids);
			return 0;
		}
	}
	near = bt_suggest(value, strlen(value), ids, n);
	if (!n)
		bt_err_set(err, BT_EUSAGE, "%s '%s': the stored configuration has no %s (load one with "
			   "'baton config load FILE')", opt, value, what);
	else if (near)
		bt_err_set(err, BT_EUSAGE, "%s '%s' is not one of the %s of the configuration (did you "
			   "mean '%s'?)", opt, value, what, near);
	else
		bt_err_set(err, BT_EUSAGE, "%s '%s' is not one of the %s of the configuration", opt,
			   value, what);
	bt__free(ids);
	return BT_EUSAGE;
}

/* A token's team and person are ones the stored configuration knows: a
 * token for a team or person that does not exist would see nothing. */
static int check_names(struct bt_db *db, const char *team, const char *person, struct bt_err *err)
{
	struct bt_config *cfg = NULL;
	int rc = 0;
	if ((!team || !*team) && (!person || !*person))
		return 0;
	if ((rc = bt_db_config_get(db, &cfg, err)))
		return rc;
	if (team && *team)
		rc = check_id("--team", "teams", team, cfg->teams, cfg->nteams, sizeof(*cfg->teams), err);
	if (!rc && person && *person)
		rc = check_id("--person", "people", person, cfg->people, cfg->npeople,
			      sizeof(*cfg->people), err);
	bt_config_free(cfg);
	return rc;
}

int bt_token_create(struct bt_db *db, int role, const char *team, const char *person,
		    const char *name, char out[BT_TOKEN_LEN + 1], int64_t *id, struct bt_err *err)
{
	unsigned char raw[32], h[32];
	int rc;
	if (role < 0 || role >= BT_ROLE__COUNT)
		return bt_err_set(err, BT_EUSAGE, "unknown role");
	if (role == BT_ROLE_TEAM && (!team || !*team))
		return bt_err_set(err, BT_EUSAGE, "a team token needs --team");
	if (role == BT_ROLE_OWNER && (!person || !*person))
		return bt_err_set(err, BT_EUSAGE, "an owner token needs --person");
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if ((rc = check_names(db, team, person, err)))
		return rc;
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "bt_", 3);
	sodium_bin2base64(out + 3, BT_TOKEN_LEN - 2, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	token_hash(out, h);
	const char *vals[4] = {bt_role_names[role], team, person, name};
	rc = db->store->ops->tokens.insert(db->store, h, vals, now_ms(), id, err);
	if (rc)
		sodium_memzero(out, BT_TOKEN_LEN + 1);
	return rc;
}

int bt_token_check(struct bt_db *db, const char *token, struct bt_token *who, struct bt_err *err)
{
	unsigned char h[32];
	memset(who, 0, sizeof(*who));
	if (!token || strncmp(token, "bt_", 3) != 0 || strlen(token) != BT_TOKEN_LEN)
		return bt_err_set(err, BT_EAUTH, "invalid token");
	token_hash(token, h);
	return bt_token_check_hash(db, h, who, err);
}

int bt_token_check_hash(struct bt_db *db, const unsigned char h[32], struct bt_token *who,
			struct bt_err *err)
{
	memset(who, 0, sizeof(*who));
	int rc = db->store->ops->tokens.find(db->store, h, who, err);
	if (rc == BT_ENOTFOUND || (rc == 0 && who->revoked)) {
		bt_token_release(who);
		return bt_err_set(err, BT_EAUTH, "invalid or revoked token");
	}
	return rc;
}

int bt_token_list(struct bt_db *db, struct bt_token **out, size_t *n, struct bt_err *err)
{
	return db->store->ops->tokens.list(db->store, out, n, err);
}

int bt_token_revoke(struct bt_db *db, int64_t id, struct bt_err *err)
{
	return db->store->ops->tokens.revoke(db->store, id, now_ms(), err);
}

int bt_token_admins(struct bt_db *db, int64_t *n, struct bt_err *err)
{
	struct bt_token *v = NULL;
	size_t count = 0;
	int rc = bt_token_list(db, &v, &count, err);
	*n = 0;
	for (size_t i = 0; !rc && i < count; i++)
		*n += v[i].role == BT_ROLE_ADMIN && !v[i].revoked;
	bt_tokens_free(v, count);
	return rc;
}

/* ---- dashboard sessions ---- */

#define SESSION_PURPOSE "dashboard sessions"
#define SESSION_ID 16
#define SESSION_PLAIN (SESSION_ID + 8 + 32) /* id, expires, the token's hash */
#define SESSION_SEALED (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + SESSION_PLAIN)

int bt_session_key(struct bt_db *db, unsigned char key[32], struct bt_err *err)
{
	return db->store->ops->config.key(db->store, SESSION_PURPOSE, key, err);
}

static void put64(unsigned char *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

int bt_session_seal(const unsigned char key[32], const char *token, int64_t expires,
		    char out[BT_SESSION_COOKIE_MAX])
{
	unsigned char plain[SESSION_PLAIN], sealed[SESSION_SEALED];
	if (strlen(token) != BT_TOKEN_LEN)
		return BT_EAUTH;
	randombytes_buf(plain, SESSION_ID);
	put64(plain + SESSION_ID, expires);
	token_hash(token, plain + SESSION_ID + 8);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, plain, sizeof(plain), sealed,
			      key);
	sodium_memzero(plain, sizeof(plain));
	sodium_bin2base64(out, BT_SESSION_COOKIE_MAX, sealed, sizeof(sealed),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int bt_session_open(struct bt_db *db, const unsigned char key[32], const char *cookie, int64_t now,
		    unsigned char hash[32], unsigned char id[32], int64_t *expires,
		    struct bt_err *err)
{
	unsigned char sealed[SESSION_SEALED], plain[SESSION_PLAIN];
	size_t n = 0;
	int ended = 0, rc;
	if (!cookie || strlen(cookie) >= BT_SESSION_COOKIE_MAX ||
	    sodium_base642bin(sealed, sizeof(sealed), cookie, strlen(cookie), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    n != sizeof(sealed) ||
	    crypto_secretbox_open_easy(plain, sealed + crypto_secretbox_NONCEBYTES,
				       sizeof(sealed) - crypto_secretbox_NONCEBYTES, sealed, key))
		return bt_err_set(err, BT_EAUTH, "not a session of this database");
	*expires = get64(plain + SESSION_ID);
	crypto_generichash(id, 32, plain, SESSION_ID, NULL, 0);
	rc = *expires <= now ? bt_err_set(err, BT_EAUTH, "the session has expired") : 0;
	if (!rc && !(rc = db->store->ops->sessions.ended(db->store, id, &ended, err)) && ended)
		rc = bt_err_set(err, BT_EAUTH, "the session was signed out");
	if (!rc)
		memcpy(hash, plain + SESSION_ID + 8, 32);
	sodium_memzero(plain, sizeof(plain));
	return rc;
}

int bt_session_forget(struct bt_db *db, const unsigned char id[32], int64_t expires,
		      struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	if ((rc = ops->sessions.end(db->store, id, expires, err)) ||
	    (rc = ops->txn.commit(db->store, err)))
		ops->txn.rollback(db->store);
	return rc;
}
