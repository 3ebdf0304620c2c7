package markdown

import (
	"bufio"
	"encoding/gob"
	"io"
	"sort"

	"policyguide/generator/site"
)

// The on-disk form of a Cache, so that a build need not convert again the
// Markdown a previous build converted (generator/pipeline keeps it in the
// user cache folder). A conversion depends on its inputs (the bytes, the
// file name, the first line, the reserved ids, all compared as in memory)
// and on this program: version names the program, and a file written by
// another version is not used.

// cacheHeader is the first value Write writes; a cacheEntry follows for
// each conversion (one value at a time, so that writing and reading need
// no more memory than one entry: a large site's file is tens of MB).
type cacheHeader struct {
	Magic   string
	Version string
	Entries int
}

type cacheEntry struct {
	File      string
	SrcSum    [32]byte // SHA-256 of the Markdown converted
	FirstLine int
	Reserved  string
	Res       Result
	// Nil records which of Res's slices were nil: gob does not keep nil
	// apart from empty, and a result read back must be the same value.
	Nil [3]bool
}

const cacheMagic = "policyguide markdown cache v3"

// Write writes, for version, the conversions Convert was asked for since
// the Cache was made and that had no errors.
func (c *Cache) Write(w io.Writer, version string) error {
	c.mu.Lock()
	names := make([]string, 0, len(c.used))
	for f := range c.used {
		if e := c.files[f]; e != nil && len(e.errs) == 0 {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	entries := make([]cacheEntry, 0, len(names))
	for _, f := range names {
		e := c.files[f]
		entries = append(entries, cacheEntry{File: f, SrcSum: e.srcSum, FirstLine: e.firstLine, Reserved: e.reserved, Res: e.res,
			Nil: [3]bool{e.res.TOC == nil, e.res.Links == nil, e.res.IDs == nil}})
	}
	c.mu.Unlock()
	bw := bufio.NewWriter(w)
	enc := gob.NewEncoder(bw)
	if err := enc.Encode(cacheHeader{Magic: cacheMagic, Version: version, Entries: len(entries)}); err != nil {
		return err
	}
	for i := range entries {
		if err := enc.Encode(&entries[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Changed reports whether Write would write something other than what
// ReadCache read: a conversion was made (not found), or a conversion read
// was not asked for.
func (c *Cache) Changed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh > 0 {
		return true
	}
	for f, e := range c.files {
		if !c.used[f] && len(e.errs) == 0 {
			return true
		}
	}
	return false
}

// ReadCache reads what Write wrote for the same version. Anything else (no
// file, another version, damage) gives an empty cache: a cache only saves
// time.
func ReadCache(r io.Reader, version string) *Cache {
	c := NewCache()
	dec := gob.NewDecoder(bufio.NewReader(r))
	var h cacheHeader
	if err := dec.Decode(&h); err != nil || h.Magic != cacheMagic || h.Version != version || version == "" {
		return c
	}
	files := make(map[string]*conversion, h.Entries)
	for range h.Entries {
		var e cacheEntry
		if err := dec.Decode(&e); err != nil {
			return c // damaged: none of it
		}
		res := e.Res
		if e.Nil[0] {
			res.TOC = nil
		} else if res.TOC == nil {
			res.TOC = []site.Heading{}
		}
		if e.Nil[1] {
			res.Links = nil
		} else if res.Links == nil {
			res.Links = []Link{}
		}
		if e.Nil[2] {
			res.IDs = nil
		} else if res.IDs == nil {
			res.IDs = []string{}
		}
		files[e.File] = &conversion{srcSum: e.SrcSum, firstLine: e.FirstLine, reserved: e.Reserved, res: res}
	}
	c.files = files
	return c
}
