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
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	var docs []Doc
	status := func(m *site.Measure) string {
		if m.Expired(s.BuildDate) {
			return "已到期"
		}
		return "现行"
	}
	for _, m := range s.Measures {
		// Snippets leave out the quoted source paragraph: it has its own
		// result (the document paragraph), and results download less.
		docs = append(docs, Doc{URL: m.URL(), Title: m.Title, Label: m.Label, Status: status(m),
			Summary: m.Summary, Body: plainText(string(m.Body)), Measure: true,
			Snippet: m.Summary + " " + plainText(dropElement(string(m.Body), "blockquote"))})
	}
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
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// plainText is the text of rendered HTML: tags dropped (block ends become
// spaces), entities decoded.
func plainText(h string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		b.WriteByte(' ')
		h = h[i+j+1:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

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
	// One map lookup per token occurrence: tokens get ids, a document's
	// weights are summed in a slice by id, then appended to the id's list
	// (documents come in order, so every list is sorted).
	ids := map[string]int32{}
	var toks []string
	var lists [][]posting
	var weights []int
	var touched []int32
	for i, d := range docs {
		add := func(text string, w int) {
			indexTokens(text, func(tok string) {
				id, ok := ids[tok]
				if !ok {
					id = int32(len(toks))
					ids[tok] = id
					toks = append(toks, tok)
					lists = append(lists, nil)
					weights = append(weights, 0)
				}
				if weights[id] == 0 {
					touched = append(touched, id)
				}
				weights[id] += w
			})
		}
		add(d.Title, weightTitle)
		add(d.Label, weightTitle)
		add(d.Summary, weightSummary)
		add(d.Body, weightBody)
		boost := 1
		if d.Measure {
			boost = boostMeasure
		}
		for _, id := range touched {
			lists[id] = append(lists[id], posting{int32(i), uint8(min(maxWeight, weights[id]*boost))})
			weights[id] = 0
		}
		touched = touched[:0]
	}
	n := len(docs)
	total := 0
	for id, tok := range toks {
		total += len(tok) + 4 + 2*len(lists[id])
	}
	shards := 1
	for shards < maxShards && total/shards > shardBytes {
		shards *= 2
	}
	byShard := make([][]string, shards)
	for _, tok := range toks {
		k := shardOf(tok, shards)
		byShard[k] = append(byShard[k], tok)
	}

	files = map[string][]byte{}
	m := Manifest{Version: 2, Docs: n, Shards: shards}
	var names []string
	var buf []byte
	for _, toks := range byShard {
		sort.Strings(toks)
		buf = binary.AppendUvarint(buf[:0], uint64(len(toks)))
		for _, tok := range toks {
			ps := lists[ids[tok]]
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
		h := contentHash(buf)
		names = append(names, h)
		files["search/s-"+h+".bin"] = bytes.Clone(buf)
	}
	m.ShardTables, _ = tables(files, names, nil)

	names = nil
	var starts []int
	var chunk [][]byte
	start := 0
	flush := func(next int) {
		if len(chunk) == 0 {
			return
		}
		// {"start":N,"docs":[…]}, written by hand: the documents are JSON already.
		b := append([]byte(`{"start":`), strconv.Itoa(start)...)
		b = append(b, `,"docs":[`...)
		b = append(b, bytes.Join(chunk, []byte(","))...)
		b = append(b, "]}"...)
		h := contentHash(b)
		names = append(names, h)
		files["search/d-"+h+".json"] = b
		starts = append(starts, start)
		chunk, start = nil, next
	}
	size := 0
	for i, d := range docs {
		text := d.Snippet
		if text == "" {
			text = strings.TrimSpace(d.Summary + " " + d.Body)
		}
		b, _ := json.Marshal([]string{d.URL, d.Title, d.Label, d.Status, clip(text, snippetRunes)})
		chunk = append(chunk, b)
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

	st = Stats{Docs: n, Tokens: len(toks), Shards: shards, Chunks: len(starts)}
	for _, b := range files {
		st.Bytes += len(b)
	}
	return files, "/" + mname, st
}

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
