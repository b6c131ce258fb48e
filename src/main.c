/* main: placeholder entry point while the CLI is written. */
#include <stdio.h>
int main(void)
{
    puts("logdeck");
    return 0;
}
