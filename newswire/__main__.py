"""`python -m newswire` runs the command line."""

from newswire.cli import main

raise SystemExit(main())
