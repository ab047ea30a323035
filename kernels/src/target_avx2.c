/* The avx2 target: AVX2 + FMA. Only this file is compiled with its flags. */
#define BK_VBITS 256
#define BK_TABLE_NAME bk_table_avx2
#include "simd_body.h"
