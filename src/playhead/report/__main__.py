"""``python -m playhead.report EVENTS.jsonl -o session.html``."""

import sys

from playhead.report import main

sys.exit(main())
