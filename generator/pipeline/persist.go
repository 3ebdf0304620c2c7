package pipeline

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"path/filepath"

	"policyguide/generator/markdown"
)

// A build keeps its Markdown conversions in the cache folder (beside the
// engine and the compressed copies), so the next build converts only the
// bodies that changed. A conversion is a pure function of its inputs, which
// the cache compares (markdown.Cache), and of this program, named by its Go
// build ID: a file written by another build of the generator is not used.

// markdownCacheName is the file in the cache folder.
const markdownCacheName = "markdown-conversions"

// programVersion is a digest of this executable's Go build ID, which changes
// with any change to the program; "" where it cannot be read (not ELF), and
// then nothing is kept.
func programVersion() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	note, err := sec.Data()
	if err != nil || len(note) == 0 {
		return ""
	}
	sum := sha256.Sum256(note)
	return hex.EncodeToString(sum[:])
}

// readMarkdownCache is the conversions the last build kept for version.
func readMarkdownCache(dir, version string) *markdown.Cache {
	f, err := os.Open(filepath.Join(dir, markdownCacheName))
	if err != nil {
		return markdown.NewCache()
	}
	defer f.Close()
	return markdown.ReadCache(f, version)
}

// writeMarkdownCache keeps c's conversions for the next build (a temporary
// file, then a rename: a reader never sees half a file). Failing costs only
// time.
func writeMarkdownCache(dir, version string, c *markdown.Cache) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, markdownCacheName+"-*.tmp")
	if err != nil {
		return
	}
	err = c.Write(f, version)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, markdownCacheName))
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// KeptCache is a Cache that starts with the Markdown conversions the last
// build kept in opt's cache folder (an empty one where there are none):
// check and serve read them, only build writes them.
func KeptCache(opt Options) *Cache {
	c := NewCache()
	if version := programVersion(); version != "" {
		c.md = readMarkdownCache(cacheDir(opt), version)
	}
	return c
}
