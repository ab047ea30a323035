/* The scalar target: portable C, compiled without auto-vectorisation so that
 * it is the honest baseline the SIMD targets are measured against. */
#include "scalar_ops.h"
#include "table.h"

const bk_kernel_table bk_table_scalar = {BK_OPS_DTYPES(BK_TABLE_ENTRY_SCALAR)};
