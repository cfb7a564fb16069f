"""python -m shiplab.samplegen --out datasets"""

import argparse
import time
from pathlib import Path

from shiplab.samplegen import SEED, generate


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m shiplab.samplegen", description="Regenerate the sample company.")
    ap.add_argument("--out", default="datasets", help="output folder (default: datasets)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED})")
    args = ap.parse_args()
    t0 = time.perf_counter()
    manifest = generate(Path(args.out), args.seed)
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} files, {total / 1e6:.2f} MB, to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
