// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON source compiler on arbitrary bytes: parse with jansson, walk
 * the fields, locate errors in the text. An "include" reads the input
 * itself as the included file. What compiles must encode, and decode to
 * the same policy; what does not must say so in one terminated line that
 * starts with the file's name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libtppgate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size;
};

static int self_load(void *ctx, const char *from, const char *path,
		     char **text, size_t *len, char **name)
{
	const struct input *in = ctx;

	(void)from;
	if (strcmp(path, "self.json"))
		return -2;	/* -ENOENT */
	*text = malloc(in->size + 1);
	*name = strdup("self.json");
	if (!*text || !*name) {
		free(*text);
		free(*name);
		return -12;	/* -ENOMEM */
	}
	memcpy(*text, in->data, in->size);
	(*text)[in->size] = '\0';
	*len = in->size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[TPPGATE_POLICY_MAX];
	struct input in = { data, size };
	const struct tppgate_include_ops inc = { self_load, &in };
	struct tppgate_policy_src p, q;
	char err[512], *text;
	size_t len;
	int ret;

	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	memset(err, 'x', sizeof(err));
	ret = tppgate_policy_compile(text, size, "fuzz.json", &inc, &p, err,
				     sizeof(err));
	if (ret) {
		if (!memchr(err, '\0', sizeof(err)) ||
		    (strncmp(err, "fuzz.json", 9) && strncmp(err, "self.json", 9)))
			abort();
	} else {
		if (tppgate_policy_encode(&p, out, sizeof(out), &len, NULL, 0))
			abort();
		if (tppgate_policy_decode(out, len, &q, NULL, 0) ||
		    !tppgate_policy_equal(&p, &q))
			abort();
		tppgate_policy_free(&q);
	}
	tppgate_policy_free(&p);
	free(text);
	return 0;
}
