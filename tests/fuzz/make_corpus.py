#!/usr/bin/env python3
"""Writes the seed corpus of the C fuzz harness (tests/fuzz/corpus/).

One small input per op x dtype, each in a different length class, start
offset, b placement and value mode, plus error-path inputs. The layout is the
one documented at the top of fuzz_kernels.c. Deterministic: running it again
gives the same files.
"""
import hashlib
import pathlib
import random
import shutil

OPS = ["sum", "scale", "mul", "add", "fill"]
DTYPES = ["f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "c64", "c128"]


def seed(op, dt, length_class, nbits, a_off, placement, b_byte, mode, mask, rng):
    h = bytearray(26)
    h[0] = op
    h[1] = dt
    h[2] = nbits & 0xFF
    h[3] = (nbits >> 8) & 0xFF
    h[4] = length_class
    h[5] = a_off
    h[6] = placement
    h[7] = b_byte & 0xFF
    h[8] = mode
    h[9] = mask
    h[10:26] = bytes(rng.randrange(256) for _ in range(16))
    return bytes(h) + bytes(rng.randrange(256) for _ in range(rng.choice([0, 16, 64, 160])))


def main():
    out = pathlib.Path(__file__).resolve().parent / "corpus"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    rng = random.Random(20240601)
    seeds = []
    i = 0
    for op in range(len(OPS)):
        for dt in range(len(DTYPES)):
            length_class = i % 4
            nbits = [37, 300 + i, 2500 + 7 * i, 9000 + 11 * i][length_class]
            placement = (i // 2) % 4 if OPS[op] in ("mul", "add") else 0
            b_byte = [5, 0, -3, 7][placement] if placement else i * 3
            seeds.append(seed(op, dt, length_class, nbits, i % 64, placement, b_byte, i % 4, 0, rng))
            i += 1
    for k in range(6):  # error paths
        seeds.append(bytes([5, 0, 0, 0, 0, 0, 0, 0, 0, 0]) + bytes([k, k * 2 + 1, 7 * k]))
    for data in seeds:
        name = hashlib.sha1(data).hexdigest()
        (out / name).write_bytes(data)
    print(f"{len(seeds)} seeds, {sum(map(len, seeds))} bytes in {out}")


if __name__ == "__main__":
    main()
