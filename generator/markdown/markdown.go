// Package markdown turns a content file's Markdown body into safe HTML, a
// table of contents, the list of links (for the link checker) and the list
// of heading ids (for anchor checks), reporting content errors at
// file:line:col.
//
// It wraps goldmark with GFM, CJK line breaks and heading attributes. Heading
// ids come from Slug, which keeps Chinese characters, so "## 谁可以享受" gets
// id="谁可以享受"; every part of the generator that needs an anchor must use
// the same Slug.
package markdown

import (
	"bytes"
	"crypto/sha256"
	"html/template"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"policyguide/calculator/diag"
	"policyguide/generator/site"
)

// Markdown is a configured converter.
//
// A *Markdown is safe for concurrent use by several goroutines: the goldmark
// parser and renderer keep no per-document state (everything lives in the
// parser.Context and the AST made fresh for each Convert call), and Markdown
// itself is never written after New.
type Markdown struct {
	md       goldmark.Markdown
	reserved map[string]bool // ids the theme's layouts use (see Reserve)

	cache       *Cache    // nil: none (see UseCache)
	reservedKey string    // the reserved ids, sorted, for cache entries
	keyOnce     sync.Once // computes reservedKey at the first Convert
}

// Cache keeps conversions between builds (serve): Convert of the same
// bytes, file and first line, with the same reserved ids, returns the
// earlier Result and errors instead of converting again. Convert is a pure
// function of those (and of the configuration New fixes), so the result is
// the same. Results from the cache are shared: they must not be modified.
// The bytes are compared by their SHA-256.
// A Cache holds one conversion per file name; it is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	files map[string]*conversion
	used  map[string]bool // files Convert was asked for (Write keeps only these)
	fresh int             // conversions made, not found, since the Cache was made
}

type conversion struct {
	srcSum    [32]byte // SHA-256 of the Markdown converted
	firstLine int
	reserved  string
	res       Result
	errs      diag.List
}

// NewCache returns an empty conversion cache (see Markdown.UseCache).
func NewCache() *Cache { return &Cache{files: map[string]*conversion{}, used: map[string]bool{}} }

// UseCache makes Convert look up and store conversions in c. Call it, like
// Reserve, before the first Convert.
func (m *Markdown) UseCache(c *Cache) { m.cache = c }

// Reserve declares ids that the page around the Markdown already uses (the
// theme's id="main", id="toc-title" …). An automatic heading id never takes
// one (it gets a suffix), and an explicit {#id} that names one is an error.
// Call it before the first Convert; it is not safe to call concurrently.
func (m *Markdown) Reserve(ids ...string) {
	if m.reserved == nil {
		m.reserved = map[string]bool{}
	}
	for _, id := range ids {
		m.reserved[id] = true
	}
}

// Result is what Convert produces for one document.
type Result struct {
	HTML  template.HTML
	TOC   []site.Heading // h2 and h3, in document order
	Links []Link         // every link, image and autolink destination
	IDs   []string       // every heading id (h1–h6), in document order
}

// Link is a link or image destination as written, with where it was written.
type Link struct {
	Dest  string
	Pos   diag.Pos
	Image bool // an image: the destination must be a file, not a page
}

// New returns a converter: GFM (tables, strikethrough, task lists, bare-URL
// linkify), CJK, `{#id}` heading attributes, safe HTML (raw HTML is never
// written out; Convert reports it as an error).
func New() *Markdown {
	md := goldmark.New(
		goldmark.WithExtensions(
			// GFM minus its default table, which is replaced below.
			extension.Linkify, extension.Strikethrough, extension.TaskList,
			// Table alignment as classes instead of style="text-align:…":
			// the site's CSP (default-src 'self') blocks inline styles.
			// Convert adds class="align-left|center|right" to aligned cells.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			// CSS3-draft style: a newline between CJK characters (including
			// full-width ，！；？) is dropped instead of becoming a space.
			extension.NewCJK(
				extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft),
				extension.WithEscapedSpace(),
			),
		),
		// No WithAutoHeadingID: goldmark would derive ids from the raw source
		// line (link URLs, `**` …). Convert assigns ids from the heading's
		// plain text with Slug, so ids and TOC always agree.
		goldmark.WithParserOptions(parser.WithAttribute()),
		// No html.WithUnsafe: raw HTML must never reach the page.
	)
	return &Markdown{md: md}
}

// Convert renders src, the Markdown body of file that starts at line
// firstLine of the file (after the front matter), so every position in the
// result and the errors is a position in the file.
//
// Errors: raw HTML (blocks and inline; HTML comments are allowed and dropped),
// `**`/`__` left as literal text, empty link destinations, heading attributes
// other than {#id}, duplicate explicit heading ids.
func (m *Markdown) Convert(src []byte, file string, firstLine int) (Result, diag.List) {
	if m.cache == nil {
		return m.convert(src, file, firstLine)
	}
	m.keyOnce.Do(func() {
		ids := make([]string, 0, len(m.reserved))
		for id := range m.reserved {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		m.reservedKey = strings.Join(ids, "\x00")
	})
	m.cache.mu.Lock()
	e := m.cache.files[file]
	m.cache.used[file] = true
	m.cache.mu.Unlock()
	sum := sha256.Sum256(src)
	if e != nil && e.firstLine == firstLine && e.reserved == m.reservedKey && e.srcSum == sum {
		r := e.res // shared: an append must not write into the cached arrays
		r.TOC, r.Links, r.IDs = slices.Clip(r.TOC), slices.Clip(r.Links), slices.Clip(r.IDs)
		return r, slices.Clip(e.errs)
	}
	res, errs := m.convert(src, file, firstLine)
	e = &conversion{srcSum: sum, firstLine: firstLine, reserved: m.reservedKey, res: res, errs: slices.Clone(errs)}
	m.cache.mu.Lock()
	m.cache.files[file] = e
	m.cache.fresh++
	m.cache.mu.Unlock()
	return res, errs
}

func (m *Markdown) convert(src []byte, file string, firstLine int) (res Result, errs diag.List) {
	c := &converter{lines: newLineIndex(src, file, firstLine), ids: newIDs(), stray: map[ast.Node]bool{}, reserved: m.reserved}
	c.ids.reserved = m.reserved // taken, as if Put, without copying them
	src = c.validUTF8(src)
	c.src = src
	c.lines.src = src

	// A goldmark bug must not take the whole build down: report it at the
	// file instead (FuzzConvert fails on this message, so it is still found).
	defer func() {
		if p := recover(); p != nil {
			c.errs.Add(diag.Pos{File: file, Line: c.lines.firstLine}, "internal error converting Markdown: %v", p)
			res, errs = Result{}, c.errs
		}
	}()

	pc := parser.NewContext(parser.WithIDs(c.ids))
	doc := m.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	c.walk(doc)
	c.assignIDs()

	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2 + 128) // HTML is about 1.5× its Markdown
	if err := m.md.Renderer().Render(&buf, src, doc); err != nil {
		// Rendering to a bytes.Buffer only fails on a bug; report, don't panic.
		c.errs.Add(diag.Pos{File: file, Line: c.lines.firstLine}, "internal error rendering Markdown: %v", err)
	}
	return Result{
		HTML:  template.HTML(buf.String()), // safe: goldmark escapes text and drops raw HTML
		TOC:   c.toc,
		Links: c.links,
		IDs:   c.idList(),
	}, c.errs
}

type converter struct {
	src      []byte
	lines    lineIndex
	ids      *ids
	errs     diag.List
	links    []Link
	headings []*ast.Heading
	toc      []site.Heading
	stray    map[ast.Node]bool // blocks that already have a stray-** error
	reserved map[string]bool   // the theme's ids
}

// validUTF8 reports the first invalid byte and returns src with every
// invalid byte replaced by '?'. One byte for one byte keeps every offset (and
// so every position) the same, and goldmark's CJK line-break code panics on
// invalid UTF-8 (util.ToRune on a text of lone continuation bytes).
func (c *converter) validUTF8(src []byte) []byte {
	if utf8.Valid(src) {
		return src
	}
	out := make([]byte, len(src))
	copy(out, src)
	first := -1
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && n == 1 {
			if first < 0 {
				first = i
			}
			out[i] = '?'
		}
		i += n
	}
	c.errs.Add(c.lines.pos(first), "the file is not valid UTF-8: save it as UTF-8")
	return out
}

// walk checks the tree, collects links and headings and removes what must not
// be rendered (HTML comments).
func (c *converter) walk(doc ast.Node) {
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			c.headings = append(c.headings, n)
			c.checkAttributes(n)
		case *ast.HTMLBlock:
			raw := segmentsText(n.Lines(), c.src)
			if n.HasClosure() {
				raw += string(n.ClosureLine.Value(c.src))
			}
			if c.html(n.Pos(), raw) {
				drop = append(drop, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if c.html(n.Pos(), segmentsText(n.Segments, c.src)) {
				drop = append(drop, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			c.link(n.Pos(), n.Destination, false)
		case *ast.Image:
			c.link(n.Pos(), n.Destination, true)
		case *ast.AutoLink:
			c.links = append(c.links, Link{Dest: string(n.URL(c.src)), Pos: c.lines.pos(n.Pos())})
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil // code may contain ** and <tags>
		case *ast.Text:
			c.checkStray(n)
		case *east.TableCell:
			if n.Alignment != east.AlignNone {
				n.SetAttributeString("class", []byte("align-"+n.Alignment.String()))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
}

// html reports raw HTML at off. HTML comments are allowed (editors' notes)
// and reported as droppable; an unclosed one would hide the rest of the page.
func (c *converter) html(off int, raw string) (comment bool) {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s, "-->"); end >= 0 && end == len(s)-3 {
			return true
		} else if end < 0 {
			c.errs.Add(c.lines.pos(off), "HTML comment is not closed with -->: the rest of the page would disappear")
			return false
		}
	}
	c.errs.Add(c.lines.pos(off), "raw HTML is not allowed: %s; write Markdown instead", snippet(s))
	return false
}

func (c *converter) link(off int, dest []byte, image bool) {
	pos := c.lines.pos(off)
	if len(bytes.TrimSpace(dest)) == 0 {
		if image {
			c.errs.Add(pos, "empty image destination: write the file in the parentheses, e.g. ![说明](/images/x.png)")
		} else {
			c.errs.Add(pos, "empty link destination: write the address in the parentheses, e.g. [文字](/measures/m1/)")
		}
		return
	}
	if image {
		if u, err := url.Parse(strings.TrimSpace(string(dest))); err != nil || u.Scheme != "" || u.Host != "" || bytes.HasPrefix(bytes.TrimSpace(dest), []byte("//")) {
			c.errs.Add(pos, "external image %q: the site loads nothing from other hosts (its CSP would block it); put the image in the site and link it from the site root", snippet(string(dest)))
			return
		}
	}
	c.links = append(c.links, Link{Dest: string(dest), Pos: pos, Image: image})
}

// checkStray reports `**` or `__` that CommonMark left as literal text, which
// happens when bold touches CJK punctuation: `前文**「强调」**后文`
// (goldmark#61), or when `__` sits between CJK characters. Only runs of 2 or
// 3 count (a line of `______` is a fill-in blank), escaped `\**` is
// intentional, and `snake__case` between ASCII letters is left alone.
func (c *converter) checkStray(t *ast.Text) {
	block := t.Parent()
	for block != nil && block.Type() != ast.TypeBlock {
		block = block.Parent()
	}
	// One error per paragraph: a failed bold has two stray runs.
	if t.IsRaw() || c.stray[block] {
		return
	}
	src := c.src
	for i := t.Segment.Start; i < t.Segment.Stop; i++ {
		ch := src[i]
		if ch != '*' && ch != '_' {
			continue
		}
		// The whole run in the source (it may extend past this text node).
		from, to := i, i
		for from > 0 && src[from-1] == ch {
			from--
		}
		for to < len(src) && src[to] == ch {
			to++
		}
		i = to - 1
		n := to - from
		escaped := from > 0 && src[from-1] == '\\'
		if n < 2 || n > 3 || escaped {
			continue
		}
		if ch == '_' && from > 0 && to < len(src) && isASCIIAlnum(src[from-1]) && isASCIIAlnum(src[to]) {
			continue
		}
		delim := string(src[from:to])
		c.stray[block] = true
		c.errs.Add(c.lines.pos(from),
			"%q shows literally instead of making bold (it touches punctuation such as 「」“”，or Chinese text): "+
				"put a space outside it (before the opening %s, after the closing %s) or remove the bold",
			delim, delim, delim)
		return
	}
}

func isASCIIAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// checkAttributes allows only {#id}: {style=…} would be blocked by the CSP
// and {class=…} depends on theme internals.
func (c *converter) checkAttributes(h *ast.Heading) {
	for _, a := range h.Attributes() {
		if string(a.Name) != "id" {
			c.errs.Add(c.lines.pos(h.Pos()), "heading attribute %q is not allowed: only {#id} is supported", a.Name)
		}
	}
	// Drop them so they are not rendered either.
	if id, ok := h.AttributeString("id"); ok {
		h.RemoveAttributes()
		h.SetAttributeString("id", id)
	} else {
		h.RemoveAttributes()
	}
}

// assignIDs gives every heading an id: explicit {#id}s are reserved first so
// an automatic id never takes a name chosen by hand; the rest come from
// Slug(plain text), with -1, -2 … for repeats. It also builds the TOC.
func (c *converter) assignIDs() {
	for _, h := range c.headings {
		if v, ok := h.AttributeString("id"); ok {
			id := attrString(v)
			switch {
			case strings.TrimSpace(id) == "":
				c.errs.Add(c.lines.pos(h.Pos()), "empty heading id {#}: write {#some-id} or remove the braces")
				h.RemoveAttributes() // gets an automatic id below
				continue
			case c.reserved[id]:
				c.errs.Add(c.lines.pos(h.Pos()), "heading id %q is already used by the theme's page layout (id=%q): choose another", id, id)
			case c.ids.has(id):
				c.errs.Add(c.lines.pos(h.Pos()), "duplicate heading id %q", id)
			}
			c.ids.Put([]byte(id))
		}
	}
	for _, h := range c.headings {
		title := plainText(h, c.src)
		if _, ok := h.AttributeString("id"); !ok {
			h.SetAttributeString("id", c.ids.Generate([]byte(title), ast.KindHeading))
		}
		if h.Level == 2 || h.Level == 3 {
			c.toc = append(c.toc, site.Heading{Level: h.Level, Text: title, ID: headingID(h)})
		}
	}
}

func (c *converter) idList() []string {
	out := make([]string, 0, len(c.headings))
	for _, h := range c.headings {
		out = append(out, headingID(h))
	}
	return out
}

func headingID(h *ast.Heading) string {
	v, _ := h.AttributeString("id")
	return attrString(v)
}

func attrString(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return ""
}

// plainText is the heading as the reader sees it: markup removed, escapes
// and entities resolved, whitespace collapsed.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(src)
			if !n.IsRaw() {
				v = util.UnescapePunctuations(v)
				v = util.ResolveNumericReferences(v)
				v = util.ResolveEntityNames(v)
			}
			b.Write(v)
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// snippet shortens raw HTML for a message: the first tag, at most 40 characters.
func snippet(raw string) string {
	s := strings.TrimSpace(raw)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i+1]
	}
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:39]) + "…"
	}
	return s
}

func segmentsText(segs *text.Segments, src []byte) string {
	if segs == nil {
		return ""
	}
	var b strings.Builder
	for i := 0; i < segs.Len(); i++ {
		s := segs.At(i)
		b.Write(s.Value(src))
	}
	return b.String()
}

// Slug turns text into an anchor id: Unicode letters (lowercased), digits and
// combining marks are kept, runs of spaces, '-' and '_' become one '-',
// everything else (punctuation, symbols, full-width punctuation) is dropped.
// "谁可以享受？" → "谁可以享受", "Step 1: Apply" → "step-1-apply".
// It returns "" when nothing is left.
func Slug(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	dash := false
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	return b.String()
}

// ids is the parser.IDs of one document. It is also handed to goldmark
// (parser.WithIDs) so any extension asking for ids shares the same table.
type ids struct {
	used     map[string]bool
	reserved map[string]bool // the theme's ids, shared and never written: used too
	next     map[string]int  // base → the next suffix to try, so n repeats cost O(n)
}

var _ parser.IDs = (*ids)(nil)

func newIDs() *ids { return &ids{used: map[string]bool{}, next: map[string]int{}} }

func (s *ids) has(id string) bool { return s.used[id] || s.reserved[id] }

// Generate returns Slug(value), or "heading" when that is empty, made unique
// with -1, -2 ….
func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		base = "heading"
		if kind != ast.KindHeading {
			base = "id"
		}
	}
	id := base
	if s.has(id) {
		i := max(s.next[base], 1)
		for s.has(base + "-" + itoa(i)) {
			i++
		}
		id = base + "-" + itoa(i)
		s.next[base] = i + 1
	}
	s.used[id] = true
	return []byte(id)
}

// Put reserves an id chosen by hand.
func (s *ids) Put(value []byte) { s.used[string(value)] = true }

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

// lineIndex converts byte offsets in the body to file positions.
type lineIndex struct {
	src       []byte
	starts    []int // byte offset of each line start
	file      string
	firstLine int
}

func newLineIndex(src []byte, file string, firstLine int) lineIndex {
	if firstLine < 1 {
		firstLine = 1
	}
	starts := make([]int, 1, bytes.Count(src, []byte("\n"))+1)
	for i := 0; ; {
		k := bytes.IndexByte(src[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		starts = append(starts, i)
	}
	return lineIndex{src: src, starts: starts, file: file, firstLine: firstLine}
}

// pos maps an offset to file:line:col; col counts characters like
// diag.LineCol, so a Chinese character is one column. A negative offset
// (goldmark did not record one) gives the file's first body line.
func (l lineIndex) pos(off int) diag.Pos {
	if off < 0 {
		return diag.Pos{File: l.file, Line: l.firstLine}
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	// Binary search for the last line start <= off.
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	col := utf8.RuneCount(l.src[l.starts[lo]:off]) + 1
	return diag.Pos{File: l.file, Line: l.firstLine + lo, Col: col}
}
