"""``python -m shiplab.samplegen --out datasets``: regenerate the sample company's datasets.

A click command like every ``shiplab`` command, with the same exit codes (:class:`shiplab.errors.Exit`): a
generator rule broken or a folder it cannot write is a sentence and exit 2, never a traceback or a bare exit 1.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from shiplab.clitools import friendly
from shiplab.errors import ShiplabError
from shiplab.samplegen import SEED, generate
from shiplab.samplegen.docmodel import SampleDataError


@click.command(name="python -m shiplab.samplegen",
               help="Regenerate the sample company (Nordlicht Versicherung AG) datasets.")
@click.option("--out", default="datasets", show_default=True, help="output folder")
@click.option("--seed", type=int, default=SEED, show_default=True, help="random seed (the committed data uses it)")
@friendly
def main(out: str, seed: int) -> None:
    t0 = time.perf_counter()
    try:
        manifest = generate(Path(out), seed)
    except SampleDataError as exc:
        raise ShiplabError(f"the generator broke one of its own rules: {exc}.",
                           hint="fix the template named above.") from None
    except OSError as exc:
        raise ShiplabError(f"cannot write to {out!r} ({exc.strerror}).",
                           hint="give a folder you can write to with --out.") from None
    total = sum(f["bytes"] for f in manifest["files"].values())
    click.echo(f"wrote {len(manifest['files'])} files, {total / 1e6:.2f} MB, to {out} "
               f"in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
