package load

import (
	"bytes"
	"slices"
	"sync"

	"policyguide/calculator/diag"
)

// Cache keeps what a Load read and decoded, so that the next LoadCached of
// the same folder (serve rebuilding after a save) decodes again only the
// files whose bytes changed: a file whose bytes are identical to last time
// skips the UTF-8 and nesting checks, and a measure file its decoding, its
// checks and their errors. Every other check (the folder's listing, links
// outside the folder, sizes, unused files, every file read again and
// compared byte for byte) runs as in Load, so LoadCached returns what Load
// returns. Values from the cache are shared between the Contents of
// successive loads: like every stage's output, they must not be modified.
// A Cache may be used by one LoadCached at a time or by several (the last
// to finish keeps its files).
type Cache struct {
	mu    sync.Mutex
	files map[string]*cached // by name as in messages, from the last load
}

// NewCache returns an empty cache for LoadCached.
func NewCache() *Cache { return &Cache{} }

// cached is one file of a load; never changed once stored in Cache.files.
type cached struct {
	data    []byte
	measure *MeasureFile // decoded as a measure (nil: not a measure, or not yet)
	ok      bool         // the measure decoded well enough to be kept
	errs    diag.List    // its decoding's errors
}

// LoadCached is Load with a cache (nil: none). The result is the same as
// Load's: values, errors and their order.
func LoadCached(dir string, cache *Cache) (*Content, diag.List) {
	return load(dir, cache)
}

// startCache gives the loader the cache's files of the last load.
func (l *loader) startCache(c *Cache) {
	if c == nil {
		return
	}
	l.cache = c
	c.mu.Lock()
	l.last = c.files
	c.mu.Unlock()
	l.next = map[string]*cached{}
}

// endCache makes this load's files the cache's (files no longer read are
// dropped).
func (l *loader) endCache() {
	if l.cache == nil {
		return
	}
	l.cache.mu.Lock()
	l.cache.files = l.next
	l.cache.mu.Unlock()
}

// hit returns the last load's entry of file when its bytes were data.
func (l *loader) hit(file string, data []byte) *cached {
	if e := l.last[file]; e != nil && bytes.Equal(e.data, data) {
		return e
	}
	return nil
}

// keep records file's entry for the next load.
func (l *loader) keep(file string, e *cached) {
	if l.cache == nil {
		return
	}
	l.mu.Lock()
	l.next[file] = e
	l.mu.Unlock()
}

// entry is this load's entry of file (nil without a cache).
func (l *loader) entry(file string) *cached {
	if l.cache == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next[file]
}

// cachedMeasure returns the measure decoded from file's bytes by an
// earlier load, adding its errors to errs.
func (l *loader) cachedMeasure(file string, errs *diag.List) (MeasureFile, bool, bool) {
	e := l.entry(file)
	if e == nil || e.measure == nil {
		return MeasureFile{}, false, false
	}
	errs.Merge(e.errs)
	return *e.measure, e.ok, true
}

// keepMeasure records the measure decoded from file and its errors.
func (l *loader) keepMeasure(file string, m MeasureFile, ok bool, errs diag.List) {
	e := l.entry(file)
	if e == nil {
		return
	}
	ne := *e
	ne.measure, ne.ok, ne.errs = &m, ok, slices.Clone(errs)
	l.keep(file, &ne)
}
