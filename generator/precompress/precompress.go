// Package precompress adds a brotli (.br) and a gzip (.gz) copy next to
// every text asset of a built site (wasm, JS, CSS, HTML, JSON, XML), so a
// static server sends them as they are (nginx brotli_static / gzip_static,
// the _headers file of static hosts) instead of compressing on every request
// or, as most hosts do for .wasm, not at all. On a slow rural network the
// calculator's engine then arrives in a quarter of the time.
//
// Brotli comes from github.com/andybalholm/brotli, a pure-Go port of the
// reference encoder: the standard library has no brotli writer, cgo is not
// wanted in the generator (it must build anywhere with only Go), and at
// quality 11 brotli makes the wasm about 25% smaller than gzip -9.
package precompress

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/andybalholm/brotli"
)

// Exts are the file types that get compressed copies.
var Exts = map[string]bool{".wasm": true, ".js": true, ".css": true, ".html": true, ".json": true, ".xml": true, ".svg": true, ".txt": true}

// cacheMin: files at least this large (the wasm, big bundles) get brotli's
// best quality (11) and are cached on disk by content hash, because that
// takes seconds on them. Smaller files (pages, small data) get quality 5 and
// gzip's default level, with writers reused per goroutine: quality 11 costs
// about 50 ms on a 12 KB page (the whole build of a 1,000-page site went to
// it), quality 5 about 1 ms for a page 10% larger.
const cacheMin = 64 << 10

// Levels for files below cacheMin.
const (
	smallBrotli = 5
	smallGzip   = gzip.DefaultCompression
)

// Add adds name.br and name.gz for every compressible file of files.
// cacheDir ("" = no cache) keeps the compressed copies of large files.
func Add(files map[string][]byte, cacheDir string) error {
	var names []string
	for name := range files {
		if Exts[path.Ext(name)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	type out struct{ br, gz []byte }
	outs := make([]out, len(names))
	errs := make([]error, len(names))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var z small
			for i := range work {
				b := files[names[i]]
				if len(b) < cacheMin {
					outs[i].br, outs[i].gz, errs[i] = z.compress(b)
				} else {
					outs[i].br, outs[i].gz, errs[i] = compress(b, cacheDir)
				}
			}
		}()
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	for i, name := range names {
		if errs[i] != nil {
			return errs[i]
		}
		files[name+".br"], files[name+".gz"] = outs[i].br, outs[i].gz
	}
	return nil
}

// small compresses files below cacheMin with writers it reuses (creating a
// brotli writer allocates its tables: most of the cost on a small file).
type small struct {
	buf bytes.Buffer
	bw  *brotli.Writer
	gw  *gzip.Writer
}

func (z *small) compress(b []byte) (br, gz []byte, err error) {
	z.buf.Reset()
	if z.bw == nil {
		z.bw = brotli.NewWriterOptions(&z.buf, brotli.WriterOptions{Quality: smallBrotli, LGWin: 16})
		z.gw, _ = gzip.NewWriterLevel(&z.buf, smallGzip)
	} else {
		z.bw.Reset(&z.buf)
	}
	if _, err := z.bw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := z.bw.Close(); err != nil {
		return nil, nil, err
	}
	br = bytes.Clone(z.buf.Bytes())
	z.buf.Reset()
	z.gw.Reset(&z.buf)
	if _, err := z.gw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := z.gw.Close(); err != nil {
		return nil, nil, err
	}
	return br, bytes.Clone(z.buf.Bytes()), nil
}

func compress(b []byte, cacheDir string) (br, gz []byte, err error) {
	var key string
	if cacheDir != "" && len(b) >= cacheMin {
		sum := sha256.Sum256(b)
		key = filepath.Join(cacheDir, "precompress-"+hex.EncodeToString(sum[:16]))
		br, err1 := os.ReadFile(key + ".br")
		gz, err2 := os.ReadFile(key + ".gz")
		if err1 == nil && err2 == nil {
			return br, gz, nil
		}
	}
	var bb bytes.Buffer
	bw := brotli.NewWriterLevel(&bb, brotli.BestCompression)
	if _, err := bw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	var gb bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gb, gzip.BestCompression)
	gw.Write(b)
	if err := gw.Close(); err != nil {
		return nil, nil, err
	}
	br, gz = bb.Bytes(), gb.Bytes()
	if key != "" && os.MkdirAll(cacheDir, 0o755) == nil {
		// best effort: a cache that cannot be written only costs time
		writeAtomic(key+".br", br)
		writeAtomic(key+".gz", gz)
	}
	return br, gz, nil
}

func writeAtomic(name string, b []byte) {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil && cerr == nil {
		os.Rename(f.Name(), name)
		return
	}
	os.Remove(f.Name())
}
