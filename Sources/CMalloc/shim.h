#ifndef NOABER_CMALLOC_SHIM_H
#define NOABER_CMALLOC_SHIM_H
// glibc's mallopt and M_ARENA_MAX, which Swift's Glibc module does not bring in.
#include <malloc.h>
#endif
