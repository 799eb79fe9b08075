"""``python -m fiscalsim``: the command line (``fiscalsim --help``)."""

from fiscalsim.cli import main

if __name__ == "__main__":
    main(prog_name="fiscalsim")
