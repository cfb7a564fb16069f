"""Paths shared by the data tests: the committed fixtures, and the sample datasets (which may be absent)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATASETS = Path(__file__).resolve().parents[2] / "datasets"


def dataset(*parts: str) -> Path:
    """A file of the generated sample datasets, or a skip that says why."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path.relative_to(DATASETS.parent)} is not there yet (generate it: "
                    "python -m shiplab.samplegen --out datasets)")
    return path


def comparable(items):
    """Items as plain dicts, for equality checks that show a readable diff."""
    return [it.to_dict() for it in items]
