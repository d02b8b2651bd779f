/*
 * PNG and SVG plots through gnuplot (gnuplot-nox, installed by scripts/deps.sh): the
 * script goes to gnuplot's stdin, the image to the temporary file of the
 * output routine (pl_io_out_begin), committed once gnuplot succeeded and wrote
 * something, so a failed plot leaves nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cli/cli.h"
#include "plateau/io.h"

/* Render @p script after @p terminal ("set terminal ..."), atomically into path. */
static pl_status_t plot_with(const char *path, const char *terminal, const char *script) {
    if (strchr(path, '\'') || strchr(path, '\n'))
        return pl_error(PL_EINVAL, "plot path '%s' may not contain quotes or newlines", path);
    pl_io_out_t *out;
    PL_TRY(pl_io_out_begin(path, &out));
    const char *tmp = pl_io_out_temp_path(out);
    pl_status_t st = PL_OK;
    FILE *g = NULL;
    if (strchr(tmp, '\'') || strchr(tmp, '\n')) /* a symbolic link's target, or $TMPDIR */
        st = pl_error(PL_EINVAL,
                      "plot path '%s' leads to '%s', which may not contain quotes or newlines",
                      path, tmp);
    else if (!(g = popen("gnuplot 2>/dev/null", "w")))
        st = pl_error(PL_EIO, "cannot run gnuplot: %s", strerror(errno));
    if (g) {
        fprintf(g, "%s\nset output '%s'\n%s\nunset output\n", terminal, tmp, script);
        const int status = pclose(g);
        if (status != 0)
            st = pl_error(
                PL_EIO,
                WIFEXITED(status) && WEXITSTATUS(status) == 127
                    ? "cannot write '%s': gnuplot is not installed (apt-get install gnuplot-nox)"
                    : "cannot write '%s': gnuplot failed",
                path);
    }
    if (st == PL_OK) return pl_io_out_commit(out); /* an empty image is an error */
    pl_io_out_abort(out);
    return st;
}

pl_status_t cli_plot_png(const char *path, int width, int height, const char *script) {
    char terminal[96];
    snprintf(terminal, sizeof terminal, "set terminal pngcairo size %d,%d noenhanced", width,
             height);
    return plot_with(path, terminal, script);
}

pl_status_t cli_plot_svg(const char *path, int width, int height, const char *script) {
    char terminal[96];
    snprintf(terminal, sizeof terminal,
             "set terminal svg size %d,%d noenhanced background '#ffffff'", width, height);
    return plot_with(path, terminal, script);
}
