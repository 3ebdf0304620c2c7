#!/bin/sh
# Prints the calculator wasm's size: raw, gzip -9 and brotli -q 11 (the
# brotli command when installed, else the build's own encoder).
# Budget (issue 3): ≤ 600 KB brotli. Run from anywhere inside the module.
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out/calculator.wasm" .
raw=$(wc -c <"$out/calculator.wasm")
gz=$(gzip -9 -c "$out/calculator.wasm" | wc -c)
echo "raw          $raw bytes"
echo "gzip -9      $gz bytes"
if command -v brotli >/dev/null 2>&1; then
	br=$(brotli -q 11 -c "$out/calculator.wasm" | wc -c)
else
	br=$(go run ../../generator/precompress/brsize "$out/calculator.wasm")
fi
echo "brotli -q 11 $br bytes (budget 600000; the .br file the build writes)"
[ "$br" -le 600000 ] || { echo "over budget" >&2; exit 1; }
