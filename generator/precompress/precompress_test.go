package precompress

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestAdd(t *testing.T) {
	page := []byte(strings.Repeat("<p>稳岗返还</p>\n", 200))
	big := bytes.Repeat([]byte("wasm\x00\x01"), 20000)
	files := map[string][]byte{"index.html": page, "assets/c.wasm": big, "favicon.ico": {1, 2, 3}}
	dir := t.TempDir()
	for round := range 2 { // the second round reads the cache
		f := map[string][]byte{}
		for k, v := range files {
			f[k] = v
		}
		if err := Add(f, dir); err != nil {
			t.Fatal(err)
		}
		if _, ok := f["favicon.ico.br"]; ok {
			t.Error("an .ico got a compressed copy")
		}
		for _, name := range []string{"index.html", "assets/c.wasm"} {
			br, err := io.ReadAll(brotli.NewReader(bytes.NewReader(f[name+".br"])))
			if err != nil || !bytes.Equal(br, files[name]) {
				t.Errorf("round %d: %s.br does not decompress to the file (%v)", round, name, err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(f[name+".gz"]))
			if err != nil {
				t.Fatal(err)
			}
			gz, _ := io.ReadAll(zr)
			if !bytes.Equal(gz, files[name]) {
				t.Errorf("round %d: %s.gz does not decompress to the file", round, name)
			}
			if len(f[name+".br"]) >= len(files[name]) {
				t.Errorf("%s.br is not smaller", name)
			}
		}
	}
}

// TestReusedWriters: many small files through the reused writers each
// decompress to exactly their own bytes.
func TestReusedWriters(t *testing.T) {
	files := map[string][]byte{}
	for i := range 300 {
		files[fmt.Sprintf("p%d/index.html", i)] = []byte(strings.Repeat(fmt.Sprintf("<p>第%d条 稳岗返还</p>\n", i), i%50+1))
	}
	want := map[string][]byte{}
	for k, v := range files {
		want[k] = v
	}
	if err := Add(files, ""); err != nil {
		t.Fatal(err)
	}
	for name, orig := range want {
		br, err := io.ReadAll(brotli.NewReader(bytes.NewReader(files[name+".br"])))
		if err != nil || !bytes.Equal(br, orig) {
			t.Fatalf("%s.br does not decompress to %s: %v", name, name, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(files[name+".gz"]))
		if err != nil {
			t.Fatal(err)
		}
		gz, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(gz, orig) {
			t.Fatalf("%s.gz does not decompress to %s: %v", name, name, err)
		}
	}
}

// The small files' copies come from the pack on the next build, are the same
// bytes as without a cache, and a damaged pack is only a cold cache.
func TestPack(t *testing.T) {
	files := map[string][]byte{}
	for i := range 50 {
		files[fmt.Sprintf("p%d/index.html", i)] = []byte(strings.Repeat(fmt.Sprintf("<p>第%d页 稳岗返还</p>\n", i), 100))
	}
	run := func(cache string) map[string][]byte {
		f := maps.Clone(files)
		if err := Add(f, cache); err != nil {
			t.Fatal(err)
		}
		return f
	}
	plain := run("")
	dir := t.TempDir()
	first := run(dir)
	pack := filepath.Join(dir, packName)
	if _, err := os.Stat(pack); err != nil {
		t.Fatalf("no pack written: %v", err)
	}
	// Replace one entry's copies in the pack by marked bytes: the next
	// build must take them from the pack, not compress again.
	m := readPack(pack)
	if len(m) != len(files) {
		t.Fatalf("pack holds %d entries, want %d", len(m), len(files))
	}
	second := run(dir)
	for name := range plain {
		if !bytes.Equal(plain[name], first[name]) || !bytes.Equal(plain[name], second[name]) {
			t.Errorf("%s differs between no cache, a cold and a warm cache", name)
		}
	}
	key := sha256.Sum256(files["p0/index.html"])
	var k [16]byte
	copy(k[:], key[:16])
	if _, ok := m[k]; !ok {
		t.Fatal("p0 not in the pack")
	}
	// Warm: a pack whose entry for p0 says "marked" is believed.
	m[k] = entry{[]byte("marked-br"), []byte("marked-gz")}
	names := []string{"p0/index.html"}
	writePack(dir, names, files, [][16]byte{k}, []entry{m[k]})
	if got := run(dir)["p0/index.html.br"]; string(got) != "marked-br" {
		t.Errorf("p0's copy did not come from the pack: %q", got[:min(len(got), 20)])
	}
	// Damaged: cut in the middle of an entry.
	b, _ := os.ReadFile(pack)
	if err := os.WriteFile(pack, b[:len(b)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if readPack(pack) != nil {
		t.Error("a truncated pack was read")
	}
	if got := run(dir); !bytes.Equal(got["p0/index.html.br"], plain["p0/index.html.br"]) {
		t.Error("a truncated pack changed the output")
	}
}

// TestAddSums: the sums AddSums returns are the first 16 bytes of each
// page's SHA-256 (what the output manifest records), whether the copies
// were compressed or came from the pack; assets get none.
func TestAddSums(t *testing.T) {
	files := map[string][]byte{"index.html": []byte("<p>home</p>"), "m/1/index.html": []byte("<p>one</p>"), "assets/app.js": []byte("let x = 1"), "favicon.ico": {1}}
	dir := t.TempDir()
	for round := range 2 {
		f := maps.Clone(files)
		sums, err := AddSums(f, dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 2 {
			t.Fatalf("round %d: %d sums, want 2 (the pages)", round, len(sums))
		}
		for name, sum := range sums {
			full := sha256.Sum256(files[name])
			if !bytes.Equal(sum[:], full[:16]) {
				t.Errorf("round %d: sum of %s is not its SHA-256", round, name)
			}
		}
	}
}
