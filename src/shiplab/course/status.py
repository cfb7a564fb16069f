"""Where each lab of a course stands: built, released, how many submitted, graded and sent feedback, mean score.

Read from nbgrader's own folders and gradebook only, so it is right whoever ran the steps (this CLI or the
formgrader's buttons).
"""

from __future__ import annotations

from dataclasses import dataclass

from shiplab.course import paths
from shiplab.course.build import Course
from shiplab.course.exchange import exchange_problems


@dataclass(frozen=True)
class LabStatus:
    lab: str
    built: bool
    released: bool
    submitted: int
    graded: int
    feedback: int
    mean_score: float | None
    max_score: float | None

    def row(self) -> list[str]:
        score = "-" if self.mean_score is None else f"{self.mean_score:.1f} / {self.max_score:g}"
        return [self.lab, _yes(self.built), _yes(self.released), str(self.submitted), str(self.graded),
                str(self.feedback), score]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def lab_status(course: Course, lab: str) -> LabStatus:
    def count(folder: str) -> int:
        return sum(1 for p in (course.dir / folder).glob(f"*/{lab}") if p.is_dir())

    scores = course.scores(lab)
    mean = sum(s for s, _ in scores.values()) / len(scores) if scores else None
    return LabStatus(lab=lab, built=(course.dir / "release" / lab).is_dir(),
                     released=(course.exchange / course.id / "outbound" / lab).is_dir(),
                     submitted=count("submitted"), graded=count("autograded"), feedback=count("feedback"),
                     mean_score=mean, max_score=max((m for _, m in scores.values()), default=None))


def course_status(course: Course) -> tuple[list[LabStatus], list[str]]:
    """A status per lab (labs in the repository and labs only in the course folder), and exchange problems."""
    labs = sorted(set(paths.lab_ids(course.labs_dir)) |
                  {p.name for p in (course.dir / "source").glob("*") if p.is_dir()})
    return [lab_status(course, lab) for lab in labs], exchange_problems(course.state, course.id)
