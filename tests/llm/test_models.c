/* The GGUF reader finds in every model file exactly what models.json
 * (../shared/testdata/llm/models, read by llama.cpp's gguf-py) lists: size,
 * version, alignment, data offset, every key with its type and value (arrays:
 * element type, length, first elements) and every tensor's type, shape,
 * absolute offset and size. Files listed but absent are reported and
 * skipped (the qwen F32 files are documented as absent). */
#include "../testutil.h"
#include "quire/gguf.h"
#include "util/fileio.h"

#include <cJSON.h>
#include <math.h>
#include <unistd.h>

static int n_fail_file;

#define FAILF(...)                                                                                 \
    do {                                                                                           \
        test_failures++;                                                                           \
        n_fail_file++;                                                                             \
        fprintf(stderr, __VA_ARGS__);                                                              \
    } while (0)

static bool same_scalar(const quire_gguf_value *v, const cJSON *exp)
{
    switch (v->type) {
    case QUIRE_GGUF_STRING: {
        const char *s;
        size_t n;
        quire_gguf_value_str(v, &s, &n);
        return cJSON_IsString(exp) && strlen(exp->valuestring) == n && !memcmp(s, exp->valuestring, n);
    }
    case QUIRE_GGUF_BOOL: {
        bool b;
        quire_gguf_value_bool(v, &b);
        return cJSON_IsBool(exp) && b == (bool)cJSON_IsTrue(exp);
    }
    case QUIRE_GGUF_FLOAT32:
    case QUIRE_GGUF_FLOAT64: {
        double d;
        quire_gguf_value_float(v, &d);
        return cJSON_IsNumber(exp) && (d == exp->valuedouble || (isnan(d) && isnan(exp->valuedouble)));
    }
    default: {
        double d;
        if (!quire_gguf_value_float(v, &d))
            return false;
        return cJSON_IsNumber(exp) && d == exp->valuedouble;
    }
    }
}

static void check_file(const char *dir, const char *name, const cJSON *info)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    n_fail_file = 0;
    quire_gguf *g = NULL;
    quire_error err = {0};
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "%-28s absent, skipped\n", name);
        return;
    }
    test_checks++;
    if (quire_gguf_open(path, &g, &err) != QUIRE_OK) {
        FAILF("%s: %s\n", name, err.msg);
        return;
    }
#define NUM(k) cJSON_GetObjectItemCaseSensitive(info, k)->valuedouble
    test_checks += 6;
    if (quire_gguf_file_size(g) != (size_t)NUM("size"))
        FAILF("%s: size %zu\n", name, quire_gguf_file_size(g));
    if (quire_gguf_version(g) != (uint32_t)NUM("gguf_version"))
        FAILF("%s: version %u\n", name, quire_gguf_version(g));
    if (quire_gguf_alignment(g) != (size_t)NUM("alignment"))
        FAILF("%s: alignment %zu\n", name, quire_gguf_alignment(g));
    if (quire_gguf_data_offset(g) != (uint64_t)NUM("tensor_data_offset"))
        FAILF("%s: data offset %llu\n", name, (unsigned long long)quire_gguf_data_offset(g));
    if (quire_gguf_n_kv(g) != (size_t)NUM("n_kv"))
        FAILF("%s: n_kv %zu\n", name, quire_gguf_n_kv(g));
    if (quire_gguf_n_tensors(g) != (size_t)NUM("n_tensors"))
        FAILF("%s: n_tensors %zu\n", name, quire_gguf_n_tensors(g));
    int n_keys = 0, n_tensors = 0;
    const cJSON *kv;
    cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(info, "kv")) {
        n_keys++;
        test_checks++;
        const quire_gguf_value *v = quire_gguf_get(g, kv->string);
        const char *type = cJSON_GetObjectItemCaseSensitive(kv, "type")->valuestring;
        if (!v) {
            FAILF("%s: key %s missing\n", name, kv->string);
            continue;
        }
        if (strcmp(quire_gguf_type_name((quire_gguf_type)v->type), type) != 0) {
            FAILF("%s: key %s type %s, expected %s\n", name, kv->string,
                  quire_gguf_type_name((quire_gguf_type)v->type), type);
            continue;
        }
        if (v->type != QUIRE_GGUF_ARRAY) {
            if (!same_scalar(v, cJSON_GetObjectItemCaseSensitive(kv, "value")))
                FAILF("%s: key %s value differs\n", name, kv->string);
            continue;
        }
        const char *et = cJSON_GetObjectItemCaseSensitive(kv, "elem_type")->valuestring;
        if (strcmp(quire_gguf_type_name(quire_gguf_arr_type(v)), et) != 0 ||
            quire_gguf_arr_n(v) != (uint64_t)cJSON_GetObjectItemCaseSensitive(kv, "n")->valuedouble) {
            FAILF("%s: key %s array %s x %llu differs\n", name, kv->string,
                  quire_gguf_type_name(quire_gguf_arr_type(v)), (unsigned long long)quire_gguf_arr_n(v));
            continue;
        }
        uint64_t j = 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(kv, "first")) {
            quire_gguf_value tmp;
            const quire_gguf_value *e = quire_gguf_arr_elem(v, j, &tmp);
            if (!e || !same_scalar(e, x))
                FAILF("%s: key %s element %llu differs\n", name, kv->string, (unsigned long long)j);
            j++;
        }
    }
    test_checks++;
    if ((size_t)n_keys != quire_gguf_n_kv(g))
        FAILF("%s: models.json lists %d keys, file has %zu\n", name, n_keys, quire_gguf_n_kv(g));
    const cJSON *t;
    size_t idx = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(info, "tensors")) {
        n_tensors++;
        test_checks++;
        const char *tname = cJSON_GetArrayItem(t, 0)->valuestring;
        const char *ttype = cJSON_GetArrayItem(t, 1)->valuestring;
        const cJSON *ne = cJSON_GetArrayItem(t, 2);
        uint64_t abs_off = (uint64_t)cJSON_GetArrayItem(t, 3)->valuedouble;
        size_t nbytes = (size_t)cJSON_GetArrayItem(t, 4)->valuedouble;
        const quire_gguf_tensor *q = quire_gguf_find_tensor(g, tname);
        if (!q) {
            FAILF("%s: tensor %s missing\n", name, tname);
            continue;
        }
        bool ok = q == quire_gguf_tensor_at(g, idx) && !strcmp(quire_ggml_type_name(q->type), ttype) &&
                  q->n_dims == (uint32_t)cJSON_GetArraySize(ne) && q->file_offset == abs_off &&
                  q->n_bytes == nbytes;
        for (uint32_t d = 0; ok && d < q->n_dims; d++)
            ok = q->ne[d] == (int64_t)cJSON_GetArrayItem(ne, (int)d)->valuedouble;
        if (!ok)
            FAILF("%s: tensor %s: %s n_dims %u offset %llu bytes %zu differs\n", name, tname,
                  quire_ggml_type_name(q->type), q->n_dims, (unsigned long long)q->file_offset,
                  q->n_bytes);
        idx++;
    }
    test_checks++;
    if ((size_t)n_tensors != quire_gguf_n_tensors(g))
        FAILF("%s: models.json lists %d tensors, file has %zu\n", name, n_tensors,
              quire_gguf_n_tensors(g));
    fprintf(stderr, "%-28s %d keys, %d tensors: %s\n", name, n_keys, n_tensors,
            n_fail_file ? "FAIL" : "ok");
    quire_gguf_close(g);
}

int main(void)
{
    const char *shared = test_shared_dir();
    if (!shared)
        SKIP("QUIRE_SHARED not set");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/testdata/llm/models", shared);
    snprintf(path, sizeof path, "%s/models.json", dir);
    char *json = NULL;
    size_t len = 0;
    quire_error err = {0};
    if (file_read_all(path, 1 << 26, &json, &len, &err) != QUIRE_OK)
        SKIP("testdata/llm/models/models.json is absent");
    cJSON *root = cJSON_ParseWithLength(json, len);
    free(json);
    CHECK(root != NULL);
    const cJSON *f;
    int n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(root, "files")) {
        check_file(dir, f->string, f);
        n++;
    }
    CHECK(n > 0);
    cJSON_Delete(root);
    return test_summary();
}
