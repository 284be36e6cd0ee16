/* Follow-up rewriting for `quire chat` (see include/quire/generate.h). */
#include "quire/generate.h"
#include "answer/words.h"
#include "util/buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define REWRITE_MAX_BYTES 300

/* Words that point back to an earlier turn (folded, English and French). */
static const char *const anaphora[] = {
    "it", "its", "they", "them", "their", "this", "that", "these", "those", "he", "she", "his",
    "her", "there", "same", "one", "ones", "il", "elle", "ils", "elles", "le", "la", "les", "lui",
    "leur", "leurs", "ce", "cet", "cette", "ces", "ca", "celui", "celle", "ceux", "celles", "son",
    "sa", "ses", "y", "en", "dernier", "derniere",
};

static bool looks_like_followup(const char *q)
{
    word_bag b;
    if (bag_build(q, strlen(q), false, &b) != QUIRE_OK) return false;
    bool few = b.n_words < 3;
    bag_free(&b);
    if (few) return true;
    /* scan raw words for anaphora */
    const char *p = q;
    while (*p) {
        while (*p && !isalpha((unsigned char)*p)) p++;
        const char *s = p;
        while (*p && (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)) p++;
        size_t n = (size_t)(p - s);
        if (!n || n > 10) continue;
        char w[12];
        for (size_t i = 0; i < n; i++) w[i] = (char)tolower((unsigned char)s[i]);
        w[n] = '\0';
        if (!strcmp(w, "\xc3\xa7" "a")) return true;
        for (size_t i = 0; i < sizeof anaphora / sizeof anaphora[0]; i++)
            if (!strcmp(w, anaphora[i])) {
                /* French articles are not pronouns before a noun; only count
                 * them right before a verb-ish position: keep it simple and
                 * count only the unambiguous ones. */
                if (!strcmp(w, "le") || !strcmp(w, "la") || !strcmp(w, "les") || !strcmp(w, "en") ||
                    !strcmp(w, "y") || !strcmp(w, "one") || !strcmp(w, "that") || !strcmp(w, "there"))
                    break;
                return true;
            }
    }
    return false;
}

static char *heuristic(const char *prev, const char *q)
{
    buf b = QUIRE_BUF_INIT(0);
    if (buf_append_str(&b, q) != QUIRE_OK) goto fail;
    if (prev && *prev && looks_like_followup(q)) {
        word_bag pb;
        if (bag_build(prev, strlen(prev), false, &pb) == QUIRE_OK) {
            for (size_t i = 0; i < pb.n_words; i++)
                if (buf_printf(&b, " %s", pb.words[i]) != QUIRE_OK) break;
            for (size_t i = 0; i < pb.n_numbers; i++)
                if (buf_printf(&b, " %s", pb.numbers[i]) != QUIRE_OK) break;
            bag_free(&pb);
        }
    }
    return buf_steal(&b);
fail:
    buf_free(&b);
    return NULL;
}

quire_status quire_chat_rewrite(quire_llm *llm, const quire_llm_message *history, size_t nhistory,
                                const char *prev_query, const char *question, char **out,
                                quire_error *err)
{
    *out = NULL;
    if (!question) return quire_error_set(err, QUIRE_ERR_INVALID, "no question");
    if (llm && nhistory) {
        buf conv = QUIRE_BUF_INIT(16384);
        /* the last turns only: a rewrite needs the topic, not the whole chat */
        size_t from = nhistory > 4 ? nhistory - 4 : 0;
        for (size_t i = from; i < nhistory; i++)
            if (buf_printf(&conv, "%s: %s\n", history[i].role == QUIRE_ROLE_USER ? "User" : "Assistant",
                           history[i].content) != QUIRE_OK)
                break;
        buf_printf(&conv, "User: %s\n", question);
        const char *sys =
            "Rewrite the user's last question as one standalone question that can be understood "
            "without the conversation: replace pronouns by what they refer to. Keep the "
            "question's language. Reply with the rewritten question only, on one line.";
        quire_llm_gen_opts g;
        quire_llm_gen_opts_default(&g);
        g.max_tokens = 96;
        g.temperature = 0;
        quire_llm_result r;
        quire_error e2;
        quire_status rc = quire_llm_generate(llm, sys, conv.data ? conv.data : question, &g, &r, &e2);
        buf_free(&conv);
        if (rc == QUIRE_OK && r.text) {
            /* trim; accept one non-empty line of sane length */
            char *s = r.text;
            while (*s == ' ' || *s == '\n' || *s == '"') s++;
            size_t n = strlen(s);
            while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '"' || s[n - 1] == '\r')) n--;
            if (n > 0 && n <= REWRITE_MAX_BYTES && !memchr(s, '\n', n)) {
                *out = strndup(s, n);
                quire_llm_result_free(&r);
                return *out ? QUIRE_OK : quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
            }
        }
        quire_llm_result_free(&r);
        /* fall through to the heuristic: a failed rewrite must not stop the chat */
    }
    *out = heuristic(prev_query, question);
    return *out ? QUIRE_OK : quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
}
