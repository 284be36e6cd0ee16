/* quire — command line entry point. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--version")) {
        printf("quire 0.1.0\n");
        return 0;
    }
    fprintf(stderr, "usage: quire [--db FILE] COMMAND ...\n");
    return 2;
}
