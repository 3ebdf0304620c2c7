package search

import (
	"encoding/binary"
	"html"
	"os"
	"path/filepath"
	"policyguide/calculator/diag"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func tokens(s string) []string {
	var out []string
	indexTokens(s, func(t string, _ uint64) { out = append(out, t) })
	return out
}

func TestIndexTokens(t *testing.T) {
	cases := map[string][]string{
		"不得重复":         {"不", "得", "不得", "重", "得重", "复", "重复"},
		"拨打12333咨询":    {"拨", "打", "拨打", "12333", "咨", "询", "咨询"},
		"失业率5.5%的控制目标": {"失", "业", "失业", "率", "业率", "5.5%", "5.5", "的", "控", "的控", "制", "控制", "目", "制目", "标", "目标"},
		"ＡＢＣ　１２３％":     {"abc", "123%", "123"},
		"10+N公共":       {"10", "n", "公", "共", "公共"},
		"版本1.2.3.":     {"版", "本", "版本", "1.2.3"},
		"(含)":          {"含"},
		"":             nil,
	}
	for in, want := range cases {
		if got := tokens(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestTermTokens(t *testing.T) {
	rs := runs("大学生 贷 见见见 12333")
	var got [][]string
	for _, r := range rs {
		got = append(got, termTokens(r))
	}
	want := [][]string{{"大学", "学生"}, {"贷"}, {"见见"}, {"12333"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSynonymErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.MkdirAll(filepath.Join(dir, "search"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, SynonymsFile), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func(dir string) ([]Synonym, diag.List) {
		data, err := os.ReadFile(filepath.Join(dir, SynonymsFile))
		if err != nil {
			return ParseSynonyms(filepath.ToSlash(filepath.Join(dir, SynonymsFile)), nil)
		}
		return ParseSynonyms(filepath.ToSlash(filepath.Join(dir, SynonymsFile)), data)
	}
	if syn, errs := load(dir); syn != nil || errs != nil {
		t.Fatalf("missing file: %v %v", syn, errs)
	}
	write("[[synonyms]]\nwords = [\"大学生\"]\nterms = [\"高校毕业生\", \"不存在的词\"]\n\n[[synonyms]]\nwords = [\"a b\"]\nterms = []\nextra = 1\n")
	syn, errs := load(dir)
	errs.Merge(CheckSynonyms(syn, []Doc{{Body: "支持高校毕业生就业"}}))
	got := errs.Sort().Error()
	name := filepath.ToSlash(filepath.Join(dir, SynonymsFile))
	for _, want := range []string{
		name + ":3:1: 同义词 \"不存在的词\" 在任何页面",
		name + ":6:1: 词 \"a b\" 必须是一串连续的汉字",
		name + ":5:1: 缺少 terms 或 terms 为空",
		name + ":8:1: 未知的键 extra",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "高校毕业生") {
		t.Errorf("a term that occurs was reported:\n%s", got)
	}
	write("[[synonyms]\nwords = 1\n")
	if _, errs := load(dir); len(errs) != 1 || !strings.Contains(errs.Error(), name+":2:11: TOML 格式错误") {
		t.Errorf("bad TOML: %v", errs)
	}
}

// A token in every document still finds them all (its idf is not rounded to 0).
func TestEverywhereToken(t *testing.T) {
	var docs []Doc
	for i := 0; i < 3000; i++ {
		docs = append(docs, Doc{URL: "/d/" + itoa(i) + "/", Title: "补贴", Body: "给予补贴"})
	}
	files, manifest, _ := Build(docs, nil)
	r, err := Open(func(p string) ([]byte, error) { return files[p], nil }, manifest)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := r.Search("补贴")
	if err != nil || len(hits) != 3000 {
		t.Fatalf("%d hits, %v", len(hits), err)
	}
	if d, err := r.Doc(hits[2999].Doc); err != nil || d.URL != "/d/2999/" {
		t.Errorf("last hit: %+v %v", d, err)
	}
}

// runsTokens is the plain definition of the index tokens, from runs; the
// fast indexTokens must give the same.
func runsTokens(text string) []string {
	var out []string
	for _, r := range runs(text) {
		if !r.han {
			out = append(out, r.text)
			if strings.HasSuffix(r.text, "%") && len(r.text) > 1 {
				out = append(out, strings.TrimSuffix(r.text, "%"))
			}
			continue
		}
		rs := []rune(r.text)
		for i := range rs {
			out = append(out, string(rs[i]))
			if i > 0 {
				out = append(out, string(rs[i-1:i+1]))
			}
		}
	}
	return out
}

func FuzzIndexTokens(f *testing.F) {
	for _, s := range []string{"失业率5.5%的控制目标", "ＡＢＣ　１２３％", "1.2.3.", "a.5", "5.a", "%5%", "１．５％", "é中文Ωx9", "\xff中\xfe", "𠀀𠀁"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := tokens(s), runsTokens(s)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: indexTokens %q, runs %q", s, got, want)
		}
	})
}

func TestDropElement(t *testing.T) {
	in := `<p>a</p><blockquote>\n<p>quoted</p>\n</blockquote><b>x</b><blockquotes>keep</blockquotes><blockquote class="c">q2</blockquote>end`
	want := `<p>a</p><b>x</b><blockquotes>keep</blockquotes>end`
	if got := dropElement(in, "blockquote"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := plainText("<p>a &amp; b</p>\n<p>c</p>"); got != "a & b c" {
		t.Errorf("plainText: %q", got)
	}
}

// Han tokens' keys name them: the same key is always the same token, and
// words have none.
func FuzzIndexTokenKeys(f *testing.F) {
	for _, s := range []string{"失业率5.5%的控制目标", "ＡＢＣ　１２３％", "é中文Ωx9", "\xff中\xfe", "𠀀𠀁𠀀𠀁", "中中中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		byKey := map[uint64]string{}
		indexTokens(s, func(tok string, key uint64) {
			han := isHan([]rune(tok)[0])
			if han != (key != 0) {
				t.Fatalf("%q: token %q has key %#x", s, tok, key)
			}
			if prev, ok := byKey[key]; key != 0 && ok && prev != tok {
				t.Fatalf("%q: key %#x is %q and %q", s, key, prev, tok)
			}
			byKey[key] = tok
		})
	})
}

// plainTextFields is the plain definition of plainText's result.
func plainTextFields(h string) string {
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

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>\n<p>c</p>", " x\u00a0&nbsp;y\u3000z ", "&lt;b&gt; <i", "a\xffb\u2028c", "&amp<b>p;", "\t\v\f\r\n\u0085", "<p>第1条</p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := plainText(s), plainTextFields(s); got != want {
			t.Errorf("%q: plainText %q, want %q", s, got, want)
		}
	})
}

// The index is the same however the documents are split among cores.
func TestIndexDocsParts(t *testing.T) {
	var docs []Doc
	for i := range 300 {
		if i%50 == 0 { // documents without tokens
			docs = append(docs, Doc{}, Doc{URL: "/x/"})
		}
		docs = append(docs, Doc{Title: "第" + itoa(i) + "条 就业补贴", Label: "政策原文", Summary: strings.Repeat("高校毕业生", i%7),
			Body: "拨打12333咨询 5.5% 𠀀𠀁 " + strings.Repeat("失业保险", i%5), Measure: i%3 == 0})
	}
	postings := func(x *index) map[string][]posting {
		out := map[string][]posting{}
		for id, tok := range x.toks {
			if _, dup := out[tok]; dup {
				t.Fatalf("token %q twice", tok)
			}
			out[tok] = x.lists[id]
		}
		return out
	}
	want := postings(indexDocs(docs, 1))
	for _, parts := range []int{2, 3, 7, 300} {
		if got := postings(indexDocs(docs, parts)); !reflect.DeepEqual(got, want) {
			t.Errorf("%d parts: a different index", parts)
		}
	}
	if len(want) < 20 {
		t.Errorf("only %d tokens", len(want))
	}
}

// maybeSpace holds the first byte of every white-space rune.
func TestMaybeSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) && !maybeSpace[[]byte(string(r))[0]] {
			t.Errorf("%U", r)
		}
	}
}

func FuzzDecodeRune(f *testing.F) {
	for _, s := range []string{"中", "\xe4\xb8", "\xed\xa0\x80", "\xe0\x80\x80", "\xef\xbf\xbd", "a中\xff", "\xe1\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i < len(s); i++ {
			r, n := decodeRune(s, i)
			wr, wn := utf8.DecodeRuneInString(s[i:])
			if r != wr || n != wn {
				t.Fatalf("%q at %d: %U %d, want %U %d", s, i, r, n, wr, wn)
			}
		}
	})
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "abc", "中文中文", "a\xffb\xfec", "\xff\xff\xff\xff"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 100 {
			return
		}
		want := s
		if utf8.RuneCountInString(s) > n {
			want = string([]rune(s)[:n]) + "…"
		}
		if got := clip(s, n); got != want {
			t.Errorf("clip(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}

func TestUvarintLen(t *testing.T) {
	for _, x := range []int{0, 1, 127, 128, 16383, 16384, 1<<21 - 1, 1 << 21, 1<<31 - 1, 1 << 40} {
		if got, want := uvarintLen(x), len(binary.AppendUvarint(nil, uint64(x))); got != want {
			t.Errorf("uvarintLen(%d) = %d, want %d", x, got, want)
		}
	}
}
