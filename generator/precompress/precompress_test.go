package precompress

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
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
