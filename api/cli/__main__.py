"""`python -m api.cli`: the `logis` command."""

import sys

from api.cli import main

sys.exit(main())
