"""``python -m campaign_metrics.synthetic``: the command line of :func:`main`."""

import sys

from ._cli import main

sys.exit(main())
