// glibc's malloc tuning (mallopt, malloc_trim), which the static Swift SDK's Glibc module does not expose.
#include <malloc.h>
