/* `quire eval answers` with the project's question files:
 *  - tests/eval/papers-answers.jsonl over ../shared/eval/papers (the tuning
 *    file: 36 answerable questions with expected document and pages, 9 in
 *    French, 10 the papers do not answer; thresholds were calibrated on it);
 *  - tests/eval/papers-heldout.jsonl over the same papers (51 questions, 15
 *    not answerable, written before measuring and never tuned on: the honest
 *    figures);
 *  - tests/eval/corpus-answers.jsonl over the shipped corpus/ (24, 8 not
 *    answerable; English and French course notes).
 * The floors below are regression guards a little under the figures
 * measured when the files were written (printed by the test). */
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

typedef struct floors {
    const char *file, *db;
    int questions, unanswerable;
    double doc1, doc10, page5, right_doc, containment, recall, max_false_refusals;
} floors;

static void eval_file(const char *exe, const char *dir, const char *src, const floors *f)
{
    char cmd[4096];
    int status;
    snprintf(cmd, sizeof cmd, "'%s' --db '%s/%s.sqlite' eval answers --json --questions '%s/tests/eval/%s.jsonl'",
             exe, dir, f->db, src, f->file);
    char *out = run(cmd, &status);
    CHECK_EQ_INT(status, 0);
    cJSON *root = cJSON_Parse(out);
    CHECK(root != NULL);
    if (root) {
        CHECK_EQ_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "questions")), f->questions);
        CHECK_EQ_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "unanswerable")), f->unanswerable);
        double d1 = num(root, "retrieval", "doc_hit@1"), d10 = num(root, "retrieval", "doc_hit@10");
        double p5 = num(root, "retrieval", "page_hit@5");
        double right = num(root, "answers", "cited_right_doc");
        double contain = num(root, "answers", "containment");
        double rec = num(root, "refusal", "recall"), fr = num(root, "refusal", "false_refusal_rate");
        fprintf(stderr, "%s: doc@1 %.3f doc@10 %.3f page@5 %.3f cited-right-doc %.3f containment %.3f "
                        "refusal recall %.3f false refusals %.3f\n",
                f->file, d1, d10, p5, right, contain, rec, fr);
        CHECK(d1 >= f->doc1);
        CHECK(d10 >= f->doc10);
        CHECK(p5 >= f->page5);
        CHECK(right >= f->right_doc);
        CHECK(contain >= f->containment);
        CHECK(rec >= f->recall);
        CHECK(fr <= f->max_false_refusals);
        CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "per_question")), f->questions);
    }
    cJSON_Delete(root);
    free(out);
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
    snprintf(cmd, sizeof cmd, "'%s' --db '%s/corpus.sqlite' add '%s/corpus' >/dev/null 2>&1", exe, dir, src);
    free(run(cmd, &status));
    CHECK_EQ_INT(status, 0);

    /* questions, unanswerable; floors: doc@1, doc@10, page@5, cited right doc,
     * containment, refusal recall; ceiling: false refusal rate */
    static const floors tuning = {"papers-answers", "nb", 46, 10, 0.9, 0.95, 0.85, 0.94, 0.6, 0.8, 0.06};
    static const floors heldout = {"papers-heldout", "nb", 51, 15, 0.85, 0.95, 0.8, 0.75, 0.6, 0.7, 0.2};
    static const floors corpus = {"corpus-answers", "corpus", 24, 8, 0.9, 0.95, 0.6, 0.85, 0.7, 0.75, 0.15};
    eval_file(exe, dir, src, &tuning);
    eval_file(exe, dir, src, &heldout);
    eval_file(exe, dir, src, &corpus);

    /* a bad question file is a usage error with the line number */
    snprintf(cmd, sizeof cmd, "printf '{\"question\": \"ok?\"}\\nnot json\\n' > '%s/bad.jsonl'; "
                              "'%s' --db '%s/nb.sqlite' eval answers --questions '%s/bad.jsonl' 2>&1",
             dir, exe, dir, dir);
    char *out = run(cmd, &status);
    CHECK_EQ_INT(status, 2);
    CHECK(strstr(out, "bad.jsonl:2:") != NULL);
    free(out);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
