"""`python -m notegraph` runs the command line, as the `notegraph` script does."""

from .entry import main

main()
