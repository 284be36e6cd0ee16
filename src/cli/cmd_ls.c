/* quire ls / quire rm — list and remove documents. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_doc(const quire_doc_info *d, void *arg)
{
    (void)arg;
    char tmp[4096];
    const char *shown = cli_display_path(d->path ? d->path : d->key, tmp, sizeof tmp);
    if (d->status && !strcmp(d->status, "failed")) {
        printf("FAILED  %s  (%s)\n", shown, d->error ? d->error : "unknown error");
        return 0;
    }
    printf("%-5s %4d chunks", d->format ? d->format : "?", d->chunks);
    if (d->pages) printf(" %4d pages", d->pages);
    else printf("           ");
    printf("  %s", shown);
    if (d->title) printf("  — %s", d->title);
    if (d->error) printf("  [last update failed: %s]", d->error);
    putchar('\n');
    return 0;
}

int cmd_ls(cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: quire ls\n\nList the notebook's documents: format, chunks, pages, path, title.\n");
        return EXIT_OK;
    }
    if (argc > 1) {
        cli_error("ls takes no arguments");
        return EXIT_USAGE;
    }
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) return EXIT_ERROR;
    quire_status rc = quire_index_list_docs(idx, print_doc, NULL);
    int64_t docs = 0, chunks = 0;
    if (!rc) rc = quire_index_counts(idx, &docs, &chunks);
    if (!rc) printf("%lld documents, %lld chunks\n", (long long)docs, (long long)chunks);
    else cli_error("%s", quire_index_errmsg(idx));
    quire_index_close(idx);
    return rc ? EXIT_ERROR : EXIT_OK;
}

int cmd_rm(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "usage: quire rm PATH...\n\nRemove documents (by path, or by key for records) from the notebook.\n");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) return EXIT_ERROR;
    int status = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        char real[PATH_MAX];
        const char *key = realpath(argv[i], real) ? real : argv[i];
        quire_status rc = quire_index_remove_doc(idx, key);
        if (rc == QUIRE_ERR_NOT_FOUND && key != argv[i]) rc = quire_index_remove_doc(idx, argv[i]);
        if (rc) {
            cli_error("%s: %s", argv[i], quire_index_errmsg(idx));
            status = EXIT_ERROR;
        } else {
            fprintf(stderr, "removed %s\n", argv[i]);
        }
    }
    quire_index_close(idx);
    return status;
}
