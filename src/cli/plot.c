/*
 * PNG plots through gnuplot (gnuplot-nox, installed by scripts/deps.sh): the
 * script goes to gnuplot's stdin, the image to a temporary file beside the
 * target, renamed once gnuplot succeeded, so a failed plot leaves nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

pl_status_t cli_plot_png(const char *path, int width, int height, const char *script) {
    if (strchr(path, '\'') || strchr(path, '\n'))
        return pl_error(PL_EINVAL, "plot path '%s' may not contain quotes or newlines", path);
    const size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp) return pl_error(PL_ENOMEM, "out of memory");
    snprintf(tmp, len, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        pl_status_t st = pl_error(PL_EIO, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    close(fd);
    pl_status_t st = PL_OK;
    FILE *g = popen("gnuplot 2>/dev/null", "w");
    if (!g) {
        st = pl_error(PL_EIO, "cannot run gnuplot: %s", strerror(errno));
    } else {
        fprintf(g, "set terminal pngcairo size %d,%d noenhanced\nset output '%s'\n%s\nunset output\n",
                width, height, tmp, script);
        const int status = pclose(g);
        if (status != 0)
            st = pl_error(PL_EIO,
                          WIFEXITED(status) && WEXITSTATUS(status) == 127
                              ? "cannot write '%s': gnuplot is not installed (apt-get install gnuplot-nox)"
                              : "cannot write '%s': gnuplot failed",
                          path);
    }
    if (st == PL_OK && rename(tmp, path) != 0)
        st = pl_error(PL_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (st != PL_OK) remove(tmp);
    free(tmp);
    return st;
}
