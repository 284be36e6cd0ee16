/* Shared pieces of the command-line tool. Only src/cli talks to people:
 * human output on stdout, progress and diagnostics on stderr. */
#ifndef QUIRE_CLI_H
#define QUIRE_CLI_H

#include "quire/index.h"
#include <stdbool.h>

/* Exit codes (documented in README.md). */
enum {
    EXIT_OK = 0,
    EXIT_ERROR = 1,       /* the command could not run (bad notebook, I/O...) */
    EXIT_USAGE = 2,       /* bad arguments */
    EXIT_SOME_FAILED = 3, /* add: some files failed, the rest was indexed */
};

typedef struct cli_ctx {
    const char *db_path;  /* --db, else QUIRE_DB, else NULL: discover .quire/ */
    const char *prog;     /* "quire" */
} cli_ctx;

typedef int (*cli_cmd_fn)(cli_ctx *ctx, int argc, char **argv);

/* Open the notebook: --db/QUIRE_DB, else .quire/index.sqlite in the current
 * folder or a parent (as git finds .git). With create, a missing notebook is
 * created (in ./.quire/ when none is found). Prints the error and returns
 * NULL on failure. */
quire_index *cli_open_index(cli_ctx *ctx, bool create);

/* Path shown to people: relative to the current folder when inside it. */
const char *cli_display_path(const char *path, char *tmp, size_t size);

/* Print "quire: " + message to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Parse a positive int option value; prints an error and returns false if bad. */
bool cli_parse_int(const char *opt, const char *s, int min, int max, int *out);

/* How people see a hit's document: its path, or "id (record in file)" for
 * JSONL records. Returns tmp or a pointer into h. */
const char *cli_doc_label(const quire_hit *h, char *tmp, size_t size);

/* "p. 3" or "p. 3 (label iv)" for a paged hit; false when unpaged. */
bool cli_page_string(const quire_hit *h, char *out, size_t size);

/* Join argv words with spaces into a new string (caller frees); NULL on OOM. */
char *cli_join_args(int argc, char **argv);

int cmd_add(cli_ctx *ctx, int argc, char **argv);
int cmd_ls(cli_ctx *ctx, int argc, char **argv);
int cmd_rm(cli_ctx *ctx, int argc, char **argv);
int cmd_search(cli_ctx *ctx, int argc, char **argv);
int cmd_ask(cli_ctx *ctx, int argc, char **argv);
int cmd_eval(cli_ctx *ctx, int argc, char **argv);
/* quire eval retrieval (src/cli/cmd_eval_retrieval.c); argv[0] is "retrieval". */
int cmd_eval_retrieval(cli_ctx *ctx, int argc, char **argv);
int cmd_chat(cli_ctx *ctx, int argc, char **argv);
int cmd_config(cli_ctx *ctx, int argc, char **argv);
int cmd_model(cli_ctx *ctx, int argc, char **argv);

struct quire_answer;
/* Print an answer for people (after a streamed one when streamed): text,
 * sources or closest passages, and what verification found. */
void cli_print_answer(const struct quire_answer *answer, bool streamed);
/* Budget, omitted passages and timings on stderr. */
void cli_print_verbose(const struct quire_answer *answer);
/* quire_llm_token_fn writing pieces to stdout; user is a bool set to true. */
int cli_stream_tokens(void *user, const char *piece, size_t len);

#endif
