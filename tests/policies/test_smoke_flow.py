"""The whole 申报 → 兑现 path on the shared world, through the services."""

import datetime as dt
from decimal import Decimal

from yuanqu.policies import services
from yuanqu.policies.models import Application, Budget, Match


def test_it_matches_applies_approves_and_pays(pw):
    m = Match.objects.get(clause=pw.clause, enterprise=pw.world.ent_xltd)
    assert m.outcome == "eligible"
    assert Match.objects.get(clause=pw.clause, enterprise=pw.world.ent_smyz).outcome == "not_eligible"
    user = pw.world.users["enterprise_user"]
    app = services.application_submit(actor=user, clause=pw.clause, enterprise=pw.world.ent_xltd)
    assert app.amount_yuan == Decimal("200000")
    services.application_approve(actor=pw.staff, application=app)
    services.payout_create(actor=pw.staff, application=app, paid_on=dt.date.today())
    app.refresh_from_db()
    assert app.status == Application.Status.PAID
    b = Budget.objects.get(policy=pw.policy)
    assert (b.committed_yuan, b.paid_yuan) == (Decimal("200000"), Decimal("200000"))
