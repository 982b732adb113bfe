"""Located problems found in a questionnaire file: errors refuse the file, warnings do not."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """One problem, with where it is: file, line, question id."""

    code: str
    message: str
    file: str = "<text>"
    line: int | None = None
    question: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        subject = f"question {self.question}: " if self.question else ""
        kind = "" if self.severity == "error" else "warning: "
        return f"{where}: {kind}{subject}{self.message} [{self.code}]"


@dataclass
class IssueLog:
    """Collects every issue of one file, so all are reported at once, not only the first."""

    file: str
    issues: list[Issue] = field(default_factory=list)

    def error(self, code: str, message: str, line=None, question=None) -> None:
        self.issues.append(Issue(code, message, self.file, line, question))

    def warn(self, code: str, message: str, line=None, question=None) -> None:
        self.issues.append(Issue(code, message, self.file, line, question, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


class QuestionnaireError(ValueError):
    """A questionnaire file with errors: it is refused whole, every error listed."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
