import datetime as dt, json
from abide.reports.spec import parse_spec
from abide.reports.building import build_document


def test_smoke(demo_assessed):
    spec = parse_spec("2023-W39", today=dt.date(2024, 1, 1))
    for tier in ("internal", "public"):
        d = build_document(spec, tier=tier)
        print(
            tier,
            [
                (
                    f["category"]["slug"],
                    f["subtype"] and f["subtype"]["slug"],
                    f["current"],
                    f["previous"],
                    f["observations_url"],
                )
                for f in d["figures"]
                if f["current"] or f["subtype"]
            ],
        )
        print(d["casualties"], d["map"], d["coverage"], d["trend"][-2:], d["open_demands"])
    d = build_document(parse_spec(None, commitment=8, today=dt.date(2024, 1, 1)), tier="public")
    print(json.dumps(d["dossier"], ensure_ascii=False)[:3000])
    print(d["period"], d["previous_period"])
