/* Pre-tokenizer splits (module-internal API), including the expressions no
 * vocabulary in the test vectors uses (tekken, gpt-4o, qwen2...): every
 * known name compiles, and hand-checked splits of the ECMAScript semantics. */
#include "../testutil.h"
#include "llm/pretok.h"
#include "llm/unicode.h"

static void check_split(const char *pre, const char *text, const char *want)
{
    pretok *p = NULL;
    quire_error err = {0};
    test_checks++;
    if (pretok_new(pre, strlen(pre), &p, NULL, &err) != QUIRE_OK) {
        test_failures++;
        fprintf(stderr, "FAIL %s: %s\n", pre, err.msg);
        return;
    }
    size_t len = strlen(text);
    uint32_t cps[512];
    size_t offs[512];
    size_t n = uni_decode_lenient(text, len, cps, offs);
    size_t *lens = NULL, nw = 0;
    char got[2048];
    size_t g = 0;
    if (pretok_split(p, cps, n, &lens, &nw) == QUIRE_OK) {
        size_t at = 0;
        for (size_t i = 0; i < nw; i++) {
            size_t b0 = offs[at], b1 = at + lens[i] < n ? offs[at + lens[i]] : len;
            if (i)
                got[g++] = '|';
            memcpy(got + g, text + b0, b1 - b0);
            g += b1 - b0;
            at += lens[i];
        }
    }
    got[g] = 0;
    if (strcmp(got, want) != 0) {
        test_failures++;
        fprintf(stderr, "FAIL %s \"%s\": got \"%s\" want \"%s\"\n", pre, text, got, want);
    }
    free(lens);
    pretok_free(p);
}

int main(void)
{
    static const char *const names[] = {
        "default", "llama3", "llama-bpe", "dbrx", "glm4", "deepseek-llm", "deepseek-coder",
        "deepseek-v3", "falcon", "starcoder", "refact", "command-r", "gpt-2", "mpt", "olmo",
        "trillion", "roberta-bpe", "qwen2", "stablelm2", "qwen35", "poro-chat", "bloom", "viking",
        "bailingmoe", "seed-coder", "ufakzeka", "tekken", "gpt-4o", "llama4", "granite-embed-multi-97m",
        "minicpm5", "laguna", "jais-2", "spark2_5", "", NULL};
    for (size_t i = 0; names[i]; i++) {
        pretok *p = NULL;
        quire_error err = {0};
        quire_status st = pretok_new(names[i], strlen(names[i]), &p, NULL, &err);
        CHECK_EQ_INT(st, QUIRE_OK);
        if (st)
            fprintf(stderr, "%s: %s\n", names[i], err.msg);
        pretok_free(p);
    }
    pretok *p = NULL;
    CHECK_EQ_INT(pretok_new("no-such-pre", 11, &p, NULL, NULL), QUIRE_ERR_UNSUPPORTED);

    check_split("gpt-2", "Hello world  !", "Hello| world| | !");
    check_split("gpt-2", "it's I'M", "it|'s| I|'|M");
    check_split("llama3", "it's I'M 1234567", "it|'s| I|'M| |123|456|7");
    check_split("qwen2", "x 1234", "x| |1|2|3|4");
    check_split("qwen2", "a\n\n  b", "a|\n\n| | b");
    check_split("gpt-4o", "HelloWorld's test", "Hello|World's| test");
    check_split("gpt-4o", "ABCdef", "ABCdef");
    check_split("tekken", "ABCdef gHI", "ABCdef| g|HI");
    check_split("deepseek-coder", "ab12 c!", "ab|1|2| c|!");
    check_split("deepseek-llm", "ab  ", "ab|  ");
    check_split("falcon", "a+b=12345", "a|+|b|=|123|45");
    check_split("starcoder", "x99", "x|9|9");
    check_split("default", "$5,000!", "$|5|,|000|!");
    check_split("jais-2", "a      b", "a|    | | b");
    check_split("laguna", "ab\n\ncd 12", "ab|\n\n|cd| |1|2");
    return test_summary();
}
