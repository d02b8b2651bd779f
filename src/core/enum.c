/* Name tables of enumerations: lookup by name with the valid choices in the
 * message, and the name of a value. */
#include <stdio.h>
#include <string.h>

#include "plateau/core.h"

/* Append the table's names ("a, b, c"), or values and names ("0 a, 1 b")
 * when with_values, to buf (cap bytes, truncated with "..."). */
static void list_names(const pl_enum_entry_t *table, size_t n, bool with_values, char *buf,
                       size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = with_values ? snprintf(buf + len, cap - len, "%s%d %s", i ? ", " : "",
                                       table[i].value, table[i].name)
                            : snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", table[i].name);
        if (w < 0 || (size_t)w >= cap - len) {
            if (cap >= 4) memcpy(buf + cap - 4, "...", 4);
            return;
        }
        len += (size_t)w;
    }
}

bool pl_enum_find(const pl_enum_entry_t *table, size_t n, const char *name, int *out) {
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(name, table[i].name) == 0) {
            *out = table[i].value;
            return true;
        }
    return false;
}

pl_status_t pl_enum_lookup(const pl_enum_entry_t *table, size_t n, const char *what,
                           const char *name, int *out) {
    if (pl_enum_find(table, n, name, out)) return PL_OK;
    char valid[512];
    list_names(table, n, false, valid, sizeof valid);
    return pl_error(PL_EINVAL, "unknown %s '%s' (valid: %s)", what, name ? name : "(null)", valid);
}

const char *pl_enum_name(const pl_enum_entry_t *table, size_t n, const char *what, int value) {
    for (size_t i = 0; i < n; i++)
        if (table[i].value == value) return table[i].name;
    char valid[512];
    list_names(table, n, true, valid, sizeof valid);
    pl_error(PL_EINVAL, "unknown %s value %d (valid: %s)", what, value, valid);
    return NULL;
}
