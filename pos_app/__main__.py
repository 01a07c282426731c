"""`python -m pos_app` is the `caisse` command."""

import sys

from pos_app.cli import main

sys.exit(main())
