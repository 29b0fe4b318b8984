/* SPDX-License-Identifier: Apache-2.0 */
/* records.c - freeing the records of records.h, and the names of roles and
 * merge states. */
#include "baton/records.h"

#include "util/alloc.h"

#include <sodium.h>

#include <string.h>

void bt_dead_letters_free(struct bt_dead_letter *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(d[i].origin);
		bt__free(d[i].format);
		bt__free(d[i].reason);
		bt__free(d[i].raw);
	}
	bt__free(d);
}

void bt_conflicts_free(struct bt_conflict *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(c[i].identifier);
		bt__free(c[i].reason);
		bt__free(c[i].resolution);
		bt__free(c[i].resolved_by);
	}
	bt__free(c);
}

const char *const bt_merge_state_names[3] = {"active", "split", "undone"};

void bt_merges_free(struct bt_merge *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(m[i].identifier);
		bt__free(m[i].reason);
		bt__free(m[i].split_by);
	}
	bt__free(m);
}

const char *const bt_role_names[BT_ROLE__COUNT] = {"admin", "owner",  "analyst", "team",
						   "agent", "ingest", "guard"};

int bt_role_parse(const char *s)
{
	for (int i = 0; i < BT_ROLE__COUNT; i++)
		if (strcmp(s, bt_role_names[i]) == 0)
			return i;
	return -1;
}

void bt_token_release(struct bt_token *t)
{
	bt__free(t->team), bt__free(t->person), bt__free(t->name);
	t->team = t->person = t->name = NULL;
}

void bt_changes_free(struct bt_change *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(v[i].who), bt__free(v[i].via), bt__free(v[i].journey);
		bt__free(v[i].field), bt__free(v[i].before), bt__free(v[i].after);
	}
	bt__free(v);
}

void bt_actions_free(struct bt_action *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(v[i].title), bt__free(v[i].owner), bt__free(v[i].status);
		bt__free(v[i].journey), bt__free(v[i].kpi), bt__free(v[i].meeting);
		bt__free(v[i].created_by);
	}
	bt__free(v);
}

void bt_esc_actions_free(struct bt_esc_action *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bt__free((char *)v[i].id), bt__free((char *)v[i].who);
	bt__free(v);
}

void bt_initiatives_free(struct bt_initiative *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		bt__free(v[i].name), bt__free(v[i].journey), bt__free(v[i].kpi);
		bt__free(v[i].cohort_field), bt__free(v[i].cohort_value), bt__free(v[i].created_by);
	}
	bt__free(v);
}

void bt_fu_closes_free(struct bt_fu_close *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bt__free((char *)v[i].id), bt__free((char *)v[i].note), bt__free((char *)v[i].who);
	bt__free(v);
}

void bt_tokens_free(struct bt_token *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bt_token_release(&v[i]);
	bt__free(v);
}

void bt_webhooks_free(struct bt_webhook *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bt__free(v[i].url), bt__free(v[i].events);
	bt__free(v);
}

const char *const bt_delivery_states[3] = {"pending", "delivered", "failed"};

void bt_webhook_deliveries_free(struct bt_webhook_delivery *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < v[i].nattempts; k++)
			bt__free(v[i].attempts[k].error);
		bt__free(v[i].attempts);
		bt__free(v[i].event);
		bt__free(v[i].body);
	}
	bt__free(v);
}

void bt_webhook_job_release(struct bt_webhook_job *job)
{
	if (job->secret)
		sodium_memzero(job->secret, job->secret_len);
	bt__free(job->secret);
	bt__free(job->event), bt__free(job->url), bt__free(job->body);
	memset(job, 0, sizeof(*job));
}
