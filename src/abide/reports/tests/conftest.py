"""The worked case every report test starts from: the demo's founding week, assessed."""

from __future__ import annotations

import pytest

# The worked case of the 1994 Bishkek ceasefire against ACLED's May 2020 (PA-X and ACLED imported,
# the pledges confirmed, linked and assessed), as the compliance tests load it.
from abide.compliance.tests.test_worked_cases import bishkek  # noqa: F401


@pytest.fixture
def demo_assessed(starter_registry, analyst, observer):
    from abide.core.demo import assess_demo, load_demo, load_demo_observations

    load_demo(actor=analyst, reviewer=analyst)
    load_demo_observations(observer=observer, analyst=analyst)
    assess_demo(analyst=analyst)
