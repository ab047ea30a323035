/*
 * ops/all.h - every op's file. Ops built on another come after it (scale and
 * dot on mul, dot on sum). Included twice by each
 * SIMD target: once through scalar_ops.h for the element functions and scalar
 * loops, once with BK_VECTOR_PASS defined (after vec.h) for the vector
 * kernels. No include guard: each op file guards its two parts itself.
 */
#include "add.h"
#include "sub.h"
#include "mul.h"
#include "scale.h"
#include "div.h"
#include "conj.h"
#include "abs.h"
#include "fill.h"
#include "sum.h"
#include "minmax.h"
#include "dot.h"
