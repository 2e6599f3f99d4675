// SPDX-License-Identifier: GPL-2.0
/*
 * etcd's JSON gateway over libcurl (see etcd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "etcd.h"
#include "tppgated.h"

#define ETCD_REPLY_MAX	(64 * 1024 * 1024)

/* HTTP requests sent by this process (all connections): bench-ledger. */
static uint64_t requests;

uint64_t etcd_requests(void)
{
	return __atomic_load_n(&requests, __ATOMIC_RELAXED);
}

struct etcd {
	CURL *curl;
	char url[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX];
	int n_url, cur;
	struct etcd_config cfg;
	char password[256];
	char auth[1024];	/* "Authorization: <token>", or "" */
	uint32_t timeout_ms;
	struct etcd_traffic traffic;
};

json_t *etcd_b64(const void *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	json_t *j;

	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	j = json_string(out);
	free(out);
	return j;
}

json_t *etcd_b64s(const char *s)
{
	return etcd_b64(s, strlen(s));
}

int etcd_unb64(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	uint8_t *buf;
	int m;

	if (n % 4)
		return -EPROTO;
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	m = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (m < 0) {
		free(buf);
		return -EPROTO;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (n && s[n - 1] == '=')
		pad++;
	if (n > 1 && s[n - 2] == '=')
		pad++;
	*len = (size_t)m - pad;
	buf[*len] = '\0';
	*out = buf;
	return 0;
}

json_t *etcd_prefix_end(const char *prefix)
{
	size_t n = strlen(prefix);
	char *end = strdup(prefix);
	json_t *j;

	if (!end || !n) {
		free(end);
		return NULL;
	}
	/* Prefixes here are ASCII paths: the last byte never is 0xff. */
	end[n - 1]++;
	j = etcd_b64(end, n);
	free(end);
	return j;
}

uint64_t etcd_u64(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return strtoull(json_string_value(v), NULL, 10);
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return (uint64_t)json_integer_value(v);
	return 0;
}

json_t *etcd_u64_json(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

void etcd_traffic(const struct etcd *e, struct etcd_traffic *t)
{
	*t = e->traffic;
}

const char *etcd_endpoint(const struct etcd *e)
{
	return e->url[e->cur];
}

static int read_password(const char *path, char *buf, size_t len, char *err,
			 size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		snprintf(err, errlen, "password_file %s: %s", path, strerror(errno));
		return -errno;
	}
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0]) {
		snprintf(err, errlen, "password_file %s is empty", path);
		return -EINVAL;
	}
	return 0;
}

int etcd_open(struct etcd **ep, const struct etcd_config *cfg,
	      uint32_t timeout_ms, char *err, size_t errlen)
{
	struct etcd *e;
	int n;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	e->timeout_ms = timeout_ms ? timeout_ms : cfg->timeout_ms;
	n = etcd_parse_endpoints(cfg->endpoints, e->url, ETCD_ENDPOINTS_MAX,
				 err, errlen);
	if (n < 0) {
		free(e);
		return n;
	}
	e->n_url = n;
	if (cfg->user[0] && cfg->password_file[0]) {
		n = read_password(cfg->password_file, e->password,
				  sizeof(e->password), err, errlen);
		if (n) {
			free(e);
			return n;
		}
	}
	e->curl = curl_easy_init();
	if (!e->curl) {
		free(e);
		snprintf(err, errlen, "curl_easy_init failed");
		return -ENOMEM;
	}
	*ep = e;
	return 0;
}

void etcd_close(struct etcd *e)
{
	if (!e)
		return;
	curl_easy_cleanup(e->curl);
	explicit_bzero(e->password, sizeof(e->password));
	free(e);
}

struct sink {
	char *buf;
	size_t len, cap;
	/* Streams: */
	etcd_line_cb cb;
	void *arg;
	int cb_ret;
	volatile int *stop;
};

static size_t on_data(char *p, size_t sz, size_t nm, void *user)
{
	struct sink *s = user;
	size_t n = sz * nm;

	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nb;

		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > ETCD_REPLY_MAX)
			return 0;
		nb = realloc(s->buf, cap);
		if (!nb)
			return 0;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	if (s->cb) {
		char *nl;

		while ((nl = memchr(s->buf, '\n', s->len))) {
			size_t line = (size_t)(nl - s->buf) + 1;
			json_t *j;

			*nl = '\0';
			j = json_loads(s->buf, JSON_DECODE_ANY, NULL);
			memmove(s->buf, s->buf + line, s->len - line);
			s->len -= line;
			s->buf[s->len] = '\0';
			if (j) {
				s->cb_ret = s->cb(j, s->arg);
				json_decref(j);
				if (s->cb_ret)
					return 0;
			}
		}
	}
	return n;
}

static int on_progress(void *user, curl_off_t a, curl_off_t b, curl_off_t c,
		       curl_off_t d)
{
	struct sink *s = user;

	(void)a; (void)b; (void)c; (void)d;
	return s->stop && *s->stop;
}

static void count(struct etcd *e)
{
	curl_off_t down = 0;
	long req = 0, hdr = 0;

	curl_easy_getinfo(e->curl, CURLINFO_REQUEST_SIZE, &req);
	curl_easy_getinfo(e->curl, CURLINFO_HEADER_SIZE, &hdr);
	curl_easy_getinfo(e->curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
	e->traffic.requests++;
	e->traffic.sent += (uint64_t)req;
	e->traffic.received += (uint64_t)hdr + (uint64_t)down;
}

/*
 * What a transport failure most likely means, for the message: a TLS
 * server closes the connection after the handshake when it refuses our
 * client certificate (TLS 1.3), and closes it without a word when it
 * gets plain HTTP.
 */
static const char *hint(const char *url, CURLcode rc)
{
	bool tls = !strncmp(url, "https://", 8);

	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		return " (the server's certificate is not signed by [etcd] cacert, or does not name this host)";
	if (rc == CURLE_SSL_CONNECT_ERROR && tls)
		return " (TLS handshake refused: check [etcd] cacert, cert and key)";
	if (!tls && rc == CURLE_GOT_NOTHING)
		return " (the server closed the connection without an answer: does the endpoint want https://?)";
	if (tls && (rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR ||
		    rc == CURLE_RECV_ERROR))
		return " (the server closed the TLS connection: it wants a client certificate ([etcd] cert and key) or does not trust ours)";
	return "";
}

/* One attempt at one endpoint. Return: the HTTP status, or -errno. */
static long attempt(struct etcd *e, const char *path, const char *body,
		    struct sink *s, bool stream, char *err, size_t errlen)
{
	char url[ETCD_URL_MAX + 64], cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	long code = 0;
	CURLcode rc;

	curl_easy_reset(e->curl);
	snprintf(url, sizeof(url), "%s%s", e->url[e->cur], path);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (e->auth[0])
		h = curl_slist_append(h, e->auth);
	curl_easy_setopt(e->curl, CURLOPT_URL, url);
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)e->timeout_ms);
	if (!stream)
		curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)e->timeout_ms);
	/* A stream is idle for long: TCP keep-alive finds a dead peer. */
	curl_easy_setopt(e->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e->curl, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(e->curl, CURLOPT_TCP_KEEPINTVL, 1L);
	curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, s);
	if (s->stop) {
		curl_easy_setopt(e->curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(e->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e->curl, CURLOPT_XFERINFODATA, s);
	}
	curl_easy_setopt(e->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (e->cfg.cacert[0])
		curl_easy_setopt(e->curl, CURLOPT_CAINFO, e->cfg.cacert);
	if (e->cfg.cert[0])
		curl_easy_setopt(e->curl, CURLOPT_SSLCERT, e->cfg.cert);
	if (e->cfg.key[0])
		curl_easy_setopt(e->curl, CURLOPT_SSLKEY, e->cfg.key);
	__atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
	rc = curl_easy_perform(e->curl);
	curl_easy_setopt(e->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(h);
	count(e);
	if (rc == CURLE_WRITE_ERROR && s->cb && s->cb_ret)
		return 200;
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return 200;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s%s", e->url[e->cur],
			 cerr[0] ? cerr : curl_easy_strerror(rc),
			 hint(e->url[e->cur], rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
	}
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static int authenticate(struct etcd *e, char *err, size_t errlen)
{
	struct sink s = { 0 };
	json_t *body, *r;
	char *text;
	long code;
	const char *tok;

	e->auth[0] = '\0';
	body = json_pack("{s:s, s:s}", "name", e->cfg.user, "password",
			 e->password);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return -ENOMEM;
	code = attempt(e, "/v3/auth/authenticate", text, &s, false, err, errlen);
	explicit_bzero(text, strlen(text));
	free(text);
	if (code < 0) {
		free(s.buf);
		return (int)code;
	}
	r = s.buf ? json_loads(s.buf, 0, NULL) : NULL;
	free(s.buf);
	tok = json_string_value(json_object_get(r, "token"));
	if (code != 200 || !tok) {
		snprintf(err, errlen, "%s: authentication as '%s' failed: %s",
			 e->url[e->cur], e->cfg.user,
			 json_string_value(json_object_get(r, "message")) ?: "no token");
		json_decref(r);
		return -EACCES;
	}
	snprintf(e->auth, sizeof(e->auth), "Authorization: %s", tok);
	json_decref(r);
	return 0;
}

static int run(struct etcd *e, const char *path, json_t *body, struct sink *s,
	       bool stream, json_t **reply, char *err, size_t errlen)
{
	char *text = json_dumps(body, JSON_COMPACT);
	int tries, ret = -EIO, reauth = 0;
	json_t *r = NULL;
	long code;

	json_decref(body);
	if (!text)
		return -ENOMEM;
	for (tries = 0; tries < e->n_url + reauth; tries++) {
		const char *msg;

		if (e->cfg.user[0] && !e->auth[0]) {
			ret = authenticate(e, err, errlen);
			if (ret == -EACCES)
				break;
			if (ret) {
				e->cur = (e->cur + 1) % e->n_url;
				continue;
			}
		}
		s->len = 0;
		code = attempt(e, path, text, s, stream, err, errlen);
		if (code < 0) {
			ret = (int)code;
			e->cur = (e->cur + 1) % e->n_url;
			continue;
		}
		if (code == 200) {
			ret = 0;
			break;
		}
		r = s->buf ? json_loads(s->buf, 0, NULL) : NULL;
		msg = json_string_value(json_object_get(r, "message")) ?:
		      json_string_value(json_object_get(r, "error")) ?: "";
		snprintf(err, errlen, "%s%s: HTTP %ld: %s", e->url[e->cur], path,
			 code, msg[0] ? msg : "no message");
		if (e->cfg.user[0] && strstr(msg, "token") && !reauth) {
			/* Tokens expire (simple tokens after 5 min idle). */
			log_debug("etcd: %s; authenticating as '%s' again", err,
				  e->cfg.user);
			e->auth[0] = '\0';
			reauth = 1;
			json_decref(r);
			r = NULL;
			continue;
		}
		json_decref(r);
		r = NULL;
		if (code == 503 || code == 504 || code == 502) {
			/* No leader here, or it timed out: try another. */
			ret = -EAGAIN;
			e->cur = (e->cur + 1) % e->n_url;
			continue;
		}
		ret = code == 404 ? -ENOENT : code == 401 || code == 403 ?
		      -EACCES : -EINVAL;
		break;
	}
	free(text);
	if (ret || !reply)
		return ret;
	*reply = s->buf ? json_loads(s->buf, 0, NULL) : NULL;
	if (!json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		snprintf(err, errlen, "%s%s: the answer is not a JSON object",
			 e->url[e->cur], path);
		return -EPROTO;
	}
	return 0;
}

int etcd_post(struct etcd *e, const char *path, json_t *body, json_t **reply,
	      char *err, size_t errlen)
{
	struct sink s = { 0 };
	int ret;

	if (!body)
		return -ENOMEM;
	ret = run(e, path, body, &s, false, reply, err, errlen);
	free(s.buf);
	return ret;
}

int etcd_stream(struct etcd *e, const char *path, json_t *body,
		etcd_line_cb cb, void *arg, volatile int *stop, char *err,
		size_t errlen)
{
	struct sink s = { .cb = cb, .arg = arg, .stop = stop };
	int ret;

	if (!body)
		return -ENOMEM;
	ret = run(e, path, body, &s, true, NULL, err, errlen);
	free(s.buf);
	return ret;
}
