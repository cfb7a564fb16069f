"""python -m shiplab.samplegen --out datasets"""

import argparse
import sys
import time
from pathlib import Path

from shiplab.samplegen import SEED, generate
from shiplab.samplegen.documents import SampleDataError


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m shiplab.samplegen",
                                 description="Regenerate the sample company (Nordlicht Versicherung AG) datasets.")
    ap.add_argument("--out", default="datasets", help="output folder (default: datasets)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED}; the committed data uses it)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    try:
        manifest = generate(Path(args.out), args.seed)
    except SampleDataError as exc:
        sys.exit(f"error: the generator broke one of its own rules: {exc}. Fix the template named above.")
    except OSError as exc:
        sys.exit(f"error: cannot write to {args.out!r} ({exc.strerror}); give a folder you can write to with --out.")
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} files, {total / 1e6:.2f} MB, to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
