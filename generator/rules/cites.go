package rules

import (
	"strings"

	"policyguide/calculator/compile"
	"policyguide/generator/site"
)

// Cites finds the paragraph of a document that contains a citation,
// comparing as the compiler does (widths folded, spaces removed): the one
// cite-to-paragraph match of the generator (rules, document dates and
// relations use it).
type Cites struct {
	docs    map[string][]para
	anchors map[string]map[string]*site.Paragraph
}

type para struct {
	p    *site.Paragraph
	norm string
}

// NewCites indexes the paragraphs of docs.
func NewCites(docs []*site.Document) *Cites {
	c := &Cites{docs: map[string][]para{}, anchors: map[string]map[string]*site.Paragraph{}}
	for _, d := range docs {
		ps := make([]para, 0, len(d.Paragraphs))
		byAnchor := map[string]*site.Paragraph{}
		for _, p := range d.Paragraphs {
			ps = append(ps, para{p, compile.Normalize(p.Text)})
			byAnchor[p.Anchor] = p
		}
		c.docs[d.ID], c.anchors[d.ID] = ps, byAnchor
	}
	return c
}

// Find returns the first paragraph of document doc that contains cite, or
// nil (also for an empty cite).
func (c *Cites) Find(doc, cite string) *site.Paragraph {
	n := compile.Normalize(cite)
	if n == "" {
		return nil
	}
	for _, p := range c.docs[doc] {
		if strings.Contains(p.norm, n) {
			return p.p
		}
	}
	return nil
}

// Paragraph returns the paragraph of document doc with anchor, or nil.
func (c *Cites) Paragraph(doc, anchor string) *site.Paragraph {
	return c.anchors[doc][anchor]
}
