"""A school's repeated misses stay in the queue until that school walks the round: another school doing its own
round clears nothing but its own row."""
from tests.rounds.test_rounds import CLOSE, CREATE, get, inspect, local, run


def _patrols_missed(client, campus, moment) -> set[int]:
    listed = get(client, campus, "city_office", "/api/v1/escalations?kind=round", moment).json["items"]
    return {row["school_id"] for row in listed if row["title"] == "日巡查"}


def test_one_school_walking_its_patrol_leaves_the_others_misses_in_the_queue(client, campus):
    for day in (1, 2, 3):
        run(CREATE, local(2026, 9, day, 9))
        run(CLOSE, local(2026, 9, day + 1, 0, 30))
    both = {campus.school_a.id, campus.school_c.id}
    assert _patrols_missed(client, campus, local(2026, 9, 4, 9)) == both
    run(CREATE, local(2026, 9, 4, 9))
    for name in ("gate", "corridor"):
        inspect(client, campus, campus.points[name], local(2026, 9, 4, 10))
    run(CLOSE, local(2026, 9, 4, 11))
    assert _patrols_missed(client, campus, local(2026, 9, 4, 12)) == {campus.school_c.id}
