/* Fuzz target: a server's SSE stream, split at a data-chosen point, through
 * the SSE parser and the JSON of each event (as the openai backend reads it). */
#include "llm/sse.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static quire_status on_event(void *user, const char *event, const char *d, size_t len)
{
    size_t *total = user;
    (void)event;
    cJSON *j = cJSON_ParseWithLength(d, len);
    const cJSON *c = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "choices"), 0), "delta"), "content");
    if (cJSON_IsString(c)) *total += strlen(c->valuestring);
    cJSON_Delete(j);
    return QUIRE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t total = 0;
    sse_parser p;
    sse_init(&p, 4096, on_event, &total);
    size_t split = size ? data[0] % (size + 1) : 0;
    if (sse_feed(&p, (const char *)data, split) == QUIRE_OK)
        sse_feed(&p, (const char *)data + split, size - split);
    sse_free(&p);
    return 0;
}
