"""Allow ``python -m lawreach``."""

import sys

from lawreach.cli import main

sys.exit(main())
