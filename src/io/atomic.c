/*
 * The one output routine (include/plateau/io.h, "Output files"): every file
 * plateau writes is filled as a temporary file, then renamed onto its target
 * (a new path, a regular file, or the final target of a symbolic link) or
 * copied into it (a FIFO, the standard output). Anything else (a directory, a
 * device, a socket) is refused before anything is created or opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/io_internal.h"
#include "plateau/io.h"

/* How many symbolic links are followed before giving up (as Linux's MAXSYMLINKS). */
#define OUT_MAX_LINKS 40

typedef enum {
    OUT_REPLACE, /* temporary file beside `target`, renamed onto it */
    OUT_FIFO,    /* temporary file in $TMPDIR, copied into the FIFO `path` */
    OUT_STDOUT   /* temporary file in $TMPDIR, copied onto descriptor 1 */
} out_kind_t;

struct pl_io_out {
    out_kind_t kind;
    char *path;   /* the name the user gave (messages; the FIFO is opened by it) */
    char *target; /* OUT_REPLACE: the final name after following symbolic links */
    char *tmp;    /* the temporary file */
    int fd;       /* open read-write on tmp */
};

static pl_status_t out_sys_error(const char *path, int err) {
    return pl_error(PL_EIO, "cannot write '%s': %s", path, strerror(err));
}

static char *out_strdup(const char *s) {
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* The refusal for a file of mode @p mode, or PL_OK for a FIFO or a regular file. */
static pl_status_t out_check_mode(const char *path, mode_t mode) {
    if (S_ISREG(mode) || S_ISFIFO(mode)) return PL_OK;
    if (S_ISDIR(mode)) return pl_error(PL_EINVAL, "'%s' is a directory", path);
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return pl_error(PL_EINVAL, "'%s' is a device; refusing to replace it", path);
    if (S_ISSOCK(mode))
        return pl_error(PL_EINVAL, "'%s' is a socket; refusing to replace it", path);
    return pl_error(PL_EINVAL, "'%s' is not a regular file; refusing to replace it", path);
}

/* The contents of symbolic link @p link, in a new string; NULL with errno set. */
static char *out_readlink(const char *link, size_t hint) {
    for (size_t size = hint + 2;; size *= 2) {
        char *buf = malloc(size);
        if (!buf) return NULL;
        const ssize_t n = readlink(link, buf, size);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < size) {
            buf[n] = '\0';
            return buf;
        }
        free(buf); /* may have been truncated: retry larger */
    }
}

/* @p rel relative to the folder holding @p link ("a/b" + "c" -> "a/c"). */
static char *out_beside(const char *link, const char *rel) {
    if (rel[0] == '/') return out_strdup(rel);
    const char *slash = strrchr(link, '/');
    if (!slash) return out_strdup(rel);
    const size_t dir = (size_t)(slash - link) + 1; /* keep the slash */
    char *p = malloc(dir + strlen(rel) + 1);
    if (!p) return NULL;
    memcpy(p, link, dir);
    strcpy(p + dir, rel);
    return p;
}

/* Follow the symbolic links from @p path to the name that will be replaced or
 * created (an existing regular file, or the missing end of a chain). */
static pl_status_t out_follow(const char *path, char **target) {
    char *cur = out_strdup(path);
    if (!cur) return pl_error_nomemf("the path '%s'", path);
    for (int hops = 0; hops <= OUT_MAX_LINKS; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0) {
            const int err = errno;
            if (err == ENOENT) { /* a new file (perhaps a dangling link's target) */
                *target = cur;
                return PL_OK;
            }
            free(cur);
            return out_sys_error(path, err);
        }
        if (!S_ISLNK(st.st_mode)) {
            const pl_status_t s = out_check_mode(path, st.st_mode);
            if (s != PL_OK || S_ISFIFO(st.st_mode)) {
                free(cur);
                return s != PL_OK ? s : pl_error(PL_EIO, "'%s' changed while being examined", path);
            }
            *target = cur;
            return PL_OK;
        }
        char *rel = out_readlink(cur, (size_t)st.st_size);
        char *next = rel ? out_beside(cur, rel) : NULL;
        const int err = errno;
        free(rel);
        free(cur);
        if (!next)
            return err == ENOMEM || !err ? pl_error_nomemf("the link target of '%s'", path)
                                         : out_sys_error(path, err);
        cur = next;
    }
    free(cur);
    return pl_error(PL_EINVAL, "'%s': too many levels of symbolic links", path);
}

/* What @p path names: the kind of output and, for OUT_REPLACE, the final name
 * (NULL when @p target is NULL: check only). Creates and opens nothing. */
static pl_status_t out_resolve(const char *path, out_kind_t *kind, char **target) {
    if (!path || !path[0]) return pl_error(PL_EINVAL, "empty output file name");
    if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0) {
        *kind = OUT_STDOUT;
        return PL_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0) { /* follows links, also /proc/self/fd/N */
        PL_TRY(out_check_mode(path, st.st_mode));
        if (S_ISFIFO(st.st_mode)) {
            *kind = OUT_FIFO;
            return PL_OK;
        }
    } else if (errno != ENOENT) { /* ENOENT: a new file or a dangling link */
        if (errno == ELOOP)
            return pl_error(PL_EINVAL, "'%s': too many levels of symbolic links", path);
        return out_sys_error(path, errno);
    }
    *kind = OUT_REPLACE;
    if (!target) return PL_OK;
    return out_follow(path, target);
}

pl_status_t pl_io_out_check(const char *path) {
    out_kind_t kind;
    return out_resolve(path, &kind, NULL);
}

/* Create the temporary file named by template @p tmpl ("...XXXXXX", filled in). */
static pl_status_t out_mkstemp(const char *path, char *tmpl, mode_t mode, int *fd) {
    *fd = mkstemp(tmpl);
    if (*fd < 0)
        return pl_error(PL_EIO, "cannot create a temporary file for '%s': %s", path,
                        strerror(errno));
    /* mkstemp creates mode 0600; children (gnuplot) need not inherit the descriptor. */
    if (fchmod(*fd, mode) != 0 || fcntl(*fd, F_SETFD, FD_CLOEXEC) != 0) {
        const int err = errno;
        close(*fd);
        remove(tmpl);
        *fd = -1;
        return pl_error(PL_EIO, "cannot create a temporary file for '%s': %s", path, strerror(err));
    }
    return PL_OK;
}

pl_status_t pl_io_out_begin(const char *path, pl_io_out_t **out) {
    *out = NULL;
    out_kind_t kind;
    char *target = NULL;
    PL_TRY(out_resolve(path, &kind, &target));
    pl_io_out_t *o = calloc(1, sizeof *o);
    const char *tdir = getenv("TMPDIR");
    if (!tdir || !tdir[0]) tdir = "/tmp";
    const char *base = kind == OUT_REPLACE ? target : tdir;
    const char *suffix = kind == OUT_REPLACE ? ".tmp.XXXXXX" : "/plateau-out.XXXXXX";
    const size_t blen = strlen(base), slen = strlen(suffix) + 1;
    if (o) {
        o->kind = kind;
        o->fd = -1;
        o->target = target;
        o->path = out_strdup(path);
        o->tmp = malloc(blen + slen);
    }
    if (!o || !o->path || !o->tmp) {
        if (o) {
            free(o->path);
            free(o->tmp);
            free(o);
        }
        free(target);
        return pl_error_nomemf("the output stream of '%s'", path);
    }
    memcpy(o->tmp, base, blen);
    memcpy(o->tmp + blen, suffix, slen);
    const pl_status_t st = out_mkstemp(path, o->tmp, kind == OUT_REPLACE ? 0644 : 0600, &o->fd);
    if (st != PL_OK) {
        free(o->tmp);
        o->tmp = NULL; /* nothing to remove */
        pl_io_out_abort(o);
        return st;
    }
    *out = o;
    return PL_OK;
}

const char *pl_io_out_temp_path(const pl_io_out_t *out) {
    return out->tmp;
}

int pl_io_out_fd(const pl_io_out_t *out) {
    return out->fd;
}

void pl_io_out_abort(pl_io_out_t *out) {
    if (!out) return;
    if (out->fd >= 0) close(out->fd);
    if (out->tmp) remove(out->tmp);
    free(out->tmp);
    free(out->target);
    free(out->path);
    free(out);
}

pl_status_t io_write_all(int fd, const void *data, size_t size) {
    const char *p = data;
    while (size > 0) {
        const ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return PL_EIO;
        }
        if (n == 0) {
            errno = ENOSPC; /* a regular file or pipe that takes nothing more */
            return PL_EIO;
        }
        p += n;
        size -= (size_t)n;
    }
    return PL_OK;
}

/* Copy the whole temporary file into descriptor @p dst; errno on failure. */
static bool out_copy(int src, int dst) {
    if (lseek(src, 0, SEEK_SET) != 0) return false;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = read(src, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        if (io_write_all(dst, buf, (size_t)n) != PL_OK) return false;
    }
}

/* Open the FIFO by the user's name (waits for a reader) and check that it
 * still is one; -1 with errno set. */
static int out_open_fifo(const char *path) {
    int fd;
    do fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

static pl_status_t out_deliver(pl_io_out_t *o) {
    if (o->kind == OUT_REPLACE) {
        /* Data on disk before the name moves, so a crash leaves the old file or the new one. */
        if (fsync(o->fd) != 0 && errno != EINVAL && errno != ENOTSUP)
            return out_sys_error(o->path, errno);
        const int fd = o->fd;
        o->fd = -1;
        if (close(fd) != 0) return out_sys_error(o->path, errno);
        if (rename(o->tmp, o->target) != 0) return out_sys_error(o->path, errno);
        free(o->tmp);
        o->tmp = NULL; /* renamed: nothing left to remove */
        return PL_OK;
    }
    if (o->kind == OUT_STDOUT) {
        fflush(stdout); /* what the caller printed stays before the file's bytes */
        return out_copy(o->fd, STDOUT_FILENO) ? PL_OK : out_sys_error(o->path, errno);
    }
    const int dst = out_open_fifo(o->path);
    if (dst < 0) {
        if (errno == EINVAL)
            return pl_error(PL_EIO, "cannot write '%s': it is no longer a FIFO", o->path);
        return out_sys_error(o->path, errno);
    }
    bool ok = out_copy(o->fd, dst);
    int err = errno;
    if (close(dst) != 0 && ok) {
        ok = false;
        err = errno;
    }
    return ok ? PL_OK : out_sys_error(o->path, err);
}

pl_status_t pl_io_out_commit(pl_io_out_t *out) {
    if (!out) return pl_error(PL_EINVAL, "pl_io_out_commit: no output handle");
    struct stat st;
    pl_status_t s = PL_OK;
    if (fstat(out->fd, &st) != 0)
        s = out_sys_error(out->path, errno);
    else if (st.st_size == 0)
        s = pl_error(PL_EIO, "cannot write '%s': the output is empty (nothing was written)",
                     out->path);
    if (s == PL_OK) s = out_deliver(out);
    pl_io_out_abort(out); /* closes and removes what is left: the stream's or a failed temporary */
    return s;
}

pl_status_t pl_io_write_text_atomic(const char *path, const char *text) {
    pl_io_out_t *o;
    PL_TRY(pl_io_out_begin(path, &o));
    if (io_write_all(pl_io_out_fd(o), text, strlen(text)) != PL_OK) {
        const pl_status_t s = out_sys_error(path, errno);
        pl_io_out_abort(o);
        return s;
    }
    return pl_io_out_commit(o);
}
