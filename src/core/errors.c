/* Status codes and the thread-local error message. */
#include "plateau/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PL_ERRMSG_CAP 1024

static _Thread_local char last_message[PL_ERRMSG_CAP];

const char *pl_status_name(pl_status_t st) {
    switch (st) {
        case PL_OK: return "ok";
        case PL_EINVAL: return "invalid argument";
        case PL_ENOMEM: return "out of memory";
        case PL_EIO: return "input/output error";
        case PL_EPARSE: return "parse error";
        case PL_EUNSUPPORTED: return "unsupported";
        case PL_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *pl_error_message(void) {
    return last_message;
}

void pl_error_clear(void) {
    last_message[0] = '\0';
}

pl_status_t pl_error(pl_status_t st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return st;
}

pl_status_t pl_error_nomem(const char *what) {
    return pl_error(PL_ENOMEM, "out of memory allocating %s", what ? what : "memory");
}

pl_status_t pl_error_nomemf(const char *fmt, ...) {
    char what[PL_ERRMSG_CAP - 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pl_error_nomem(what);
}

void pl_error_prefix(const char *fmt, ...) {
    char prefix[PL_ERRMSG_CAP];
    char old[PL_ERRMSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, last_message, sizeof old);
    /* Truncation of an over-long message is acceptable; build it piecewise so
     * the compiler's truncation analysis stays quiet. */
    size_t len = strlen(prefix);
    if (len > sizeof last_message - 3) len = sizeof last_message - 3;
    memcpy(last_message, prefix, len);
    memcpy(last_message + len, ": ", 2);
    size_t room = sizeof last_message - len - 3;
    size_t old_len = strnlen(old, room);
    memcpy(last_message + len + 2, old, old_len);
    last_message[len + 2 + old_len] = '\0';
}

void pl_error_internal(const char *file, int line, const char *what) {
    fprintf(stderr, "plateau: internal error, please report: %s:%d: %s\n", file, line, what);
    abort();
}
