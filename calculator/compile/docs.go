package compile

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Many documents. When Sources.Docs is set, each cite is looked up in one
// document: a param value's optional `doc = "id"` names it (a later
// document that changed an amount), otherwise it is the measure's document
// (Sources.MeasureDocs, default Sources.Main). Any table with a cite may also
// carry `cite_hash`, the short hash (CiteHash) of the paragraph's text when
// the cite was written; when the paragraph has changed since, Compile adds a
// warning to Sources.Warnings (the cite may still be found, but its meaning
// may have moved).

// CiteHash is the short hash of a paragraph's text, after the same width
// and space folding as citations.
func CiteHash(paragraph string) string {
	sum := sha256.Sum256([]byte(Normalize(paragraph)))
	return hex.EncodeToString(sum[:])[:8]
}

// docIndex returns the cite index of document id ("" = the default source).
func (c *compiler) docIndex(id string) *citeIndex {
	if id == "" || c.src.Docs == nil {
		return c.cites
	}
	if c.docCites == nil {
		c.docCites = map[string]*citeIndex{}
	}
	ci, ok := c.docCites[id]
	if !ok {
		text, known := c.src.Docs[id]
		if !known {
			return nil
		}
		ci = newCiteIndex(text)
		c.docCites[id] = ci
	}
	return ci
}

// measureDoc is the document of a measure's cites.
func (c *compiler) measureDoc(measure string) string {
	if d, ok := c.src.MeasureDocs[measure]; ok {
		return d
	}
	return c.src.Main
}

func (c *compiler) knownDocs() string {
	var ids []string
	for id := range c.src.Docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, "、")
}

// citeHash compares an optional cite_hash with the paragraph's current text.
func (c *compiler) citeHash(t *tbl, doc, cite string) {
	want := t.str("cite_hash", false)
	if want == "" || c.src.Locate == nil || c.src.Warnings == nil {
		return
	}
	anchor, text, ok := c.src.Locate(doc, cite)
	if !ok {
		return
	}
	if now := CiteHash(text); now != want {
		c.src.Warnings.Add(t.f.at(t.keyPath("cite_hash")), "引文所在段落（%s）在 cite_hash 写下之后改过：请核对引文和计算规则是否仍然符合原文，然后把 cite_hash 改为 \"%s\"", anchor, now)
	}
}
