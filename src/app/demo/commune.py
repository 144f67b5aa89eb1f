"""The demo commune: Xã Ea Ly with synthetic households, classified, in an empty database.

The CLI's `rasoat demo` and the GUI's "open a demo commune" both call `create_demo`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.assessments import classify_round
from app.classify import Classifier
from app.communes import VillageSpec, create_commune
from app.demo.households import DEMO_COMMUNE, generate, villages
from app.demo.survey import demo_answers
from app.exchange.exporting import commune_ref
from app.exchange.importing import import_document
from app.exchange.read import ExchangeDocument
from app.jobs import IsCancelled, Progress
from app.keys import create_demo_key
from app.rounds import current_round
from app.standards import get_pack
from app.survey import write_round_answers
from models import Commune, Household, ReviewRound
from models.database import Database


def create_demo(
    db: Database,
    actor: Actor,
    households: int,
    seed: int,
    reference_date: date | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ExchangeDocument:
    """Create the demo commune and import `households` synthetic households, classified.

    One transaction: a cancelled or failed run leaves the database empty, as it was.
    """
    reference_date = reference_date or date.today()

    def imported(done: int, total: int) -> None:  # import is the first half of the work
        if progress:
            progress(done, 2 * total)

    def classified(done: int, total: int) -> None:
        if progress:
            progress(total + done, 2 * total)

    with db.sessions.begin() as session:
        commune = create_commune(
            session,
            actor,
            DEMO_COMMUNE,
            [VillageSpec(v.name, v.area) for v in villages()],
            reference_date,
        )
        review_round = current_round(session, commune)
        document = ExchangeDocument(
            review_round.standard_id,
            reference_date,
            commune_ref(commune),
            list(generate(households, seed, reference_date)),
        )
        import_document(session, actor, document, f"demo seed={seed}", "", imported, cancelled)
        _survey(session, commune, review_round, document, seed)
        classify_round(session, actor, commune, review_round, classified, cancelled)
        # A demo commune signs and exports a package at once, with the documented demo
        # passphrase (app/keys.py): its certificate says DEMO (issue #5).
        create_demo_key(session, actor, commune.name)
    return document


def _survey(
    session: Session,
    commune: Commune,
    review_round: ReviewRound,
    document: ExchangeDocument,
    seed: int,
) -> None:
    """Phiếu B causes and needs of the poor and near-poor households, before the round is
    classified, so they count as recorded (app/demo/survey.py)."""
    classifier = Classifier(get_pack(review_round.standard_id), review_round.reference_date)
    ids = dict(
        session.execute(
            select(Household.code, Household.id).where(Household.commune_id == commune.id)
        ).all()
    )
    answers = {}
    for facts in document.households:
        found = demo_answers(seed, facts, classifier.classify(facts, False))
        if not found.empty:
            answers[ids[facts.id]] = found
    write_round_answers(session.connection(), review_round.id, answers)
