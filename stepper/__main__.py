"""``python -m stepper``: the same as the ``stepper`` command."""

from stepper.cli import main

raise SystemExit(main())
