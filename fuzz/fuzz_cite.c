/* Fuzz target: a model's answer (hostile text) through sentence splitting,
 * citation parsing and verification against fixed passages, strict and not. */
#include "quire/cite.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *p1 = "Spanner exposes clock uncertainty with TrueTime; uncertainty is below 10 ms.";
    static const char *p2 = "Dynamo replicates each key at three hosts (N = 3) with a sloppy quorum.";
    quire_cite_source src[2] = {{.text = p1, .len = strlen(p1)}, {.text = p2, .len = strlen(p2)}};
    quire_verify_opts o;
    quire_verify_opts_default(&o);
    for (int strict = 0; strict < 2; strict++) {
        o.strict = strict;
        quire_verify_result r;
        quire_cite_verify((const char *)data, size, src, 2, &o, &r, NULL);
        quire_verify_free(&r);
    }
    return 0;
}
