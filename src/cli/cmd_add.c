/* quire add PATH... — ingest files and folders. */
#include "cli.h"

#include "quire/pipeline.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void add_usage(FILE *out)
{
    fprintf(out,
            "usage: quire add [--prune] [--force] [--jsonl] [-j N] [-q] PATH...\n"
            "\n"
            "Ingest PDF, HTML, Markdown and text files (folders are walked). Unchanged files are\n"
            "skipped (size+mtime, then sha256); changed files are replaced; a file that fails is\n"
            "reported and the rest go on (exit status 3).\n"
            "\n"
            "  --prune     remove indexed files that no longer exist under the given folders\n"
            "  --force     re-extract unchanged files\n"
            "  --jsonl     the named files hold JSONL records {\"_id\", \"title\", \"text\", \"url\"}\n"
            "              (one document each, keyed by its id; also chosen by the .jsonl extension)\n"
            "  -j N        extraction threads (default: number of CPUs)\n"
            "  -q          no per-file lines, only the summary\n");
}

typedef struct add_view {
    bool tty;
    bool quiet;
    size_t chunks;
} add_view;

static const char *outcome_word(quire_add_outcome o)
{
    switch (o) {
    case QUIRE_ADD_ADDED: return "added";
    case QUIRE_ADD_UPDATED: return "updated";
    case QUIRE_ADD_UNCHANGED: return "unchanged";
    case QUIRE_ADD_FAILED: return "failed";
    case QUIRE_ADD_REMOVED: return "removed";
    default: return "?";
    }
}

static void on_event(const quire_add_event *ev, void *arg)
{
    add_view *v = arg;
    char tmp[4096];
    const char *shown = cli_display_path(ev->path, tmp, sizeof tmp);
    v->chunks += ev->chunks;
    if (v->tty) fprintf(stderr, "\r\033[K");
    if (ev->outcome == QUIRE_ADD_FAILED) {
        fprintf(stderr, "quire: failed: %s: %s\n", shown, ev->message ? ev->message : "unknown error");
    } else if (!v->quiet && ev->outcome != QUIRE_ADD_UNCHANGED) {
        fprintf(stderr, "%-9s %s", outcome_word(ev->outcome), shown);
        if (ev->outcome != QUIRE_ADD_REMOVED) fprintf(stderr, " (%zu chunks", ev->chunks);
        if (ev->pages) fprintf(stderr, ", %zu pages", ev->pages);
        if (ev->outcome != QUIRE_ADD_REMOVED) fputc(')', stderr);
        fputc('\n', stderr);
        if (ev->message) fprintf(stderr, "          note: %s\n", ev->message);
    }
    if (v->tty && ev->total) {
        fprintf(stderr, "[%zu/%zu] %s", ev->done, ev->total, shown);
        fflush(stderr);
    }
}

int cmd_add(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"prune", no_argument, NULL, 'p'}, {"jsonl", no_argument, NULL, 'J'}, {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    quire_add_opts opts;
    quire_add_opts_default(&opts);
    add_view view = {isatty(2) == 1, false, 0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': opts.prune = true; break;
        case 'f': opts.force = true; break;
        case 'J': opts.jsonl = true; break;
        case 'q': view.quiet = true; break;
        case 'j': if (!cli_parse_int("-j", optarg, 1, 64, &opts.threads)) return EXIT_USAGE; break;
        case 'h': add_usage(stdout); return EXIT_OK;
        default: add_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        add_usage(stderr);
        return EXIT_USAGE;
    }
    quire_index *idx = cli_open_index(ctx, true);
    if (!idx) return EXIT_ERROR;
    opts.on_event = on_event;
    opts.ctx = &view;
    quire_add_summary sum;
    quire_error err;
    quire_error_clear(&err);
    quire_status rc = quire_add_paths(idx, (const char *const *)argv + optind, (size_t)(argc - optind),
                                      &opts, &sum, &err);
    if (view.tty) fprintf(stderr, "\r\033[K");
    int64_t docs = 0, chunks = 0;
    quire_index_counts(idx, &docs, &chunks);
    quire_index_close(idx);
    fprintf(stderr, "added %zu, updated %zu, unchanged %zu, failed %zu, removed %zu; notebook: %lld documents, %lld chunks\n",
            sum.counts[QUIRE_ADD_ADDED], sum.counts[QUIRE_ADD_UPDATED], sum.counts[QUIRE_ADD_UNCHANGED],
            sum.counts[QUIRE_ADD_FAILED], sum.counts[QUIRE_ADD_REMOVED], (long long)docs, (long long)chunks);
    if (rc) {
        cli_error("%s", quire_error_message(&err));
        return EXIT_ERROR;
    }
    return sum.counts[QUIRE_ADD_FAILED] ? EXIT_SOME_FAILED : EXIT_OK;
}
