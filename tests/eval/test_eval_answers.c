/* `quire eval answers` over ../shared/eval/papers with the project's own
 * question file (tests/eval/papers-answers.jsonl: 36 answerable questions
 * with expected document and pages, 9 of them in French, and 10 the papers
 * do not answer). The floors below are regression guards a little under
 * the figures measured when the file was written (see the report printed). */
#include "../testutil.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 1 << 20, n = 0, r;
    char *buf = malloc(cap);
    while ((r = fread(buf + n, 1, cap - 1 - n, p)) > 0) n += r;
    buf[n] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

static double num(const cJSON *root, const char *obj, const char *key)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(root, obj), key));
}

int main(void)
{
    const char *shared = test_shared_dir(), *exe = getenv("QUIRE_EXE"), *src = getenv("QUIRE_SOURCE_ROOT");
    char papers[600];
    snprintf(papers, sizeof papers, "%s/eval/papers", shared ? shared : "");
    struct stat st;
    if (!shared || stat(papers, &st) != 0) SKIP("../shared/eval/papers is absent");
    if (!exe || !src) SKIP("QUIRE_EXE or QUIRE_SOURCE_ROOT not set");
    char dir[] = "/tmp/quire-eval-XXXXXX";
    if (!mkdtemp(dir)) SKIP("no temporary directory");

    char cmd[4096];
    int status;
    snprintf(cmd, sizeof cmd, "'%s' --db '%s/nb.sqlite' add '%s' >/dev/null 2>&1", exe, dir, papers);
    free(run(cmd, &status));
    CHECK_EQ_INT(status, 0);

    snprintf(cmd, sizeof cmd, "'%s' --db '%s/nb.sqlite' eval answers --json --questions '%s/tests/eval/papers-answers.jsonl'",
             exe, dir, src);
    char *out = run(cmd, &status);
    CHECK_EQ_INT(status, 0);
    cJSON *root = cJSON_Parse(out);
    CHECK(root != NULL);
    if (root) {
        CHECK_EQ_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "questions")), 46);
        CHECK_EQ_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "unanswerable")), 10);
        double d1 = num(root, "retrieval", "doc_hit@1"), d10 = num(root, "retrieval", "doc_hit@10");
        double p5 = num(root, "retrieval", "page_hit@5");
        double right = num(root, "answers", "cited_right_doc");
        double contain = num(root, "answers", "containment");
        double rec = num(root, "refusal", "recall"), fr = num(root, "refusal", "false_refusal_rate");
        fprintf(stderr, "papers: doc@1 %.3f doc@10 %.3f page@5 %.3f cited-right-doc %.3f "
                        "containment %.3f refusal recall %.3f false refusals %.3f\n",
                d1, d10, p5, right, contain, rec, fr);
        CHECK(d1 >= 0.9);
        CHECK(d10 >= 0.95);
        CHECK(p5 >= 0.85);
        CHECK(right >= 0.9);
        CHECK(contain >= 0.6);
        CHECK(rec >= 0.6);
        CHECK(fr <= 0.1);
        CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "per_question")), 46);
    }
    cJSON_Delete(root);
    free(out);

    /* a bad question file is a usage error with the line number */
    snprintf(cmd, sizeof cmd, "printf '{\"question\": \"ok?\"}\\nnot json\\n' > '%s/bad.jsonl'; "
                              "'%s' --db '%s/nb.sqlite' eval answers --questions '%s/bad.jsonl' 2>&1",
             dir, exe, dir, dir);
    out = run(cmd, &status);
    CHECK_EQ_INT(status, 2);
    CHECK(strstr(out, "bad.jsonl:2:") != NULL);
    free(out);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
