/* A growing text buffer for reports and plot scripts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

void cli_text_add(cli_text_t *t, const char *fmt, ...) {
    if (t->failed) return; /* the text is incomplete already */
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        const size_t room = t->cap - t->len;
        const int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) { /* an encoding error: nothing sensible to add */
            t->failed = true;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t need = t->len + (size_t)n + 1; /* with the terminating '\0' */
        if (need < 4096) need = 4096;         /* reports start with a page */
        if (PL_GROW(t->s, t->cap, need, "characters of text") != PL_OK) {
            t->failed = true;
            return;
        }
    }
}
