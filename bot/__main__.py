"""``python -m bot`` is ``nextsteps``."""

import sys

from bot.cli import main

sys.exit(main())
