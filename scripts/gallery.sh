#!/bin/sh
# gallery.sh regenerates docs/gallery: it runs the offline demo shoot
# (`shoot run --demo --yes`, no keys, the bundled references) and keeps
# small JPEG copies of its hero, contact sheet, six frames and a strip of
# stills from the film. The studio is deterministic, so a rerun on the same
# code gives the same pictures.
# Usage: scripts/gallery.sh
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/shoot" ./cmd/shoot
"$work/shoot" run --demo --yes --out "$work/demo" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
out=docs/gallery
mkdir -p "$out"
rm -f "$out"/*.jpg
jpeg() { ffmpeg -loglevel error -y -i "$1" -vf "scale=$2:-2:flags=lanczos" -q:v 4 -map_metadata -1 -fflags +bitexact -flags:v +bitexact "$3"; }
jpeg "$work/demo/hero.png" 960 "$out/hero.jpg"
jpeg "$work/demo/contact-sheet.png" 960 "$out/contact-sheet.jpg"
for i in 1 2 3 4 5 6; do
	jpeg "$work/demo/frames/frame-$i.png" 320 "$out/frame-$i.jpg"
done
# Six stills spread over the film, side by side.
ffmpeg -loglevel error -y -i "$work/demo/final/fashion-video.mp4" \
	-vf "fps=6/$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/demo/final/fashion-video.mp4"),scale=240:-2,tile=6x1" \
	-frames:v 1 -q:v 4 -map_metadata -1 -fflags +bitexact -flags:v +bitexact "$out/film-strip.jpg"
cp "$work/demo/manifest.json" "$work/manifest.json"
echo "gallery written to $out"
