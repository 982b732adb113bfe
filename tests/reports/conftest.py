"""A fielded survey with a few hundred synthetic responses over two months and five strata,
a few answers refused, so the report pages, the API and the exports have real data."""

from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy import select, update

from survey.database import get_db
from survey.demo_reports import add_populations, answer_survey
from survey.models import Answer, Survey

STRATA = {  # branch: (frame count, latent satisfaction)
    "SZ-001": (40000, 0.74),
    "SZ-002": (30000, 0.52),
    "GZ-001": (25000, 0.66),
    "SH-001": (20000, 0.70),
    "HK-001": (8000, 0.68),
}
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def reported(app, fielded):
    """``reported(questionnaire="branch-counter", per_month=180)`` → the survey's slug."""

    def make(questionnaire="branch-counter", per_month=180, strata=STRATA, attribute="branch"):
        survey_id = fielded(questionnaire)
        with app.app_context():
            session = get_db(app).session()
            survey = session.get(Survey, survey_id)
            if strata:
                add_populations(session, survey, strata)
            rng = np.random.default_rng(11)
            for month in (date(2026, 9, 1), date(2026, 10, 1)):
                answer_survey(session, survey, strata or {}, attribute, month, per_month, rng, NOW)
            # A few customers refused the overall question: they must count as missing.
            refused = session.scalars(
                select(Answer.id)
                .where(Answer.survey_id == survey_id, Answer.question_id == "q_overall")
                .order_by(Answer.id)
                .limit(7)
            ).all()
            session.execute(
                update(Answer).where(Answer.id.in_(refused)).values(code="-9", value_num=None)
            )
            session.commit()
            return survey.slug

    return make
