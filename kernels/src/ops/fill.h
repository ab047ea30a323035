/* fill: a[i] = v. */
#ifndef BK_OPS_FILL_H
#define BK_OPS_FILL_H
#define BK_X_S_FILL(name, ENUM, T, S, kind, R, RENUM)                          \
    static inline void bk_s_fill_##name(void *a, size_t n, T v) {              \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, v);                                             \
    }
BK_DTYPES(BK_X_S_FILL)
#undef BK_X_S_FILL
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_FILL_V)
#define BK_OPS_FILL_V
#define BK_X_V_FILL(name, ENUM, T, S, kind, R, RENUM)                          \
    BK_DEF_FILL(fill_##name, T, sizeof(T), bk_s_fill_##name)
BK_DTYPES(BK_X_V_FILL)
#undef BK_X_V_FILL
#endif
