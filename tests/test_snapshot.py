"""Snapshots: exact pixel sizes, markers where the records are, one SVG marker per
record, a legend and labels that never cover a record, and reproducible bytes."""

from __future__ import annotations

import io
import os
import re
import struct
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.image import imread

from lawreach.contract.load import load_dataset
from lawreach.export import snapshot
from lawreach.export.tabular import ExportMeta
from lawreach.map import style
from lawreach.query.filters import FilterState, apply, describe
from tests.conftest import ARTIFACTS
from tests.sample_data import EXPORT_DATE, write_export_dir

EXPECTED = Path(__file__).resolve().parent / "expected"
REGEN = os.environ.get("LAWREACH_REGEN_EXPECTED") == "1"
ITALY = FilterState(countries=("ITA",))
VIEWS = {"all": (FilterState(), False), "ita": (ITALY, False), "world": (ITALY, True)}


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    return write_export_dir(tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="module")
def dataset(export_dir):
    data = load_dataset(export_dir)
    assert not data.problems
    return data


def _view(export_dir, dataset, state: FilterState, title: str | None = None):
    filtered = apply(dataset.records, state)
    names = dict(zip(dataset.bureaus["id"], dataset.bureaus["name"], strict=True))
    meta = ExportMeta.for_data(export_dir, describe(state, filtered, names), title=title,
                               export_date=EXPORT_DATE)
    return filtered, meta


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _save(name: str, data: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


@pytest.mark.parametrize("preset", list(snapshot.PRESETS))
def test_png_dimensions_are_exactly_preset_times_scale(export_dir, dataset, preset):
    filtered, meta = _view(export_dir, dataset, ITALY)
    snap = snapshot.build(filtered, dataset.bureaus, meta, preset=preset)
    base = snapshot.PRESETS[preset]
    for scale in snapshot.SCALES:
        data = snapshot.render(snap, "png", scale)
        assert _png_size(data) == (base.width_px * scale, base.height_px * scale)
        if scale == 2:
            _save(f"snapshot-ita-{preset}@2x.png", data)


def _near(image: np.ndarray, x: float, y: float, radius: int, rgb: tuple[int, int, int]) -> bool:
    h, w = image.shape[:2]
    xi, yi = int(round(x)), int(round(y))
    rows = slice(max(0, yi - radius), min(h, yi + radius + 1))
    cols = slice(max(0, xi - radius), min(w, xi + radius + 1))
    window = image[rows, cols, :3]
    distance = np.abs(window.astype(int) - np.array(rgb)).sum(axis=2)
    return bool((distance <= 30).any())


@pytest.mark.parametrize("view", list(VIEWS))
def test_png_has_marker_colours_where_the_records_are(export_dir, dataset, view):
    state, world = VIEWS[view]
    filtered, meta = _view(export_dir, dataset, state)
    scale = 2
    snap = snapshot.build(filtered, dataset.bureaus, meta, world=world)
    data = snapshot.render(snap, "png", scale)
    _save(f"snapshot-{view}-slide@2x.png", data)
    image = (imread(io.BytesIO(data)) * 255).round().astype(np.uint8)
    # Not blank: many colours, and a good share of non-white pixels (basemap, text).
    non_white = (image[..., :3] < 245).any(axis=2).mean()
    assert non_white > 0.1
    sample = image[::3, ::3, :3].astype(np.int32)
    packed = (sample[..., 0] << 16) | (sample[..., 1] << 8) | sample[..., 2]
    assert len(np.unique(packed)) > 50
    assert len(snap.points) == len(filtered)
    bureau_of = dict(zip(filtered["id"], filtered["operating_bureau"], strict=True))
    colours = set()
    for point in snap.points.itertuples():
        rgb = style.bureau_colour(bureau_of[point.id])  # the map's colour, not the snapshot's own
        colours.add(rgb)
        assert _near(image, point.x * scale, point.y * scale, 5 * scale, rgb), point.id
    # A control: the ocean far from any record does not have those colours.
    box = snap.map_box
    corner = (box.x0 + 8, box.y1 - 8)
    far = np.hypot(snap.points["x"] - corner[0], snap.points["y"] - corner[1]).min() > 30
    if far:
        assert not any(_near(image, corner[0] * scale, corner[1] * scale, 4, c) for c in colours)


def test_svg_has_exactly_one_marker_per_record(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, FilterState())
    svg = snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "svg", arcs=True).decode()
    ids = re.findall(r'<g id="record-([a-z0-9-]+)"', svg)
    assert sorted(ids) == sorted(filtered["id"])
    assert len(ids) == len(set(ids)) == len(filtered)
    all_ids = re.findall(r' id="([^"]+)"', svg)
    assert len(all_ids) == len(set(all_ids)), "SVG ids are unique"
    _save("snapshot-all-slide.svg", svg.encode())


def test_country_precision_records_are_hollow_and_region_ones_pale(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, FilterState())
    filtered = filtered.copy()
    filtered.loc[filtered["id"] == "st-ita-prato-1", "location_precision"] = "region"
    snap = snapshot.build(filtered, dataset.bureaus, meta)
    hollow = dict(zip(snap.points["id"], snap.points["hollow"], strict=True))
    assert hollow["st-bra-country-1"] is True or hollow["st-bra-country-1"] == np.True_
    assert sum(bool(v) for v in hollow.values()) == 1
    svg = snapshot.render(snap, "svg").decode()
    group = svg.split('<g id="record-st-bra-country-1">', 1)[1].split("</g>", 1)[0]
    assert "fill: #ffffff" in group and "stroke: #aaaaaa" in group
    pale = svg.split('<g id="record-st-ita-prato-1">', 1)[1].split("</g>", 1)[0]
    assert "fill: #0072b2; fill-opacity: 0.45" in pale
    assert "Region only" in svg and "Country only" in svg


def test_svg_and_pdf_are_byte_identical_and_svg_matches_saved_file(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, ITALY, title="Qingtian & friends: <Italy> $5 $6")
    first = snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "svg")
    second = snapshot.snapshot_bytes(filtered.copy(), dataset.bureaus, meta, "svg")
    assert first == second
    assert b"<dc:date>" not in first
    text = first.decode()
    assert "Qingtian &amp; friends: &lt;Italy&gt; $5 $6" in text, "title is escaped, no mathtext"
    assert "4 service stations in Italy" in text
    assert meta.data_version in text and "exported 2026-01-15" in text
    assert "Natural Earth" in text
    pdf1 = snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "pdf")
    pdf2 = snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "pdf")
    assert pdf1 == pdf2 and pdf1.startswith(b"%PDF")
    _save("snapshot-ita-slide.svg", first)
    _save("snapshot-ita-a4.pdf", snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "pdf",
                                                         preset="a4"))
    # The saved file pins the bytes; it depends on matplotlib's SVG writer, so it is
    # keyed by matplotlib version (the two-run comparison above always runs).
    expected = EXPECTED / f"snapshot-ita-slide.mpl-{mpl.__version__}.svg"
    if REGEN:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(first)
    if not expected.exists():
        pytest.skip(f"no saved SVG for matplotlib {mpl.__version__}; "
                    "regenerate with LAWREACH_REGEN_EXPECTED=1")
    assert first == expected.read_bytes()


def test_rc_params_are_left_as_found(export_dir, dataset):
    before = mpl.rcParams["svg.hashsalt"], mpl.rcParams["svg.fonttype"]
    filtered, meta = _view(export_dir, dataset, ITALY)
    snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "svg")
    assert (mpl.rcParams["svg.hashsalt"], mpl.rcParams["svg.fonttype"]) == before


@pytest.mark.parametrize("preset", list(snapshot.PRESETS))
@pytest.mark.parametrize("view", list(VIEWS))
def test_legend_and_labels_never_cover_a_record(export_dir, dataset, preset, view):
    state, world = VIEWS[view]
    filtered, meta = _view(export_dir, dataset, state)
    snap = snapshot.build(filtered, dataset.bureaus, meta, preset=preset, world=world, arcs=True)
    markers = [(p.x, p.y) for p in snap.points.itertuples()]
    legend = snap.legend_box
    assert not legend.overlaps(snap.map_box), "the legend has its own panel"
    for x, y in markers:
        assert snap.map_box.contains(x, y), "every record is inside the map frame"
        assert not legend.contains(x, y)
    boxes = [box for _, box in snap.labels]
    for i, box in enumerate(boxes):
        assert not any(box.contains(x, y) for x, y in markers)
        assert not any(box.overlaps(other) for other in boxes[i + 1:])
    if view == "ita":
        assert {text for text, _ in snap.labels} >= {"Milan (2)", "Rome"}


def test_world_view_and_extent(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, ITALY)
    tight = snapshot.build(filtered, dataset.bureaus, meta)
    world = snapshot.build(filtered, dataset.bureaus, meta, world=True)
    x0, x1, y0, y1 = tight.extent
    assert 0 < x0 < 9.19 and 12.5 < x1 < 25 and 30 < y0 < 41.9 and 45.5 < y1 < 55
    assert world.extent[0] <= -180 and world.extent[1] >= 180


def test_empty_selection_still_renders(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, FilterState(search="nothing matches this"))
    svg = snapshot.snapshot_bytes(filtered, dataset.bureaus, meta, "svg").decode()
    assert "No records match this filter" in svg
    assert "record-" not in svg


def test_bad_arguments_raise(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, ITALY)
    with pytest.raises(ValueError, match="preset"):
        snapshot.build(filtered, dataset.bureaus, meta, preset="poster")
    snap = snapshot.build(filtered, dataset.bureaus, meta)
    with pytest.raises(ValueError, match="scale"):
        snapshot.render(snap, "png", 3)
    with pytest.raises(ValueError, match="format"):
        snapshot.render(snap, "gif", 1)


def test_records_around_the_globe_stay_whole_inside_the_frame(export_dir, dataset):
    filtered, meta = _view(export_dir, dataset, FilterState())
    filtered = filtered.copy()
    filtered.loc[filtered["id"] == "st-ita-rome-1", ["lon", "lat"]] = (178.44, -18.14)  # Suva
    filtered.loc[filtered["id"] == "st-ita-prato-1", ["lon", "lat"]] = (-149.57, -17.53)  # Papeete
    for world in (False, True):
        snap = snapshot.build(filtered, dataset.bureaus, meta, world=world)
        inner = snap.map_box.padded(-6)  # a marker's radius: no marker is cut by the frame
        assert all(inner.contains(p.x, p.y) for p in snap.points.itertuples()), world
