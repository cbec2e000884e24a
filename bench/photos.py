"""Photo pipeline against libvips on the 12 MP sample photos.

    .venv/bin/python bench/photos.py [--rounds 21]

Ours, per photo: read the file, process_photo() (validate, metadata, sRGB display copy ≤ 1600 px, thumbnail ≤ 320 px,
phash), store the original in a temporary FolderStorage. libvips, per photo: thumbnail(path, 1600) in sRGB kept in
memory, a 320 px thumbnail of it, both saved as JPEG (same quality, no metadata) to memory.

Time: wall-clock median of N rounds after a warm-up, ours and libvips alternating so that a noisy machine slows both
alike. Memory: max RSS of a fresh child process handling one photo, read from its own rusage (os.wait4, i.e.
getrusage of that one child), next to a child making the same imports and handling nothing ("idle"). Children are
started before this process grows, because a child's max RSS includes the parent pages it was forked with.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "photos"
FILES = ("iphone13-gps.jpg", "iphone13-gps.heic")
MAX_BYTES = 25 * 2**20
CANNOT_DECODE = 3  # a child's exit status when libvips cannot read the file


# The pipelines import inside functions: this process must stay small until the memory children are forked.


def ours(path: Path, storage) -> None:
    from safety.photos.processing import process_photo
    from safety.photos.storage import photo_keys

    data = path.read_bytes()
    photo = process_photo(data, max_bytes=MAX_BYTES)
    storage.put(photo_keys(photo.sha256)["original"], data)


def libvips(path: Path, _storage=None) -> None:
    import pyvips

    from safety.photos.processing import DISPLAY_SIZE, JPEG_QUALITY, THUMB_SIZE

    display = pyvips.Image.thumbnail(str(path), DISPLAY_SIZE, export_profile="srgb").copy_memory()
    display.jpegsave_buffer(Q=JPEG_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)
    display.thumbnail_image(THUMB_SIZE).jpegsave_buffer(Q=JPEG_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)


def run_child(mode: str, path: Path) -> None:
    """One photo (or none, when idle) in this fresh process; the parent reads our rusage."""
    import pyvips

    import safety.photos.processing  # noqa: F401 - both pipelines pay for the same imports
    from safety.photos.storage import FolderStorage

    if mode.endswith("idle"):
        return
    with tempfile.TemporaryDirectory() as folder:
        try:
            (ours if mode == "ours" else libvips)(path, FolderStorage(folder))
        except pyvips.Error as error:
            print(str(error).strip().splitlines()[-1])
            raise SystemExit(CANNOT_DECODE) from error


def peak_mb(mode: str, path: Path) -> tuple[float | None, str]:
    """(max RSS in MB, or None when libvips cannot decode the file; the child's output)."""
    child = subprocess.Popen([sys.executable, __file__, "--child", mode, str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == CANNOT_DECODE:  # libvips logs to stderr as it goes; our one-line reason is flushed last
        return None, output.strip().splitlines()[-1]
    if code:
        raise SystemExit(f"the {mode} child failed on {path.name} (exit status {code}):\n{output}")
    return usage.ru_maxrss / 1024, output  # ru_maxrss is in kilobytes on Linux


def medians_ms(path: Path, rounds: int, with_libvips: bool) -> tuple[float, float | None]:
    from safety.photos.storage import FolderStorage

    pipelines = [ours, libvips] if with_libvips else [ours]
    times: dict = {pipeline: [] for pipeline in pipelines}
    with tempfile.TemporaryDirectory() as folder:
        storage = FolderStorage(folder)
        for pipeline in pipelines:
            pipeline(path, storage)  # warm-up: imports, caches, first-call set-up
        for _ in range(rounds):
            for pipeline in pipelines:
                start = time.perf_counter()
                pipeline(path, storage)
                times[pipeline].append(time.perf_counter() - start)
    ms = [statistics.median(times[pipeline]) * 1000 for pipeline in pipelines]
    return ms[0], (ms[1] if with_libvips else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], Path(args.child[1]))
        return
    missing = [name for name in FILES if not (SAMPLES / name).is_file()]
    if missing:
        raise SystemExit(f"sample photos missing in {SAMPLES}: {', '.join(missing)} (see ../shared/samples/README.md)")

    memory = {(name, mode): peak_mb(mode, SAMPLES / name)
              for name in FILES for mode in ("ours", "ours-idle", "libvips", "libvips-idle")}
    launcher_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    import PIL
    import pillow_heif
    import pyvips

    print(f"{args.rounds} rounds per file; Pillow {PIL.__version__}, pillow-heif {pillow_heif.__version__}, "
          f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)} "
          f"(concurrency {pyvips.concurrency_get()}), {os.cpu_count()} CPUs; "
          f"bench process RSS when forking children: {launcher_mb:.0f} MB")
    print(f"{'file':<20}{'ours ms':>9}{'libvips ms':>12}{'ratio':>8}{'ours MB (idle)':>17}{'libvips MB (idle)':>20}")
    for name in FILES:
        our_mb, vips_mb = memory[name, "ours"][0], memory[name, "libvips"][0]
        our_memory = f"{our_mb:.0f} ({memory[name, 'ours-idle'][0]:.0f})"
        our_ms, vips_ms = medians_ms(SAMPLES / name, args.rounds, with_libvips=vips_mb is not None)
        if vips_mb is None:
            reason = memory[name, "libvips"][1]
            print(f"{name:<20}{our_ms:>9.1f}{'—':>12}{'—':>8}{our_memory:>17}   libvips cannot decode it: {reason}")
            continue
        vips_memory = f"{vips_mb:.0f} ({memory[name, 'libvips-idle'][0]:.0f})"
        print(f"{name:<20}{our_ms:>9.1f}{vips_ms:>12.1f}{our_ms / vips_ms:>7.2f}×{our_memory:>17}{vips_memory:>20}")


if __name__ == "__main__":
    main()
