/* Choosing the answer backend for ask/chat/eval: flags, then environment,
 * then the notebook's settings (`quire config`), else none (extractive).
 *
 *   --llm-url URL      QUIRE_LLM_URL      setting llm.url
 *   --llm-model NAME   QUIRE_LLM_MODEL    setting llm.model
 *   --llm-key-env VAR  (default: QUIRE_LLM_API_KEY, then OPENAI_API_KEY)
 *   --context N        QUIRE_LLM_CONTEXT  setting llm.context   (tokens, default 8192)
 *   --timeout S        QUIRE_LLM_TIMEOUT  setting llm.timeout   (seconds, default 600)
 *   --embed-model NAME QUIRE_LLM_EMBED_MODEL setting llm.embed_model (verification by embeddings)
 */
#include "cli.h"
#include "cli_llm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *pick(const char *flag, const char *env, quire_index *idx, const char *key)
{
    if (flag && *flag) return strdup(flag);
    const char *e = getenv(env);
    if (e && *e) return strdup(e);
    char *v = NULL;
    if (idx && quire_index_get_setting(idx, key, &v) == QUIRE_OK && v && *v) return v;
    free(v);
    return NULL;
}

static long pick_long(const char *flag, const char *env, quire_index *idx, const char *key,
                      long min, long max, long def, bool *ok)
{
    char *s = pick(flag, env, idx, key);
    if (!s) return def;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max) {
        cli_error("%s: expected a number from %ld to %ld, got '%s'", key, min, max, s);
        *ok = false;
        v = def;
    }
    free(s);
    return v;
}

int cli_llm_open(const cli_llm_flags *f, quire_index *idx, quire_llm **out)
{
    *out = NULL;
    char *url = pick(f->url, "QUIRE_LLM_URL", idx, "llm.url");
    if (!url) return EXIT_OK;  /* no model configured: extractive */
    char *model = pick(f->model, "QUIRE_LLM_MODEL", idx, "llm.model");
    char *embed = pick(f->embed_model, "QUIRE_LLM_EMBED_MODEL", idx, "llm.embed_model");
    bool ok = true;
    long ctx = pick_long(f->context, "QUIRE_LLM_CONTEXT", idx, "llm.context", 256, 10000000, 8192, &ok);
    long timeout = pick_long(f->timeout, "QUIRE_LLM_TIMEOUT", idx, "llm.timeout", 1, 86400, 600, &ok);
    const char *key = NULL;
    if (f->key_env) {
        key = getenv(f->key_env);
        if (!key || !*key) {
            cli_error("--llm-key-env %s: that environment variable is not set", f->key_env);
            ok = false;
        }
    } else {
        key = getenv("QUIRE_LLM_API_KEY");
        if (!key || !*key) key = getenv("OPENAI_API_KEY");
    }
    int status = EXIT_OK;
    if (!ok) {
        status = EXIT_USAGE;
    } else {
        quire_openai_opts o;
        quire_openai_opts_default(&o);
        o.base_url = url;
        o.model = model;
        o.embed_model = embed;
        o.api_key = key;
        o.context_tokens = (size_t)ctx;
        o.timeout_ms = timeout * 1000;
        o.stream = !f->no_stream;
        quire_error err;
        quire_error_clear(&err);
        if (quire_llm_openai_open(&o, out, &err) != QUIRE_OK) {
            cli_error("%s", quire_error_message(&err));
            status = EXIT_USAGE;
        }
    }
    free(url);
    free(model);
    free(embed);
    return status;
}

bool cli_llm_has_embedder(const cli_llm_flags *f, quire_index *idx)
{
    char *e = pick(f->embed_model, "QUIRE_LLM_EMBED_MODEL", idx, "llm.embed_model");
    free(e);
    return e != NULL;
}

double cli_embed_similarity(void *user, const char *a, size_t alen, const char *b, size_t blen)
{
    char *ta = strndup(a, alen), *tb = strndup(b, blen);
    const char *texts[2] = {ta, tb};
    float *v = NULL;
    int dim = 0;
    double sim = -2;
    quire_error err;
    if (ta && tb && quire_llm_embed(user, texts, 2, &v, &dim, &err) == QUIRE_OK && dim > 0) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < dim; i++) {
            dot += (double)v[i] * v[dim + i];
            na += (double)v[i] * v[i];
            nb += (double)v[dim + i] * v[dim + i];
        }
        if (na > 0 && nb > 0) sim = dot / (sqrt(na) * sqrt(nb));
    }
    free(v);
    free(ta);
    free(tb);
    return sim;
}

int cli_llm_option(cli_llm_flags *f, int c, const char *arg)
{
    switch (c) {
    case CLI_OPT_LLM_URL: f->url = arg; return 1;
    case CLI_OPT_LLM_MODEL: f->model = arg; return 1;
    case CLI_OPT_LLM_KEY_ENV: f->key_env = arg; return 1;
    case CLI_OPT_CONTEXT: f->context = arg; return 1;
    case CLI_OPT_TIMEOUT: f->timeout = arg; return 1;
    case CLI_OPT_NO_STREAM: f->no_stream = true; return 1;
    case CLI_OPT_EMBED_MODEL: f->embed_model = arg; return 1;
    default: return 0;
    }
}
