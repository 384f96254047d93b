"""A briefing's life: draft → edited → issued. Staff edit a draft's sections and 下步工作 (kept apart from the
generated text); issuing numbers it per region and year (第N期), locks it and audits it; an issued briefing refuses
every edit and is never written over: writing it again makes a new draft."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tests.briefings.test_briefings import docx_text, pdf_text, request_briefing
from tests.conftest import add_statistics, build_world, login
from yuanqu.briefings import render, services
from yuanqu.briefings.models import Briefing
from yuanqu.core.models import AuditEvent
from yuanqu.figures.periods import Period

THIS_YEAR = timezone.localdate().year
JUNE_2025 = Period.to_month(2025, 6)


def written(actor, park=None, region=None, period: Period = JUNE_2025) -> Briefing:
    """A written draft, through the service (the task runs when the request commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        b = services.briefing_request(actor=actor, period=period, park=park, region=region)
    b.refresh_from_db()
    assert b.status == Briefing.Status.DONE, b.error
    return b


def issue(actor, briefing: Briefing) -> Briefing:
    with TestCase.captureOnCommitCallbacks(execute=True):
        issued = services.briefing_issue(actor=actor, briefing=briefing)
    issued.refresh_from_db()
    return issued


def edit_data(b: Briefing, **sections: str) -> dict[str, str]:
    data = {"bulletin_name": b.bulletin_name, "issuer": b.issuer_name}
    data.update({f"section_{s['key']}": "\n".join(s["paragraphs"]) for s in b.sections()})
    data.update({f"section_{key}": text for key, text in sections.items()})
    return data


def events(b: Briefing, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="briefings.Briefing", object_id=str(b.pk), action=action))


def test_it_edits_a_draft_and_the_documents_follow(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    page = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert 'id="edit-form"' in page and 'id="issue"' in page and "（草稿，未编号）" in page
    generated = b.content["sections"]
    overall = b.sections()[0]["paragraphs"]
    new_overall = "\n".join([*overall[:-1], "生命药洲园区上半年运行总体平稳。"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:edit", args=[b.pk]), edit_data(
            b, overall=new_overall, next_steps="一是抓好项目建设。\n二是做好统计服务。") | {
            "bulletin_name": "生命药洲经济运行简报", "issuer": "李沧区发展和改革局"})
    assert response.status_code == 302
    b.refresh_from_db()
    # Staff's text is stored apart: the generated text is as the generator wrote it.
    assert b.content["sections"] == generated
    assert b.edits == {"overall": new_overall, "next_steps": "一是抓好项目建设。\n二是做好统计服务。"}
    assert (b.bulletin_name, b.issuer, b.status) == ("生命药洲经济运行简报", "李沧区发展和改革局", Briefing.Status.DONE)
    sections = {s["key"]: s for s in b.sections()}
    assert sections["next_steps"]["paragraphs"] == ["一是抓好项目建设。", "二是做好统计服务。"]
    assert sections["next_steps"]["edited"] and not sections["problems"]["edited"]
    page = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert "生命药洲园区上半年运行总体平稳。" in page and "二是做好统计服务。" in page
    paragraphs, _cells = docx_text(b.docx.read())
    assert "生命药洲园区上半年运行总体平稳。" in paragraphs and "生命药洲经济运行简报" in paragraphs
    assert "李沧区发展和改革局" in paragraphs
    assert "二是做好统计服务。" in "".join(pdf_text(b.pdf.read()).split())
    [event] = events(b, AuditEvent.Action.UPDATE)
    assert event.after["edits"]["next_steps"].startswith("一是抓好项目建设") and event.before["edits"] == {}
    # Emptying a section brings the generated text back.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, overall="", next_steps=""))
    b.refresh_from_db()
    assert b.edits == {} and b.sections()[0]["paragraphs"] == overall


def test_it_issues_a_draft_numbered_and_locked(client, stats_world):
    staff = stats_world.users["region_staff"]
    login(client, staff)
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, next_steps="做好下步工作。"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:issue", args=[b.pk]), follow=True)
    assert f"已印发，期号为{THIS_YEAR}年第1期。" in [str(m) for m in response.context["messages"]]
    b.refresh_from_db()
    assert (b.lifecycle, b.issue_year, b.issue_number, b.issued_by) == ("issued", THIS_YEAR, 1, staff)
    assert b.issued_at is not None and b.status == Briefing.Status.DONE
    paragraphs, _cells = docx_text(b.docx.read())
    assert f"{THIS_YEAR}年第1期" in paragraphs and "草稿" not in paragraphs and "做好下步工作。" in paragraphs
    [event] = events(b, AuditEvent.Action.STAGE)
    assert event.before == {"lifecycle": "draft"}
    assert event.after["issue_number"] == 1 and event.after["issue_label"] == f"{THIS_YEAR}年第1期"
    # Read-only now: no form, no issue button; an edit is refused in Chinese and changes nothing.
    page = client.get(reverse("briefings:detail", args=[b.pk])).content.decode()
    assert 'id="edit-form"' not in page and 'id="issue"' not in page and f"{THIS_YEAR}年第1期" in page
    stored = (b.content, b.edits, b.docx.name, b.pdf.name, b.bulletin_name, b.updated_at)
    response = client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, next_steps="改掉。"), follow=True)
    assert any(f"该简报已印发为{THIS_YEAR}年第1期，不能再修改" in str(m) for m in response.context["messages"])
    with pytest.raises(ValidationError, match="不能再修改"):
        services.briefing_edit(actor=staff, briefing=b, sections={"next_steps": "改掉。"})
    b.refresh_from_db()
    assert (b.content, b.edits, b.docx.name, b.pdf.name, b.bulletin_name, b.updated_at) == stored
    assert len(events(b, AuditEvent.Action.UPDATE)) == 1  # the edit before the issue, nothing after


def test_issue_numbers_run_per_region_and_year(stats_world):
    staff, laoshan = stats_world.users["region_staff"], stats_world.laoshan_staff
    first = issue(staff, written(staff, park=stats_world.xltd))
    second = issue(staff, written(staff, region=stats_world.licang))
    other_region = issue(laoshan, written(laoshan, park=stats_world.laoshan_park))
    assert (first.issue_number, second.issue_number, other_region.issue_number) == (1, 2, 1)
    assert first.issue_label == f"{THIS_YEAR}年第1期" and second.issue_label == f"{THIS_YEAR}年第2期"
    # A new year starts again at 第1期 (the two issued last year keep their numbers).
    Briefing.objects.filter(pk__in=[first.pk, second.pk]).update(issue_year=THIS_YEAR - 1)
    assert issue(staff, written(staff, park=stats_world.smyz)).issue_number == 1


def test_issuing_the_same_briefing_twice_gives_one_number(client, stats_world):
    """Two tabs hold the same draft; each clicks 印发. The service locks the row and reads it again: the second
    finds it issued and is refused, in Chinese; the number is taken once."""
    staff = stats_world.users["region_staff"]
    b = written(staff, park=stats_world.xltd)
    tab1, tab2 = Briefing.objects.get(pk=b.pk), Briefing.objects.get(pk=b.pk)
    assert issue(staff, tab1).issue_number == 1
    with pytest.raises(ValidationError, match=f"该简报已印发，期号为{THIS_YEAR}年第1期，不能重复印发。"):
        services.briefing_issue(actor=staff, briefing=tab2)
    assert list(Briefing.objects.filter(lifecycle="issued").values_list("issue_number", flat=True)) == [1]
    assert len(events(b, AuditEvent.Action.STAGE)) == 1
    # The same through the pages, from two logged-in tabs of another draft.
    other = written(staff, park=stats_world.smyz)
    tabs = [login(client, staff), login(client.__class__(), staff)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        responses = [tab.post(reverse("briefings:issue", args=[other.pk]), follow=True) for tab in tabs]
    shown = [[str(m) for m in r.context["messages"]] for r in responses]
    assert shown[0] == [f"已印发，期号为{THIS_YEAR}年第2期。"]
    assert shown[1] == [f"该简报已印发，期号为{THIS_YEAR}年第2期，不能重复印发。"]
    other.refresh_from_db()
    assert other.issue_number == 2 and len(events(other, AuditEvent.Action.STAGE)) == 1


def test_the_database_holds_one_number_per_region_and_year(stats_world):
    staff, laoshan = stats_world.users["region_staff"], stats_world.laoshan_staff
    issued = issue(staff, written(staff, park=stats_world.xltd))
    draft = written(staff, park=stats_world.smyz)
    same = {"lifecycle": "issued", "issue_year": issued.issue_year, "issue_number": issued.issue_number,
            "issued_at": timezone.now()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=draft.pk).update(**same)
    # Another region's 第1期 is its own; a draft holds no number.
    other = written(laoshan, park=stats_world.laoshan_park)
    Briefing.objects.filter(pk=other.pk).update(**same)
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=draft.pk).update(issue_number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Briefing.objects.filter(pk=draft.pk).update(lifecycle="issued")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_on_postgresql_take_one_number_each():
    """On PostgreSQL, in threads that really run at once: the same draft issued twice gets one number; two
    drafts of a region issued at once get two (the region's row is locked while the number is taken)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (SQLite writes one transaction at a time)")
    from tests.conftest import reload_reference_tables

    reload_reference_tables()
    world = add_statistics(build_world())
    staff = world.users["region_staff"]
    drafts = [written(staff, park=world.xltd), written(staff, park=world.smyz), written(staff, region=world.licang)]

    def race(targets: list[Briefing]) -> list[object]:
        barrier, results = threading.Barrier(len(targets)), [None] * len(targets)

        def run(i: int) -> None:
            try:
                barrier.wait()
                results[i] = services.briefing_issue(actor=staff, briefing=Briefing.objects.get(pk=targets[i].pk))
            except ValidationError as exc:
                results[i] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    same = race([drafts[0], drafts[0]])
    assert sorted(type(r).__name__ for r in same) == ["Briefing", "ValidationError"]
    assert Briefing.objects.get(pk=drafts[0].pk).issue_number == 1
    race([drafts[1], drafts[2]])
    numbers = sorted(Briefing.objects.filter(pk__in=[drafts[1].pk, drafts[2].pk]).values_list("issue_number",
                                                                                                flat=True))
    assert numbers == [2, 3]


def test_writing_an_issued_briefing_again_makes_a_new_draft(client, stats_world):
    staff = stats_world.users["region_staff"]
    login(client, staff)
    b = request_briefing(client, park=stats_world.smyz.pk, year=2025, month=6)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, next_steps="下步要做的事。",
                                                                      overall="旧的总体情况。"))
    b = issue(staff, b)
    stored = (b.content, b.edits, b.docx.name, b.pdf.name, b.issue_number, b.lifecycle, b.generated_at)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:regenerate", args=[b.pk]))
    new = Briefing.objects.exclude(pk=b.pk).get()
    assert response["Location"] == reverse("briefings:detail", args=[new.pk])
    assert (new.lifecycle, new.issue_number, new.derived_from, new.status) == ("draft", None, b, "done")
    assert (new.park, new.year, new.first_month, new.month, new.period_kind) == (b.park, 2025, 1, 6, b.period_kind)
    # Staff's 下步工作 comes along; the sections are written afresh from the data.
    assert new.edits == {"next_steps": "下步要做的事。"} and "旧的总体情况。" not in new.text()
    b.refresh_from_db()
    assert (b.content, b.edits, b.docx.name, b.pdf.name, b.issue_number, b.lifecycle, b.generated_at) == stored
    assert "重新生成自" in client.get(reverse("briefings:detail", args=[new.pk])).content.decode()
    # A generation queued before the issue that runs after it keeps the issued text.
    render.render_briefing(b)
    b.refresh_from_db()
    assert (b.content, b.edits, b.issue_number, b.lifecycle, b.generated_at) == (
        stored[0], stored[1], stored[4], stored[5], stored[6])


def test_writing_a_draft_again_keeps_staff_edits(client, stats_world):
    login(client, stats_world.users["region_staff"])
    b = request_briefing(client, park=stats_world.xltd.pk, year=2025, month=6)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, next_steps="保留这段。"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:regenerate", args=[b.pk]))
    assert response["Location"] == reverse("briefings:detail", args=[b.pk])
    b.refresh_from_db()
    assert b.edits == {"next_steps": "保留这段。"} and "保留这段。" in b.text()
    assert Briefing.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "park_operator"])
def test_only_district_staff_edit_and_issue(client, stats_world, role):
    b = written(stats_world.users["region_staff"], park=stats_world.xltd)  # the operator's own park
    login(client, stats_world.users[role])
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = client.get(reverse("briefings:detail", args=[b.pk]))
    assert page.status_code == 200 and 'id="edit-form"' not in page.content.decode()
    assert client.post(reverse("briefings:edit", args=[b.pk]), edit_data(b, next_steps="x")).status_code == 404
    assert client.post(reverse("briefings:issue", args=[b.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.briefing_issue(actor=stats_world.users[role], briefing=b)
    b.refresh_from_db()
    # Nothing written: the only new audit events are the two refused attempts (edit, issue), by this user.
    new = AuditEvent.objects.filter(id__gt=last)
    assert b.lifecycle == "draft" and b.edits == {}
    assert [(e.actor_id, e.after["refused"]) for e in new.order_by("id")] == [
        (stats_world.users[role].pk, f"POST {reverse('briefings:edit', args=[b.pk])}"),
        (stats_world.users[role].pk, f"POST {reverse('briefings:issue', args=[b.pk])}")]


def test_another_regions_briefing_is_a_404_everywhere(client, stats_world):
    laoshan_briefing = issue(stats_world.laoshan_staff, written(stats_world.laoshan_staff,
                                                                 park=stats_world.laoshan_park))
    licang_draft = written(stats_world.users["region_staff"], park=stats_world.smyz)
    login(client, stats_world.users["region_staff"])
    before = AuditEvent.objects.count()
    pk = laoshan_briefing.pk
    assert client.get(reverse("briefings:detail", args=[pk])).status_code == 404
    assert client.get(reverse("briefings:download", args=[pk, "docx"])).status_code == 404
    for name in ("edit", "issue", "regenerate"):
        assert client.post(reverse(f"briefings:{name}", args=[pk])).status_code == 404, name
    # Opening the request form on another region's park is not found either.
    assert client.get(reverse("briefings:create") + f"?park={stats_world.laoshan_park.pk}").status_code == 404
    assert client.get(reverse("briefings:create") + f"?park={stats_world.smyz.pk}").status_code == 200
    # And the other way round; the operator does not see another park's draft either.
    login(client, stats_world.laoshan_staff)
    for name in ("edit", "issue", "regenerate"):
        assert client.post(reverse(f"briefings:{name}", args=[licang_draft.pk])).status_code == 404, name
    login(client, stats_world.users["park_operator"])
    assert client.get(reverse("briefings:detail", args=[licang_draft.pk])).status_code == 404
    assert AuditEvent.objects.count() == before
    assert Briefing.objects.filter(lifecycle="issued").count() == 1
