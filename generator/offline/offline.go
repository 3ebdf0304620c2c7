// Package offline writes the service worker (sw.js at the site root) that
// keeps visited pages, the assets and the calculator's engine available
// offline. The worker's code is the theme's assets/sw.js; this package puts
// in front of it the build's version (a hash of every other output file, so
// any change to the site is a new cache) and the list of files to store at
// install.
package offline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Name is the worker's output path. It must be at the site root: a worker
// controls only the pages under its own folder.
const Name = "sw.js"

// Page is the output folder of the offline page ("offline/index.html").
const Page = "offline/"

// Worker returns sw.js for the built files, or nil when the theme has no
// assets/sw.js or the site has no offline page (the site then works online
// only). precache lists site-relative URLs ("/assets/main-….css",
// "/calculator/"); those not among files are left out.
func Worker(theme fs.FS, files map[string][]byte, precache []string) ([]byte, error) {
	src, err := fs.ReadFile(theme, "assets/sw.js")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	if _, ok := files[Page+"index.html"]; !ok {
		return nil, nil
	}
	list := []string{Page}
	for _, u := range precache {
		p := strings.TrimPrefix(u, "/")
		if p == "" || p == Page {
			continue
		}
		f := p
		if strings.HasSuffix(p, "/") {
			f = p + "index.html"
		}
		if _, ok := files[f]; ok {
			list = append(list, p)
		}
	}
	sort.Strings(list[1:])
	cfg, err := json.Marshal(struct {
		Version  string   `json:"version"`
		Precache []string `json:"precache"`
		Offline  string   `json:"offline"`
	}{Version(files), list, Page})
	if err != nil {
		return nil, err
	}
	out := append([]byte("self.PG = "), cfg...)
	out = append(out, ";\n"...)
	return append(out, src...), nil
}

// Version is a hash of every output file but the worker itself, by path
// and content: any change to the built site changes it.
func Version(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		if n == Name || n == "_headers" || derived(files, n) {
			continue // what readers get is the same without them
		}
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	var n [8]byte
	for _, name := range names {
		b := files[name]
		for i, l := 0, uint64(len(b)); i < 8; i++ {
			n[i] = byte(l >> (8 * i))
		}
		h.Write([]byte(name))
		h.Write(n[:])
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// derived reports a precompressed copy ("x.js.br", "x.js.gz") of a file of
// the site: the same content as x.js, so it does not change the version.
func derived(files map[string][]byte, name string) bool {
	for _, ext := range []string{".br", ".gz"} {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, has := files[base]; has {
				return true
			}
		}
	}
	return false
}
