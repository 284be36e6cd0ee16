/* The generic LLM handle: dispatch through a backend's quire_llm_ops table
 * (see include/quire/llm.h). Nothing here knows about any one backend. */
#include "quire/llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct quire_llm {
    const quire_llm_ops *ops;  /* borrowed static table */
    void *self;                /* owned: freed with ops->close */
    char *model;               /* owned; never NULL */
    size_t context_tokens;     /* 0: ask the backend */
};

const char *quire_llm_role_name(quire_llm_role role)
{
    switch (role) {
    case QUIRE_ROLE_SYSTEM: return "system";
    case QUIRE_ROLE_ASSISTANT: return "assistant";
    case QUIRE_ROLE_USER:
    case QUIRE_ROLE_COUNT: break;
    }
    return "user";
}

void quire_llm_gen_opts_default(quire_llm_gen_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->temperature = -1;
    opts->seed = -1;
}

void quire_llm_result_free(quire_llm_result *res)
{
    if (!res) return;
    free(res->text);
    res->text = NULL;
    res->len = 0;
}

static void result_reset(quire_llm_result *res)
{
    memset(res, 0, sizeof *res);
    res->prompt_tokens = -1;
    res->completion_tokens = -1;
    res->first_token_ms = -1;
}

quire_status quire_llm_wrap(const quire_llm_ops *ops, void *self, const char *model,
                            size_t context_tokens, quire_llm **out, quire_error *err)
{
    *out = NULL;
    if (!ops || !ops->chat || !ops->name) {
        if (ops && ops->close) ops->close(self);
        return quire_error_set(err, QUIRE_ERR_INVALID, "LLM backend table is incomplete");
    }
    quire_llm *l = calloc(1, sizeof *l);
    char *m = strdup(model ? model : "");
    if (!l || !m) {
        free(l);
        free(m);
        if (ops->close) ops->close(self);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    }
    l->ops = ops;
    l->self = self;
    l->model = m;
    l->context_tokens = context_tokens;
    *out = l;
    return QUIRE_OK;
}

void quire_llm_close(quire_llm *llm)
{
    if (!llm) return;
    if (llm->ops->close) llm->ops->close(llm->self);
    free(llm->model);
    free(llm);
}

const char *quire_llm_name(const quire_llm *llm)
{
    return llm ? llm->ops->name : "none";
}

const char *quire_llm_model(const quire_llm *llm)
{
    return llm ? llm->model : "";
}

size_t quire_llm_context_size(const quire_llm *llm)
{
    if (!llm) return 4096;
    if (llm->context_tokens) return llm->context_tokens;
    size_t n = llm->ops->context_size ? llm->ops->context_size(llm->self) : 0;
    return n ? n : 4096;
}

quire_status quire_llm_chat(quire_llm *llm, const quire_llm_message *msgs, size_t n,
                            const quire_llm_gen_opts *opts, quire_llm_result *res,
                            quire_error *err)
{
    result_reset(res);
    if (!llm || (!msgs && n)) return quire_error_set(err, QUIRE_ERR_INVALID, "no model or no messages");
    if (n == 0) return quire_error_set(err, QUIRE_ERR_INVALID, "chat needs at least one message");
    for (size_t i = 0; i < n; i++)
        if (!msgs[i].content)
            return quire_error_set(err, QUIRE_ERR_INVALID, "message %zu has no content", i);
    quire_llm_gen_opts defaults;
    if (!opts) {
        quire_llm_gen_opts_default(&defaults);
        opts = &defaults;
    }
    quire_status rc = llm->ops->chat(llm->self, msgs, n, opts, res, err);
    if (rc == QUIRE_OK && !res->text) {
        res->text = strdup("");
        if (!res->text) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    }
    if (rc == QUIRE_OK && !res->model[0] && llm->model[0])
        snprintf(res->model, sizeof res->model, "%s", llm->model);
    return rc;
}

quire_status quire_llm_generate(quire_llm *llm, const char *system, const char *prompt,
                                const quire_llm_gen_opts *opts, quire_llm_result *res,
                                quire_error *err)
{
    quire_llm_message m[2];
    size_t n = 0;
    if (system) m[n++] = (quire_llm_message){QUIRE_ROLE_SYSTEM, system};
    m[n++] = (quire_llm_message){QUIRE_ROLE_USER, prompt};
    return quire_llm_chat(llm, m, n, opts, res, err);
}

quire_status quire_llm_embed(quire_llm *llm, const char *const *texts, size_t n,
                             float **vecs, int *dim, quire_error *err)
{
    *vecs = NULL;
    *dim = 0;
    if (!llm) return quire_error_set(err, QUIRE_ERR_INVALID, "no model");
    if (!llm->ops->embed)
        return quire_error_set(err, QUIRE_ERR_UNSUPPORTED, "backend %s has no embeddings",
                               llm->ops->name);
    if (n == 0) return QUIRE_OK;
    return llm->ops->embed(llm->self, texts, n, vecs, dim, err);
}

size_t quire_llm_estimate_tokens(const char *text, size_t len)
{
    (void)text;
    return (len + 3) / 4;
}

size_t quire_llm_count_tokens(quire_llm *llm, const char *text, size_t len)
{
    if (llm && llm->ops->count_tokens) {
        size_t n;
        if (llm->ops->count_tokens(llm->self, text, len, &n) == QUIRE_OK) return n;
    }
    return quire_llm_estimate_tokens(text, len);
}
