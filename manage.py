#!/usr/bin/env python
"""Django's command-line utility; `concord` (the console script) does the same and more."""

import sys

from concord.config.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
