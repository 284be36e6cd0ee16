/* quire ask QUESTION — a cited answer, from a model (streamed, then
 * verified) or, with no model configured, from the extractive backend. */
#include "cli.h"
#include "cli_llm.h"

#include "quire/answer.h"
#include "quire/generate.h"
#include "quire/retrieve.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void ask_usage(FILE *out)
{
    fprintf(out,
            "usage: quire ask [-k N] [--json] [--strict] [-v] [--llm-url URL --llm-model NAME] QUESTION...\n"
            "\n"
            "Answer QUESTION from the notebook's documents; every sentence cites its source\n"
            "([n] -> file, page or section, quoted passage). With a model, the answer streams as\n"
            "it is generated, then each sentence is checked against the passages it cites:\n"
            "citations to passages that do not exist are removed and unsupported sentences are\n"
            "flagged. With no model configured the extractive backend answers with the best\n"
            "supporting sentences. When the documents do not answer, quire says so and shows\n"
            "the closest passages.\n"
            "  -k N          passages to consider (default 8)\n"
            "  --json        one JSON document on stdout (schema in README.md)\n"
            "  --strict      drop sentences the cited passages do not support\n"
            "  --max-tokens N  longest answer, in tokens (default 512)\n"
            "  -v            show the context budget, omitted passages and timings on stderr\n"
            CLI_LLM_HELP);
}

static void print_source(const quire_answer_source *s, bool numbered)
{
    const quire_hit *h = &s->hit;
    char tmp[4096], page[96];
    if (numbered) printf("[%d] ", s->n);
    else printf("  - ");
    printf("%s", cli_doc_label(h, tmp, sizeof tmp));
    if (h->anchor && !h->page_start) printf("#%s", h->anchor);
    if (cli_page_string(h, page, sizeof page)) printf(", %s", page);
    if (h->section) printf(" — %s", h->section);
    printf("\n    \"%s\"\n", s->quote ? s->quote : "");
}

static void print_sources(const quire_answer *a)
{
    bool fr = !strcmp(a->language, "fr");
    if (a->refused) {
        if (a->nclosest) {
            printf("\n%s\n", fr ? "Passages les plus proches :" : "Closest passages:");
            for (size_t i = 0; i < a->nclosest; i++) print_source(&a->closest[i], false);
        }
        return;
    }
    printf("\n%s\n", fr ? "Sources :" : "Sources:");
    for (size_t i = 0; i < a->nsources; i++) print_source(&a->sources[i], true);
}

/* After a streamed answer: what verification found. */
static void print_verification(const quire_answer *a)
{
    const quire_answer_gen *g = a->gen;
    if (!g || a->refused) return;
    if (!g->unsupported && !g->uncited && !g->bad_citations && !g->dropped) {
        printf("\nVerified: every sentence is supported by the passage it cites.\n");
        return;
    }
    printf("\nVerification: %zu supported, %zu unsupported, %zu without citation", g->supported,
           g->unsupported, g->uncited);
    if (g->bad_citations) printf("; %zu citation%s to missing sources removed", g->bad_citations,
                                 g->bad_citations > 1 ? "s" : "");
    if (g->dropped) printf("; %zu sentence%s dropped (--strict)", g->dropped, g->dropped > 1 ? "s" : "");
    printf("\n");
    for (size_t i = 0; i < a->nsentences; i++) {
        const quire_answer_sentence *s = &a->sentences[i];
        if (!s->status || !strcmp(s->status, "supported") || !strcmp(s->status, "none_needed")) continue;
        printf("  ! %s (support %.2f): %s\n", s->status, s->support, s->text);
    }
}

void cli_print_verbose(const quire_answer *a)
{
    const quire_answer_gen *g = a->gen;
    if (!g) return;
    fprintf(stderr, "quire: backend %s, model %s\n", a->backend, a->model ? a->model : "(server default)");
    if (g->refusal) fprintf(stderr, "quire: refused (%s)\n", g->refusal);
    if (g->budget_tokens)
        fprintf(stderr, "quire: context %zu tokens used of %zu (window %zu, %zu kept for the answer); "
                        "%zu passage%s included, %zu did not fit\n",
                g->used_tokens, g->budget_tokens, g->context_tokens, g->answer_tokens,
                g->sources_included, g->sources_included == 1 ? "" : "s", g->nomitted);
    for (size_t i = 0; i < g->nomitted; i++) {
        const quire_hit *h = &g->omitted[i].hit;
        char tmp[4096], page[96];
        fprintf(stderr, "quire:   not in context: %s",
                cli_display_path(h->doc_path ? h->doc_path : h->doc_key, tmp, sizeof tmp));
        if (cli_page_string(h, page, sizeof page)) fprintf(stderr, ", %s", page);
        fprintf(stderr, "\n");
    }
    fprintf(stderr, "quire: timings: retrieve %.0f ms, prompt %.1f ms, first token %.0f ms, "
                    "generate %.0f ms, verify %.1f ms; %d request%s\n",
            g->retrieve_ms, g->prompt_ms, g->first_token_ms, g->generate_ms, g->verify_ms,
            g->attempts, g->attempts == 1 ? "" : "s");
}

void cli_print_answer(const quire_answer *answer, bool streamed)
{
    if (streamed) {
        printf("\n");
        if (answer->refused && answer->gen && answer->gen->refusal &&
            strcmp(answer->gen->refusal, "model") != 0)
            printf("%s\n", answer->text);
    } else {
        printf("%s\n", answer->text);
    }
    print_sources(answer);
    print_verification(answer);
}

int cli_stream_tokens(void *user, const char *piece, size_t len)
{
    bool *any = user;
    *any = true;
    fwrite(piece, 1, len, stdout);
    fflush(stdout);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cmd_ask(cli_ctx *ctx, int argc, char **argv)
{
    enum { OPT_JSON = 'J', OPT_STRICT = 'S', OPT_MAXTOK = 'M' };
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"max-tokens", required_argument, NULL, OPT_MAXTOK},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        CLI_LLM_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int k = 8, max_tokens = 512;
    bool json = false, strict = false, verbose = false;
    cli_llm_flags lf = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:vh", longopts, NULL)) != -1) {
        if (cli_llm_option(&lf, c, optarg)) continue;
        switch (c) {
        case 'k': if (!cli_parse_int("-k", optarg, 1, 100, &k)) return EXIT_USAGE; break;
        case OPT_MAXTOK:
            if (!cli_parse_int("--max-tokens", optarg, 16, 100000, &max_tokens)) return EXIT_USAGE;
            break;
        case OPT_JSON: json = true; break;
        case OPT_STRICT: strict = true; break;
        case 'v': verbose = true; break;
        case 'h': ask_usage(stdout); return EXIT_OK;
        default: ask_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        ask_usage(stderr);
        return EXIT_USAGE;
    }
    char *question = cli_join_args(argc - optind, argv + optind);
    if (!question) return EXIT_ERROR;
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) {
        free(question);
        return EXIT_ERROR;
    }
    quire_llm *llm = NULL;
    int status = cli_llm_open(&lf, idx, &llm);
    if (status != EXIT_OK) {
        quire_index_close(idx);
        free(question);
        return status;
    }
    quire_retrieve_opts ro;
    quire_retrieve_opts_default(&ro);
    ro.k = k;
    quire_hit *hits = NULL;
    size_t n = 0;
    quire_answer *answer = NULL;
    quire_error err;
    quire_error_clear(&err);
    double t0 = now_ms();
    quire_status rc = quire_retrieve(idx, question, &ro, &hits, &n, &err);
    double retrieve_ms = now_ms() - t0;
    bool streamed = false;
    if (!rc && llm) {
        quire_generate_opts go;
        quire_generate_opts_default(&go);
        go.answer_tokens = (size_t)max_tokens;
        go.strict = strict;
        if (llm && cli_llm_has_embedder(&lf, idx)) {
            go.similarity = cli_embed_similarity;
            go.similarity_user = llm;
        }
        go.retrieve_ms = retrieve_ms;
        /* Stream to the terminal unless the output is JSON or strict mode
         * may still drop sentences that would already be on screen. */
        if (!json && !strict) {
            go.on_token = cli_stream_tokens;
            go.user = &streamed;
        }
        rc = quire_answer_generate(llm, question, hits, n, &go, &answer, &err);
        if (rc && streamed) printf("\n");
    } else if (!rc) {
        rc = quire_answer_auto(NULL, question, hits, n, NULL, &answer, &err);
    }
    if (rc) {
        cli_error("%s", quire_error_message(&err));
        status = EXIT_ERROR;
    } else if (json) {
        char *s = quire_answer_to_json(answer, true);
        if (s) puts(s);
        else status = EXIT_ERROR;
        free(s);
    } else {
        cli_print_answer(answer, streamed);
    }
    if (verbose && answer) cli_print_verbose(answer);
    quire_answer_free(answer);
    quire_hits_free(hits, n);
    quire_llm_close(llm);
    quire_index_close(idx);
    free(question);
    return status;
}
