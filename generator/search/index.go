// Package search builds the site's full-text search index: static files that
// the search page (themes/default/assets/search.js) downloads piece by piece,
// so a query fetches a small part of the index and no server is needed.
//
// Files (all under search/, names carry a hash of their content):
//
//	manifest-HASH.json   document count, shard count, name tables, synonyms
//	t-HASH.json          a table of up to 128 shard or chunk names
//	s-HASH.bin           a shard: the postings of the tokens whose FNV-1a hash
//	                     modulo the shard count is the shard's number
//	d-HASH.json          a chunk of documents (URL, title, label, status, text)
//	                     for the results shown
//
// Shard format (binary, little-endian base-128 varints "uv"): uv(token count),
// then for each token in byte order: uv(len) token-bytes uv(idf×1000) uv(df)
// and df pairs uv(doc − previous doc) uv(weight). The weight counts the
// token's occurrences, a title or label occurrence as 12, a summary one as 4,
// a body one as 1, doubled for measures, at most 255.
//
// Ranking (Search here, the same integer arithmetic in search.js): the query
// is cut into runs like the text (see tokenize.go); each run is a group whose
// alternatives are the run itself and the document terms the synonyms map it
// to. An alternative scores Σ floor(idf·w·21/(w+20)) over its tokens found in
// the document, times found/total tokens (integer division); a synonym
// alternative counts 9/10, and only when all its tokens are found (it is the
// document's own term). A group scores its best alternative; a document the
// sum over groups. Ties go to the earlier document (measures first, in
// document order).
package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"html"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"policyguide/generator/jsonstr"
	"policyguide/generator/site"
)

// Field weights and kind boost; see the package comment.
const (
	weightTitle   = 12
	weightSummary = 4
	weightBody    = 1
	boostMeasure  = 2
	maxWeight     = 255
	satK          = 20 // saturation constant
	synNum        = 9  // synonym alternatives count synNum/synDen
	synDen        = 10
	snippetRunes  = 1000 // text kept per document for snippets
	chunkBytes    = 3 << 10
	shardBytes    = 2 << 10 // target shard size
	maxShards     = 4096
)

// Doc is one search result target.
type Doc struct {
	URL     string // site-relative, may carry a #fragment
	Title   string
	Label   string // "第12条", "政策原文", "责任部门", "计算器问题"
	Status  string // "现行", "已到期" or ""
	Summary string
	Body    string // plain text
	Snippet string // text kept for snippets when not Summary + Body
	Measure bool   // a measure page (ranked above other kinds on equal text)
}

// Docs lists what the site's search covers, in result tie-break order:
// measures, then document paragraphs, departments and calculator questions.
func Docs(s *site.Site) []Doc {
	status := func(m *site.Measure) string {
		if m.Expired(s.BuildDate) {
			return "已到期"
		}
		return "现行"
	}
	docs := make([]Doc, len(s.Measures))
	parallel(len(s.Measures), 16, func(i int) {
		m := s.Measures[i]
		// Snippets leave out the quoted source paragraph: it has its own
		// result (the document paragraph), and results download less.
		body := plainText(string(m.Body))
		quoteless := body
		if indexTag(string(m.Body), "blockquote") >= 0 {
			quoteless = plainText(dropElement(string(m.Body), "blockquote"))
		}
		docs[i] = Doc{URL: m.URL(), Title: m.Title, Label: m.Label, Status: status(m),
			Summary: m.Summary, Body: body, Measure: true, Snippet: m.Summary + " " + quoteless}
	})
	if d := s.Document; d != nil {
		for _, p := range d.Paragraphs {
			doc := Doc{URL: p.URL(), Label: "政策原文", Body: p.Text}
			if m := p.Measure; m != nil {
				doc.Title = "原文 " + m.Label + " " + m.Title
				doc.Status = status(m)
			} else {
				doc.Title = "原文 " + clip(p.Text, 24)
			}
			docs = append(docs, doc)
		}
	}
	for _, dep := range s.Departments {
		var b strings.Builder
		for _, m := range dep.Lead {
			b.WriteString("牵头：" + m.Label + " " + m.Title + "。")
		}
		for _, m := range dep.Partner {
			b.WriteString("参与：" + m.Label + " " + m.Title + "。")
		}
		docs = append(docs, Doc{URL: dep.URL(), Title: dep.Name, Label: "责任部门", Body: b.String()})
	}
	if c := s.Calculator; c != nil {
		for _, q := range c.Questions {
			docs = append(docs, Doc{URL: "/calculator/", Title: q.Label, Label: "计算器问题", Body: q.Help})
		}
	}
	return docs
}

// clip shortens s to n runes, with "…" when cut.
func clip(s string, n int) string {
	k := 0
	for off := range s {
		if k == n { // more than n runes
			if head := s[:off]; utf8.ValidString(head) {
				return head + "…"
			}
			return string([]rune(s)[:n]) + "…" // invalid bytes become U+FFFD
		}
		k++
	}
	return s
}

// plainText is the text of rendered HTML: tags dropped (block ends become
// spaces), entities decoded, white space collapsed to single spaces
// (strings.Fields joined by " ", in one pass).
func plainText(h string) string {
	scratch := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(scratch)
	b := (*scratch)[:0]
	defer func() { *scratch = b[:0] }()
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b = append(b, h...)
			break
		}
		b = append(b, h[:i]...)
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		b = append(b, ' ')
		h = h[i+j+1:]
	}
	if bytes.IndexByte(b, '&') >= 0 {
		b = append(b[:0], html.UnescapeString(string(b))...)
	}
	// Collapse white space in place: the write offset n never passes the
	// read offset i. Runs of bytes that cannot start a white-space rune are
	// copied at once; a byte ≥ 0xC0 always starts a rune, so looking at
	// those alone decodes as reading rune by rune would.
	n, space := 0, false
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && !maybeSpace[b[j]] {
			j++
		}
		if j > i {
			if space {
				b[n] = ' '
				n++
				space = false
			}
			n += copy(b[n:], b[i:j])
			i = j
			continue
		}
		c, size := rune(b[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRune(b[i:])
		}
		if c < utf8.RuneSelf || unicode.IsSpace(c) { // maybeSpace's ASCII bytes are spaces
			space = n > 0
			i += size
			continue
		}
		if space {
			b[n] = ' '
			n++
			space = false
		}
		n += copy(b[n:], b[i:i+size])
		i += size
	}
	return string(b[:n])
}

var scratchPool = sync.Pool{New: func() any { return new([]byte) }}

// maybeSpace are the bytes that start a white-space rune (unicode.IsSpace):
// the ASCII ones, and the first bytes of U+0085, U+00A0, U+1680, U+2000…
// U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
var maybeSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true, 0xC2: true, 0xE1: true, 0xE2: true, 0xE3: true}

// dropElement removes every <name>…</name> element (not nested in itself) from h.
func dropElement(h, name string) string {
	var b strings.Builder
	for {
		i := indexTag(h, name)
		if i < 0 {
			break
		}
		j := strings.Index(h[i:], "</"+name+">")
		if j < 0 {
			break
		}
		b.WriteString(h[:i])
		h = h[i+j+len("</"+name+">"):]
	}
	b.WriteString(h)
	return b.String()
}

// indexTag is the offset of the first start tag <name> or <name …> in h, or -1.
func indexTag(h, name string) int {
	off := 0
	for {
		i := strings.Index(h[off:], "<"+name)
		if i < 0 {
			return -1
		}
		i += off
		if k := i + 1 + len(name); k < len(h) && (h[k] == '>' || h[k] == ' ') {
			return i
		}
		off = i + 1
	}
}

// Manifest is search/manifest-HASH.json. Shard and chunk names are listed
// in tables of up to tableSize names (search/t-HASH.json), so the manifest
// stays small on a large site and a query fetches only the tables it needs.
type Manifest struct {
	Version     int        `json:"v"`
	Docs        int        `json:"docs"`
	Shards      int        `json:"shards"`       // shard count (a power of 2)
	ShardTables string     `json:"shard_tables"` // table names, hashLen hex digits each
	ChunkTables string     `json:"chunk_tables"` // table names
	ChunkFirst  []int      `json:"chunk_first"`  // first document of each chunk table
	Syn         [][]string `json:"syn"`          // each entry: words…, "=", terms…
}

// Table is search/t-HASH.json: the names of up to tableSize shards or
// chunks; a chunk table also gives each chunk's first document.
type Table struct {
	Names  string `json:"names"` // hashLen hex digits each
	Starts []int  `json:"starts,omitempty"`
}

const (
	hashLen   = 10 // hex digits of the content hash in file names
	tableSize = 128
)

// tables writes the name tables for names (and chunk starts) and returns
// the tables' names concatenated and each table's first start.
func tables(files map[string][]byte, names []string, starts []int) (string, []int) {
	var out strings.Builder
	var first []int
	for i := 0; i < len(names); i += tableSize {
		j := min(i+tableSize, len(names))
		t := Table{Names: strings.Join(names[i:j], "")}
		if starts != nil {
			t.Starts = starts[i:j]
			first = append(first, starts[i])
		}
		b, _ := json.Marshal(t)
		h := contentHash(b)
		files["search/t-"+h+".json"] = b
		out.WriteString(h)
	}
	return out.String(), first
}

type posting struct {
	doc int32
	w   uint8
}

// Stats describes a built index.
type Stats struct {
	Docs, Tokens, Shards, Chunks int
	Bytes                        int // all index files
}

// Build indexes docs and returns the files (output path → bytes), the
// manifest's site-relative URL and figures about the index.
func Build(docs []Doc, syn []Synonym) (files map[string][]byte, manifestURL string, st Stats) {
	x := indexDocs(docs, indexParts(docs))
	n := len(docs)
	total := 0
	for id, tok := range x.toks {
		total += len(tok) + 4 + 2*len(x.lists[id])
	}
	shards := 1
	for shards < maxShards && total/shards > shardBytes {
		shards *= 2
	}
	byShard := make([][]int32, shards)
	for id, tok := range x.toks {
		k := shardOf(tok, shards)
		byShard[k] = append(byShard[k], int32(id))
	}
	// Shards are written and hashed on all cores.
	shardData := make([][]byte, shards)
	names := make([]string, shards)
	parallel(shards, 8, func(k int) {
		ids := byShard[k]
		slices.SortFunc(ids, func(a, b int32) int { return strings.Compare(x.toks[a], x.toks[b]) })
		size := uvarintLen(len(ids))
		for _, id := range ids {
			tok, ps := x.toks[id], x.lists[id]
			size += uvarintLen(len(tok)) + len(tok) + uvarintLen(idf(n, len(ps))) + uvarintLen(len(ps))
			prev := int32(0)
			for _, p := range ps {
				size += uvarintLen(int(p.doc-prev)) + uvarintLen(int(p.w))
				prev = p.doc
			}
		}
		buf := make([]byte, 0, size)
		buf = binary.AppendUvarint(buf, uint64(len(ids)))
		for _, id := range ids {
			tok, ps := x.toks[id], x.lists[id]
			buf = binary.AppendUvarint(buf, uint64(len(tok)))
			buf = append(buf, tok...)
			buf = binary.AppendUvarint(buf, uint64(idf(n, len(ps))))
			buf = binary.AppendUvarint(buf, uint64(len(ps)))
			prev := int32(0)
			for _, p := range ps {
				buf = binary.AppendUvarint(buf, uint64(p.doc-prev))
				buf = binary.AppendUvarint(buf, uint64(p.w))
				prev = p.doc
			}
		}
		shardData[k], names[k] = buf, contentHash(buf)
	})
	files = map[string][]byte{}
	for k, h := range names {
		files["search/s-"+h+".bin"] = shardData[k]
	}
	m := Manifest{Version: 2, Docs: n, Shards: shards}
	m.ShardTables, _ = tables(files, names, nil)

	// Each document's JSON, on all cores: ["url","title","label","status","text"].
	enc := make([][]byte, n)
	parallel(n, 64, func(i int) {
		d := &docs[i]
		text := d.Snippet
		switch {
		case text != "":
		case d.Summary == "":
			text = strings.TrimSpace(d.Body) // the same as with " " in front
		case d.Body == "":
			text = strings.TrimSpace(d.Summary)
		default:
			text = strings.TrimSpace(d.Summary + " " + d.Body)
		}
		b := make([]byte, 0, 64+len(d.URL)+len(d.Title)+min(len(text), 3*snippetRunes))
		b = append(b, '[')
		for j, f := range [...]string{d.URL, d.Title, d.Label, d.Status, clip(text, snippetRunes)} {
			if j > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, f)
		}
		enc[i] = append(b, ']')
	})
	names = nil
	var starts []int
	start, size := 0, 0
	flush := func(next int) {
		if start == next {
			return
		}
		// {"start":N,"docs":[…]}, written by hand: the documents are JSON already.
		b := make([]byte, 0, size+len(`{"start":,"docs":[]}`)+next-start+10)
		b = append(b, `{"start":`...)
		b = strconv.AppendInt(b, int64(start), 10)
		b = append(b, `,"docs":[`...)
		for i := start; i < next; i++ {
			if i > start {
				b = append(b, ',')
			}
			b = append(b, enc[i]...)
		}
		b = append(b, "]}"...)
		h := contentHash(b)
		names = append(names, h)
		files["search/d-"+h+".json"] = b
		starts = append(starts, start)
		start = next
	}
	for i, b := range enc {
		size += len(b)
		if size >= chunkBytes {
			flush(i + 1)
			size = 0
		}
	}
	flush(n)
	m.ChunkTables, m.ChunkFirst = tables(files, names, starts)
	for _, s := range syn {
		e := append(append(append([]string{}, s.Words...), "="), s.Terms...)
		m.Syn = append(m.Syn, e)
	}
	mb, _ := json.Marshal(m)
	mname := "search/manifest-" + contentHash(mb) + ".json"
	files[mname] = mb

	st = Stats{Docs: n, Tokens: len(x.toks), Shards: shards, Chunks: len(starts)}
	for _, b := range files {
		st.Bytes += len(b)
	}
	return files, "/" + mname, st
}

// index holds the tokens of documents and their postings. Tokens get ids;
// a document's weights are summed in a slice by id, then its postings are
// appended to one list of (id, posting) in document order; lists sorts them
// by id at the end (no slice per token to grow). Han tokens are looked up
// by their runes (indexTokens' key), the common single characters in a
// table: one string hash per word only.
type index struct {
	han     []int32          // id+1 of the characters hanLo…hanHi, by rune − hanLo
	keyed   map[uint64]int32 // other Han tokens by key
	words   map[string]int32 // words
	toks    []string         // by id
	keys    []uint64         // by id
	entries [][]entry        // postings in document order, in blocks (no copying as they grow)
	first   int              // the number of the first document indexed
	ends    []int            // by document indexed: the number of entries up to its end
	lists   [][]posting      // by id, when indexDocs is done
	df      []int32          // by id: the number of postings in the documents indexed
	weights []int            // by id: the current document's
	touched []int32          // ids with weights
}

const hanLo, hanHi = 0x4E00, 0x9FFF // CJK Unified Ideographs

func newIndex() *index {
	return &index{han: make([]int32, hanHi-hanLo+1), keyed: map[uint64]int32{}, words: map[string]int32{}}
}

// id returns the token's id, adding it when new.
func (x *index) id(tok string, key uint64) int32 {
	var slot *int32
	switch {
	case key >= hanLo && key <= hanHi:
		if id := x.han[key-hanLo]; id > 0 {
			return id - 1
		}
		slot = &x.han[key-hanLo]
	case key != 0:
		if id, ok := x.keyed[key]; ok {
			return id
		}
	default:
		if id, ok := x.words[tok]; ok {
			return id
		}
	}
	id := int32(len(x.toks))
	switch {
	case slot != nil:
		*slot = id + 1
	case key != 0:
		x.keyed[key] = id
	default:
		x.words[tok] = id
	}
	x.toks = append(x.toks, tok)
	x.keys = append(x.keys, key)
	x.df = append(x.df, 0)
	x.weights = append(x.weights, 0)
	return id
}

// add indexes document number i.
func (x *index) add(i int, d *Doc) {
	for _, f := range [...]struct {
		text string
		w    int
	}{{d.Title, weightTitle}, {d.Label, weightTitle}, {d.Summary, weightSummary}, {d.Body, weightBody}} {
		indexTokens(f.text, func(tok string, key uint64) {
			id := x.id(tok, key)
			if x.weights[id] == 0 {
				x.touched = append(x.touched, id)
			}
			x.weights[id] += f.w
		})
	}
	boost := 1
	if d.Measure {
		boost = boostMeasure
	}
	for _, id := range x.touched {
		if k := len(x.entries) - 1; k < 0 || len(x.entries[k]) == cap(x.entries[k]) {
			x.entries = append(x.entries, make([]entry, 0, entryBlock))
		}
		k := len(x.entries) - 1
		x.entries[k] = append(x.entries[k], entry{id, uint8(min(maxWeight, x.weights[id]*boost))})
		x.df[id]++
		x.weights[id] = 0
	}
	if len(x.ends) == 0 {
		x.first = i
	}
	n := len(x.touched)
	if len(x.ends) > 0 {
		n += x.ends[len(x.ends)-1]
	}
	x.ends = append(x.ends, n)
	x.touched = x.touched[:0]
}

// indexParts is the number of runs of documents to index at once: one per
// core, for a large enough amount of text.
func indexParts(docs []Doc) int {
	size := 0
	for i := range docs {
		size += docSize(&docs[i])
	}
	return min(runtime.GOMAXPROCS(0), 1+size/(256<<10))
}

func docSize(d *Doc) int { return len(d.Title) + len(d.Label) + len(d.Summary) + len(d.Body) }

// indexDocs indexes docs in parts runs of documents with about the same
// amount of text each, on all cores, then joins the runs' postings in
// order. The index is the same for any parts.
func indexDocs(docs []Doc, parts int) *index {
	size := 0
	for i := range docs {
		size += docSize(&docs[i])
	}
	bounds := []int{0}
	for i, acc := 0, 0; i < len(docs) && len(bounds) < parts; i++ {
		acc += docSize(&docs[i])
		if acc >= size*len(bounds)/parts {
			bounds = append(bounds, i+1)
		}
	}
	bounds = append(bounds, len(docs))
	xs := make([]*index, len(bounds)-1)
	parallel(len(xs), 1, func(p int) {
		x := newIndex()
		for i := bounds[p]; i < bounds[p+1]; i++ {
			x.add(i, &docs[i])
		}
		xs[p] = x
	})
	// The runs' tokens get the ids of the first run's index, and all
	// postings are placed by id (counting sort): a run's postings of a
	// token after the earlier runs' ones, so each list stays in document
	// order, and the runs are placed on all cores.
	x := xs[0]
	remap := make([][]int32, len(xs))
	for p, y := range xs {
		remap[p] = make([]int32, len(y.toks))
		for j, tok := range y.toks {
			if p == 0 {
				remap[p][j] = int32(j) // x is the first run's index
			} else {
				remap[p][j] = x.id(tok, y.keys[j])
			}
		}
	}
	ntok := len(x.toks)
	next := make([][]int32, len(xs)) // by run and id: where its next posting goes
	for p, y := range xs {
		next[p] = make([]int32, ntok)
		for j, id := range remap[p] {
			next[p][id] = y.df[j] // counts first
		}
	}
	end := make([]int32, ntok+1)
	for id := range ntok {
		off := end[id]
		for p := range xs {
			off, next[p][id] = off+next[p][id], off
		}
		end[id+1] = off
	}
	all := make([]posting, end[ntok])
	parallel(len(xs), 1, func(p int) {
		y, at, ids := xs[p], next[p], remap[p]
		k, doc := 0, 0 // entry and document of the run
		for _, block := range y.entries {
			for _, e := range block {
				for k >= y.ends[doc] {
					doc++
				}
				id := ids[e.id]
				all[at[id]] = posting{int32(y.first + doc), e.w}
				at[id]++
				k++
			}
		}
		y.entries = nil
	})
	x.lists = make([][]posting, ntok)
	for id := range x.lists {
		x.lists[id] = all[end[id]:end[id+1]:end[id+1]]
	}
	return x
}

const entryBlock = 1 << 15

// entry is a posting of the token id; its document is known from ends.
type entry struct {
	id int32
	w  uint8
}

// parallel calls f(i) for every i in [0, n) on all cores, taking grain
// numbers at a time.
func parallel(n, grain int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+grain-1)/grain)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(int64(grain))) - grain
				if i >= n {
					return
				}
				for j := i; j < min(i+grain, n); j++ {
					f(j)
				}
			}
		})
	}
	wg.Wait()
}

// uvarintLen is the length of binary.AppendUvarint's bytes for x ≥ 0.
func uvarintLen(x int) int { return (bits.Len64(uint64(x)|1) + 6) / 7 }

// idf is the BM25 inverse document frequency ×1000, rounded, at least 1:
// a word in every document still finds them.
func idf(n, df int) int {
	return max(1, int(math.Round(1000*math.Log(1+(float64(n-df)+0.5)/(float64(df)+0.5)))))
}

// shardOf is FNV-1a (32-bit) of the token's UTF-8 bytes modulo the shard count.
func shardOf(tok string, shards int) int {
	h := uint32(2166136261)
	for i := 0; i < len(tok); i++ {
		h ^= uint32(tok[i])
		h *= 16777619
	}
	return int(h % uint32(shards))
}

func contentHash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])[:hashLen]
}

// itoa is strconv.Itoa (kept short for messages).
func itoa(i int) string { return strconv.Itoa(i) }
