#!/usr/bin/env bash
# Creates .venv/ (once) and installs or refreshes what building and testing the Python package
# needs: scikit-build-core and pybind11 (the build), numpy and gymnasium (the package), pytest, and
# Gymnasium's Box2D extra (pybox2d, PyPI `box2d`) for the side-by-side walker test
# (python/tests/test_walker_parity.py).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "pybind11>=2.11" "numpy>=1.24" "gymnasium[box2d]>=1.0,<2" "pytest>=7"
