"""Data migrations: what they change in rows already stored, and what they leave alone."""

from sqlalchemy import select

from survey.cli import schema
from survey.database import get_db
from survey.models import Answer, Response, Survey


def test_untouched_text_boxes_stored_as_none_are_removed_and_real_text_kept(app, db, fielded):
    survey_id = fielded("branch-counter")
    db.rollback()
    survey = db.get(Survey, survey_id)
    response = Response(
        survey_id=survey_id,
        questionnaire_version_id=survey.questionnaire_version_id,
        mode="web",
        language="en",
    )
    db.add(response)
    db.flush()
    rows = [
        Answer(question_id="q_comment", value_text="None"),  # the untouched box
        Answer(question_id="q_other_text", value_text="排队太久"),
        Answer(question_id="q_channel", code="9", value_text="None"),  # an "other" text
    ]
    for row in rows:
        row.response_id, row.survey_id = response.id, survey_id
        db.add(row)
    db.commit()
    engine = get_db(app).engine
    schema.downgrade(engine, "0012")
    schema.upgrade(engine)
    db.expire_all()
    kept = db.execute(select(Answer.question_id, Answer.value_text).order_by(Answer.id)).all()
    assert kept == [("q_other_text", "排队太久"), ("q_channel", "None")]
