#!/usr/bin/env python3
"""bufkern's benchmark: the entry point tools/bench.sh runs. Everything is in
bench/bufkern_bench/ (python3 -m bufkern_bench from bench/ is the same);
--help lists the options."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bufkern_bench.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
