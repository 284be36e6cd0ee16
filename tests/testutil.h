/* Minimal test helpers shared by the test programs.
 *
 *   CHECK(cond)            record a failure (with file:line) and go on
 *   CHECK_EQ_INT(a, b)     integers
 *   CHECK_STR(a, b)        strings (NULL-safe)
 *   SKIP(why)              exit 77: meson reports the test as skipped
 *   return test_summary(); at the end of main()
 */
#ifndef QUIRE_TESTUTIL_H
#define QUIRE_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        test_checks++;                                                                 \
        if (!(cond)) {                                                                 \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                             \
    do {                                                                               \
        long long va_ = (long long)(a), vb_ = (long long)(b);                          \
        test_checks++;                                                                 \
        if (va_ != vb_) {                                                              \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,      \
                    __LINE__, #a, va_, #b, vb_);                                       \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                \
    do {                                                                               \
        const char *sa_ = (a), *sb_ = (b);                                             \
        test_checks++;                                                                 \
        if (!sa_ || !sb_ ? sa_ != sb_ : strcmp(sa_, sb_) != 0) {                       \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,        \
                    __LINE__, #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");         \
        }                                                                              \
    } while (0)

#define SKIP(why)                                                                      \
    do {                                                                               \
        fprintf(stderr, "SKIP: %s\n", why);                                            \
        exit(77);                                                                      \
    } while (0)

static inline int test_summary(void)
{
    fprintf(stderr, "%d checks, %d failed\n", test_checks, test_failures);
    return test_failures ? 1 : 0;
}

/* Path of ../shared (QUIRE_SHARED from meson), or NULL when absent. */
static inline const char *test_shared_dir(void)
{
    const char *s = getenv("QUIRE_SHARED");
    return s && *s ? s : NULL;
}



#include <unistd.h>

/* A fresh temporary folder (mkdtemp under $TMPDIR or /tmp); the caller may
 * leave it behind for inspection. Returns a static buffer. */
static inline const char *test_tmpdir(const char *tag)
{
    static char path[512];
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/quire-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        exit(99);
    }
    return path;
}

/* Write a whole file or exit(99) (a broken test setup, not a failure). */
static inline void test_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
}
#endif
