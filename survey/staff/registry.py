"""The staff registry: who the staff numbers (工号) in responses and call records are.

Kept from the bank's HR file (CSV or XLSX, re-imported as it changes: a known staff number is
updated, a new one added) or on the admin page. Every row is checked first; with any
problem nothing is stored unless the user asks for the valid rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import StaffMember, StaffRole, User
from ..sample.frame_import import ImportReport, Problem, check_rows, columns_of, read_rows

ALIASES = {
    "staff_number": {"staff_number", "staff_id", "staff", "工号", "工號", "员工号", "員工號"},
    "name": {"name", "姓名"},
    "role": {"role", "岗位", "崗位", "职位", "職位"},
    "branch": {"branch", "网点", "網點", "分行", "支行"},
    "team": {"team", "团队", "團隊", "班组", "班組"},
    "active_from": {"active_from", "from", "入职日期", "入職日期", "起始日期"},
    "active_to": {"active_to", "to", "离职日期", "離職日期", "截止日期"},
    "username": {"username", "user", "账号", "帳號", "登录名", "登入名稱"},
}
REQUIRED = ("staff_number", "name", "role")
ROLE_WORDS = {
    StaffRole.TELLER: {"teller", "柜员", "櫃員"},
    StaffRole.AGENT: {"agent", "坐席", "座席", "客服代表", "客戶服務代表"},
    StaffRole.LOBBY_MANAGER: {"lobby_manager", "lobby manager", "大堂经理", "大堂經理"},
    StaffRole.OPS_MANAGER: {
        "ops_manager",
        "operations manager",
        "运营主管",
        "營運主管",
        "运营经理",
        "營運經理",
    },
}
FIELDS = ("staff_number", "name", "role", "branch", "team", "active_from", "active_to", "user_id")


class RegistryError(ValueError):
    """A member's details that cannot be stored, naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class StaffFileError(ValueError):
    """The file itself cannot be read (format, encoding, a required column missing)."""


@dataclass(frozen=True)
class MemberDetails:
    staff_number: str
    name: str
    role: str
    branch: str | None = None
    team: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    user_id: int | None = None


def role_of(text: str) -> StaffRole | None:
    """A role from its English or Chinese name."""
    word = text.strip().lower()
    return next((role for role, words in ROLE_WORDS.items() if word in words), None)


def check_details(details: MemberDetails) -> MemberDetails:
    """The details as stored, or RegistryError naming the first field that is wrong."""
    number = details.staff_number.strip()
    if not number or len(number) > 32 or any(c.isspace() for c in number):
        raise RegistryError("staff_number", "A staff number is 1–32 characters without spaces.")
    if not details.name.strip() or len(details.name) > 120:
        raise RegistryError("name", "A name is 1–120 characters.")
    if details.role not in set(StaffRole):
        raise RegistryError("role", "Choose teller, agent, lobby manager or operations manager.")
    branch = (details.branch or "").strip() or None
    team = (details.team or "").strip() or None
    if details.role != StaffRole.AGENT and not branch:
        raise RegistryError("branch", "Tellers and branch managers belong to a branch.")
    if details.role == StaffRole.AGENT and not (team or branch):
        raise RegistryError("team", "A hotline agent belongs to a team.")
    if details.active_to and details.active_from and details.active_to < details.active_from:
        raise RegistryError("active_to", "The last day is before the first.")
    return MemberDetails(
        number,
        details.name.strip(),
        details.role,
        branch,
        team,
        details.active_from or date.today(),
        details.active_to,
        details.user_id,
    )


def save_member(session: Session, details: MemberDetails, member: StaffMember | None = None):
    """Add a member (or change one); the staff number and the sign-in account are each one
    member's."""
    details = check_details(details)
    other = session.scalar(
        select(StaffMember).where(StaffMember.staff_number == details.staff_number)
    )
    if other is not None and other is not member:
        raise RegistryError("staff_number", f"{details.staff_number} is already {other.name}.")
    if details.user_id is not None:
        linked = session.scalar(select(StaffMember).where(StaffMember.user_id == details.user_id))
        if linked is not None and linked is not member:
            raise RegistryError("user_id", f"That account is already {linked.name}'s.")
    member = member or StaffMember()
    for name in FIELDS:
        setattr(member, name, getattr(details, name))
    session.add(member)
    session.flush()
    return member


def known_numbers(session: Session) -> set[str] | None:
    """Every staff number in the registry; None while the registry is empty (a bank that
    keeps no registry has its staff numbers taken as written)."""
    numbers = set(session.scalars(select(StaffMember.staff_number)))
    return numbers or None


def _date(line: int, key: str, cells: dict, problems: list) -> date | None:
    value = cells.get(key, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        problems.append(Problem(line, key, value, "not a date like 2026-11-01"))
        return None


def _row(users: dict, links: dict, line: int, cells: dict, problems: list) -> dict | None:
    """One member's details from a row; ``links`` (account → staff number, stored and read
    so far) keeps each account one member's."""
    before = len(problems)
    role = role_of(cells.get("role", ""))
    if role is None:
        problems.append(
            Problem(
                line,
                "role",
                cells.get("role", ""),
                "use teller, agent, lobby_manager or ops_manager",
            )
        )
    username = cells.get("username", "").strip()
    user_id = users.get(username) if username else None
    number = cells.get("staff_number", "").strip()
    if username and user_id is None:
        problems.append(Problem(line, "username", username, "no account has this user name"))
    elif user_id is not None and links.setdefault(user_id, number) != number:
        problems.append(
            Problem(line, "username", username, f"this account is already {links[user_id]}'s")
        )
    details = MemberDetails(
        cells.get("staff_number", ""),
        cells.get("name", ""),
        role or "",
        cells.get("branch"),
        cells.get("team"),
        _date(line, "active_from", cells, problems),
        _date(line, "active_to", cells, problems),
        user_id,
    )
    if len(problems) > before:
        return None
    try:
        return vars(check_details(details))
    except RegistryError as error:
        problems.append(Problem(line, error.field, cells.get(error.field, ""), str(error)))
        return None


def import_staff(
    session: Session, raw: bytes, name: str, accept_valid: bool = False
) -> ImportReport:
    """Check every row; add new staff numbers and update known ones — all rows, or
    (``accept_valid``) only the valid ones."""
    header, rows = read_rows(raw, name)
    mapping = columns_of(header, ALIASES, REQUIRED, name, StaffFileError)
    users = dict(session.execute(select(User.username, User.id)).all())
    links = dict(
        session.execute(
            select(StaffMember.user_id, StaffMember.staff_number).where(
                StaffMember.user_id.is_not(None)
            )
        ).all()
    )
    report, records = check_rows(
        header,
        rows,
        mapping,
        "staff_number",
        lambda line, cells, problems: _row(users, links, line, cells, problems),
        set(),
        "",
    )
    if report.problems and not accept_valid:
        return report
    members = {
        m.staff_number: m
        for m in session.scalars(
            select(StaffMember).where(
                StaffMember.staff_number.in_([r["staff_number"] for r in records])
            )
        )
    }
    for record in records:
        save_member(session, MemberDetails(**record), members.get(record["staff_number"]))
    report.imported = len(records)
    return report


def check_known(session: Session, number: str | None) -> None:
    """RegistryError when a kept registry does not have this staff number (a link or card
    for a teller the league could not rank)."""
    known = known_numbers(session)
    if number and known is not None and number not in known:
        raise RegistryError(
            "staff",
            f"The staff number {number!r} is not in the staff registry; add it there first.",
        )
