/* quire — command line entry point.
 *
 * Reading guide: main() parses the global options (--db), finds the command
 * in `commands` and calls it. Each command lives in its own cmd_*.c file and
 * talks to the library through the headers in include/quire/:
 *   add    -> pipeline.h (walk, extract, chunk, index)
 *   search -> retrieve.h -> index.h (FTS5)
 *   ask    -> retrieve.h, then answer.h (extractive backend)
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define QUIRE_VERSION_STRING "0.1.0"

static const struct command {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"add", cmd_add, "ingest files and folders (incremental)"},
    {"ls", cmd_ls, "list indexed documents"},
    {"rm", cmd_rm, "remove documents from the notebook"},
    {"search", cmd_search, "find passages (BM25)"},
    {"ask", cmd_ask, "answer a question with cited sources"},
    {"chat", cmd_chat, "ask questions in a conversation (follow-ups understood)"},
    {"config", cmd_config, "show or set notebook settings (llm.url, llm.model...)"},
    {"eval", cmd_eval, "measure answers on a question file (eval answers)"},
    {"model", cmd_model, "inspect a GGUF model: info, tokenize"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: quire [--db FILE] COMMAND [ARGS...]\n"
            "\n"
            "quire answers questions over your own documents, citing file, page and passage.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  --db FILE    notebook file (default: $QUIRE_DB, else .quire/ in this folder or a parent)\n"
            "  --help       this help; `quire COMMAND --help` for a command\n"
            "  --version    print the version\n");
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {NULL, "quire"};
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            ctx.db_path = argv[i + 1];
            i += 2;
        } else if (!strncmp(argv[i], "--db=", 5)) {
            ctx.db_path = argv[i] + 5;
            i++;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("quire %s\n", QUIRE_VERSION_STRING);
            return EXIT_OK;
        } else {
            cli_error("unknown option '%s'", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (!strcmp(argv[i], commands[c].name)) return commands[c].fn(&ctx, argc - i, argv + i);
    cli_error("unknown command '%s' (see quire --help)", argv[i]);
    return EXIT_USAGE;
}
