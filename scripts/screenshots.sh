#!/usr/bin/env bash
# screenshots.sh: starts the app under Xvfb (a fresh settings folder, 1440x900) and saves one
# screenshot per tab and per Help → Examples entry into docs/images/ (PNG), for the README.
#   bash scripts/screenshots.sh [path/to/cellscope]      (default: build/app/cellscope)
# Needs: xvfb, x11-apps (xwd), imagemagick (convert) — bootstrap's list — and xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=$(realpath "${1:-build/app/cellscope}")
OUT=docs/images
mkdir -p "$OUT"
command -v xdotool >/dev/null || { echo "screenshots: needs xdotool (apt-get install xdotool)" >&2; exit 1; }

display=:$((90 + RANDOM % 9))
home=$(mktemp -d)
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT
sleep 1
export DISPLAY=$display

start_app() {  # start_app [args…]: a fresh app with a fresh settings folder, window focused
  [ -n "$app" ] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null || true
  rm -rf "$home"/* "$home"/.[!.]* 2>/dev/null || true
  (cd / && HOME=$home XDG_CONFIG_HOME=$home/.config exec "$APP" "$@") >/dev/null 2>&1 &
  app=$!
  sleep "${WAIT:-12}"
  local win
  win=$(xdotool search --sync --onlyvisible --class cellscope | head -n 1)
  xdotool windowfocus --sync "$win" 2>/dev/null || true
  xdotool mousemove 1430 890
}

shot() {  # shot NAME: the whole screen, cropped to the window, as a PNG of a few hundred KB
  xwd -root -silent | convert xwd:- -trim +repage -strip -define png:compression-level=9 \
    "$OUT/$1.png"
  echo "$OUT/$1.png ($(du -k "$OUT/$1.png" | cut -f1) KB)"
}

# The first start: the first Example (the comment neuron), then each tab in turn, clicked at
# its place in the tab bar (y 88 under the Example's caption, y 32 once another tab hides it).
start_app
shot explore
y=88
for tab in model:98 generate:168 train:234; do
  xdotool mousemove "${tab#*:}" "$y" click 1
  y=32
  sleep 4
  xdotool mousemove 1430 890
  shot "${tab%%:*}"
done

# Every Example, through Help → Examples (keyboard: Alt+H, E, Down × i, Return).
count=$(python3 -c 'import json;print(len(json.load(open("resources/examples.json"))["examples"]))')
ids=$(python3 -c 'import json;print(" ".join(e["id"] for e in json.load(open("resources/examples.json"))["examples"]))')
i=0
for id in $ids; do
  start_app
  xdotool key alt+h
  sleep 0.5
  xdotool key e
  sleep 0.5
  for _ in $(seq 1 "$i"); do xdotool key Down; sleep 0.2; done
  xdotool key Return
  sleep "${WAIT:-12}"
  shot "example-$id"
  i=$((i + 1))
done
echo "$count examples"
