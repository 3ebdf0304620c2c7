package search

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Reader answers queries from the index files as the browser does: it
// fetches the manifest, then only the shards a query needs, then the chunks
// of the results shown. It counts the bytes fetched.
type Reader struct {
	get     func(path string) ([]byte, error) // site-relative path without "/"
	m       Manifest
	syn     []Synonym
	tables  map[string]Table
	shards  map[int]map[string]postings
	chunks  map[int][]DocInfo
	fetched map[string]bool
	Bytes   int // bytes fetched so far
}

type postings struct {
	idf  int
	docs []int
	w    []int
}

// DocInfo is what a chunk stores of a document.
type DocInfo struct {
	URL, Title, Label, Status, Text string
}

// Hit is one result.
type Hit struct {
	Doc   int
	Score int
}

// Open reads the manifest at manifestPath ("search/manifest-….json").
func Open(get func(path string) ([]byte, error), manifestPath string) (*Reader, error) {
	r := &Reader{get: get, tables: map[string]Table{}, shards: map[int]map[string]postings{}, chunks: map[int][]DocInfo{}, fetched: map[string]bool{}}
	b, err := r.fetch(strings.TrimPrefix(manifestPath, "/"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &r.m); err != nil {
		return nil, fmt.Errorf("search manifest: %w", err)
	}
	for _, e := range r.m.Syn {
		var s Synonym
		terms := false
		for _, x := range e {
			switch {
			case x == "=":
				terms = true
			case terms:
				s.Terms = append(s.Terms, x)
			default:
				s.Words = append(s.Words, x)
			}
		}
		r.syn = append(r.syn, s)
	}
	return r, nil
}

// table returns name table k of the concatenated table names.
func (r *Reader) table(names string, k int) (Table, error) {
	if k < 0 || (k+1)*hashLen > len(names) {
		return Table{}, errors.New("search: no such table")
	}
	h := names[k*hashLen : (k+1)*hashLen]
	if t, ok := r.tables[h]; ok {
		return t, nil
	}
	b, err := r.fetch("search/t-" + h + ".json")
	if err != nil {
		return Table{}, err
	}
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		return Table{}, fmt.Errorf("search table: %w", err)
	}
	r.tables[h] = t
	return t, nil
}

func (r *Reader) fetch(p string) ([]byte, error) {
	b, err := r.get(p)
	if err != nil {
		return nil, err
	}
	if !r.fetched[p] {
		r.fetched[p] = true
		r.Bytes += len(b)
	}
	return b, nil
}

// group is one query run with its alternatives (the run, then synonym terms).
type group struct {
	alts []alt
}

type alt struct {
	toks []string
	syn  bool
	text string
}

// groups cuts a query into groups of alternatives (search.js: groups).
func (r *Reader) groups(q string) []group {
	var gs []group
	for _, run := range runs(q) {
		g := group{alts: []alt{{toks: termTokens(run), text: run.text}}}
		seen := map[string]bool{run.text: true}
		for _, s := range r.syn {
			hit := false
			for _, w := range s.Words {
				fw := foldString(w)
				if run.han && strings.Contains(run.text, fw) || !run.han && run.text == fw {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
			for _, t := range s.Terms {
				for _, tr := range runs(t) {
					if !seen[tr.text] {
						seen[tr.text] = true
						g.alts = append(g.alts, alt{toks: termTokens(tr), syn: true, text: tr.text})
					}
				}
			}
		}
		gs = append(gs, g)
	}
	return gs
}

// Search ranks every document matching q, best first.
func (r *Reader) Search(q string) ([]Hit, error) {
	gs := r.groups(q)
	lists := map[string]postings{}
	for _, g := range gs {
		for _, a := range g.alts {
			for _, tok := range a.toks {
				if _, ok := lists[tok]; ok {
					continue
				}
				p, err := r.lookup(tok)
				if err != nil {
					return nil, err
				}
				lists[tok] = p
			}
		}
	}
	total := map[int]int{}
	for _, g := range gs {
		best := map[int]int{}
		for _, a := range g.alts {
			sum := map[int]int{}
			found := map[int]int{}
			for _, tok := range a.toks {
				p := lists[tok]
				for i, d := range p.docs {
					w := p.w[i]
					sum[d] += p.idf * w * (satK + 1) / (w + satK)
					found[d]++
				}
			}
			for d, s := range sum {
				if a.syn && found[d] < len(a.toks) {
					continue // a synonym is the document's own term: all of it or nothing
				}
				sc := s * found[d] / len(a.toks)
				if a.syn {
					sc = sc * synNum / synDen
				}
				if sc > best[d] {
					best[d] = sc
				}
			}
		}
		for d, s := range best {
			total[d] += s
		}
	}
	hits := make([]Hit, 0, len(total))
	for d, s := range total {
		if s > 0 {
			hits = append(hits, Hit{d, s})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Doc < hits[j].Doc
	})
	return hits, nil
}

// lookup returns the postings of tok, fetching its shard once.
func (r *Reader) lookup(tok string) (postings, error) {
	n := r.m.Shards
	if n == 0 {
		return postings{}, nil
	}
	k := shardOf(tok, n)
	sh, ok := r.shards[k]
	if !ok {
		t, err := r.table(r.m.ShardTables, k/tableSize)
		if err != nil {
			return postings{}, err
		}
		j := k % tableSize
		if (j+1)*hashLen > len(t.Names) {
			return postings{}, errors.New("search: shard table too short")
		}
		b, err := r.fetch("search/s-" + t.Names[j*hashLen:(j+1)*hashLen] + ".bin")
		if err != nil {
			return postings{}, err
		}
		if sh, err = decodeShard(b); err != nil {
			return postings{}, err
		}
		r.shards[k] = sh
	}
	return sh[tok], nil
}

var errShard = errors.New("search: corrupt shard")

func decodeShard(b []byte) (map[string]postings, error) {
	i := 0
	uv := func() (int, error) {
		v, n := binary.Uvarint(b[i:])
		if n <= 0 {
			return 0, errShard
		}
		i += n
		return int(v), nil
	}
	out := map[string]postings{}
	count, err := uv()
	if err != nil {
		return nil, err
	}
	for ; count > 0; count-- {
		l, err := uv()
		if err != nil || i+l > len(b) {
			return nil, errShard
		}
		tok := string(b[i : i+l])
		i += l
		var p postings
		if p.idf, err = uv(); err != nil {
			return nil, err
		}
		df, err := uv()
		if err != nil {
			return nil, err
		}
		doc := 0
		for ; df > 0; df-- {
			d, err := uv()
			if err != nil {
				return nil, err
			}
			w, err := uv()
			if err != nil {
				return nil, err
			}
			doc += d
			p.docs = append(p.docs, doc)
			p.w = append(p.w, w)
		}
		out[tok] = p
	}
	return out, nil
}

// Doc returns document i, fetching its chunk once.
func (r *Reader) Doc(i int) (DocInfo, error) {
	if i < 0 || i >= r.m.Docs {
		return DocInfo{}, fmt.Errorf("search: no document %d", i)
	}
	ti := sort.SearchInts(r.m.ChunkFirst, i+1) - 1
	t, err := r.table(r.m.ChunkTables, ti)
	if err != nil {
		return DocInfo{}, err
	}
	j := sort.SearchInts(t.Starts, i+1) - 1
	if j < 0 || (j+1)*hashLen > len(t.Names) {
		return DocInfo{}, fmt.Errorf("search: no chunk for document %d", i)
	}
	k := ti*tableSize + j
	start := t.Starts[j]
	ds, ok := r.chunks[k]
	if !ok {
		b, err := r.fetch("search/d-" + t.Names[j*hashLen:(j+1)*hashLen] + ".json")
		if err != nil {
			return DocInfo{}, err
		}
		var c struct {
			Start int        `json:"start"`
			Docs  [][]string `json:"docs"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return DocInfo{}, fmt.Errorf("search chunk: %w", err)
		}
		for _, d := range c.Docs {
			if len(d) != 5 {
				return DocInfo{}, errors.New("search chunk: bad document")
			}
			ds = append(ds, DocInfo{d[0], d[1], d[2], d[3], d[4]})
		}
		r.chunks[k] = ds
	}
	j = i - start
	if j >= len(ds) {
		return DocInfo{}, fmt.Errorf("search: no document %d", i)
	}
	return ds[j], nil
}
