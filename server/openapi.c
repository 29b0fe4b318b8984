/* SPDX-License-Identifier: Apache-2.0 */
/* openapi.c - the OpenAPI 3 document of the HTTP API, served at
 * /v1/openapi.json.  tests/cli/serve.sh fails when a route of routes.c is
 * missing here. */
#include "server.h"

const char bt_openapi_json[] =
"{\"openapi\":\"3.0.3\","
"\"info\":{\"title\":\"baton\",\"version\":\"" BATON_VERSION "\","
"\"description\":\"The journey accountability engine. Every route but /healthz needs a bearer token (baton token create). Errors are {\\\"error\\\": code, \\\"detail\\\": text} with the HTTP status that fits: 400 invalid input, 401 no or bad token, 403 role not allowed, 404 not found (also for data a token may not see), 405, 413 body over 512 KiB, 415 wrong content type, 429 rate limit (with Retry-After).\"},"
"\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},\"basic\":{\"type\":\"http\",\"scheme\":\"basic\",\"description\":\"the token as user name, no password (Segment write key)\"}},"
"\"schemas\":{"
"\"Error\":{\"type\":\"object\",\"required\":[\"error\",\"detail\"],\"properties\":{\"error\":{\"type\":\"string\"},\"detail\":{\"type\":\"string\"}}},"
"\"IngestResult\":{\"type\":\"object\",\"properties\":{\"accepted\":{\"type\":\"integer\"},\"duplicates\":{\"type\":\"integer\"},\"rejected\":{\"type\":\"integer\"},\"suppressed\":{\"type\":\"integer\"},\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"index\":{\"type\":\"integer\"},\"error\":{\"type\":\"string\"}}}}}},"
"\"Profile\":{\"type\":\"object\",\"properties\":{\"profile\":{\"type\":\"string\"},\"identifiers\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"events\":{\"type\":\"integer\"},\"conflicts\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},"
"\"Kpis\":{\"type\":\"object\",\"description\":\"as baton kpis --json (docs/kpis.md)\",\"properties\":{\"as_of\":{\"type\":\"string\"},\"journeys\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"teams\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"sources\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"handoff_routes\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"overall\":{\"type\":\"object\"}}}}},"
"\"security\":[{\"bearer\":[]}],"
"\"paths\":{"
"\"/healthz\":{\"get\":{\"summary\":\"liveness\",\"security\":[],\"responses\":{\"200\":{\"description\":\"{\\\"status\\\":\\\"ok\\\"}\"}}}},"
"\"/metrics\":{\"get\":{\"summary\":\"Prometheus metrics (admin, analyst)\",\"responses\":{\"200\":{\"description\":\"text/plain exposition format\"}}}},"
"\"/v1/openapi.json\":{\"get\":{\"summary\":\"this document\",\"responses\":{\"200\":{\"description\":\"OpenAPI 3\"}}}},"
"\"/v1/events\":{\"post\":{\"summary\":\"ingest events (admin, ingest): one event or an array as application/json, or application/x-ndjson; answered once the events are durable\","
"\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"oneOf\":[{\"type\":\"object\"},{\"type\":\"array\",\"items\":{\"type\":\"object\"}}]}},\"application/x-ndjson\":{\"schema\":{\"type\":\"string\"}}}},"
"\"responses\":{\"200\":{\"description\":\"stored (some records may be rejected: see errors)\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/IngestResult\"}}}},\"400\":{\"description\":\"not JSON, or every record rejected\"},\"413\":{\"description\":\"body over 512 KiB\"},\"415\":{\"description\":\"unsupported content type\"}}}},"
"\"/v1/events/{id}\":{\"get\":{\"summary\":\"one stored event by its id (admin)\",\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"the event as stored\"},\"404\":{\"description\":\"no such event\"}}}},"
"\"/v1/dead-letters\":{\"get\":{\"summary\":\"rejected records with their reasons (admin)\",\"responses\":{\"200\":{\"description\":\"array of dead letters\"}}}},"
"\"/v1/profiles/{ident}\":{\"get\":{\"summary\":\"the unified profile (admin, analyst with masked identifiers, agent)\",\"parameters\":[{\"name\":\"ident\",\"in\":\"path\",\"required\":true,\"description\":\"type:value (URL-encoded) or a profile id like P17\",\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"the profile\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Profile\"}}}},\"404\":{\"description\":\"no profile matches\"}}}},"
"\"/v1/journeys\":{\"get\":{\"summary\":\"journey definitions with their owners\",\"responses\":{\"200\":{\"description\":\"array of journeys\"}}}},"
"\"/v1/kpis\":{\"get\":{\"summary\":\"the KPIs of every journey, team and source (an owner token: its own journeys)\",\"parameters\":[{\"name\":\"as_of\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}},{\"name\":\"from\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}},{\"name\":\"to\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"as baton kpis --json\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Kpis\"}}}}}}},"
"\"/v1/batch\":{\"post\":{\"summary\":\"Segment spec: {batch: [messages]}; the write key (a token) as HTTP Basic user name\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\"}}}},\"responses\":{\"200\":{\"description\":\"{success, accepted, duplicates, rejected, errors}\"},\"400\":{\"description\":\"not JSON\"}}}},"
"\"/v1/track\":{\"post\":{\"summary\":\"Segment spec: track\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/identify\":{\"post\":{\"summary\":\"Segment spec: identify\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/alias\":{\"post\":{\"summary\":\"Segment spec: alias (previousId is linked as an anonymous id)\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/page\":{\"post\":{\"summary\":\"Segment spec: page\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/screen\":{\"post\":{\"summary\":\"Segment spec: screen\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/group\":{\"post\":{\"summary\":\"Segment spec: group\",\"security\":[{\"basic\":[]},{\"bearer\":[]}],\"responses\":{\"200\":{\"description\":\"as /v1/batch\"}}}},"
"\"/v1/journeys/{id}/kpis\":{\"get\":{\"summary\":\"the KPIs of one journey\",\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"name\":\"as_of\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}},{\"name\":\"from\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}},{\"name\":\"to\",\"in\":\"query\",\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"as baton kpis --json --journey ID\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Kpis\"}}}},\"404\":{\"description\":\"no such journey, or not the owner's\"}}}}"
"}}";
