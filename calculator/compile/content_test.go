package compile

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"policyguide/calculator"
)

// contentDir is the real site content, relative to this package.
const contentDir = "../../content"

// loadContent reads the real content the way the generator does, or skips
// the test when there is no content (yet).
func loadContent(t testing.TB) Sources {
	t.Helper()
	qpath := filepath.Join(contentDir, "calculator", "questions.toml")
	if _, err := os.Stat(qpath); err != nil {
		t.Skip("no content/calculator/questions.toml yet")
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// The source document, without the web-page leftovers from drop_from on.
	var doc struct {
		Source   string    `toml:"source"`
		DropFrom string    `toml:"drop_from"`
		Number   string    `toml:"number"`
		Date     time.Time `toml:"date"`
	}
	docDir := filepath.Join(contentDir, "documents", "qingzhengbanfa-2023-102")
	fm := frontMatter(read(filepath.Join(docDir, "document.md")))
	if _, err := toml.Decode(string(fm), &doc); err != nil {
		t.Fatal(err)
	}
	source := read(filepath.Join(docDir, doc.Source))
	if doc.DropFrom != "" {
		if i := bytes.Index(source, []byte("\n"+doc.DropFrom)); i >= 0 {
			source = source[:i+1]
		}
	}
	src := Sources{
		Questions: File{Name: "content/calculator/questions.toml", Src: read(qpath)},
		Source:    source,
		Anchor:    anchorIn(source),
		Audiences: []string{"individuals", "enterprises", "hr-agencies", "government"},
		Basis:     calculator.MakeDate(doc.Date.Year(), int(doc.Date.Month()), doc.Date.Day()),
		BasisName: doc.Number,
	}
	lines := strings.Split(string(source), "\n")
	paras := map[string]string{}
	mds, _ := filepath.Glob(filepath.Join(contentDir, "measures", "*.md"))
	for _, md := range mds {
		var m struct {
			ID        string `toml:"id"`
			Paragraph string `toml:"paragraph"`
		}
		toml.Decode(string(frontMatter(read(md))), &m)
		src.Measures = append(src.Measures, m.ID)
		paras[m.ID] = m.Paragraph
	}
	src.Paragraph = func(measure string) (string, string, bool) {
		a := paras[measure]
		n, err := strconv.Atoi(strings.TrimPrefix(a, "p"))
		if err != nil || n < 1 || n > len(lines) {
			return "", "", false
		}
		return a, lines[n-1], true
	}
	var deps struct {
		Departments []struct {
			Name string `toml:"name"`
		} `toml:"departments"`
	}
	toml.Decode(string(read(filepath.Join(contentDir, "departments.toml"))), &deps)
	for _, d := range deps.Departments {
		src.Departments = append(src.Departments, d.Name)
	}
	files, _ := filepath.Glob(filepath.Join(contentDir, "rules", "*.toml"))
	sort.Strings(files)
	for _, f := range files {
		src.Rules = append(src.Rules, File{Name: "content/rules/" + filepath.Base(f), Src: read(f)})
	}
	return src
}

// frontMatter returns the TOML between the +++ lines.
func frontMatter(b []byte) []byte {
	s := string(b)
	if !strings.HasPrefix(s, "+++\n") {
		return nil
	}
	end := strings.Index(s[4:], "\n+++")
	if end < 0 {
		return nil
	}
	return []byte(s[4 : 4+end+1])
}

// TestContent compiles the real rules and runs every worked example.
func TestContent(t *testing.T) {
	_, errs := Compile(loadContent(t))
	for _, e := range errs {
		t.Error(e)
	}
}
