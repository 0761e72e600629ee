"""The output folder stays where it was chosen, whatever a campaign id says."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.batch.runner import output_folder
from analytics.config import REPORTS_DIR
from analytics.errors import UsageError
from analytics.report.layout import OutputLayout


@pytest.mark.parametrize("name", ["../../../elsewhere", "a/b", "..", ".hidden", "", "x" * 65, "名字", "c:", "a\\b"])
def test_a_campaign_id_that_is_not_a_plain_folder_name_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="cannot name an output folder"):
        OutputLayout.inside(tmp_path, name)
    with pytest.raises(UsageError, match="give an output folder with --out"):
        output_folder(None, name)


def test_a_plain_id_is_a_folder_inside_reports(tmp_path):
    assert OutputLayout.inside(tmp_path, "shunhe_2012").root == tmp_path / "shunhe_2012"
    assert output_folder(None, "weishi") == REPORTS_DIR / "weishi"
    assert output_folder(Path("/tmp/chosen"), "../x") == Path("/tmp/chosen")  # --out is the user's choice
