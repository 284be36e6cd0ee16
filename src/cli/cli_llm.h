/* Backend selection shared by ask, chat and eval (src/cli/llm_setup.c). */
#ifndef QUIRE_CLI_LLM_H
#define QUIRE_CLI_LLM_H

#include "quire/index.h"
#include "quire/llm.h"
#include <getopt.h>
#include <stdbool.h>

typedef struct cli_llm_flags {
    const char *url, *model, *key_env, *context, *timeout; /* borrowed from argv; NULL unset */
    const char *embed_model;  /* --embed-model: verify with embeddings from the same server */
    bool no_stream;
} cli_llm_flags;

/* getopt codes of the shared long options (above any short option). */
enum {
    CLI_OPT_LLM_URL = 1000,
    CLI_OPT_LLM_MODEL,
    CLI_OPT_LLM_KEY_ENV,
    CLI_OPT_CONTEXT,
    CLI_OPT_TIMEOUT,
    CLI_OPT_NO_STREAM,
    CLI_OPT_EMBED_MODEL,
};

#define CLI_LLM_LONGOPTS                                                     \
    {"llm-url", required_argument, NULL, CLI_OPT_LLM_URL},                   \
    {"llm-model", required_argument, NULL, CLI_OPT_LLM_MODEL},               \
    {"llm-key-env", required_argument, NULL, CLI_OPT_LLM_KEY_ENV},           \
    {"context", required_argument, NULL, CLI_OPT_CONTEXT},                   \
    {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT},                   \
    {"no-stream", no_argument, NULL, CLI_OPT_NO_STREAM},                     \
    {"embed-model", required_argument, NULL, CLI_OPT_EMBED_MODEL}

#define CLI_LLM_HELP                                                                         \
    "  --llm-url URL       OpenAI-compatible server (llama-server, Ollama /v1, vLLM...);\n"  \
    "                      also $QUIRE_LLM_URL or `quire config llm.url`. Without one,\n"    \
    "                      the extractive backend answers (no model needed)\n"               \
    "  --llm-model NAME    model name sent to the server ($QUIRE_LLM_MODEL, llm.model)\n"    \
    "  --llm-key-env VAR   read the API key from $VAR (default $QUIRE_LLM_API_KEY,\n"        \
    "                      then $OPENAI_API_KEY)\n"                                          \
    "  --context N         model context window in tokens (default 8192)\n"                  \
    "  --timeout S         give up on the server after S seconds (default 600)\n"            \
    "  --no-stream         ask the server for one JSON reply instead of a stream\n"          \
    "  --embed-model NAME  also check citations by embedding similarity, with this\n"        \
    "                      model on the same server (/v1/embeddings; llm.embed_model)\n"

/* Handle one shared option; returns 1 when c was one of them. */
int cli_llm_option(cli_llm_flags *f, int c, const char *arg);

/* quire_similarity_fn over quire_llm_embed (user: the quire_llm): cosine
 * of the two texts' embeddings, or -2 when the server cannot embed. */
double cli_embed_similarity(void *user, const char *a, size_t alen, const char *b, size_t blen);

/* True when an embedding model is configured for verification. */
bool cli_llm_has_embedder(const cli_llm_flags *f, quire_index *idx);

/* Open the configured backend into *out (NULL when none is configured).
 * Returns EXIT_OK, or EXIT_USAGE after printing why. */
int cli_llm_open(const cli_llm_flags *f, quire_index *idx, quire_llm **out);

#endif
