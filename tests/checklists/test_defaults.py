"""The default checklist templates shipped for every category: complete, bilingual, and carrying the content
(and the hazard grades) the product owner asked for."""
from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from safety.checklists.defaults import DEFAULTS_DIR, load_default_templates
from safety.checklists.models import Category, Grade, ItemKind

# The items whose failure is a 重大隐患. Changing this list changes deadlines and who must verify a fix,
# so it is pinned here and reviewed, never changed as a side effect of editing a template.
MAJOR_ITEMS = {
    Category.fire_equipment: set(),
    Category.evacuation_route: {"exit_doors_unlocked", "route_clear"},
    Category.electrical: set(),
    Category.canteen: {"gas_alarm", "gas_lines_sound"},
    Category.water_body: {"fence_intact"},
    Category.gate_security: {"anti_ram_barrier"},
    Category.building: {"structural_cracks", "unsafe_areas_closed", "slopes_retaining_walls"},
    Category.laboratory: {"controlled_chemicals_locked"},
    Category.dormitory: {"exits_unlocked"},
    Category.playground: set(),
    Category.school_bus: {"passenger_load", "inspection_valid", "driver_sober", "emergency_exits"},
    Category.other: set(),
}


@pytest.fixture
def templates():
    return load_default_templates()


@pytest.fixture
def by_category(templates):
    return {t["category"]: t for t in templates}


def _items(template):
    return {item["key"]: item for item in template["items"]}


def _all_items(templates):
    return [item for t in templates for item in t["items"]]


def test_every_category_has_exactly_one_default(templates):
    assert Counter(t["category"] for t in templates) == Counter(list(Category))


def test_templates_come_in_category_order_with_their_codes(templates):
    assert [t["category"] for t in templates] == list(Category)
    assert [t["code"] for t in templates] == [f"default.{c.value}" for c in Category]


def test_each_file_is_named_after_its_category():
    for path in DEFAULTS_DIR.glob("*.toml"):
        with path.open("rb") as f:
            assert tomllib.load(f)["category"] == path.stem, path.name


def test_every_template_is_bilingual_with_at_least_six_items(templates):
    for t in templates:
        assert t["name_zh"] and t["name_en"], t["code"]
        assert len(t["items"]) >= 6, t["code"]
        for item in t["items"]:
            where = f"{t['code']}:{item['key']}"
            assert item["text_zh"].strip() and item["text_en"].strip(), where
            assert item["hint_zh"].strip() and item["hint_en"].strip(), f"{where} tells the inspector how to check"


def test_item_keys_are_unique_within_each_template(templates):
    for t in templates:
        keys = [item["key"] for item in t["items"]]
        assert len(keys) == len(set(keys)), t["code"]


def test_major_grades_are_the_reviewed_few(by_category):
    majors = {category: {key for key, item in _items(t).items() if item["fail_grade"] == Grade.major}
              for category, t in by_category.items()}
    assert majors == MAJOR_ITEMS


def test_every_item_kind_is_used_across_the_set(templates):
    kinds = Counter(item["kind"] for item in _all_items(templates))
    assert kinds[ItemKind.number] >= 3
    assert kinds[ItemKind.choice] >= 3
    assert kinds[ItemKind.photo] >= 2
    assert kinds[ItemKind.text] >= 1
    assert kinds[ItemKind.pass_fail] > 0


def test_number_items_have_a_unit_and_choice_items_can_pass_and_fail(templates):
    for item in _all_items(templates):
        if item["kind"] == ItemKind.number:
            assert item["unit"], item["key"]
        if item["kind"] == ItemKind.choice:
            outcomes = {choice["fails"] for choice in item["choices"]}
            assert outcomes == {True, False}, item["key"]
            assert all(choice["zh"] and choice["en"] for choice in item["choices"]), item["key"]


def test_physical_failures_mostly_ask_for_a_photo(templates):
    pass_fail = [item for item in _all_items(templates) if item["kind"] == ItemKind.pass_fail]
    with_photo = [item for item in pass_fail if item["photo_on_fail"]]
    assert len(with_photo) / len(pass_fail) > 0.7
    assert all(item["photo_on_fail"] for item in pass_fail if item["fail_grade"] == Grade.major)


def test_fire_equipment_checks_gauge_seal_dates_access_signs_and_hoses(by_category):
    items = _items(by_category[Category.fire_equipment])
    assert {"ext_gauge_green", "ext_seal_pin", "ext_service_date", "ext_access", "signage",
            "hydrant_cabinet", "hydrant_hose_nozzle"} <= items.keys()
    pressure = items["ext_pressure"]
    assert pressure["kind"] == ItemKind.number and pressure["unit"] == "MPa"
    # A stored-pressure dry-powder extinguisher is rated 1.2 MPa; the range must contain it and stay plausible.
    assert 0.8 <= pressure["min_value"] < 1.2 < pressure["max_value"] <= 1.6
    assert "1.2" in pressure["hint_zh"] and "1.2" in pressure["hint_en"]


def test_evacuation_route_grades_a_locked_exit_major(by_category):
    items = _items(by_category[Category.evacuation_route])
    assert "锁" in items["exit_doors_unlocked"]["text_zh"]
    assert items["exit_doors_unlocked"]["fail_grade"] == Grade.major
    assert {"emergency_lighting", "exit_signs_lit", "route_clear", "handrails_firm", "stair_treads"} <= items.keys()


def test_canteen_keeps_samples_48_hours_and_watches_the_gas(by_category):
    items = _items(by_category[Category.canteen])
    samples = items["food_samples_48h"]["text_zh"]
    assert "48" in samples and "125" in samples
    assert {"raw_cooked_separated", "health_certificates", "pest_control", "disinfection_records",
            "open_kitchen"} <= items.keys()
    assert "明厨亮灶" in items["open_kitchen"]["text_zh"]
    assert items["gas_alarm"]["fail_grade"] == Grade.major
    fridge = items["fridge_temperature"]
    assert (fridge["kind"], fridge["unit"], fridge["min_value"], fridge["max_value"]) == (ItemKind.number, "℃", 0, 8)


def test_water_body_has_the_four_ones_a_major_fence_and_a_water_condition_choice(by_category):
    items = _items(by_category[Category.water_body])
    four_ones = {"warning_sign": "警示牌", "life_ring": "救生圈", "rescue_rope": "救生绳", "rescue_pole": "救生杆"}
    for key, word in four_ones.items():
        assert items[key]["kind"] == ItemKind.pass_fail and word in items[key]["text_zh"]
    assert items["fence_intact"]["fail_grade"] == Grade.major
    assert "patrol_record" in items
    assert items["patrol_board_photo"]["kind"] == ItemKind.photo
    condition = items["water_condition"]
    assert condition["kind"] == ItemKind.choice
    fails = {choice["value"]: choice["fails"] for choice in condition["choices"]}
    assert fails["normal"] is False and fails["high_fast"] is True and fails["thin_ice"] is True


def test_gate_security_covers_guard_alarm_barrier_log_gear_and_cctv(by_category):
    items = _items(by_category[Category.gate_security])
    assert {"guard_on_duty", "one_button_alarm", "anti_ram_barrier", "visitor_log", "protective_equipment",
            "cctv_working"} <= items.keys()
    assert "公安" in items["one_button_alarm"]["text_zh"]
    assert "钢叉" in items["protective_equipment"]["text_zh"]


def test_the_other_laboratory_and_bus_templates_hold_their_key_checks(by_category):
    assert "双人双锁" in _items(by_category[Category.laboratory])["controlled_chemicals_locked"]["text_zh"]
    assert _items(by_category[Category.other])["other_findings"]["kind"] == ItemKind.text
    bus = _items(by_category[Category.school_bus])
    assert bus["passenger_load"]["fail_grade"] == bus["inspection_valid"]["fail_grade"] == Grade.major


BROKEN = {
    "number without a range": ("""
code = "default.canteen"
category = "canteen"
name_zh = "食堂"

[[items]]
key = "fridge_temperature"
kind = "pass_fail"
text_zh = "冷藏温度正常"

[[items]]
key = "reading"
kind = "number"
text_zh = "冷藏温度"
unit = "℃"
""", "items.1.min_value"),
    "unknown field": ("""
code = "default.canteen"
category = "canteen"
name_zh = "食堂"

[[items]]
key = "gas_alarm"
kind = "pass_fail"
text_zh = "燃气报警器正常"
grade = "major"
""", "items.0.grade"),
    "bad choice value": ("""
code = "default.canteen"
category = "canteen"
name_zh = "食堂"

[[items]]
key = "state"
kind = "choice"
text_zh = "状态"

[[items.choices]]
value = "OK"
zh = "正常"

[[items.choices]]
value = "bad"
zh = "异常"
fails = true
""", "items.0.choices.0.value"),
    "not TOML at all": ('code = "default.canteen\n', "not valid TOML"),
}


@pytest.mark.parametrize("case", BROKEN.keys())
def test_a_broken_template_file_names_the_file_and_the_field(tmp_path, case):
    text, problem = BROKEN[case]
    (tmp_path / "canteen.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"canteen\.toml") as error:
        load_default_templates(tmp_path)
    assert problem in str(error.value)


def test_every_broken_file_is_reported_at_once(tmp_path):
    for name, (text, _problem) in BROKEN.items():
        (tmp_path / f"{name.replace(' ', '_')}.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_default_templates(tmp_path)
    for name in BROKEN:
        assert f"{name.replace(' ', '_')}.toml" in str(error.value)


def test_two_files_with_the_same_code_are_rejected(tmp_path):
    text = (DEFAULTS_DIR / "other.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.toml: code: 'default\.other' is already used by a\.toml"):
        load_default_templates(tmp_path)


def test_a_valid_folder_elsewhere_loads(tmp_path):
    (tmp_path / "other.toml").write_text((DEFAULTS_DIR / "other.toml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    assert [t["code"] for t in load_default_templates(str(tmp_path))] == ["default.other"]
