"""``python -m pinpoint_kpi_pandas.cli``: the same as ``pinpoint-kpi``."""

import sys

from . import main

sys.exit(main())
