#!/usr/bin/env bash
# package.sh: build CellScope for any x86-64 (the portable preset) and make a Debian package.
#   bash scripts/package.sh            -> build-portable/cellscope_<version>_amd64.deb
#   bash scripts/package.sh --install  -> the same, then installs it with apt (root or sudo)
# It installs what packaging needs on top of bootstrap.sh's list (help2man for the man page,
# desktop-file-utils and appstream for the validators, dpkg-dev for dpkg-shlibdeps).
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRA=(desktop-file-utils appstream help2man dpkg-dev)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for pkg in "${EXTRA[@]}"; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# bootstrap's own package list and checks, without building its Release tree.
bash scripts/bootstrap.sh --packages-only

cmake --preset portable -DCELLSCOPE_BUILD_TESTS=OFF
cmake --build build-portable -j"$(nproc)"
(cd build-portable && cpack -G DEB)
deb=$(ls -t build-portable/cellscope_*_amd64.deb | head -n 1)
echo "package: $deb"
dpkg-deb --field "$deb" Package Version Depends
if [ "${1:-}" = "--install" ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "./$deb"
fi
