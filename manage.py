#!/usr/bin/env python3
"""Same as the `rapport` console script, for those who expect manage.py."""

from rapport.cli import main

if __name__ == "__main__":
    main()
