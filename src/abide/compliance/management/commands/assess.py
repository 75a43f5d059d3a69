import argparse
from collections import Counter

from django.core.management.base import CommandError

from abide.compliance.access import can_assess
from abide.compliance.assessment import assess_period, current_period
from abide.compliance.linking import linkable_commitments, propose_links
from abide.compliance.periods import Period, parse_period
from abide.core.commands import ActorCommand


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Command(ActorCommand):
    help = (
        "Assess every confirmed commitment over a period: propose the links of new "
        "observations, apply the rules of each category, store and summarise the statuses."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--period",
            type=_period,
            action="append",
            metavar="PERIOD",
            help="a day (2020-05-04), an ISO week (2020-W19) or a month (2020-05); "
            "repeat for several (default: the current week)",
        )
        parser.add_argument(
            "--no-links",
            action="store_true",
            help="do not propose links first: assess with the links there are",
        )
        super().add_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        if not can_assess(actor):
            raise CommandError(f"--as: {actor.username} may not assess commitments")
        periods = options["period"] or [current_period("week")]
        if not options["no_links"]:
            proposed = sum(
                len(propose_links(commitment, actor=actor)) for commitment in linkable_commitments()
            )
            self.stderr.write(f"proposed {proposed} new links")
        for period in periods:
            assessments = assess_period(period, actor=actor)
            counts = Counter(assessment.status for assessment in assessments)
            summary = ", ".join(f"{counts[status]} {status}" for status in sorted(counts))
            self.stdout.write(f"{period}: {len(assessments)} commitments: {summary or 'none'}")
            for assessment in assessments:
                if assessment.status in ("violated", "at_risk", "overdue"):
                    commitment = assessment.commitment
                    self.stdout.write(
                        f"  {assessment.status}: {commitment.obligor_party} — {commitment.text}"
                        f" ({assessment.observations.count()} observations)"
                    )
