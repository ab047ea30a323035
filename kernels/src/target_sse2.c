/* The sse2 target: SSE2 (the x86-64 baseline). Only this file is compiled with its flags. */
#define BK_VBITS 128
#define BK_TABLE_NAME bk_table_sse2
#include "simd_body.h"
