/*
 * The output routine (include/plateau/io.h, "Output files"): every case of
 * what an output path can name, with files made inside a fresh temporary
 * folder: a new path, a regular file replaced, a symbolic link kept while its
 * target is written (also a dangling one and a relative chain), a FIFO and the
 * standard output written through, a directory, a socket and a device refused
 * before anything is created, empty output refused, the real cause of a write
 * error, and the target untouched on every failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/h5.h"
#include "plateau/errors.h"
#include "plateau/io.h"

static const char TEXT[] = "OPENQASM 2.0;\nqreg q[1];\n";

/* ------------------------------------------------------------------------ */
/* Helpers: the temporary folder, files, listings                           */
/* ------------------------------------------------------------------------ */

static char dir[64];

static int make_dir(void **state) {
    (void)state;
    strcpy(dir, "/tmp/plateau-test-io-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

/* Remove @p path and, for a folder, everything in it. */
static void remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int remove_dir(void **state) {
    (void)state;
    remove_tree(dir);
    return 0;
}

/* DIR/NAME in a static buffer (one of four, so a call can hold a few). */
static const char *at(const char *name) {
    static char buf[4][512];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

/* Entries of folder @p path other than . and .. */
static int count_entries(const char *path) {
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The whole file, malloc'd (caller frees). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) test_fail("cannot read '%s': %s", path, strerror(errno));
    char *s = calloc(1 << 16, 1);
    assert_non_null(s);
    const size_t n = fread(s, 1, (1 << 16) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void expect_contents(const char *path, const char *want) {
    char *got = slurp(path);
    if (strcmp(got, want) != 0) test_fail("'%s' holds %s, expected %s", path, got, want);
    free(got);
}

static void expect_link(const char *path, const char *to) {
    char buf[512];
    const ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) test_fail("'%s' is no longer a symbolic link", path);
    buf[n] = '\0';
    assert_string_equal(buf, to);
}

static void expect_refused(pl_status_t st, pl_status_t want, const char *needle) {
    assert_int_equal(st, want);
    test_expect_contains(pl_error_message(), needle);
}

/* Start a child that copies FIFO @p fifo into the file @p sink; its pid. */
static pid_t start_reader(const char *fifo, const char *sink) {
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const int in = open(fifo, O_RDONLY);
        const int out = open(sink, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char buf[4096];
        ssize_t n;
        while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n) _exit(2);
        _exit(in >= 0 && out >= 0 && close(out) == 0 ? 0 : 1);
    }
    return pid;
}

static void wait_ok(pid_t pid) {
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ------------------------------------------------------------------------ */
/* Regular files and new paths: temporary file, then rename                  */
/* ------------------------------------------------------------------------ */

static void test_new_path(void **state) {
    (void)state;
    assert_int_equal(pl_io_write_text_atomic(at("new.qasm"), TEXT), PL_OK);
    expect_contents(at("new.qasm"), TEXT);
    struct stat st;
    assert_int_equal(stat(at("new.qasm"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(count_entries(dir), 1); /* no temporary file left */
}

static void test_regular_file_replaced(void **state) {
    (void)state;
    put(at("old.txt"), "old contents that are longer than the new ones\n");
    struct stat before, after;
    assert_int_equal(stat(at("old.txt"), &before), 0);
    assert_int_equal(pl_io_write_text_atomic(at("old.txt"), TEXT), PL_OK);
    expect_contents(at("old.txt"), TEXT);
    assert_int_equal(stat(at("old.txt"), &after), 0);
    assert_true(S_ISREG(after.st_mode));
    assert_true(before.st_ino != after.st_ino); /* renamed over, not rewritten in place */
    assert_int_equal(count_entries(dir), 1);
}

/* The handle directly: the descriptor, the temporary name beside the target. */
static void test_handle_temp_beside_target(void **state) {
    (void)state;
    pl_io_out_t *o;
    assert_int_equal(pl_io_out_begin(at("h.txt"), &o), PL_OK);
    const char *tmp = pl_io_out_temp_path(o);
    assert_true(strncmp(tmp, at("h.txt.tmp."), strlen(at("h.txt.tmp."))) == 0);
    assert_int_equal(access(at("h.txt"), F_OK), -1); /* nothing at the target yet */
    assert_int_equal(write(pl_io_out_fd(o), "abc", 3), 3);
    assert_int_equal(pl_io_out_commit(o), PL_OK);
    expect_contents(at("h.txt"), "abc");
    assert_int_equal(count_entries(dir), 1);
}

static void test_abort_leaves_target(void **state) {
    (void)state;
    put(at("keep.txt"), "keep\n");
    pl_io_out_t *o;
    assert_int_equal(pl_io_out_begin(at("keep.txt"), &o), PL_OK);
    assert_int_equal(write(pl_io_out_fd(o), "new", 3), 3);
    pl_io_out_abort(o);
    pl_io_out_abort(NULL); /* allowed */
    expect_contents(at("keep.txt"), "keep\n");
    assert_int_equal(count_entries(dir), 1);
}

/* ------------------------------------------------------------------------ */
/* Symbolic links: followed, the link stays a link                          */
/* ------------------------------------------------------------------------ */

static void test_symlink_kept_target_written(void **state) {
    (void)state;
    put(at("real.txt"), "old\n");
    assert_int_equal(symlink("real.txt", at("link.txt")), 0);
    assert_int_equal(pl_io_write_text_atomic(at("link.txt"), TEXT), PL_OK);
    expect_link(at("link.txt"), "real.txt");
    expect_contents(at("real.txt"), TEXT);
    assert_int_equal(count_entries(dir), 2);
}

static void test_dangling_symlink_creates_target(void **state) {
    (void)state;
    assert_int_equal(symlink("missing.txt", at("dangling")), 0);
    assert_int_equal(pl_io_write_text_atomic(at("dangling"), TEXT), PL_OK);
    expect_link(at("dangling"), "missing.txt");
    expect_contents(at("missing.txt"), TEXT);
    assert_int_equal(count_entries(dir), 2);
}

/* A relative chain across folders: each link is read relative to its own folder,
 * and the temporary file is made beside the final target (not beside the link). */
static void test_symlink_chain_across_folders(void **state) {
    (void)state;
    assert_int_equal(mkdir(at("a"), 0755), 0);
    assert_int_equal(mkdir(at("b"), 0755), 0);
    put(at("b/final.h5"), "old\n");
    assert_int_equal(symlink("../b/final.h5", at("a/mid")), 0);
    assert_int_equal(symlink("a/mid", at("top")), 0);
    assert_int_equal(pl_io_write_text_atomic(at("top"), TEXT), PL_OK);
    expect_link(at("top"), "a/mid");
    expect_link(at("a/mid"), "../b/final.h5");
    expect_contents(at("b/final.h5"), TEXT);
    assert_int_equal(count_entries(at("a")), 1);
    assert_int_equal(count_entries(at("b")), 1);
}

static void test_symlink_to_directory_and_loop_refused(void **state) {
    (void)state;
    assert_int_equal(mkdir(at("sub"), 0755), 0);
    assert_int_equal(symlink("sub", at("to-dir")), 0);
    expect_refused(pl_io_write_text_atomic(at("to-dir"), TEXT), PL_EINVAL, "is a directory");
    assert_int_equal(symlink("loop2", at("loop1")), 0);
    assert_int_equal(symlink("loop1", at("loop2")), 0);
    expect_refused(pl_io_write_text_atomic(at("loop1"), TEXT), PL_EINVAL,
                   "too many levels of symbolic links");
    assert_int_equal(count_entries(at("sub")), 0);
    assert_int_equal(count_entries(dir), 4);
}

/* ------------------------------------------------------------------------ */
/* Streams: FIFO, "-" and /dev/stdout written through                        */
/* ------------------------------------------------------------------------ */

static void test_fifo_written_through(void **state) {
    (void)state;
    assert_int_equal(mkfifo(at("fifo"), 0644), 0);
    const pid_t pid = start_reader(at("fifo"), at("sink"));
    assert_int_equal(pl_io_write_text_atomic(at("fifo"), TEXT), PL_OK);
    wait_ok(pid);
    expect_contents(at("sink"), TEXT);
    struct stat st;
    assert_int_equal(lstat(at("fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode)); /* still the FIFO */
    assert_int_equal(count_entries(dir), 2);
}

/* HDF5 needs a seekable file: it is written in full, then its bytes go into the FIFO. */
static pl_status_t fill_attr(hid_t file, void *ctx, const char *path) {
    (void)ctx;
    return io_h5_provenance(file, path, "plateau test", 7);
}

static void test_fifo_hdf5_copied(void **state) {
    (void)state;
    assert_int_equal(mkfifo(at("h5fifo"), 0644), 0);
    const pid_t pid = start_reader(at("h5fifo"), at("copy.h5"));
    assert_int_equal(io_h5_write_atomic(at("h5fifo"), fill_attr, NULL), PL_OK);
    wait_ok(pid);
    hid_t f;
    assert_int_equal(io_h5_open(at("copy.h5"), &f), PL_OK); /* a complete HDF5 file */
    uint64_t seed = 0;
    assert_int_equal(io_h5_attr_read(f, "seed", H5T_NATIVE_UINT64, &seed, "copy.h5"), PL_OK);
    assert_int_equal(seed, 7);
    H5Fclose(f);
    assert_int_equal(count_entries(dir), 2);
}

/* "-" and /dev/stdout: descriptor 1, whatever it is (here a file). */
static void test_stdout_written_through(void **state) {
    (void)state;
    const char *names[] = {"-", "/dev/stdout"};
    for (int i = 0; i < 2; i++) {
        fflush(stdout);
        const int saved = dup(STDOUT_FILENO);
        const int fd = open(at("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        assert_true(saved >= 0 && fd >= 0);
        assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
        close(fd);
        const pl_status_t st = pl_io_write_text_atomic(names[i], TEXT);
        fflush(stdout);
        assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
        close(saved);
        assert_int_equal(st, PL_OK);
        expect_contents(at("stdout.txt"), TEXT);
    }
    assert_int_equal(count_entries(dir), 1);
}

/* ------------------------------------------------------------------------ */
/* Refused before anything is created or opened                             */
/* ------------------------------------------------------------------------ */

static void test_directory_refused(void **state) {
    (void)state;
    assert_int_equal(mkdir(at("out.h5"), 0755), 0);
    pl_io_out_t *o = (pl_io_out_t *)&o; /* overwritten with NULL */
    char want[600];
    snprintf(want, sizeof want, "'%s' is a directory", at("out.h5"));
    expect_refused(pl_io_out_begin(at("out.h5"), &o), PL_EINVAL, want);
    assert_null(o);
    expect_refused(pl_io_out_check(at("out.h5")), PL_EINVAL, want);
    expect_refused(io_h5_write_atomic(at("out.h5"), fill_attr, NULL), PL_EINVAL, want);
    assert_int_equal(count_entries(at("out.h5")), 0);
    assert_int_equal(count_entries(dir), 1);
}

/* A socket stands for the special files that are neither FIFOs nor regular. */
static void test_socket_refused(void **state) {
    (void)state;
    const int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", at("sock"));
    assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
    char want[600];
    snprintf(want, sizeof want, "'%s' is a socket; refusing to replace it", at("sock"));
    expect_refused(pl_io_write_text_atomic(at("sock"), TEXT), PL_EINVAL, want);
    assert_int_equal(symlink("sock", at("to-sock")), 0); /* through a link too */
    expect_refused(pl_io_write_text_atomic(at("to-sock"), TEXT), PL_EINVAL, "is a socket");
    close(s);
    struct stat st;
    assert_int_equal(lstat(at("sock"), &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(count_entries(dir), 2); /* no temporary file was made */
}

/* A device is refused by a stat check alone: pl_io_out_check opens nothing. */
static void test_device_refused_by_check(void **state) {
    (void)state;
    expect_refused(pl_io_out_check("/dev/null"), PL_EINVAL,
                   "'/dev/null' is a device; refusing to replace it");
    expect_refused(pl_io_out_check(""), PL_EINVAL, "empty output file name");
}

/* ------------------------------------------------------------------------ */
/* Failures: empty output, missing folder, the real cause of a write error  */
/* ------------------------------------------------------------------------ */

static void test_empty_output_refused(void **state) {
    (void)state;
    put(at("target.png"), "old image\n");
    pl_io_out_t *o;
    assert_int_equal(pl_io_out_begin(at("target.png"), &o), PL_OK);
    char want[600];
    snprintf(want, sizeof want, "cannot write '%s': the output is empty", at("target.png"));
    expect_refused(pl_io_out_commit(o), PL_EIO, want); /* e.g. gnuplot wrote nothing */
    expect_refused(pl_io_write_text_atomic(at("target.png"), ""), PL_EIO, "the output is empty");
    expect_contents(at("target.png"), "old image\n");
    assert_int_equal(count_entries(dir), 1);
}

static void test_missing_folder(void **state) {
    (void)state;
    char want[600];
    snprintf(want, sizeof want, "'%s'", at("nowhere/x.txt"));
    expect_refused(pl_io_write_text_atomic(at("nowhere/x.txt"), TEXT), PL_EIO, want);
    test_expect_contains(pl_error_message(), strerror(ENOENT));
    assert_int_equal(count_entries(dir), 0);
}

/* A write that fails part-way (here the file-size limit: "File too large", as
 * a full disk gives "No space left on device") names the file and the cause,
 * removes the temporary file and leaves the target alone. In a child, so the
 * limit does not reach the other tests. */
static void test_write_error_names_cause(void **state) {
    (void)state;
    put(at("big.txt"), "old\n");
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        const struct rlimit lim = {.rlim_cur = 4096, .rlim_max = 4096};
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(3);
        char *text = malloc(100000);
        if (!text) _exit(4);
        memset(text, 'x', 99999);
        text[99999] = '\0';
        const pl_status_t st = pl_io_write_text_atomic(at("big.txt"), text);
        char want[600];
        snprintf(want, sizeof want, "cannot write '%s': %s", at("big.txt"), strerror(EFBIG));
        if (st != PL_EIO || !strstr(pl_error_message(), want)) {
            fprintf(stderr, "got %d: %s\n", st, pl_error_message());
            _exit(1);
        }
        _exit(0);
    }
    wait_ok(pid);
    expect_contents(at("big.txt"), "old\n");
    assert_int_equal(count_entries(dir), 1);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        T(test_new_path),
        T(test_regular_file_replaced),
        T(test_handle_temp_beside_target),
        T(test_abort_leaves_target),
        T(test_symlink_kept_target_written),
        T(test_dangling_symlink_creates_target),
        T(test_symlink_chain_across_folders),
        T(test_symlink_to_directory_and_loop_refused),
        T(test_fifo_written_through),
        T(test_fifo_hdf5_copied),
        T(test_stdout_written_through),
        T(test_directory_refused),
        T(test_socket_refused),
        T(test_device_refused_by_check),
        T(test_empty_output_refused),
        T(test_missing_folder),
        T(test_write_error_names_cause),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
