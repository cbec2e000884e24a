"""A drill whose photo is already the evidence of a hazard is flagged for the office (issue 11)."""
from safety.core.clock import frozen
from tests.drills.test_drills_api import ASSIGN, drill, headers, local, post_report, run
from tests.factories import scene, upload_photo


def test_a_drill_report_with_a_hazards_photo_is_flagged_reused(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    moment = local(2026, 11, 12, 15)
    officer, principal_c = headers(world, "officer_a", moment), headers(world, "principal_c", moment)
    with frozen(moment):
        photo = upload_photo(client, officer, scene(90)).json
        fresh = upload_photo(client, principal_c, scene(91)).json
        hazard = client.post("/api/v1/hazards", headers=officer, json={
            "school_id": world.school_a.id, "title": "楼梯扶手松动", "photos": [photo["id"]]})
    assert hazard.status_code == 201
    reused = post_report(client, world, "officer_a", drill(world.school_a, "2026-11").id, moment,
                         photo_ids=[photo["sha256"]])
    assert reused.status_code == 200 and "reused_photo" in reused.json["flags"]
    honest = post_report(client, world, "principal_c", drill(world.school_c, "2026-11").id, moment,
                         photo_ids=[fresh["id"]])
    assert honest.status_code == 200 and "reused_photo" not in honest.json["flags"]
