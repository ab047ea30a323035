#!/usr/bin/env python3
"""Writes the seed corpus of the C fuzz harness (tests/fuzz/corpus/).

One small input per op x dtype of the op table in bufkern.h (read from the
header, as the harness reads it through BK_OPS), each in a different length
class, start offset, placement of b and out, entry point and value mode, plus
error-path inputs. The layout is the one documented at the top of
fuzz_kernels.c. Deterministic: running it again gives the same files. Run it
again when the op table changes: the op byte indexes BK_OPS.
"""
import hashlib
import pathlib
import random
import re
import shutil

HERE = pathlib.Path(__file__).resolve().parent
HEADER = HERE.parent.parent / "kernels" / "include" / "bufkern.h"
SETS = {"all": {"float", "sint", "uint", "cplx"}, "real": {"float", "sint", "uint"},
        "inexact": {"float", "cplx"}}
ERROR_PATHS = 0xF0


def tables():
    """The op rows (op, form, set) and the dtype kinds, in table order."""
    text = HEADER.read_text()
    ops_block = re.search(r"#define BK_OPS_ARGS_\(X, \.\.\.\)([^#]*)", text).group(1)
    ops = re.findall(r"X\(__VA_ARGS__, (\w+), \w+, (\w+), (\w+)\)", ops_block)
    dt_block = re.search(r"#define BK_DTYPES_ARGS_\(X, \.\.\.\)([^#]*)", text).group(1)
    rows = re.findall(r"X\(__VA_ARGS__, ([^)]*)\)", dt_block)
    kinds = [[field.strip() for field in row.split(",")][4] for row in rows]
    if not ops or not kinds:
        raise SystemExit(f"no op or dtype table found in {HEADER}")
    return ops, kinds


def seed(op, dt, length_class, nbits, a_off, b_place, o_place, generic, b_byte, mode, o_byte, rng):
    h = bytearray(27)
    h[0] = op
    h[1] = dt
    h[2] = nbits & 0xFF
    h[3] = (nbits >> 8) & 0xFF
    h[4] = length_class
    h[5] = a_off
    h[6] = b_place | o_place << 2 | generic << 5
    h[7] = b_byte & 0xFF
    h[8] = mode
    h[9] = 0
    h[10:26] = bytes(rng.randrange(256) for _ in range(16))
    h[26] = o_byte & 0xFF
    return bytes(h) + bytes(rng.randrange(256) for _ in range(rng.choice([0, 16, 64, 160])))


def main():
    ops, kinds = tables()
    out = HERE / "corpus"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    rng = random.Random(20240601)
    seeds = []
    i = 0
    for op, (name, form, dset) in enumerate(ops):
        takes = [k for k in kinds if k in SETS[dset]]
        for dt in range(len(takes)):
            length_class = i % 4
            nbits = [37, 300 + i, 2500 + 7 * i, 9000 + 11 * i][length_class]
            b_place = (i // 2) % 4 if form in ("binary", "dot") else 0
            b_byte = [5, 0, -3, 7][b_place] if b_place else i * 3
            o_place = (i // 3) % 6 if form in ("scalar", "binary", "unary", "magnitude") else 0
            o_byte = [0, 9, -5, 2, 3, 1][o_place]
            seeds.append(seed(op, dt, length_class, nbits, i % 64, b_place, o_place, (i // 5) % 2,
                              b_byte, i % 4, o_byte, rng))
            i += 1
    for k in range(6):  # error paths
        seeds.append(bytes([ERROR_PATHS + k] + [0] * 9 + [k, k * 2 + 1, 7 * k]))
    for data in seeds:
        name = hashlib.sha1(data).hexdigest()
        (out / name).write_bytes(data)
    print(f"{len(seeds)} seeds, {sum(map(len, seeds))} bytes in {out}")


if __name__ == "__main__":
    main()
