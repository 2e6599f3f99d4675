/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client of etcd v3's JSON gateway (etcd 3.4: /v3/...), over
 * libcurl, shared by tppgated's etcd ledger and tppctl's push and cluster
 * commands. See shared/reference/cluster-ledger.md for the gateway's
 * quirks this code works around: bytes fields are base64, 64-bit numbers
 * come as JSON strings (lease ids are about 2^61, so they are never
 * handled as doubles), zero fields are omitted.
 *
 * One struct etcd is one connection, used by one thread at a time. A
 * request that fails in transport moves on to the next endpoint; an
 * expired auth token is renewed once per request.
 */
#ifndef TPPGATED_ETCD_H
#define TPPGATED_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define ETCD_ENDPOINTS_MAX	8
#define ETCD_URL_MAX		128
#define ETCD_CLUSTER_MAX	64

/**
 * struct etcd_config - the [etcd] section of tppgated.conf
 * @endpoints: "http(s)://host:port" URLs, comma-separated
 * @cluster: the cluster's name: keys live under /tppgate/<cluster>/
 * @cacert, @cert, @key: TLS: the CA to trust, our client certificate
 *	and its key ("" for none)
 * @user: etcd user ("" when auth is off); @password_file holds its password
 * @timeout_ms: one request's limit
 * @shards: sub-ledgers (1: the flat layout; see shard.h)
 */
struct etcd_config {
	char endpoints[ETCD_ENDPOINTS_MAX * ETCD_URL_MAX];
	char cluster[ETCD_CLUSTER_MAX];
	char cacert[256];
	char cert[256];
	char key[256];
	char user[64];
	char password_file[256];
	uint32_t timeout_ms;
	uint32_t shards;
};

struct etcd;

/* Pure: splits @list into URLs. Return: how many, or -EINVAL with @err. */
int etcd_parse_endpoints(const char *list, char urls[][ETCD_URL_MAX],
			 int max, char *err, size_t errlen);
/* Pure: is @name fit for a key path component? */
bool etcd_name_ok(const char *name);

int etcd_open(struct etcd **ep, const struct etcd_config *cfg,
	      uint32_t timeout_ms, char *err, size_t errlen);
void etcd_close(struct etcd *e);
/**
 * struct etcd_traffic - what one connection carried, counted by libcurl
 * @requests: HTTP requests made (every attempt, answered or not)
 * @sent: bytes of the requests, headers and body
 * @received: bytes of the answers, headers and body
 */
struct etcd_traffic {
	uint64_t requests, sent, received;
};

void etcd_traffic(const struct etcd *e, struct etcd_traffic *t);
/* The endpoint the last request went to. */
const char *etcd_endpoint(const struct etcd *e);

/*
 * POSTs @body (consumed) to @path ("/v3/kv/range"). *@reply is the decoded
 * JSON object of a 200 answer. Return: 0; -EIO (no endpoint answered),
 * -ETIMEDOUT, -EPROTO (not JSON), or for an error answer -ENOENT (404),
 * -EACCES (auth), -EINVAL (other 4xx/5xx) with etcd's message in @err.
 */
int etcd_post(struct etcd *e, const char *path, json_t *body, json_t **reply,
	      char *err, size_t errlen);

/*
 * A stream (watch): @body is sent, then @cb gets each JSON line as it
 * arrives until it returns nonzero, the stream ends or *@stop is set.
 * Fails over like etcd_post when the connection cannot be made.
 */
typedef int (*etcd_line_cb)(json_t *msg, void *arg);
int etcd_stream(struct etcd *e, const char *path, json_t *body,
		etcd_line_cb cb, void *arg, volatile int *stop, char *err,
		size_t errlen);

/* How many HTTP requests this process has sent to etcd (any connection). */
uint64_t etcd_requests(void);

/* base64 of @len bytes as a JSON string; the gateway's bytes fields. */
json_t *etcd_b64(const void *data, size_t len);
json_t *etcd_b64s(const char *s);
/* Decodes a base64 string; *@out is malloc'd and NUL-terminated. */
int etcd_unb64(const char *s, uint8_t **out, size_t *len);
/* The key after every key starting with @prefix (range_end), as base64. */
json_t *etcd_prefix_end(const char *prefix);
/* A 64-bit field, given as a string or a number; absent is 0. */
uint64_t etcd_u64(json_t *obj, const char *key);
/* A 64-bit value as the string the gateway wants. */
json_t *etcd_u64_json(uint64_t v);

#endif /* TPPGATED_ETCD_H */
