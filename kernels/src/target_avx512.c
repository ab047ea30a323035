/* The avx512 target: AVX-512 F+BW+DQ+VL. Only this file is compiled with its flags. */
#define BK_VBITS 512
#define BK_TABLE_NAME bk_table_avx512
#include "simd_body.h"
