/* Built without libcurl: the `openai` backend reports that it is missing. */
#include "quire/llm.h"

#include <string.h>

void quire_openai_opts_default(quire_openai_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->stream = true;
}

quire_status quire_llm_openai_open(const quire_openai_opts *opts, quire_llm **out,
                                   quire_error *err)
{
    (void)opts;
    *out = NULL;
    return quire_error_set(err, QUIRE_ERR_UNSUPPORTED,
                           "quire was built without libcurl: no OpenAI-compatible backend");
}
