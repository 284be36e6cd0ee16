/* quire search QUERY — ranked passages. */
#include "cli.h"

#include "quire/answer.h"
#include "quire/retrieve.h"
#include "util/utf8.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void search_usage(FILE *out)
{
    fprintf(out,
            "usage: quire search [-k N] [--json] QUERY...\n"
            "\n"
            "Find the passages that best match QUERY (BM25). Any text is a valid query.\n"
            "  -k N      number of results (default 10)\n"
            "  --json    one JSON document on stdout (schema in README.md)\n");
}

char *cli_join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    s[0] = '\0';
    size_t o = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i) s[o++] = ' ';
        memcpy(s + o, argv[i], n);
        o += n;
        s[o] = '\0';
    }
    return s;
}

static void print_snippet(const char *text, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p && n < max; p++, n++) putchar(*p == '\n' ? ' ' : *p);
    if (strlen(text) > max) {
        /* finish the UTF-8 sequence we may be in, then mark the cut */
        for (const char *p = text + max; *p && ((unsigned char)*p & 0xC0) == 0x80; p++) putchar(*p);
        fputs("…", stdout);
    }
    putchar('\n');
}

int cmd_search(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int k = 10;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'k': if (!cli_parse_int("-k", optarg, 1, 1000, &k)) return EXIT_USAGE; break;
        case 'J': json = true; break;
        case 'h': search_usage(stdout); return EXIT_OK;
        default: search_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        search_usage(stderr);
        return EXIT_USAGE;
    }
    char *query = cli_join_args(argc - optind, argv + optind);
    if (!query) return EXIT_ERROR;
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) {
        free(query);
        return EXIT_ERROR;
    }
    quire_retrieve_opts ro;
    quire_retrieve_opts_default(&ro);
    ro.k = k;
    ro.per_doc_cap = 0;
    quire_hit *hits = NULL;
    size_t n = 0;
    quire_error err;
    quire_error_clear(&err);
    quire_status rc = quire_retrieve(idx, query, &ro, &hits, &n, &err);
    int status = EXIT_OK;
    if (rc) {
        cli_error("search failed: %s", quire_error_message(&err));
        status = EXIT_ERROR;
    } else if (json) {
        char *s = quire_hits_to_json(query, hits, n, true);
        if (s) puts(s);
        else status = EXIT_ERROR;
        free(s);
    } else if (n == 0) {
        size_t shown = utf8_prefix(query, strlen(query), 200); /* a pasted page is not echoed whole */
        printf("no results for \"%.*s%s\"\n", (int)shown, query, shown < strlen(query) ? "…" : "");
    } else {
        for (size_t i = 0; i < n; i++) {
            const quire_hit *h = &hits[i];
            char tmp[4096];
            printf("%zu. %s", i + 1, cli_doc_label(h, tmp, sizeof tmp));
            char page[96];
            if (cli_page_string(h, page, sizeof page)) printf(", %s", page);
            if (h->anchor) printf(" #%s", h->anchor);
            printf("  [%.2f]\n", h->score);
            if (h->section) printf("   § %s\n", h->section);
            printf("   ");
            print_snippet(h->text, 240);
        }
    }
    quire_hits_free(hits, n);
    quire_index_close(idx);
    free(query);
    return status;
}
