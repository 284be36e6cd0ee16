/* quire — language-model backends behind one small table of function pointers.
 *
 * A backend is a `quire_llm_ops` table plus an opaque implementation pointer,
 * wrapped in a `quire_llm` handle by quire_llm_wrap(). Callers use only the
 * quire_llm_* functions below; they never see the backend's own types:
 *
 *   quire_llm_chat()          messages in, streaming token callback, final text out
 *   quire_llm_generate()      one prompt (a single user message) in, text out
 *   quire_llm_embed()         texts in, float vectors out
 *   quire_llm_count_tokens()  the backend's tokenizer, or an estimate (bytes/4)
 *   quire_llm_name/model()    backend name ("openai", "gguf") and model id
 *   quire_llm_close()         frees the handle and the backend
 *
 * Backends today: `openai` (any OpenAI-compatible server over HTTP, see
 * quire_llm_openai_open()). The built-in `gguf` runtime plugs in by filling a
 * quire_llm_ops table and calling quire_llm_wrap(); `extractive` (no model)
 * lives in the answer module because it needs no backend at all.
 *
 * Cancellation: the token callback returns nonzero to stop generation; the
 * call then returns QUIRE_OK with result->cancelled set and the text so far.
 *
 * Library code reads no environment variables: the API key, URL and model
 * come from the caller (the CLI reads QUIRE_LLM_URL etc.).
 *
 * Thread safety: one handle is used by one thread at a time.
 */
#ifndef QUIRE_LLM_H
#define QUIRE_LLM_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quire_llm_role {
    QUIRE_ROLE_SYSTEM = 0,
    QUIRE_ROLE_USER,
    QUIRE_ROLE_ASSISTANT,
    QUIRE_ROLE_COUNT
} quire_llm_role;

/* "system", "user", "assistant" (static string; "user" for out-of-range values). */
const char *quire_llm_role_name(quire_llm_role role);

typedef struct quire_llm_message {
    quire_llm_role role;
    const char *content;     /* borrowed, NUL-terminated UTF-8 */
} quire_llm_message;

/* Receives each piece of generated text as it arrives (not NUL-terminated;
 * a piece may end in the middle of a UTF-8 sequence). Return 0 to go on,
 * nonzero to cancel generation. */
typedef int (*quire_llm_token_fn)(void *user, const char *piece, size_t len);

typedef struct quire_llm_gen_opts {
    int max_tokens;          /* 0: backend default */
    double temperature;      /* < 0: backend default (default -1) */
    double top_p;            /* <= 0: backend default */
    long seed;               /* < 0: none (default -1) */
    const char *const *stop; /* borrowed stop strings, may be NULL */
    size_t n_stop;
    quire_llm_token_fn on_token; /* may be NULL */
    void *user;              /* passed to on_token */
} quire_llm_gen_opts;

/* Defaults: backend defaults everywhere, no callback. */
void quire_llm_gen_opts_default(quire_llm_gen_opts *opts);

typedef struct quire_llm_result {
    char *text;              /* owned: the whole generated text (never NULL after success) */
    size_t len;
    char finish_reason[32];  /* "stop", "length", ... or "" when unknown */
    char model[128];         /* model id reported by the backend, "" when unknown */
    long prompt_tokens;      /* -1 when unknown */
    long completion_tokens;  /* -1 when unknown */
    double first_token_ms;   /* time to first piece, -1 if none arrived */
    double total_ms;
    int attempts;            /* requests made (retries + 1); 1 for local backends */
    bool cancelled;          /* the token callback asked to stop */
} quire_llm_result;

/* Free the owned fields; the struct can be reused. NULL allowed. */
void quire_llm_result_free(quire_llm_result *res);

/* The table a backend fills. `self` is the backend's private state.
 * chat is required; the other entries may be NULL (the generic layer then
 * reports QUIRE_ERR_UNSUPPORTED or falls back to an estimate). */
typedef struct quire_llm_ops {
    const char *name;        /* "openai", "gguf", ... (static) */
    /* Generate a reply to msgs[0..n). On success fill *res (zeroed by the
     * caller, owned by the caller afterwards). On error *res may still hold
     * the partial text generated so far. */
    quire_status (*chat)(void *self, const quire_llm_message *msgs, size_t n,
                         const quire_llm_gen_opts *opts, quire_llm_result *res,
                         quire_error *err);
    /* Embed texts[0..n): *vecs is a new n*dim array (caller frees). */
    quire_status (*embed)(void *self, const char *const *texts, size_t n,
                          float **vecs, int *dim, quire_error *err);
    /* Exact token count of text[0..len) with the model's tokenizer. */
    quire_status (*count_tokens)(void *self, const char *text, size_t len, size_t *out);
    /* Model context window in tokens (0 when unknown). */
    size_t (*context_size)(void *self);
    /* Free self. */
    void (*close)(void *self);
} quire_llm_ops;

typedef struct quire_llm quire_llm;

/* Wrap a backend in a handle. ops is borrowed (static table); self is owned
 * by the handle from now on (ops->close(self) runs on quire_llm_close, and
 * also here if wrapping fails). model is copied (NULL allowed).
 * context_tokens overrides ops->context_size when nonzero. */
quire_status quire_llm_wrap(const quire_llm_ops *ops, void *self, const char *model,
                            size_t context_tokens, quire_llm **out, quire_error *err);

/* Close the handle and its backend. NULL allowed. */
void quire_llm_close(quire_llm *llm);

const char *quire_llm_name(const quire_llm *llm);   /* static string */
const char *quire_llm_model(const quire_llm *llm);  /* borrowed; "" when unknown */
/* Context window in tokens: the override, else the backend's, else 4096. */
size_t quire_llm_context_size(const quire_llm *llm);

/* Chat: see quire_llm_ops.chat. opts may be NULL. *res is reset first; the
 * caller frees it with quire_llm_result_free() whatever the status. */
quire_status quire_llm_chat(quire_llm *llm, const quire_llm_message *msgs, size_t n,
                            const quire_llm_gen_opts *opts, quire_llm_result *res,
                            quire_error *err);

/* One user message (and an optional system message; NULL for none). */
quire_status quire_llm_generate(quire_llm *llm, const char *system, const char *prompt,
                                const quire_llm_gen_opts *opts, quire_llm_result *res,
                                quire_error *err);

/* Embeddings: *vecs (n * *dim floats, row-major) is new; caller frees it. */
quire_status quire_llm_embed(quire_llm *llm, const char *const *texts, size_t n,
                             float **vecs, int *dim, quire_error *err);

/* Token count with the backend's tokenizer, or the estimate below when it
 * has none (llm may be NULL). Never fails. */
size_t quire_llm_count_tokens(quire_llm *llm, const char *text, size_t len);

/* The estimate used without a tokenizer: about one token per 4 bytes of
 * UTF-8, rounded up (a conservative figure for English and French BPE). */
size_t quire_llm_estimate_tokens(const char *text, size_t len);

/* ---- openai: any OpenAI-compatible server ---- */

typedef struct quire_openai_opts {
    const char *base_url;      /* "http://127.0.0.1:8080" or ".../v1" (required) */
    const char *model;         /* model name sent to the server; NULL: omitted */
    const char *embed_model;   /* for /v1/embeddings; NULL: same as model */
    const char *api_key;       /* Bearer token; NULL or "" for none (the caller reads the env) */
    bool stream;               /* use SSE streaming (default true) */
    long connect_timeout_ms;   /* default 5000 */
    long timeout_ms;           /* whole request, default 600000; 0 = none */
    long idle_timeout_s;       /* abort when < 1 byte/s for this long; default 60; 0 = none */
    int max_retries;           /* on connect failure, HTTP 429 and 5xx before any token (default 2) */
    long retry_backoff_ms;     /* first backoff, doubled each retry (default 500, max 8 s) */
    size_t max_response_bytes; /* cap on bytes received per request (default 16 MiB) */
    size_t context_tokens;     /* model window to assume (default 8192) */
    size_t embed_batch;        /* texts per /v1/embeddings request (default 64) */
} quire_openai_opts;

void quire_openai_opts_default(quire_openai_opts *opts);

/* Open an OpenAI-compatible backend. No request is made here. Strings in
 * opts are copied. Errors: QUIRE_ERR_INVALID (bad URL), QUIRE_ERR_UNSUPPORTED
 * (built without libcurl). Caller closes *out with quire_llm_close(). */
quire_status quire_llm_openai_open(const quire_openai_opts *opts, quire_llm **out,
                                   quire_error *err);

#ifdef __cplusplus
}
#endif
#endif
