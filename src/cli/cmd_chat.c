/* quire chat — questions in a conversation. Each line read on stdin is a
 * question; a follow-up ("and when was it built?") is rewritten into a
 * standalone query for retrieval (by the model when there is one, else by
 * carrying over the previous query's words); with a model the earlier turns
 * are sent too. /reset forgets the conversation, /quit (or end of input) ends it. */
#include "cli.h"
#include "cli_llm.h"

#include "quire/answer.h"
#include "quire/generate.h"
#include "quire/retrieve.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 8192
#define MAX_HISTORY 8       /* messages kept (4 turns) */

static void chat_usage(FILE *out)
{
    fprintf(out,
            "usage: quire chat [-k N] [--strict] [--json] [--llm-url URL --llm-model NAME]\n"
            "\n"
            "Read questions from standard input, one per line, and answer each with cited\n"
            "sources, keeping the conversation: follow-up questions are understood.\n"
            "/reset starts a new conversation; /quit or end of input ends it.\n"
            "  -k N       passages to consider (default 8)\n"
            "  --strict   drop sentences the cited passages do not support\n"
            "  --json     one JSON object per turn and line: {\"turn\", \"query\", \"answer\"}\n"
            CLI_LLM_HELP);
}

typedef struct history {
    quire_llm_message m[MAX_HISTORY];
    char *text[MAX_HISTORY];  /* owned contents */
    size_t n;
} history;

static void history_push(history *h, quire_llm_role role, const char *text)
{
    if (h->n == MAX_HISTORY) {
        free(h->text[0]);
        memmove(h->text, h->text + 1, (MAX_HISTORY - 1) * sizeof h->text[0]);
        memmove(h->m, h->m + 1, (MAX_HISTORY - 1) * sizeof h->m[0]);
        h->n--;
    }
    h->text[h->n] = strdup(text ? text : "");
    if (!h->text[h->n]) return;
    h->m[h->n] = (quire_llm_message){role, h->text[h->n]};
    h->n++;
}

static void history_clear(history *h)
{
    for (size_t i = 0; i < h->n; i++) free(h->text[i]);
    h->n = 0;
}

int cmd_chat(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'J'}, {"strict", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'}, {"verbose", no_argument, NULL, 'v'},
        CLI_LLM_LONGOPTS, {NULL, 0, NULL, 0}};
    int k = 8, c;
    bool json = false, strict = false, verbose = false;
    cli_llm_flags lf = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:vh", longopts, NULL)) != -1) {
        if (cli_llm_option(&lf, c, optarg)) continue;
        switch (c) {
        case 'k': if (!cli_parse_int("-k", optarg, 1, 100, &k)) return EXIT_USAGE; break;
        case 'J': json = true; break;
        case 'S': strict = true; break;
        case 'v': verbose = true; break;
        case 'h': chat_usage(stdout); return EXIT_OK;
        default: chat_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        chat_usage(stderr);
        return EXIT_USAGE;
    }
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) return EXIT_ERROR;
    quire_llm *llm = NULL;
    int status = cli_llm_open(&lf, idx, &llm);
    if (status != EXIT_OK) {
        quire_index_close(idx);
        return status;
    }
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    history h = {0};
    char *prev_query = NULL;
    char line[MAX_LINE];
    int turn = 0;
    for (;;) {
        if (tty) {
            printf("> ");
            fflush(stdout);
        }
        if (!fgets(line, sizeof line, stdin)) break;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = '\0';
        char *q = line;
        while (*q == ' ' || *q == '\t') q++;
        if (!*q) continue;
        if (!strcmp(q, "/quit") || !strcmp(q, "/exit")) break;
        if (!strcmp(q, "/reset")) {
            history_clear(&h);
            free(prev_query);
            prev_query = NULL;
            if (!json) printf("(new conversation)\n");
            continue;
        }
        turn++;
        quire_error err;
        quire_error_clear(&err);
        char *query = NULL;
        quire_status rc = quire_chat_rewrite(llm, h.m, h.n, prev_query, q, &query, &err);
        quire_hit *hits = NULL;
        size_t nh = 0;
        quire_answer *answer = NULL;
        bool streamed = false;
        if (!rc) {
            quire_retrieve_opts ro;
            quire_retrieve_opts_default(&ro);
            ro.k = k;
            rc = quire_retrieve(idx, query, &ro, &hits, &nh, &err);
        }
        if (!rc) {
            quire_generate_opts go;
            quire_generate_opts_default(&go);
            go.strict = strict;
            if (llm && cli_llm_has_embedder(&lf, idx)) {
                go.similarity = cli_embed_similarity;
                go.similarity_user = llm;
            }
            go.history = h.m;
            go.nhistory = h.n;
            if (llm && !json && !strict) {
                go.on_token = cli_stream_tokens;
                go.user = &streamed;
            }
            /* the model reads the question with the conversation; the
             * extractive backend matches words, so it gets the rewritten query */
            rc = quire_answer_auto(llm, llm ? q : query, hits, nh, &go, &answer, &err);
        }
        if (rc) {
            if (streamed) printf("\n");
            cli_error("%s", quire_error_message(&err));
            status = EXIT_ERROR;
        } else {
            if (json) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "turn", turn);
                cJSON_AddStringToObject(o, "query", query);
                char *aj = quire_answer_to_json(answer, false);
                cJSON_AddItemToObject(o, "answer", aj ? cJSON_Parse(aj) : cJSON_CreateNull());
                free(aj);
                char *s = cJSON_PrintUnformatted(o);
                if (s) puts(s);
                free(s);
                cJSON_Delete(o);
            } else {
                if (strcmp(query, q) != 0 && verbose) fprintf(stderr, "quire: searched for: %s\n", query);
                cli_print_answer(answer, streamed);
                printf("\n");
            }
            if (verbose) cli_print_verbose(answer);
            fflush(stdout);
            history_push(&h, QUIRE_ROLE_USER, q);
            history_push(&h, QUIRE_ROLE_ASSISTANT, answer->text);
            free(prev_query);
            prev_query = query;
            query = NULL;
        }
        free(query);
        quire_answer_free(answer);
        quire_hits_free(hits, nh);
    }
    history_clear(&h);
    free(prev_query);
    quire_llm_close(llm);
    quire_index_close(idx);
    return status;
}
