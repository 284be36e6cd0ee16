/* The shared word matcher of src/answer (words.h) and the refusal rules
 * built on it: the relevance gate's veto on words no passage holds, the
 * cross-language exemption, and the extractive backend's coverage and
 * quantity rules. Hand-written passages in the style of the eval papers. */
#include "../testutil.h"
#include "answer/words.h"
#include "quire/answer.h"
#include "quire/generate.h"

static const char *P_GFS =
    "Chunk size is one of the key design parameters. We have chosen 64 MB, which is much larger "
    "than typical file system block sizes. Each chunk replica is stored as a plain Linux file on "
    "a chunkserver and is extended only as needed.";
static const char *P_WEB =
    "Recent famous examples of hot spots on the Web include the JPL site after the "
    "Shoemaker-Levy comet struck Jupiter, and several political sites on the night of the "
    "election. In some of these cases, users were denied access to a site for hours.";
static const char *P_REPLICAS =
    "For reliability, each chunk is replicated on multiple chunkservers. Replication keeps the "
    "data available when chunkservers fail or disks go bad. By default, we store three replicas, "
    "though users can designate different replication levels.";

static quire_hit hit(const char *title, const char *text, double score)
{
    quire_hit h = {0};
    h.chunk_id = (int64_t)(score * 100);
    h.score = score;
    h.doc_key = h.doc_path = (char *)"paper.pdf";
    h.doc_title = (char *)title;
    h.page_start = h.page_end = 1;
    h.text = (char *)text;
    return h;
}

static bool has(const char *text, const char *question_word)
{
    word_bag b, q;
    if (bag_build(text, strlen(text), true, &b)) return false;
    if (bag_build(question_word, strlen(question_word), false, &q)) {
        bag_free(&b);
        return false;
    }
    bool found = q.n_words == 1 && bag_has_word_of(&b, &q, 0);
    bag_free(&b);
    bag_free(&q);
    return found;
}

static void test_matching(void)
{
    CHECK(has("Files are chunked before indexing.", "chunk"));         /* Snowball (en) */
    CHECK(has("Les poids sont quantifiés sur 4 bits.", "quantifier"));  /* Snowball (fr) */
    CHECK(has("Jails partition the operating system.", "partitionner")); /* prefix rule */
    CHECK(has("The nodes of the ring.", "node"));
    CHECK(!has("Modular programs are easier to test.", "model"));
    CHECK(!has("The master polls chunkservers.", "moons"));
    word_bag b;
    CHECK(bag_build("out of a database of over a million tracks", 43, true, &b) == QUIRE_OK);
    CHECK(bag_has_any_number(&b));
    CHECK(bag_has_number(&b, "1000000"));
    bag_free(&b);
}

static void test_quantity(void)
{
    CHECK(words_asks_quantity("How many moons does Jupiter have?", 33));
    const char *q = "Combien d'octets le master garde-t-il ?";
    CHECK(words_asks_quantity(q, strlen(q)));
    q = "En quelle année le premier bloc a-t-il été miné ?";
    CHECK(words_asks_quantity(q, strlen(q)));
    q = "How MUCH does it cost?";
    CHECK(words_asks_quantity(q, strlen(q)));
    q = "What is a stable property?";
    CHECK(!words_asks_quantity(q, strlen(q)));
    q = "Somehow many readers skip it.";
    CHECK(!words_asks_quantity(q, strlen(q)));
}

static void test_gate(void)
{
    quire_hit hits[2] = {hit("The Google File System", P_GFS, 3), hit("Consistent Hashing", P_WEB, 2)};
    /* every word held by a passage: relevant */
    CHECK(quire_answer_relevance("What chunk size does the Google File System use?", hits, 2) >= 0.45);
    /* "moons" is in no passage: the notebook does not hold the answer */
    CHECK(quire_answer_relevance("How many moons does Jupiter have?", hits, 2) == 0);
    /* a French question: "taille" is untranslated, not missing */
    CHECK(quire_answer_relevance("Quelle taille de chunk le Google File System utilise-t-il ?", hits, 2) >= 0.45);
    /* ... but a name stays required in any language */
    CHECK(quire_answer_relevance("Quelle taille de chunk utilise Hadoop ?", hits, 2) == 0);
}

static quire_answer *ask(const char *question, const quire_hit *hits, size_t n)
{
    quire_answer *a = NULL;
    quire_error err;
    quire_error_clear(&err);
    CHECK(quire_answer_auto(NULL, question, hits, n, NULL, &a, &err) == QUIRE_OK);
    return a;
}

static void test_extractive(void)
{
    quire_hit hits[2] = {hit("The Google File System", P_REPLICAS, 3), hit("Consistent Hashing", P_WEB, 2)};
    /* a quantity is answered by the sentence with the number */
    quire_answer *a = ask("How many replicas of each chunk does the file system store?", hits, 2);
    CHECK(a && !a->refused && a->text && strstr(a->text, "three replicas"));
    quire_answer_free(a);
    /* near-topic: the words are there, but no sentence holds a number for them */
    quire_hit only[1] = {hit("The Google File System", "For reliability, each chunk is replicated on "
                                                       "multiple chunkservers. Replication keeps the "
                                                       "data available when chunkservers fail.", 3)};
    a = ask("How many replicas of each chunk does the file system store?", only, 1);
    CHECK(a && a->refused);
    quire_answer_free(a);
    /* a sentence must cover half of the question with its title and section */
    quire_hit web[1] = {hit("Consistent Hashing", P_WEB, 3)};
    a = ask("Which comet struck Jupiter before the election night of the JPL hot spots?", web, 1);
    CHECK(a && !a->refused);
    quire_answer_free(a);
    a = ask("Which political party won the election after the comet?", web, 1);
    CHECK(a && a->refused);
    quire_answer_free(a);
}

int main(void)
{
    test_matching();
    test_quantity();
    test_gate();
    test_extractive();
    return test_summary();
}
