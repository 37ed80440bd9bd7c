"""Re-execute the notebooks in place, so their stored outputs match the code.

Run after editing a notebook (CI checks the stored outputs with nbval)::

    python notebooks/execute.py            # every notebook here
    python notebooks/execute.py 01_quickstart.ipynb

Each notebook runs in a fresh kernel from this directory, against the in-process emulator it
starts itself (frozen clock, fixed seed), so the outputs are the same on every run. Widget state
is stored too, so the documentation can show the dashboard as it first appears.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> float:
    book = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        book,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(HERE)}},
        store_widget_state=True,
    ).execute()
    nbformat.write(book, path)
    return time.perf_counter() - started


def main(names: list[str]) -> int:
    paths = [HERE / n for n in names] if names else sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
