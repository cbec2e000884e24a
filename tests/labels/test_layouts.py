"""Label layouts are data files; a broken one must say which file and which field is wrong."""
import dataclasses

import pytest

from safety.labels import LayoutError, available_layouts, load_layout

SHIPPED = ["a4-stickers-3x8", "a5-placard", "parent-letter-receipt", "thermal-50x30"]

VALID = """\
title = "Test sheet"
purpose = "point-label"

[page]
width_mm = 100
height_mm = 50

[grid]
columns = 2
rows = 1
label_width_mm = 50
label_height_mm = 50

[qr]
x_mm = 2
y_mm = 2
size_mm = 30

[[text]]
field = "point_name"
x_mm = 2
y_mm = 34
width_mm = 46
height_mm = 10
size_pt = 10
max_lines = 2
"""


def write(directory, text, name="test"):
    (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return name


def load_broken(directory, text):
    with pytest.raises(LayoutError) as caught:
        load_layout(write(directory, text), directory)
    return str(caught.value)


def test_the_shipped_layouts_are_listed_and_load():
    assert available_layouts() == SHIPPED
    for name in SHIPPED:
        layout = load_layout(name)
        assert layout.name == name
        assert layout.title


def test_a4_sheet_has_24_stickers_filled_row_by_row():
    layout = load_layout("a4-stickers-3x8")
    assert (layout.page_width_mm, layout.page_height_mm, layout.labels_per_page) == (210, 297, 24)
    assert layout.label_origin_mm(0) == (0, 0.5)
    assert layout.label_origin_mm(4) == (70, 37.5)
    assert layout.label_origin_mm(23) == (140, 0.5 + 7 * 37)


def test_the_placard_has_a_large_code_and_the_heading():
    layout = load_layout("a5-placard")
    assert layout.qr.box.width == 90
    assert layout.qr.error_correction == "H"
    assert "扫码巡查" in [text.text for text in layout.texts]


def test_a_layout_is_immutable_and_defaults_apply(tmp_path):
    layout = load_layout(write(tmp_path, VALID), tmp_path)
    text = layout.texts[0]
    assert (layout.qr.error_correction, layout.border, layout.margin_left_mm, layout.gap_x_mm) == ("Q", None, 0, 0)
    assert (text.min_size_pt, text.bold, text.align, text.field, text.text) == (10, False, "left", "point_name", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.columns = 3


def test_a_directory_lists_only_its_layout_files(tmp_path):
    write(tmp_path, VALID, "b-sheet")
    write(tmp_path, VALID, "a-sheet")
    (tmp_path / "notes.txt").write_text("not a layout")
    assert available_layouts(tmp_path) == ["a-sheet", "b-sheet"]


@pytest.mark.parametrize("name", ["missing", "../qr_templates/a4-stickers-3x8", "A4", ""])
def test_unknown_or_path_like_names_are_refused(tmp_path, name):
    write(tmp_path, VALID)
    with pytest.raises(LayoutError, match=r"no label layout named .* \(available: test\)"):
        load_layout(name, tmp_path)


@pytest.mark.parametrize(("change", "message"), [
    (("columns = 2\n", ""), "grid.columns is missing"),
    (("columns = 2", 'columns = "2"'), "grid.columns must be a whole number of 1 or more, not '2'"),
    (("columns = 2", "columns = 0"), "grid.columns must be a whole number"),
    (("rows = 1", "rows = true"), "grid.rows must be a whole number"),
    (("width_mm = 100", "width_mm = -100"), "page.width_mm must be greater than 0"),
    (('title = "Test sheet"\n', ""), "title is missing"),
    (("size_mm = 30", 'size_mm = "30 mm"'), "qr.size_mm must be a number, not '30 mm'"),
    (("size_mm = 30", 'size_mm = 30\nerror_correction = "L"'), "qr.error_correction must be one of Q, H"),
    (("size_mm = 30", "size_mm = 30\ncolour = 1"), "qr.colour is not a known field"),
    (('field = "point_name"', 'field = "point_title"'), "text.0.field must be one of school_name, point_name"),
    (('field = "point_name"', 'field = "point_name"\ntext = "x"'), "text.0.field or text: give exactly one"),
    (("size_pt = 10", "size_pt = 10\nmin_size_pt = 12"), "text.0.min_size_pt must not be larger than size_pt"),
    (("size_pt = 10", "size_pt = 10\nalign = \"middle\""), "text.0.align must be one of left, center, right"),
    (("height_mm = 10", "height_mm = 3"), "text.0.height_mm is too small for one line at min_size_pt 10"),
    (("[page]", "[[page]]"), "page must be a table"),
    (("title = \"Test sheet\"", "title = 5"), "title must be a non-empty string, not 5"),
    (("[page]", "[page\n"), "not valid TOML"),
])
def test_a_broken_file_names_the_file_and_the_field(tmp_path, change, message):
    old, new = change
    assert old in VALID
    error = load_broken(tmp_path, VALID.replace(old, new, 1))
    assert error.startswith(f"{tmp_path.name}/test.toml: ")
    assert message in error


def test_the_message_is_file_colon_field_problem(tmp_path):
    error = load_broken(tmp_path, VALID.replace("rows = 1\n", ""))
    assert error == f"{tmp_path.name}/test.toml: grid.rows is missing"


@pytest.mark.parametrize(("change", "message"), [
    (("columns = 2", "columns = 3"), "needs 150 mm, more than page.width_mm (100)"),
    (("height_mm = 50\n", "height_mm = 50\nmargin_top_mm = 1\n"), "needs 51 mm, more than page.height_mm (50)"),
    (("rows = 1", "rows = 1\ngap_x_mm = 1"), "needs 101 mm, more than page.width_mm (100)"),
    (("size_mm = 30", "size_mm = 49"), "qr does not fit inside the label"),
    (("x_mm = 2\ny_mm = 34", "x_mm = 10\ny_mm = 34"), "text.0 does not fit inside the label"),
    (("y_mm = 34", "y_mm = 30"), "text.0 overlaps the QR code"),
    (("[qr]", "[border]\nline_mm = 0.5\ninset_mm = 2\n\n[qr]"), "qr does not fit inside the border"),
])
def test_geometry_is_checked(tmp_path, change, message):
    old, new = change
    assert old in VALID
    assert message in load_broken(tmp_path, VALID.replace(old, new, 1))

