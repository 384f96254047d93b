"""SLA clocks across weekends and holidays, against hand-worked cases on the 2026 calendar (国务院办公厅's notice of
2025-11-04, loaded by the data migration): counting starts the working day after acceptance; the request is due at
the end of the Nth working day; hour limits run around the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yuanqu.support import calendar
from yuanqu.support.models import CalendarDay, ResponseRule

pytestmark = pytest.mark.django_db


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def rule(code: str) -> ResponseRule:
    return ResponseRule.objects.get(code=code)


def test_it_loads_the_2026_notice_with_its_source():
    assert CalendarDay.objects.filter(day__year=2026, kind="holiday").count() == 33  # 3+9+3+5+3+3+7
    assert set(CalendarDay.objects.filter(day__year=2026, kind="workday").values_list("day", flat=True)) == {
        d("2026-01-04"), d("2026-02-14"), d("2026-02-28"), d("2026-05-09"), d("2026-09-20"), d("2026-10-10")}
    assert all("2026年部分节假日安排" in s for s in CalendarDay.objects.values_list("source", flat=True))


@pytest.mark.parametrize(("accepted", "n", "due"), [
    # An ordinary week: Friday + 7 → Mon, Tue, Wed, Thu, Fri, Mon, Tue.
    ("2026-12-04", 7, "2026-12-15"),
    # Spring festival: Fri 13 Feb; Sat 14 is worked (1), 15–23 off, Tue 24 (2) … Fri 27 (5), Sat 28 worked (6),
    # Sun 1 Mar off, Mon 2 Mar (7).
    ("2026-02-13", 7, "2026-03-02"),
    # National day: Wed 30 Sep; 1–7 Oct off, Thu 8 (1), Fri 9 (2), Sat 10 worked (3), Mon 12 (4) … Thu 15 (7).
    ("2026-09-30", 7, "2026-10-15"),
    # New year: Wed 31 Dec 2025; 1–3 Jan off, Sun 4 worked (1), Mon 5 (2).
    ("2025-12-31", 2, "2026-01-05"),
    # Labour day, a rectification's 15 days: Thu 30 Apr; 1–5 May off, Wed 6 (1), Thu 7, Fri 8, Sat 9 worked (4),
    # Mon 11 (5) … Fri 15 (9), Mon 18 (10) … Fri 22 (14), Mon 25 (15).
    ("2026-04-30", 15, "2026-05-25"),
    # Accepted on a holiday: Sat 4 Apr (清明 4–6); Tue 7 (1).
    ("2026-04-04", 1, "2026-04-07"),
])
def test_it_counts_working_days_across_weekends_and_holidays(accepted, n, due):
    assert calendar.add_workdays(d(accepted), n) == d(due)


def test_a_workday_deadline_ends_at_the_end_of_the_last_working_day():
    due = calendar.due_at(at("2026-02-13T16:45"), rule("general"))
    assert timezone.localtime(due) == at("2026-03-02T23:59:59")
    complex_due = calendar.due_at(at("2026-09-30T09:00"), rule("complex"))
    # 15 working days from 30 Sep: 8, 9, 10(Sat), 12–16, 19–23, 26, 27 → Tue 27 Oct.
    assert timezone.localtime(complex_due).date() == d("2026-10-27")


def test_an_hour_deadline_runs_through_weekends_and_holidays():
    assert calendar.due_at(at("2026-02-14T23:00"), rule("urgent")) == at("2026-02-15T01:00")
    assert calendar.due_at(at("2026-10-03T10:00"), rule("utility")) == at("2026-10-04T10:00")


def test_the_warning_comes_the_rule_s_hours_before_and_never_before_acceptance():
    utility = rule("utility")  # 24 hours, warned 4 before
    accepted = at("2026-06-19T08:00")
    due = calendar.due_at(accepted, utility)
    assert calendar.warn_at(accepted, due, utility) == at("2026-06-20T04:00")
    utility.warn_hours = 30
    assert calendar.warn_at(accepted, due, utility) == accepted


def test_workdays_between_counts_after_the_start():
    assert calendar.workdays_between(d("2026-02-13"), d("2026-03-02")) == 7
    assert calendar.workdays_between(d("2026-03-02"), d("2026-03-02")) == 0


def test_a_weekend_without_a_notice_is_still_off():
    # 2027 has no notice loaded: only weekends are off. Fri 31 Dec 2027 + 1 → Mon 3 Jan 2028.
    assert calendar.add_workdays(d("2027-12-31"), 1) == d("2028-01-03")
