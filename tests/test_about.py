"""The About page text: built from the schema, the data README and the records."""

from __future__ import annotations

import pandas as pd

from lawreach.contract.load import load_dataset
from lawreach.contract.schema import SOURCE_KINDS, STATUSES
from lawreach.ui import about


def test_readme_section_is_found_by_heading_word(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Data\n\n## Fields\nx\n\n## Known gaps\n\n- one\n- two\n\n## Licence\nCC\n",
                      encoding="utf-8")
    assert about.readme_section(readme, "gap") == "- one\n- two"
    assert about.readme_section(readme, "nothing") is None
    assert about.readme_section(tmp_path / "missing.md", "gap") is None


def test_page_lists_every_status_and_the_gaps(mini_dir):
    (mini_dir / "README.md").write_text("## Known gaps\n\n- Stations not located.\n", encoding="utf-8")
    data = load_dataset(mini_dir)
    text = about.about_markdown(data.records, data.totals, mini_dir)
    for key in STATUSES:
        assert f"`{key}`" in text
    assert "- Stations not located." in text
    assert "**2 records**" in text and "1 of 102 reported stations" in text


def test_source_summary_counts_distinct_documents_and_escapes_publishers():
    src = {"url": "https://a.org/1", "kind": "press", "publisher": "*Bold* [x](y)"}
    records = pd.DataFrame({"sources": [[src], [src, dict(src, url="https://a.org/2",
                                                          kind="court")]]})
    text = about.source_summary(records)
    assert "**2 distinct documents**" in text
    assert f"{SOURCE_KINDS['press']}: 1" in text and f"{SOURCE_KINDS['court']}: 1" in text
    assert r"\*Bold\* \[x\]\(y\) (2)" in text
