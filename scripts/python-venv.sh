#!/usr/bin/env bash
# Creates .venv/ (once) and installs or refreshes what building and testing the Python package
# needs: scikit-build-core and pybind11 (the build), numpy and gymnasium (the package), pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "pybind11>=2.11" "numpy>=1.24" "gymnasium>=1.0,<2" "pytest>=7"
