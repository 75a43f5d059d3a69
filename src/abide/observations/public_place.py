"""Places as the public sees them, in SQL: each point rounded to its observation's public
precision (as :func:`abide.observations.models.rounded_point` rounds it in Python), so that
what is filtered, counted and averaged for the public is the coarsened point, never the
recorded one."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Round

from abide.observations.models import PUBLIC_DECIMALS, Observation, PublicPrecision


def _coarse(field: str) -> Case:
    return Case(
        *(
            When(public_precision=precision, then=Round(F(field), decimals))
            for precision, decimals in PUBLIC_DECIMALS.items()
            if decimals is not None
        ),
        When(public_precision=PublicPrecision.EXACT, then=F(field)),
        default=Value(None),
        output_field=FloatField(),
    )


def with_public_point(queryset: QuerySet[Observation]) -> QuerySet[Observation]:
    """``queryset`` with ``public_latitude`` and ``public_longitude``: the point rounded to
    each observation's public precision; those whose place is hidden, or that have no point,
    left out. SQL rounds halves away from zero where Python rounds them to even: the two differ
    only on a coordinate that is exactly half a step (40.125 to 1 km), and never by more than
    one step of the grid."""
    return (
        queryset.filter(latitude__isnull=False, longitude__isnull=False)
        .exclude(public_precision=PublicPrecision.HIDDEN)
        .annotate(public_latitude=_coarse("latitude"), public_longitude=_coarse("longitude"))
    )


def in_public_box(queryset: QuerySet[Observation], box: Any) -> QuerySet[Observation]:
    """``queryset`` with its public point (:func:`with_public_point`), narrowed to those whose
    public point is in ``box`` (a :class:`abide.observations.mapdata.Box`). Each precision's
    recorded points are first narrowed to the box widened by half its step, on the index that
    leads with the public precision."""
    near = reduce(
        or_,
        (
            Q(public_precision=precision)
            & box.q("latitude", "longitude", 0.5 * 10.0**-decimals if decimals is not None else 0)
            for precision, decimals in PUBLIC_DECIMALS.items()
        ),
    )
    return with_public_point(queryset.filter(near)).filter(
        box.q("public_latitude", "public_longitude")
    )
