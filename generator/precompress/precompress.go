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
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
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

// bestExts are the theme's assets and the calculator's engine: compressed at
// brotli's best quality (11), which saves the most on them, and cached on
// disk one by one by content hash, because quality 11 takes seconds on a
// large file and they change seldom.
var bestExts = map[string]bool{".wasm": true, ".js": true, ".css": true}

// pageQuality is the brotli quality of every other file (pages, open data,
// feeds): quality 11 costs about 50 ms on a 13 KB page in this pure-Go
// encoder and minutes on a list page of a few MB that changes with every
// measure; quality 5 about 1 ms for a 13 KB page, for a copy some 12%
// larger (still about 14% smaller than gzip -9). One fixed quality per
// kind of file, so the same input always gives the same bytes.
const pageQuality = 5

// packName is the cache of those files' compressed copies: one file, so a
// 10,000-page site costs one read instead of 20,000. It holds the copies of
// the files of the last build that compressed anything new.
const packName = "precompress-pack-q5-v1" // the quality is part of the name

// Add adds name.br and name.gz for every compressible file of files.
// cacheDir ("" = no cache) keeps the compressed copies: the assets one by
// one, the other files together in one pack file. A cache that cannot be
// read or written only costs time.
func Add(files map[string][]byte, cacheDir string) error {
	_, err := AddSums(files, cacheDir)
	return err
}

// AddSums is Add, and also returns the first 16 bytes of the SHA-256 of
// each page it hashed for the pack cache (every compressible file but the
// assets), so that the output stage, whose manifest records the same sums,
// does not hash those bytes a second time.
func AddSums(files map[string][]byte, cacheDir string) (map[string][16]byte, error) {
	var names []string
	for name := range files {
		if Exts[path.Ext(name)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var pack map[[16]byte]entry
	if cacheDir != "" {
		pack = readPack(filepath.Join(cacheDir, packName))
	}
	outs := make([]entry, len(names))
	keys := make([][16]byte, len(names))
	hit := make([]bool, len(names))
	errs := make([]error, len(names))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				b := files[names[i]]
				if !best(names[i]) {
					sum := sha256.Sum256(b)
					copy(keys[i][:], sum[:16])
					if e, ok := pack[keys[i]]; ok {
						outs[i], hit[i] = e, true
						continue
					}
				}
				outs[i].br, outs[i].gz, errs[i] = compress(b, best(names[i]), cacheDir)
			}
		}()
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	missed := false
	sums := make(map[string][16]byte, len(names))
	for i, name := range names {
		if errs[i] != nil {
			return nil, errs[i]
		}
		files[name+".br"], files[name+".gz"] = outs[i].br, outs[i].gz
		if !best(name) {
			sums[name] = keys[i]
			if !hit[i] {
				missed = true
			}
		}
	}
	if cacheDir != "" && missed {
		writePack(cacheDir, names, files, keys, outs)
	}
	return sums, nil
}

// entry is one file's compressed copies.
type entry struct{ br, gz []byte }

const packMagic = "policyguide precompress pack v1\n"

// readPack reads the pack file; a missing or damaged pack is an empty cache.
// The copies it returns share the file's bytes (nothing is copied).
func readPack(name string) map[[16]byte]entry {
	b, err := os.ReadFile(name)
	if err != nil || !bytes.HasPrefix(b, []byte(packMagic)) {
		return nil
	}
	b = b[len(packMagic):]
	m := map[[16]byte]entry{}
	for len(b) > 0 {
		if len(b) < 16 {
			return nil
		}
		var k [16]byte
		copy(k[:], b)
		b = b[16:]
		var parts [2][]byte
		for j := range parts {
			n, w := binary.Uvarint(b)
			if w <= 0 || n > uint64(len(b)-w) {
				return nil
			}
			parts[j] = b[w : w+int(n) : w+int(n)]
			b = b[w+int(n):]
		}
		m[k] = entry{parts[0], parts[1]}
	}
	return m
}

// writePack replaces the pack with the small files' copies of this build.
// It streams to the file (temporary, then renamed): on a large site the pack
// is tens of MB, which a buffer would add to the build's peak memory.
func writePack(cacheDir string, names []string, files map[string][]byte, keys [][16]byte, outs []entry) {
	if os.MkdirAll(cacheDir, 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(cacheDir, ".tmp-*")
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(f, 64<<10)
	w.WriteString(packMagic)
	seen := map[[16]byte]bool{}
	var n [binary.MaxVarintLen64]byte
	for i, name := range names {
		if best(name) || seen[keys[i]] {
			continue
		}
		seen[keys[i]] = true
		w.Write(keys[i][:])
		for _, part := range [][]byte{outs[i].br, outs[i].gz} {
			w.Write(n[:binary.PutUvarint(n[:], uint64(len(part)))])
			w.Write(part)
		}
	}
	err = w.Flush() // a bufio.Writer keeps its first error
	if cerr := f.Close(); err == nil && cerr == nil {
		os.Rename(f.Name(), filepath.Join(cacheDir, packName))
		return
	}
	os.Remove(f.Name())
}

// best says whether name gets brotli's best quality (and the disk cache).
func best(name string) bool { return bestExts[path.Ext(name)] }

func compress(b []byte, best bool, cacheDir string) (br, gz []byte, err error) {
	var key string
	quality := pageQuality
	if best {
		quality = brotli.BestCompression
	}
	if cacheDir != "" && best {
		sum := sha256.Sum256(b)
		key = filepath.Join(cacheDir, "precompress-"+hex.EncodeToString(sum[:16]))
		br, err1 := os.ReadFile(key + ".br")
		gz, err2 := os.ReadFile(key + ".gz")
		if err1 == nil && err2 == nil {
			return br, gz, nil
		}
	}
	var bb bytes.Buffer
	bw := brotli.NewWriterLevel(&bb, quality)
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
