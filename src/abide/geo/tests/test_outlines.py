"""The country outlines shipped with abide."""

from shapely.geometry import Point, shape

from abide.geo.outlines import countries


def test_the_outlines_hold_armenia_and_azerbaijan_with_their_iso_codes():
    features = {f["properties"]["iso_a2"]: f for f in countries()["features"]}
    assert shape(features["AM"]["geometry"]).contains(Point(44.51, 40.18))  # Yerevan
    assert shape(features["AZ"]["geometry"]).contains(Point(49.87, 40.41))  # Baku
    assert not shape(features["AM"]["geometry"]).contains(Point(49.87, 40.41))
    assert len(features) > 200
