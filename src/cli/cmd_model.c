/* quire model — look inside a GGUF model file.
 *
 *   quire model info FILE.gguf [--json]
 *   quire model tokenize FILE.gguf [--no-bos] [--no-parse-special] [--json] TEXT...
 *
 * info: architecture, parameter count, context length, quantization mix
 * (tensors per ggml type), tokenizer, chat template, special tokens.
 * tokenize: the token ids llama.cpp's llama_tokenize gives (BOS/EOS as the
 * model asks unless --no-bos; control tokens written in TEXT are parsed);
 * --json adds each token's piece. TEXT "-" reads standard input.
 */
#include "cli.h"
#include "quire/gguf.h"
#include "quire/tokenizer.h"
#include "util/utf8.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STDIN_TEXT ((size_t)16 << 20)

static void model_usage(FILE *out)
{
    fprintf(out,
            "usage: quire model info FILE.gguf [--json]\n"
            "       quire model tokenize FILE.gguf [--no-bos] [--no-parse-special] [--json] TEXT...\n"
            "\n"
            "info      architecture, parameters, context length, quantization mix, tokenizer,\n"
            "          chat template and special tokens of a GGUF model\n"
            "tokenize  the token ids of TEXT (\"-\" reads standard input), as llama.cpp gives them\n");
}

/* A short family name for a chat template, from markers its Jinja text uses
 * (the same markers llama.cpp's template detection looks for). */
static const char *template_family(const char *s, size_t n)
{
    char *t = malloc(n + 1);
    if (!t)
        return "unknown";
    memcpy(t, s, n);
    t[n] = 0;
    const char *name = "unknown";
#define HAS(x) (strstr(t, x) != NULL)
    if (HAS("<|im_start|>"))
        name = HAS("<|im_sep|>") ? "phi4" : "chatml";
    else if (HAS("[INST]"))
        name = HAS("[SYSTEM_PROMPT]") ? "mistral-v7" : HAS("<<SYS>>") ? "llama2-sys" : "llama2/mistral";
    else if (HAS("<|assistant|>") && HAS("<|end|>"))
        name = "phi3";
    else if (HAS("<|user|>") && HAS("<|endoftext|>"))
        name = "zephyr";
    else if (HAS("<start_of_turn>"))
        name = "gemma";
    else if (HAS("<|start_header_id|>") && HAS("<|end_header_id|>"))
        name = "llama3";
    else if (HAS("### Instruction:") && HAS("<|EOT|>"))
        name = "deepseek";
    else if (HAS("<\xef\xbd\x9c" "Assistant\xef\xbd\x9c>"))
        name = "deepseek3";
#undef HAS
    free(t);
    return name;
}

static void human_count(uint64_t n, char *out, size_t size)
{
    if (n >= 1000000000ull)
        snprintf(out, size, "%.2fB", (double)n / 1e9);
    else if (n >= 1000000ull)
        snprintf(out, size, "%.2fM", (double)n / 1e6);
    else if (n >= 1000ull)
        snprintf(out, size, "%.2fK", (double)n / 1e3);
    else
        snprintf(out, size, "%llu", (unsigned long long)n);
}

/* "<arch>.<suffix>" as an unsigned integer, or -1. */
static long long arch_uint(const quire_gguf *g, const char *arch, const char *suffix)
{
    char key[256];
    snprintf(key, sizeof key, "%s.%s", arch, suffix);
    uint64_t v;
    return quire_gguf_get_uint(g, key, &v) == QUIRE_OK ? (long long)v : -1;
}

static const struct {
    quire_special role;
    const char *name;
} special_names[] = {
    {QUIRE_SPECIAL_BOS, "bos"}, {QUIRE_SPECIAL_EOS, "eos"}, {QUIRE_SPECIAL_EOT, "eot"},
    {QUIRE_SPECIAL_EOM, "eom"}, {QUIRE_SPECIAL_UNK, "unk"}, {QUIRE_SPECIAL_SEP, "sep"},
    {QUIRE_SPECIAL_PAD, "pad"}, {QUIRE_SPECIAL_MASK, "mask"}, {QUIRE_SPECIAL_NL, "nl"},
    {QUIRE_SPECIAL_FIM_PRE, "fim_pre"}, {QUIRE_SPECIAL_FIM_SUF, "fim_suf"},
    {QUIRE_SPECIAL_FIM_MID, "fim_mid"},
};

static char *token_text_copy(const quire_tokenizer *t, quire_token id)
{
    size_t n = 0;
    const char *s = quire_tokenizer_token_text(t, id, &n);
    char *c = malloc(n + 1);
    if (c) {
        if (s)
            memcpy(c, s, n);
        c[n] = 0;
    }
    return c;
}

static int model_info(const char *path, bool json)
{
    quire_gguf *g = NULL;
    quire_error err = {0};
    if (quire_gguf_open(path, &g, &err) != QUIRE_OK) {
        cli_error("%s", quire_error_message(&err));
        return EXIT_ERROR;
    }
    const char *arch_s = "", *name_s = "";
    size_t arch_n = 0, name_n = 0;
    quire_gguf_get_str(g, "general.architecture", &arch_s, &arch_n);
    quire_gguf_get_str(g, "general.name", &name_s, &name_n);
    char arch[128], name[256];
    snprintf(arch, sizeof arch, "%.*s", (int)(arch_n < 127 ? arch_n : 127), arch_s);
    snprintf(name, sizeof name, "%.*s", (int)(name_n < 255 ? name_n : 255), name_s);

    uint64_t params = 0;
    size_t type_count[QUIRE_GGML_TYPE_COUNT] = {0};
    for (size_t i = 0; i < quire_gguf_n_tensors(g); i++) {
        const quire_gguf_tensor *t = quire_gguf_tensor_at(g, i);
        params += t->n_elements;
        type_count[t->type]++;
    }
    long long ctx_len = arch_uint(g, arch, "context_length");
    long long n_embd = arch_uint(g, arch, "embedding_length");
    long long n_layer = arch_uint(g, arch, "block_count");
    long long n_head = arch_uint(g, arch, "attention.head_count");
    long long n_head_kv = arch_uint(g, arch, "attention.head_count_kv");
    uint64_t file_type = 0;
    bool has_ft = quire_gguf_get_uint(g, "general.file_type", &file_type) == QUIRE_OK;
    const char *tmpl = NULL;
    size_t tmpl_n = 0;
    bool has_tmpl = quire_gguf_get_str(g, "tokenizer.chat_template", &tmpl, &tmpl_n) == QUIRE_OK;
    const char *family = has_tmpl ? template_family(tmpl, tmpl_n) : NULL;

    quire_tokenizer *tok = NULL;
    quire_error terr = {0};
    bool has_tok = quire_gguf_get(g, "tokenizer.ggml.model") != NULL;
    if (has_tok)
        quire_tokenizer_load(g, &tok, &terr);
    char pc[32];
    human_count(params, pc, sizeof pc);

    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddNumberToObject(o, "size", (double)quire_gguf_file_size(g));
        cJSON_AddNumberToObject(o, "gguf_version", quire_gguf_version(g));
        cJSON_AddNumberToObject(o, "alignment", (double)quire_gguf_alignment(g));
        cJSON_AddNumberToObject(o, "n_kv", (double)quire_gguf_n_kv(g));
        cJSON_AddNumberToObject(o, "n_tensors", (double)quire_gguf_n_tensors(g));
        cJSON_AddStringToObject(o, "architecture", arch);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddNumberToObject(o, "parameters", (double)params);
        if (ctx_len >= 0) cJSON_AddNumberToObject(o, "context_length", (double)ctx_len);
        if (n_embd >= 0) cJSON_AddNumberToObject(o, "embedding_length", (double)n_embd);
        if (n_layer >= 0) cJSON_AddNumberToObject(o, "block_count", (double)n_layer);
        if (n_head >= 0) cJSON_AddNumberToObject(o, "head_count", (double)n_head);
        if (n_head_kv >= 0) cJSON_AddNumberToObject(o, "head_count_kv", (double)n_head_kv);
        if (has_ft) cJSON_AddNumberToObject(o, "file_type", (double)file_type);
        cJSON *q = cJSON_AddObjectToObject(o, "quantization");
        for (uint32_t ty = 0; ty < QUIRE_GGML_TYPE_COUNT; ty++)
            if (type_count[ty])
                cJSON_AddNumberToObject(q, quire_ggml_type_name(ty), (double)type_count[ty]);
        cJSON *ct = cJSON_AddObjectToObject(o, "chat_template");
        cJSON_AddBoolToObject(ct, "present", has_tmpl);
        if (has_tmpl) {
            cJSON_AddStringToObject(ct, "family", family);
            cJSON_AddNumberToObject(ct, "length", (double)tmpl_n);
        }
        if (tok) {
            cJSON *to = cJSON_AddObjectToObject(o, "tokenizer");
            cJSON_AddStringToObject(to, "kind", quire_tokenizer_kind_name(quire_tokenizer_get_kind(tok)));
            cJSON_AddStringToObject(to, "pre", quire_tokenizer_pre(tok));
            cJSON_AddNumberToObject(to, "n_tokens", (double)quire_tokenizer_n_tokens(tok));
            cJSON_AddBoolToObject(to, "add_bos", quire_tokenizer_add_bos(tok));
            cJSON_AddBoolToObject(to, "add_eos", quire_tokenizer_add_eos(tok));
            cJSON *sp = cJSON_AddObjectToObject(to, "special");
            for (size_t i = 0; i < sizeof special_names / sizeof special_names[0]; i++) {
                quire_token id = quire_tokenizer_special(tok, special_names[i].role);
                if (id == QUIRE_TOKEN_NULL)
                    continue;
                cJSON *e = cJSON_AddObjectToObject(sp, special_names[i].name);
                cJSON_AddNumberToObject(e, "id", id);
                char *txt = token_text_copy(tok, id);
                cJSON_AddStringToObject(e, "text", txt ? txt : "");
                free(txt);
            }
        } else if (has_tok) {
            cJSON *to = cJSON_AddObjectToObject(o, "tokenizer");
            cJSON_AddStringToObject(to, "error", quire_error_message(&terr));
        }
        char *s = cJSON_Print(o);
        if (s)
            printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
    } else {
        printf("file          %s (%zu bytes, GGUF v%u, alignment %zu)\n", path, quire_gguf_file_size(g),
               quire_gguf_version(g), quire_gguf_alignment(g));
        printf("architecture  %s\n", arch[0] ? arch : "(none)");
        if (name[0])
            printf("name          %s\n", name);
        printf("parameters    %s (%llu) in %zu tensors\n", pc, (unsigned long long)params,
               quire_gguf_n_tensors(g));
        if (ctx_len >= 0)
            printf("context       %lld\n", ctx_len);
        if (n_embd >= 0 || n_layer >= 0)
            printf("shape         %lld layers, embedding %lld, heads %lld (kv %lld)\n", n_layer, n_embd,
                   n_head, n_head_kv >= 0 ? n_head_kv : n_head);
        printf("quantization ");
        for (uint32_t ty = 0; ty < QUIRE_GGML_TYPE_COUNT; ty++)
            if (type_count[ty])
                printf(" %s:%zu", quire_ggml_type_name(ty), type_count[ty]);
        printf("%s\n", quire_gguf_n_tensors(g) ? "" : " (no tensors)");
        if (tok) {
            printf("tokenizer     %s, %zu tokens%s%s%s, add_bos %s, add_eos %s\n",
                   quire_tokenizer_kind_name(quire_tokenizer_get_kind(tok)), quire_tokenizer_n_tokens(tok),
                   quire_tokenizer_pre(tok)[0] ? ", pre '" : "", quire_tokenizer_pre(tok),
                   quire_tokenizer_pre(tok)[0] ? "'" : "", quire_tokenizer_add_bos(tok) ? "yes" : "no",
                   quire_tokenizer_add_eos(tok) ? "yes" : "no");
            printf("special      ");
            for (size_t i = 0; i < sizeof special_names / sizeof special_names[0]; i++) {
                quire_token id = quire_tokenizer_special(tok, special_names[i].role);
                if (id == QUIRE_TOKEN_NULL)
                    continue;
                char *txt = token_text_copy(tok, id);
                printf(" %s=%d", special_names[i].name, id);
                if (txt && txt[0] && strlen(txt) < 40 && !strchr(txt, '\n'))
                    printf(" '%s'", txt);
                free(txt);
            }
            printf("\n");
        } else if (has_tok) {
            printf("tokenizer     unsupported: %s\n", quire_error_message(&terr));
        } else {
            printf("tokenizer     (none)\n");
        }
        if (has_tmpl)
            printf("chat template %s (%zu bytes)\n", family, tmpl_n);
        else
            printf("chat template (none)\n");
    }
    quire_tokenizer_free(tok);
    quire_gguf_close(g);
    return EXIT_OK;
}

static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    while (s) {
        if (n == cap) {
            if (cap >= MAX_STDIN_TEXT) {
                free(s);
                return NULL;
            }
            char *ns = realloc(s, cap * 2);
            if (!ns) {
                free(s);
                return NULL;
            }
            s = ns;
            cap *= 2;
        }
        size_t r = fread(s + n, 1, cap - n, stdin);
        n += r;
        if (r == 0)
            break;
    }
    *len = n;
    return s;
}

static int model_tokenize(const char *path, int argc, char **argv, bool json, bool bos, bool parse)
{
    char *text;
    size_t len;
    if (argc == 1 && !strcmp(argv[0], "-")) {
        text = read_stdin(&len);
        if (!text) {
            cli_error("cannot read standard input (at most %zu bytes)", MAX_STDIN_TEXT);
            return EXIT_ERROR;
        }
    } else {
        text = cli_join_args(argc, argv);
        if (!text) {
            cli_error("out of memory");
            return EXIT_ERROR;
        }
        len = strlen(text);
    }
    quire_gguf *g = NULL;
    quire_tokenizer *tok = NULL;
    quire_error err = {0};
    int rc = EXIT_ERROR;
    if (quire_gguf_open(path, &g, &err) != QUIRE_OK || quire_tokenizer_load(g, &tok, &err) != QUIRE_OK) {
        cli_error("%s", quire_error_message(&err));
        goto done;
    }
    quire_token *ids = NULL;
    size_t n = 0;
    unsigned flags = (bos ? QUIRE_TOKENIZE_ADD_SPECIAL : 0) | (parse ? QUIRE_TOKENIZE_PARSE_SPECIAL : 0);
    if (quire_tokenizer_encode(tok, text, len, flags, &ids, &n, &err) != QUIRE_OK) {
        cli_error("%s", quire_error_message(&err));
        goto done;
    }
    if (json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "id", ids[i]);
            size_t m = quire_tokenizer_piece(tok, ids[i], true, 0, NULL, 0);
            char *p = malloc(m + 1);
            if (p) {
                quire_tokenizer_piece(tok, ids[i], true, 0, p, m);
                p[m] = 0;
                /* JSON needs valid UTF-8; a byte piece may not be: U+FFFD for bad
                 * bytes here, the exact bytes in piece_hex */
                char *u = malloc(3 * m + 1);
                if (u) {
                    size_t k = 0, o = 0;
                    while (k < m) {
                        uint32_t cp;
                        size_t l = utf8_decode(p + k, m - k, &cp);
                        if (l) {
                            memcpy(u + o, p + k, l);
                            o += l;
                            k += l;
                        } else {
                            memcpy(u + o, "\xef\xbf\xbd", 3);
                            o += 3;
                            k++;
                        }
                    }
                    u[o] = 0;
                    cJSON_AddStringToObject(e, "piece", u);
                    free(u);
                }
                char *hex = malloc(2 * m + 1);
                if (hex) {
                    for (size_t k = 0; k < m; k++)
                        snprintf(hex + 2 * k, 3, "%02x", (unsigned char)p[k]);
                    hex[2 * m] = 0;
                    cJSON_AddStringToObject(e, "piece_hex", hex);
                    free(hex);
                }
                free(p);
            }
            cJSON_AddItemToArray(arr, e);
        }
        char *s = cJSON_PrintUnformatted(arr);
        if (s)
            printf("%s\n", s);
        free(s);
        cJSON_Delete(arr);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? " " : "", ids[i]);
        printf("\n");
    }
    free(ids);
    rc = EXIT_OK;
done:
    quire_tokenizer_free(tok);
    quire_gguf_close(g);
    free(text);
    return rc;
}

int cmd_model(cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        model_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    bool json = false, bos = true, parse = true;
    const char *file = NULL;
    char **rest = calloc((size_t)argc, sizeof *rest);
    int n_rest = 0;
    if (!rest) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    bool opts_done = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && !strcmp(a, "--")) {
            opts_done = true;
        } else if (!opts_done && !strcmp(a, "--json")) {
            json = true;
        } else if (!opts_done && !strcmp(a, "--no-bos")) {
            bos = false;
        } else if (!opts_done && !strcmp(a, "--no-parse-special")) {
            parse = false;
        } else if (!opts_done && a[0] == '-' && a[1] == '-') {
            cli_error("unknown option '%s'", a);
            free(rest);
            return EXIT_USAGE;
        } else if (!file) {
            file = a;
        } else {
            rest[n_rest++] = argv[i];
        }
    }
    int rc;
    if (!strcmp(sub, "info") && file && n_rest == 0) {
        rc = model_info(file, json);
    } else if (!strcmp(sub, "tokenize") && file && n_rest > 0) {
        rc = model_tokenize(file, n_rest, rest, json, bos, parse);
    } else {
        model_usage(stderr);
        rc = EXIT_USAGE;
    }
    free(rest);
    return rc;
}
