#!/usr/bin/env bash
# Installs the Debian packages Synaptic Gym builds with, only those that are missing, and says
# nothing when everything is present. Runs apt-get as root, or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config git
  libbox2d-dev        # Box2D 2.4: the biped and arm bodies
  libeigen3-dev       # linear algebra for the learning rules
  libcli11-dev        # the sgym command line
  nlohmann-json3-dev  # summary.json, JSON Lines episode logs and trajectories
  libtomlplusplus-dev # bench suite files (TOML)
  catch2              # tests (v2, single header)
  libsfml-dev         # optional renderer; the build works without it
  libgif-dev          # animated GIF output of sgym record / replay (giflib)
  fonts-dejavu-core   # the font of texts in frames and the window overlay (DejaVu Sans)
  xvfb xauth          # a virtual X display, so offscreen rendering and its tests run headless (xvfb-run)
  gnuplot-nox         # sgym plot: learning curves and signal figures as PNG/SVG (no X11 dependency)
  libbenchmark-dev    # Google Benchmark: the micro-benchmarks (benchmarks/micro, scripts/micro-compare.py)
  slurmctld slurmd slurm-client munge  # the Slurm job-array test (scripts/slurm-test.sh, single node)
  python3-dev python3-venv python3-pip  # the Python package: headers for the module, the venv of scripts/test.sh
)
# ffmpeg (MP4 output of sgym record) is optional and not installed here: it pulls in ~75 packages
# (codecs, audio and video libraries) that nothing else needs; without it MP4 falls back to GIF with
# a message. Install it with `apt-get install ffmpeg` to get MP4.

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt=(sudo apt-get)
else
  echo "install-deps: these Debian packages are missing and I am neither root nor able to sudo:" >&2
  echo "  ${missing[*]}" >&2
  echo "install them with: apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
