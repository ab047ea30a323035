/*
 * ops_doc.h - the help of every op of BK_OPS, for the module functions and
 * the view methods: BKPY_DOC_<op> (a missing one does not compile) and the
 * text signature of its form.
 */
#ifndef BKPY_OPS_DOC_H
#define BKPY_OPS_DOC_H

/* One line of help per op, by its C name (a missing one does not compile). */
#define BKPY_DOC_sum                                                           \
    "Sum of all elements: an int for integer dtypes (int64 or uint64 with wraparound), a "   \
    "float for f32/f64 (pairwise accuracy), a complex for c64/c128; 0, 0.0 or 0j when empty."
#define BKPY_DOC_min                                                           \
    "The smallest element (NaN if any element is NaN; -0.0 before 0.0). ValueError when "    \
    "empty; TypeError for complex dtypes."
#define BKPY_DOC_max                                                           \
    "The largest element (NaN if any element is NaN; 0.0 after -0.0). ValueError when "      \
    "empty; TypeError for complex dtypes."
#define BKPY_DOC_dot                                                           \
    "sum(a[i] * b[i]), no conjugation. Integers: products and sum in int64 / uint64, "       \
    "wrapping (exact modulo 2**64); floats: pairwise accuracy; complex: a complex."
#define BKPY_DOC_fill "a[i] = v for every element, v by the scalar rules of a's dtype."
#define BKPY_DOC_scale "a[i] * k (k by the scalar rules of a's dtype)."
#define BKPY_DOC_add "a[i] + b[i]; integers wrap."
#define BKPY_DOC_sub "a[i] - b[i]; integers wrap."
#define BKPY_DOC_mul "a[i] * b[i]; integers wrap; complex (ac - bd) + (ad + bc)i."
#define BKPY_DOC_div                                                           \
    "a[i] / b[i], floats and complex only (TypeError for integers). x/0 is inf, 0/0 NaN, "    \
    "without warnings; complex by Smith's scaled method."
#define BKPY_DOC_conj "conj(a[i]): imaginary parts negated exactly; real dtypes unchanged."
#define BKPY_DOC_abs                                                           \
    "|a[i]|: integers as NumPy (the most negative value wraps to itself), floats without "    \
    "the sign bit, complex the magnitude into a real out= (f32 for c64, f64 for c128)."

/* The signatures, by form, for __text_signature__. */
#define BKPY_SIG_reduce "(a, /)"
#define BKPY_SIG_extreme "(a, /)"
#define BKPY_SIG_dot "(a, b, /)"
#define BKPY_SIG_fill "(a, v, /)"
#define BKPY_SIG_scalar "(a, k, /, *, out=None)"
#define BKPY_SIG_binary "(a, b, /, *, out=None)"
#define BKPY_SIG_unary "(a, /, *, out=None)"
#define BKPY_SIG_magnitude "(a, /, *, out=None)"

/* The same for view methods: the view is a. */
#define BKPY_VSIG_reduce "($self, /)"
#define BKPY_VSIG_extreme "($self, /)"
#define BKPY_VSIG_dot "($self, b, /)"
#define BKPY_VSIG_fill "($self, v, /)"
#define BKPY_VSIG_scalar "($self, k, /, *, out=None)"
#define BKPY_VSIG_binary "($self, b, /, *, out=None)"
#define BKPY_VSIG_unary "($self, /, *, out=None)"
#define BKPY_VSIG_magnitude "($self, /, *, out=None)"

#define BKPY_OP_DOC(op, pyname, form) #pyname BKPY_SIG_##form "\n--\n\n" BKPY_DOC_##op
#define BKPY_VIEW_DOC(op, pyname, form) #pyname BKPY_VSIG_##form "\n--\n\n" BKPY_DOC_##op

#endif
