"""Contact rules: the do-not-contact list, the suppression window and the opt-out link."""

from datetime import timedelta

from sqlalchemy import select

from survey.models import CatiCase, Contact, DoNotContact, Invitation, Survey, utcnow
from survey.sample.draws import draw
from tests.conftest import csrf_token_from


def frame(db, survey_id, refs):
    for ref in refs:
        db.add(
            Contact(
                survey_id=survey_id,
                customer_ref=ref,
                phone=f"+86138{int(ref[1:]):08d}",
                sampled=False,
            )
        )
    db.commit()


def drawn(db, survey_id):
    return sorted(
        db.scalars(
            select(Contact.customer_ref).where(
                Contact.survey_id == survey_id, Contact.sampled.is_(True)
            )
        )
    )


def test_do_not_contact_by_reference_or_phone_is_never_drawn(db, fielded):
    survey_id = fielded("branch-counter")
    frame(db, survey_id, ["C1", "C2", "C3", "C4"])
    db.add(DoNotContact(customer_ref="C1"))
    db.add(DoNotContact(phone="+8613800000002"))
    db.commit()
    draw(db, db.get(Survey, survey_id), 2, seed=1)
    db.commit()
    assert drawn(db, survey_id) == ["C3", "C4"]


def test_suppression_window_across_surveys(db, fielded):
    first = fielded("branch-counter")
    second = fielded("hotline-post-call", slug="hotline-test")
    db.add(Contact(survey_id=first, customer_ref="C1", released_at=utcnow() - timedelta(days=5)))
    db.add(Contact(survey_id=first, customer_ref="C2", released_at=utcnow() - timedelta(days=45)))
    db.commit()
    frame(db, second, ["C1", "C2", "C3"])
    draw(db, db.get(Survey, second), 2, seed=1)
    db.commit()
    assert drawn(db, second) == ["C2", "C3"]  # C1 was surveyed five days ago


def test_opt_out_link(app, client, db, fielded):
    survey_id = fielded("branch-counter")
    token = fielded.invite(survey_id, {"customer_ref": "C9", "phone": "+8613800000009"})
    contact = db.scalar(select(Contact))
    db.add(CatiCase(survey_id=survey_id, contact_id=contact.id))
    db.commit()
    page = client.get(f"/s/{token}/optout", headers={"Accept-Language": "zh-CN"})
    assert "不再接收调查邀请" in page.get_data(as_text=True)
    reply = client.post(
        f"/s/{token}/optout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )
    assert "我们今后不会再邀请您" in reply.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(DoNotContact.customer_ref)) == "C9"
    assert db.scalar(select(Invitation.opted_out_at)) is not None
    assert db.scalar(select(CatiCase.final_disposition)) == "2.111"


def test_opt_out_needs_csrf_and_a_real_token(client, fielded):
    survey_id = fielded("branch-counter")
    token = fielded.invite(survey_id, {"customer_ref": "C9"})
    assert client.post(f"/s/{token}/optout").status_code == 400
    assert client.get("/s/nope/optout").status_code == 404
