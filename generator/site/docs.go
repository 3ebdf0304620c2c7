package site

import "time"

// Many documents, their relations, the policy calendar and the history of
// each page from git.

// Status words of a document on the build date.
const (
	StatusInForce = "现行有效"
	StatusPartly  = "部分有效"
	StatusEnded   = "已失效"
)

// NotStated is shown for metadata the document does not state.
const NotStated = "文件未写明"

// Relation is a later document's effect on an earlier one, in the later
// document's own words (Cite, at Anchor in From).
type Relation struct {
	Type     string    // "continues" | "amends" | "replaces"
	From     *Document // the later document, which states the relation
	To       *Document // the earlier document
	Measures []*Measure
	Start    time.Time // zero: the later document names no date
	Until    time.Time // continues: the new end date; zero: none stated
	Cite     string
	Anchor   string // paragraph anchor in From
}

// Verb is the relation in Chinese: 延续, 调整 or 废止.
func (r *Relation) Verb() string {
	switch r.Type {
	case "continues":
		return "延续"
	case "amends":
		return "调整"
	case "replaces":
		return "废止"
	}
	return r.Type
}

// Date is when the relation takes effect: its start, else the later
// document's date. A measure's relations are in this order.
func (r *Relation) Date() time.Time {
	if !r.Start.IsZero() {
		return r.Start
	}
	return r.From.Date
}

// CiteURL links to the cited paragraph of the later document.
func (r *Relation) CiteURL() string { return r.From.URL() + "#" + r.Anchor }

// Concerns reports whether the relation concerns measure m (a relation
// without measures concerns the whole earlier document).
func (r *Relation) Concerns(m *Measure) bool {
	if len(r.Measures) == 0 {
		return m.Document == r.To
	}
	for _, x := range r.Measures {
		if x == m {
			return true
		}
	}
	return false
}

// DocDate is a date a document states (an application window, a deadline).
type DocDate struct {
	Date, End time.Time
	Title     string
	Cite      string
	Anchor    string
}

// Contact is a department's contact channel added by staff, with where it
// was taken from and when it was last checked. Not part of any document.
type Contact struct {
	Kind    string // 地址 | 电话 | 网址 | 办公时间
	Value   string
	Source  string
	Checked time.Time
}

// Event is an entry of the policy calendar: a date a document states.
type Event struct {
	UID   string // stable: derived from the content, not the clock
	Date  time.Time
	End   time.Time // inclusive last day; zero: one day
	Title string
	Note  string    // what the date is, with the document's number
	URL   string    // site-relative page with the source of the date
	Doc   *Document // the document that states the date
}

// Commit is one git commit that changed a page's content files.
type Commit struct {
	Hash    string
	Date    time.Time // commit date (never the wall clock)
	Subject string
	URL     string // link to the commit when site.toml has a repository; else ""
	Pages   []PageRef
}

// Short is the abbreviated hash.
func (c *Commit) Short() string {
	if len(c.Hash) > 10 {
		return c.Hash[:10]
	}
	return c.Hash
}

// PageRef names a page a commit changed.
type PageRef struct {
	Title string
	URL   string
}

// History is the revision record of one page, newest first.
type History struct {
	Commits []*Commit
}

// Updated is the date of the newest commit (zero without commits).
func (h *History) Updated() time.Time {
	if h == nil || len(h.Commits) == 0 {
		return time.Time{}
	}
	return h.Commits[0].Date
}

// ParamView is a calculator parameter shown on its measure's page: every
// dated value, each with the document that states it.
type ParamView struct {
	Label  string
	Unit   string
	Values []ParamValueView
}

// ParamValueView is one dated value of a parameter.
type ParamValueView struct {
	From    time.Time
	Value   string
	Cite    string
	URL     string    // the cited paragraph
	Doc     *Document // the document that states the value
	Current bool      // in force on the build date
	Future  bool      // takes effect after the build date
	// Stated: From is a start the document names. A value whose From is
	// just the issue date of its document is shown without "起": the
	// document states no start date, and none is invented.
	Stated bool
}
