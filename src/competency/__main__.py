"""``python -m competency``: the same as the ``competency`` command."""

from .cli import main

main()
