"""How long a school's full sheet of 1,000 QR labels takes, against the floor of building the codes alone.

Run: .venv/bin/python bench/labels.py [--profile]. Prints figures only.
"""
from __future__ import annotations

import cProfile
import pstats
import random
import resource
import string
import sys
import time

import qrcode

from safety.labels import LabelContent, find_cjk_font, load_layout, render_pdf

COUNT = 1000
BUILDINGS = ["一号教学楼", "二号教学楼", "实验楼", "综合楼", "学生宿舍楼", "食堂", "体育馆", "图书馆", "行政楼",
             "艺术楼"]
PLACES = ["东侧楼梯间", "西侧楼梯间", "走廊中段", "卫生间门口", "配电间", "安全出口", "化学实验室", "多功能厅"]
ITEMS = ["灭火器箱", "消火栓", "应急照明灯", "疏散指示标志", "防火门", "烟感报警器", "配电箱", "监控探头"]
CATEGORIES = ["消防设施", "疏散通道", "用电安全", "安防设备"]
URL_CHARS = string.ascii_letters + string.digits + "-_"


def sample_labels(count: int) -> list[LabelContent]:
    rng = random.Random(2024)
    labels = []
    for i in range(count):
        building, place, item = rng.choice(BUILDINGS), rng.choice(PLACES), rng.choice(ITEMS)
        floor = rng.randint(1, 6)
        labels.append(LabelContent(
            url="https://safety.example.cn/q/" + "".join(rng.choices(URL_CHARS, k=32)),
            school_name="北京市海淀区中关村第三实验小学",
            point_name=f"{building}{floor}层{place}{item}",
            point_code=f"HD03-{BUILDINGS.index(building) + 1:02d}-{floor}F-{i + 1:04d}",
            category=rng.choice(CATEGORIES),
        ))
    return labels


def qr_floor(labels: list[LabelContent]) -> float:
    """The same codes as PIL images with qrcode alone, at the A4 layout's error-correction level."""
    start = time.perf_counter()
    for label in labels:
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
        code.add_data(label.url)
        code.make(fit=True)
        code.make_image()
    return time.perf_counter() - start


def render(labels: list[LabelContent], layout, profile: cProfile.Profile | None) -> tuple[float, bytes]:
    start = time.perf_counter()
    if profile:
        profile.enable()
    pdf = render_pdf(labels, layout)
    if profile:
        profile.disable()
    return time.perf_counter() - start, pdf


def main() -> None:
    labels, layout = sample_labels(COUNT), load_layout("a4-stickers-3x8")
    start = time.perf_counter()
    find_cjk_font(), find_cjk_font(bold=True)
    print(f"font lookup (once per process): {(time.perf_counter() - start) * 1000:.0f} ms")
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    pages = -(-COUNT // layout.labels_per_page)
    # Two rounds, each timing the labels and the floor back to back, so a busy machine shows as a spread.
    for round_ in ("cold caches", "warm caches"):
        elapsed, pdf = render(labels, layout, profile)
        floor = qr_floor(labels)
        print(f"{round_}: {COUNT} labels, layout {layout.name}: {elapsed:.2f} s, {pages} pages, "
              f"{len(pdf) / 1e6:.2f} MB PDF ({len(pdf) / pages / 1e3:.0f} kB per page); "
              f"QR images alone with qrcode (floor): {floor:.2f} s; ratio labels / floor: {elapsed / floor:.2f}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
