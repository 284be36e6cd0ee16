#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

quire_status file_read_all(const char *path, size_t max_bytes, char **out, size_t *len,
                           quire_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_IO, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "%s: %lld bytes is over the %zu byte limit",
                               path, (long long)st.st_size, max_bytes);
    }
    size_t want = (size_t)st.st_size;
    char *data = malloc(want + 1);
    if (!data) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "%s: cannot allocate %zu bytes", path, want);
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, data + got, want - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            free(data);
            close(fd);
            return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(e));
        }
        if (n == 0) break; /* file shrank while reading: keep what we have */
        got += (size_t)n;
    }
    close(fd);
    data[got] = '\0';
    *out = data;
    *len = got;
    return QUIRE_OK;
}

quire_status file_write_all(const char *path, const void *data, size_t len, quire_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(errno));
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(e));
        }
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0) return quire_error_set(err, QUIRE_ERR_IO, "%s: %s", path, strerror(errno));
    return QUIRE_OK;
}
