/* plateau command-line program (temporary entry point; subcommands follow). */
#include <stdio.h>
#include <string.h>

#include "plateau.h"

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("plateau %s\n", PL_VERSION_STRING);
        return 0;
    }
    fprintf(stderr, "usage: plateau COMMAND [OPTIONS]\n");
    return 2;
}
