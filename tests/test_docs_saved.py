"""The examples of docs/saved-responses.md run as written, in order, in one namespace."""

import re
import warnings
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "saved-responses.md"


def test_the_saved_responses_page_runs_as_written(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 8
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for number, block in enumerate(blocks):
            try:
                exec(compile(block, f"{DOC.name} block {number}", "exec"), namespace)
            except Exception as exc:  # name the block that failed
                raise AssertionError(f"block {number} of {DOC.name} failed: {exc!r}") from exc
    kinds = {type(w.message).__name__ for w in caught}
    assert {"CoverageWarning", "ProvisionalDataWarning", "BadFileWarning"} <= kinds
