/* quire ask QUESTION — a cited answer. */
#include "cli.h"

#include "quire/answer.h"
#include "quire/retrieve.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ask_usage(FILE *out)
{
    fprintf(out,
            "usage: quire ask [-k N] [--json] QUESTION...\n"
            "\n"
            "Answer QUESTION from the notebook's documents; every sentence cites its source\n"
            "([n] -> file, page or section, quoted passage). With no model configured the\n"
            "extractive backend answers with the best supporting sentences. When the documents\n"
            "do not answer, quire says so and shows the closest passages.\n"
            "  -k N      passages to consider (default 8)\n"
            "  --json    one JSON document on stdout (schema in README.md)\n");
}

static void print_source(const quire_answer_source *s, bool numbered)
{
    const quire_hit *h = &s->hit;
    char tmp[4096], page[96];
    if (numbered) printf("[%d] ", s->n);
    else printf("  - ");
    printf("%s", cli_display_path(h->doc_path ? h->doc_path : h->doc_key, tmp, sizeof tmp));
    if (h->anchor && !h->page_start) printf("#%s", h->anchor);
    if (cli_page_string(h, page, sizeof page)) printf(", %s", page);
    if (h->section) printf(" — %s", h->section);
    printf("\n    \"%s\"\n", s->quote ? s->quote : "");
}

static void print_answer(const quire_answer *a)
{
    printf("%s\n", a->text);
    if (a->refused) {
        if (a->nclosest) {
            printf("\n%s\n", strcmp(a->language, "fr") ? "Closest passages:" : "Passages les plus proches :");
            for (size_t i = 0; i < a->nclosest; i++) print_source(&a->closest[i], false);
        }
        return;
    }
    printf("\n%s\n", strcmp(a->language, "fr") ? "Sources:" : "Sources :");
    for (size_t i = 0; i < a->nsources; i++) print_source(&a->sources[i], true);
}

int cmd_ask(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int k = 8;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'k': if (!cli_parse_int("-k", optarg, 1, 100, &k)) return EXIT_USAGE; break;
        case 'J': json = true; break;
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
    quire_retrieve_opts ro;
    quire_retrieve_opts_default(&ro);
    ro.k = k;
    quire_hit *hits = NULL;
    size_t n = 0;
    quire_answer *answer = NULL;
    quire_error err;
    quire_error_clear(&err);
    quire_status rc = quire_retrieve(idx, question, &ro, &hits, &n, &err);
    if (!rc) rc = quire_answer_extractive(question, hits, n, NULL, &answer, &err);
    int status = EXIT_OK;
    if (rc) {
        cli_error("%s", quire_error_message(&err));
        status = EXIT_ERROR;
    } else if (json) {
        char *s = quire_answer_to_json(answer, true);
        if (s) puts(s);
        else status = EXIT_ERROR;
        free(s);
    } else {
        print_answer(answer);
    }
    quire_answer_free(answer);
    quire_hits_free(hits, n);
    quire_index_close(idx);
    free(question);
    return status;
}
