/* The neon target: NEON (aarch64); SIMDe maps the 128-bit vocabulary onto NEON. Only this file is compiled with its flags. */
#define BK_VBITS 128
#define BK_TABLE_NAME bk_table_neon
#include "simd_body.h"
