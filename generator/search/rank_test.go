package search_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"policyguide/generator/pipeline"
	"policyguide/generator/search"
)

var (
	realOnce  sync.Once
	realFiles map[string][]byte
	realIndex string
	realErr   error
)

// realSite builds the real content (without the wasm) once for all tests.
func realSite(t *testing.T) (map[string][]byte, string) {
	t.Helper()
	realOnce.Do(func() {
		r, err := pipeline.Generate(pipeline.Options{Content: filepath.Join("..", "..", "content"),
			Date: time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC), NoWasm: true})
		if err != nil {
			realErr = err
			return
		}
		realFiles = r.Files
		for name := range r.Files {
			if strings.HasPrefix(name, "search/manifest-") {
				realIndex = name
			}
		}
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	if realIndex == "" {
		t.Fatal("the build wrote no search manifest")
	}
	return realFiles, realIndex
}

func getter(files map[string][]byte) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		b, ok := files[p]
		if !ok {
			return nil, errors.New("no file " + p)
		}
		return b, nil
	}
}

// measureRanking runs q and returns the URLs of the measures among the hits, best first.
func measureRanking(t *testing.T, q string) []string {
	t.Helper()
	files, manifest := realSite(t)
	r, err := search.Open(getter(files), manifest)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := r.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		d, err := r.Doc(h.Doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(d.URL, "/measures/") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(d.URL, "/measures/"), "/"))
		}
	}
	return out
}

// The expected measures come from the source document (庆政办发〔2023〕102号):
// 高校毕业生 is the subject of the whole group （二） (measures 8–13); 见习 is
// measure 12 (扩大就业见习规模), also named in 11; 创业担保贷款 is measure 16;
// 职业资格证书或职业技能等级证书 are the conditions of measures 18 and 19; 稳岗 is
// measure 1 (稳岗返还) and 3 (稳岗扩岗服务), 援企稳岗 in 2; 退役军人 occur only in
// measure 14; 残疾人 in 22; 零工市场 in 24.
func TestQueryDaxuesheng(t *testing.T) {
	got := measureRanking(t, "大学生")
	wantFirst(t, "大学生", got, 5, "m8", "m9", "m10", "m11", "m12", "m13")
}

func TestQueryJianxi(t *testing.T) {
	got := measureRanking(t, "见习")
	wantFirst(t, "见习", got, 1, "m12")
	wantFirst(t, "见习", got, 2, "m12", "m11")
}

func TestQueryChuangyeDaikuan(t *testing.T) {
	wantFirst(t, "创业贷款", measureRanking(t, "创业贷款"), 1, "m16")
}

func TestQueryJinengZhengshu(t *testing.T) {
	wantFirst(t, "技能证书", measureRanking(t, "技能证书"), 2, "m18", "m19")
}

func TestQueryWengang(t *testing.T) {
	got := measureRanking(t, "稳岗")
	wantFirst(t, "稳岗", got, 2, "m1", "m3")
	wantFirst(t, "稳岗", got, 3, "m1", "m2", "m3")
}

func TestQueryTuiyiJunren(t *testing.T) {
	wantFirst(t, "退役军人", measureRanking(t, "退役军人"), 1, "m14")
}

func TestQueryCanjiren(t *testing.T) {
	wantFirst(t, "残疾人", measureRanking(t, "残疾人"), 1, "m22")
}

func TestQueryLinggong(t *testing.T) {
	wantFirst(t, "零工", measureRanking(t, "零工"), 1, "m24")
}

// wantFirst checks that the first n measures of got are all in want.
func wantFirst(t *testing.T, q string, got []string, n int, want ...string) {
	t.Helper()
	if len(got) < n {
		t.Fatalf("%s: %d measures found, want at least %d: %v", q, len(got), n, got)
	}
	ok := map[string]bool{}
	for _, w := range want {
		ok[w] = true
	}
	for i, g := range got[:n] {
		if !ok[g] {
			t.Errorf("%s: measure %d is %s, want one of %v (ranking %v)", q, i+1, g, want, got)
		}
	}
}

// Every measure is found first by its own title; every kind of page is covered.
func TestCoverage(t *testing.T) {
	files, manifest := realSite(t)
	r, err := search.Open(getter(files), manifest)
	if err != nil {
		t.Fatal(err)
	}
	first := func(q string) search.DocInfo {
		t.Helper()
		hits, err := r.Search(q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%s: no result (%v)", q, err)
		}
		d, err := r.Doc(hits[0].Doc)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	n := 0
	for name, b := range files {
		if !strings.HasPrefix(name, "measures/m") && !strings.HasPrefix(name, "measures/s") || !strings.HasSuffix(name, "/index.html") {
			continue
		}
		title := between(string(b), "<h1>", "</h1>")
		if title == "" {
			t.Fatalf("%s: no <h1>", name)
		}
		url := "/" + strings.TrimSuffix(name, "index.html")
		if d := first(title); d.URL != url {
			t.Errorf("query %q: first result %s, want %s", title, d.URL, url)
		}
		n++
	}
	if n != 29 {
		t.Errorf("%d measure pages checked, want 29", n)
	}
	// A paragraph of the document that is no measure: its anchor.
	if d := first("习近平新时代中国特色社会主义思想"); !strings.HasPrefix(d.URL, "/document/#p") {
		t.Errorf("document paragraph: first result %s", d.URL)
	}
	if d := first("市残联"); !strings.HasPrefix(d.URL, "/departments/") || d.Label != "责任部门" {
		t.Errorf("department: first result %+v", d)
	}
	if d := first("留用率是多少"); d.URL != "/calculator/" || d.Label != "计算器问题" {
		t.Errorf("calculator question: first result %+v", d)
	}
	if d := first("5.5%"); d.URL != "/measures/m1/" || d.Status != "现行" {
		t.Errorf("5.5%%: first result %+v", d)
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}
