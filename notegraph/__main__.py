"""`python -m notegraph` runs the CLI."""

from .cli import main

main()
