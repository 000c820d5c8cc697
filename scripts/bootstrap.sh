#!/usr/bin/env bash
# bootstrap.sh: from a fresh checkout to a running app or a passing test suite.
#   bash scripts/bootstrap.sh app    install packages if missing, build, start the desktop app
#   bash scripts/bootstrap.sh test   install packages if missing, build, run every test
# Debian 12 and Ubuntu 24.04+ (apt; Qt 6 builds of QCustomPlot); elsewhere: install the packages
# below by hand.
set -euo pipefail

cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ qt6-base-dev qt6-qpa-plugins libqcustomplot-dev
  libeigen3-dev libgtest-dev libbenchmark-dev libcli11-dev fonts-dejavu-core
  xvfb xauth x11-apps imagemagick libxcb-cursor0
  nlohmann-json3-dev libhdf5-dev libre2-dev pkgconf
)
BUILD_DIR=build

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
Usage: bash scripts/bootstrap.sh app|test
  app    install missing packages, build (Release, build/), start build/app/cellscope
  test   install missing packages, build, run ctest (exit status = the tests')
  --packages-only   install the missing packages and stop (scripts/package.sh uses it)
EOF
}

install_packages() {
  step "Checking system packages"
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "No dpkg/apt-get here: make sure these (Debian/Ubuntu names) are installed:"
    echo "  ${PACKAGES[*]}"
    return 0
  fi
  local missing=() pkg status
  for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null || true)
    case "$status" in
      *"install ok installed"*) ;;
      *) missing+=("$pkg") ;;
    esac
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "All ${#PACKAGES[@]} packages are installed."
    return 0
  fi
  local SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; then
    die "missing packages (${missing[*]}) and not root, and sudo is not available; install them as root"
  fi
  step "Installing ${#missing[@]} missing package(s): ${missing[*]}"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  step "Configuring (Release, Ninja, ${BUILD_DIR}/)"
  if cmake --list-presets >/dev/null 2>&1; then
    cmake --preset release
  else
    # This CMake cannot read CMakePresets.json: configure the same way by hand.
    echo "(this CMake does not understand CMakePresets.json; configuring without the preset)"
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  step "Building with $(nproc) job(s)"
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

run_app() {
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    cat >&2 <<EOF

bootstrap: the app is built (${BUILD_DIR}/app/cellscope), but there is no display to show it
on: neither DISPLAY nor WAYLAND_DISPLAY is set. Run it from a desktop session, over ssh -X,
or under a virtual X server, for example:
  xvfb-run -a -s "-screen 0 1600x1000x24" bash scripts/bootstrap.sh app
EOF
    exit 1
  fi
  # With no arguments the app reopens the last model and text, or on a first start opens the
  # first Help → Examples entry: a bundled model on its demo text, coloured by a named neuron.
  step "Starting ${BUILD_DIR}/app/cellscope"
  exec "${BUILD_DIR}/app/cellscope"
}

run_tests() {
  step "Running the tests (ctest, 2 at a time, 600 s limit each)"
  local status=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 600 || status=$?
  if [ "$status" -eq 0 ]; then
    step "All tests passed"
  else
    step "Some tests failed (ctest exit status ${status})"
  fi
  exit "$status"
}

main() {
  if [ "$#" -ne 1 ]; then
    usage >&2
    exit 2
  fi
  case "$1" in
    app | test) ;;
    --packages-only) install_packages; exit 0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  install_packages
  build
  if [ "$1" = app ]; then run_app; else run_tests; fi
}

main "$@"
