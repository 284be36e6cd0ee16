/* quire config KEY [VALUE] — notebook settings (stored in the notebook, like git config).
 * Keys read by quire today: llm.url, llm.model, llm.context, llm.timeout
 * (see src/cli/llm_setup.c). Flags and environment variables override them. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known[] = {"llm.url", "llm.model", "llm.context", "llm.timeout", "llm.embed_model"};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: quire config KEY          print a setting\n"
            "       quire config KEY VALUE    set it (an empty VALUE clears it)\n"
            "       quire config --list       print the settings quire reads\n"
            "\n"
            "Settings live in the notebook. Keys: llm.url (OpenAI-compatible server), llm.model,\n"
            "llm.context (tokens), llm.timeout (seconds). Flags and QUIRE_LLM_* variables win.\n");
}

int cmd_config(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argc > 3 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc >= 2 && argv[1][0] == '-' && strcmp(argv[1], "--list") ? stdout : stderr);
        return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? EXIT_OK : EXIT_USAGE;
    }
    bool list = !strcmp(argv[1], "--list");
    if (!list && (!argv[1][0] || strchr(argv[1], ' '))) {
        cli_error("config: bad key '%s'", argv[1]);
        return EXIT_USAGE;
    }
    quire_index *idx = cli_open_index(ctx, argc == 3);
    if (!idx) return EXIT_ERROR;
    int status = EXIT_OK;
    if (list) {
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
            char *v = NULL;
            if (quire_index_get_setting(idx, known[i], &v) == QUIRE_OK && v && *v) printf("%s=%s\n", known[i], v);
            free(v);
        }
    } else if (argc == 2) {
        char *v = NULL;
        quire_status rc = quire_index_get_setting(idx, argv[1], &v);
        if (rc == QUIRE_OK && v && *v) printf("%s\n", v);
        else status = EXIT_ERROR;  /* unset, as git config does */
        free(v);
    } else if (quire_index_set_setting(idx, argv[1], argv[2]) != QUIRE_OK) {
        cli_error("config: cannot set %s: %s", argv[1], quire_index_errmsg(idx));
        status = EXIT_ERROR;
    }
    quire_index_close(idx);
    return status;
}
