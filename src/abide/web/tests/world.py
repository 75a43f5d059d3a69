"""The cast and the things of the permission matrix and of the redaction scan: one user per
role (two observers of different teams, two partners with and without a sharing agreement),
and one object of every kind a route names, some of them carrying secrets that nobody outside
the mission may read."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from PIL import Image

from abide.accounts.models import Organisation, Role, User
from abide.accounts.services import ensure_user, system_user
from abide.accounts.sharing import make_sharing_agreement
from abide.compliance.assessment import assess
from abide.compliance.linking import confirm_link, propose_links
from abide.compliance.models import Assessment, Link, Retraction, RetractionState
from abide.compliance.periods import period_of
from abide.compliance.tests.test_linking import pledge
from abide.compliance.tests.test_retractions import later_statement
from abide.observations.evidence import store_evidence
from abide.observations.models import Evidence
from abide.observations.services import add_comment, record_patrol, transition
from abide.observations.tests.helpers import stored
from abide.registry.models import ReviewState
from abide.registry.services import reject_commitment
from abide.reports.services import approve_report, create_report, publish_report
from abide.reports.spec import parse_spec
from abide.testing import PASSWORD

ANONYMOUS = "anonymous"
OBSERVER = "observer"
OTHER_TEAM = "observer-other-team"
ANALYST = "analyst"
HEAD = "head"
PARTNER = "partner"  # of an organisation with a sharing agreement in force
PARTNER_WITHOUT = "partner-without-agreement"
ADMINISTRATOR = "administrator"
#: Every role of the matrix, in the order the failures are reported.
ROLES = (ANONYMOUS, OBSERVER, OTHER_TEAM, ANALYST, HEAD, PARTNER, PARTNER_WITHOUT, ADMINISTRATOR)

#: What nobody outside the mission may read: each is stored somewhere in the world below.
SECRETS = {
    "the reporting observer's user name": "zq-secret-observer",
    "the reporting observer's name": "Zebulon Quartermaine",
    "a restricted narrative": "SECRET restricted narrative about the informant",
    "an internal narrative": "SECRET internal narrative of the mission",
    "a public observation's exact latitude": "39.81234",
    "a public observation's exact longitude": "46.75432",
    "a patrol's notes": "SECRET patrol notes on the checkpoint",
    "a patrol's team": "SECRET-team-Whiskey",
    "a comment": "SECRET comment of the discussion",
    "a verification reason": "SECRET reason of the verification",
    "an evidence file's name": "secret-informant-photo",
    "a client key": "SECRET-client-key",
    "an unreviewed commitment's text": "SECRET unreviewed promise",
    "a proposed retraction's reason": "SECRET reason of a proposed retraction",
    "a link decision's reason": "SECRET reason for confirming the link",
    "a rejected commitment's text": "SECRET rejected misreading",
    "a rejected commitment's review note": "SECRET why it was rejected",
}
#: Secrets a partner with a sharing agreement may read (what the agreement covers).
SHARED_BY_AGREEMENT = {"an internal narrative"}

WEEK = period_of("week", dt.date(2023, 9, 25))
MARCH = dt.datetime(2023, 9, 27, 10, 30, tzinfo=dt.UTC)


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, object] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A client signed in as ``role`` (the public's for anonymous) that sends a valid CSRF
        token with every change, so that a refusal is about the role."""
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        token = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        client.defaults["HTTP_X_CSRFTOKEN"] = token
        client.csrf_value = token  # for form bodies
        return client


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _user(username: str, role: str, **fields: object) -> User:
    user, _ = ensure_user(
        username,
        actor=system_user(),
        role=role,
        password=PASSWORD,
        organisation=fields.pop("organisation", None),
        team=fields.pop("team", None),
    )
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    return user


def build_world() -> World:
    """Needs the starter registry."""
    admin = _user("ada-admin", Role.ADMINISTRATOR)
    analyst = _user("ani-analyst", Role.ANALYST)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        OBSERVER: _user("olga-observer", Role.OBSERVER, team="Alpha"),
        OTHER_TEAM: _user("otto-observer", Role.OBSERVER, team="Bravo"),
        ANALYST: analyst,
        HEAD: _user("hamid-head", Role.HEAD_OF_MISSION),
        PARTNER: _user("pat-partner", Role.PARTNER, organisation="Partner NGO"),
        PARTNER_WITHOUT: _user("paul-partner", Role.PARTNER, organisation="Other NGO"),
        ADMINISTRATOR: admin,
    }
    # The reporter is Olga's team-mate: she sees his restricted report through her team.
    reporter = _user(
        SECRETS["the reporting observer's user name"],
        Role.OBSERVER,
        team="Alpha",
        first_name="Zebulon",
        last_name="Quartermaine",
    )
    make_sharing_agreement(
        Organisation.objects.get(name="Partner NGO"),
        actor=users[HEAD],
        title="Ceasefire monitoring",
        starts_on=dt.date(2020, 1, 1),
    )
    patrol = record_patrol(
        actor=reporter,
        team=SECRETS["a patrol's team"],
        started_at=MARCH - dt.timedelta(hours=2),
        ended_at=MARCH + dt.timedelta(hours=2),
        notes=SECRETS["a patrol's notes"],
    )
    common = {"reported_by": reporter, "actors": ("azerbaijan",)}
    public = stored(
        observed_start=MARCH,
        sensitivity="public",
        public_precision="10km",
        latitude=39.812345,
        longitude=46.754321,
        place_name="",
        admin2="",
        narrative="Shelling heard to the east of the village.",
        client_key=SECRETS["a client key"],
        patrol=patrol,
        **common,
    )
    transition(public, "corroborated", actor=analyst, reason=SECRETS["a verification reason"])
    add_comment(public, SECRETS["a comment"], actor=analyst)
    store_evidence(
        public, io.BytesIO(png()), name=SECRETS["an evidence file's name"] + ".png", actor=reporter
    )
    unpublished = stored(
        observed_start=MARCH + dt.timedelta(hours=1), sensitivity="public", **common
    )
    internal = stored(
        observed_start=MARCH + dt.timedelta(hours=2),
        sensitivity="internal",
        narrative=SECRETS["an internal narrative"],
        **common,
    )
    transition(internal, "verified", actor=analyst, reason="Seen by two teams.")
    restricted = stored(
        observed_start=MARCH + dt.timedelta(hours=3),
        sensitivity="restricted",
        narrative=SECRETS["a restricted narrative"],
        **common,
    )
    transition(restricted, "corroborated", actor=analyst, reason="Two sources.")
    store_evidence(restricted, io.BytesIO(png("blue")), name="restricted.png", actor=reporter)
    other_team = stored(
        observed_start=MARCH + dt.timedelta(hours=4),
        sensitivity="restricted",
        narrative="restricted, of team Bravo",
        reported_by=users[OTHER_TEAM],
        actors=("azerbaijan",),
    )

    kept = pledge()
    unreviewed = pledge(
        text=SECRETS["an unreviewed commitment's text"], review_state=ReviewState.PROPOSED
    )
    rejected = pledge(
        text=SECRETS["a rejected commitment's text"], review_state=ReviewState.PROPOSED
    )
    reject_commitment(
        rejected, actor=analyst, reason=SECRETS["a rejected commitment's review note"]
    )
    propose_links(kept, actor=analyst)
    confirm_link(
        Link.objects.get(commitment=kept, observation=public),
        actor=analyst,
        reason=SECRETS["a link decision's reason"],
    )
    assess([kept, unreviewed], [WEEK], actor=analyst)
    statement = later_statement()
    retraction = Retraction.objects.create(
        commitment=kept,
        statement=statement,
        kind="refuses",
        flagged_by=analyst,
        reason=SECRETS["a proposed retraction's reason"],
        state=RetractionState.PROPOSED,
    )
    evidence = Evidence.objects.get(observation=public)
    # Two reports of the week: one published, one still a draft.
    week = parse_spec("2023-W39", today=dt.date(2023, 10, 30))
    head = users[HEAD]
    published = create_report(week, actor=analyst)
    publish_report(approve_report(published, actor=head), actor=head)
    draft = create_report(week, actor=analyst)
    world = World(users)
    world.ids = {
        "commitment": kept.pk,
        "unreviewed": unreviewed.pk,
        "rejected": rejected.pk,
        "link": Link.objects.filter(commitment=kept, observation=public).get().pk,
        "assessment": Assessment.objects.filter(commitment=kept).first().pk,
        "retraction": retraction.pk,
        "statement": statement.pk,
        "source": statement.source_id,
        "observation": public.pk,
        "unpublished": unpublished.pk,
        "internal": internal.pk,
        "restricted": restricted.pk,
        "other_team": other_team.pk,
        "evidence": evidence.sha256,
        "evidence_id": evidence.pk,
        "restricted_evidence": Evidence.objects.get(observation=restricted).pk,
        "patrol": patrol.pk,
        "job": "00000000-0000-0000-0000-000000000000",
        "report": published.pk,
        "draft_report": draft.pk,
        "reporter": reporter,
    }
    return world


def observations_seen(role: str) -> set[str]:
    """Which of the world's observations each role sees: the rule of ``get_observations_for``
    written out."""
    public = {"observation"}
    everything = {"observation", "unpublished", "internal", "restricted", "other_team"}
    return {
        ANONYMOUS: public,
        OBSERVER: {"observation", "unpublished", "internal", "restricted"},  # her team's
        OTHER_TEAM: {"observation", "unpublished", "internal", "other_team"},  # his own
        ANALYST: everything,
        HEAD: everything,
        # Partners see what the public sees (not a public observation still unconfirmed), and
        # what an agreement covers (internal observations, corroborated or verified).
        PARTNER: {"observation", "internal"},
        PARTNER_WITHOUT: {"observation"},
        ADMINISTRATOR: everything,
    }[role]
