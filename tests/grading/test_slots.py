"""Do two sandboxes with different work roots (a second hub, a test beside a running hub) keep off each other's
accounts? A slot's start kills every process of its account, so sharing one at once would kill the other's run."""

from __future__ import annotations

import os

from conftest import needs_root

from shiplab.grading import sandbox
from shiplab.grading.sandbox import Sandbox


@needs_root
def test_an_account_held_by_one_work_root_is_not_taken_by_another(tmp_path):
    first = Sandbox(slots=2, work_root=tmp_path / "one", prestart_kernel=False)
    second = Sandbox(slots=2, work_root=tmp_path / "two", prestart_kernel=False)
    with first._slot() as (account, judge):
        with second._slot() as (other, other_judge):
            assert (account.name, judge.name) == ("shiplab-sandbox-0", "shiplab-judge-0")
            assert (other.name, other_judge.name) == ("shiplab-sandbox-1", "shiplab-judge-1")


@needs_root
def test_the_slot_locks_live_in_a_folder_only_root_can_write(tmp_path):
    with Sandbox(slots=1, work_root=tmp_path / "one", prestart_kernel=False)._slot():
        st = os.lstat(sandbox.SLOT_LOCKS)
        assert (st.st_uid, st.st_mode & 0o777) == (0, 0o700)
