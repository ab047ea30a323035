"""bufkern's benchmark: every kernel of the op table against NumPy, against
the machine's bandwidth for its access pattern, across SIMD targets, against
VOLK and SimSIMD, on one thread and on all cores, judged against the SPEC's
performance goals.

    python3 bench/run.py --quick        # or: cd bench && python3 -m bufkern_bench

Layout: config (what is measured), machine (the environment block, other
processes' load), patterns (the bytes each access pattern moves: the one
place they are counted), values (operands and the calls on both sides),
timing (the one timing method), driver (the C driver, bkbench), stages/ (one
module per stage), goals (the SPEC's goals as a table of data), report/
(Markdown, JSON, plots).
"""
