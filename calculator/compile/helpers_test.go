package compile

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"policyguide/calculator"
)

// anchorIn returns an Anchor func that finds the line of the source that
// contains a cite, like the generator does ("p<line>").
func anchorIn(source []byte) func(string) (string, bool) {
	lines := strings.Split(string(source), "\n")
	return func(cite string) (string, bool) {
		n := Normalize(cite)
		for i, l := range lines {
			if strings.Contains(Normalize(l), n) {
				return "p" + strconv.Itoa(i+1), true
			}
		}
		return "", false
	}
}

// loadDir reads a content-like fixture dir: questions.toml and rules/*.toml.
func loadDir(t testing.TB, dir string) Sources {
	t.Helper()
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	source := read("testdata/source.txt")
	src := Sources{
		Questions:   File{Name: filepath.Join(dir, "questions.toml"), Src: read(filepath.Join(dir, "questions.toml"))},
		Source:      source,
		Anchor:      anchorIn(source),
		Measures:    []string{"m1", "m8", "m12", "m14", "m16", "m18", "m19", "m22"},
		Audiences:   []string{"individuals", "enterprises", "hr-agencies", "government"},
		Departments: []string{"市人社局", "市财政局", "市教育局", "市政府国资委", "人行庆阳市分行"},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "rules", "*.toml"))
	sort.Strings(files)
	for _, f := range files {
		src.Rules = append(src.Rules, File{Name: f, Src: read(f)})
	}
	return src
}

func compileOK(t testing.TB) *calculator.Program {
	t.Helper()
	p, errs := Compile(loadDir(t, "testdata/ok"))
	if len(errs) > 0 {
		t.Fatalf("fixture does not compile:\n%v", errs)
	}
	return p
}

func TestFixtureCompiles(t *testing.T) {
	compileOK(t)
}
