/* Atomic file output: write a temporary file beside the target, then rename. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/io_internal.h"
#include "plateau/io.h"

static pl_status_t io_error(const char *what, const char *path, int err) {
    return pl_error(PL_EIO, "%s '%s': %s", what, path, strerror(err));
}

pl_status_t io_temp_create(const char *path, char **tmp, int *fd) {
    const size_t len = strlen(path);
    *tmp = malloc(len + sizeof ".tmp.XXXXXX");
    if (!*tmp) return pl_error(PL_ENOMEM, "out of memory writing '%s'", path);
    memcpy(*tmp, path, len);
    memcpy(*tmp + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    *fd = mkstemp(*tmp);
    /* mkstemp creates mode 0600; give the file the usual permissions. */
    if (*fd >= 0 && fchmod(*fd, 0644) != 0) {
        int err = errno;
        close(*fd);
        remove(*tmp);
        *fd = -1;
        errno = err;
    }
    if (*fd < 0) {
        pl_status_t st = io_error("cannot create a temporary file for", path, errno);
        free(*tmp);
        *tmp = NULL;
        return st;
    }
    return PL_OK;
}

pl_status_t pl_io_write_text_atomic(const char *path, const char *text) {
    char *tmp;
    int fd;
    PL_TRY(io_temp_create(path, &tmp, &fd));
    FILE *f = fdopen(fd, "w");
    bool ok = f != NULL;
    int err = errno;
    if (!f) {
        close(fd);
    } else {
        ok = fputs(text, f) >= 0 && fflush(f) == 0;
        err = errno;
        if (fclose(f) != 0 && ok) {
            ok = false;
            err = errno;
        }
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    pl_status_t st = PL_OK;
    if (!ok) {
        st = io_error("cannot write", path, err);
        remove(tmp);
    }
    free(tmp);
    return st;
}
