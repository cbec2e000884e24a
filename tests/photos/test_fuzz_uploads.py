"""Upload fuzzing: mutated images (flipped bytes, cuts, splices, garbage headers) become a photo or a clear
4xx error, never an unhandled exception, through the pipeline and through HTTP."""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from safety.errors import ApiError
from safety.photos.processing import process_photo
from tests.factories import upload_photo


def _seed_images() -> list[bytes]:
    import pillow_heif
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (96, 64), (200, 40, 40))
    image.paste((30, 30, 220), (20, 10, 60, 50))
    out = []
    for fmt in ("JPEG", "PNG", "WEBP", "HEIF"):
        buffer = io.BytesIO()
        image.save(buffer, fmt)
        out.append(buffer.getvalue())
    return out


SEEDS = _seed_images()


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "header"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            data[:8] = draw(st.binary(min_size=8, max_size=8))
    return bytes(data)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_the_pipeline_answers_every_mutation_with_a_photo_or_a_4xx(data):
    try:
        photo = process_photo(data, max_bytes=5_000_000)
    except ApiError as error:
        assert 400 <= error.status < 500 and error.code.startswith("photo_")
    else:
        assert photo.width > 0 and photo.display.startswith(b"\xff\xd8")


@pytest.mark.parametrize("index", range(40))
def test_http_uploads_of_mutations_never_fail_with_a_server_error(client, world, index):
    data = _mutation(index)
    response = upload_photo(client, world.headers("officer_a"), data)
    assert response.status_code in (200, 201, 413, 415, 422), response.json
    if response.status_code >= 400:
        assert response.json["error"]["code"].startswith("photo_")


def _mutation(index: int) -> bytes:
    """Deterministic mutations for the HTTP test (hypothesis drives the pipeline test above)."""
    import random
    rng = random.Random(index)
    data = bytearray(SEEDS[index % len(SEEDS)])
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[at] ^= rng.randint(1, 255)
        else:
            del data[at:at + rng.randint(1, 100)]
    return bytes(data)
