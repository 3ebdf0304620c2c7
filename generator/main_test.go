package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policyguide/generator/fixture"
)

// TestEvalExitCodes: bad input is a usage error (exit 2) with the reason on
// stderr and nothing on stdout; the build is not even started.
func TestEvalExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		in     string
		code   int
		stderr string
	}{
		{nil, ``, 2, "输入为空"},
		{nil, `{"answers":`, 2, "输入不是有效的JSON"},
		{nil, `[1,2]`, 2, "输入应为JSON对象"},
		{nil, `{"date":"2023-13-01"}`, 2, "日期“2023-13-01”无效"},
		{nil, `{"dates":"2023-11-01"}`, 2, `未知的顶层字段 "dates"`},
		{nil, strings.Repeat("[", 70) + strings.Repeat("]", 70), 2, "嵌套层次过深"},
		{nil, `{"answers":{"a":"` + strings.Repeat("x", 1<<20) + `"}}`, 2, "larger than 1048576 bytes"},
		{[]string{"--date", "2023-11-01"}, `{"date":"2024-01-01"}`, 2, "differ"},
		{[]string{"--date", "2023-02-31"}, `{}`, 2, "bad --date"},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"eval", "--content", "testdata/none"}, tc.args...)
		code := run(args, strings.NewReader(tc.in), &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.stderr) || out.Len() != 0 {
			t.Errorf("eval %v < %.30q: exit %d, stderr %q, stdout %.80q; want exit %d and %q",
				tc.args, tc.in, code, errb.String(), out.String(), tc.code, tc.stderr)
		}
	}
}

// TestEvalDate: --date is the reference date when the input has none (it
// used to be ignored for today's date), and a fraction for a percentage
// question is a warning naming the question.
func TestEvalDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the site model")
	}
	var out, errb bytes.Buffer
	in := `{"audience":"enterprises","answers":{"retention_rate":0.6}}`
	code := run([]string{"eval", "--content", "../content", "--date", "2023-11-01"}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), `{"date":"2023-11-01"`) {
		t.Errorf("--date not used: %.100s", out.String())
	}
	if !strings.Contains(errb.String(), "retention_rate") || !strings.Contains(out.String(), "如果您的意思是60%") {
		t.Errorf("no fraction warning: stderr %q", errb.String())
	}
	out.Reset()
	errb.Reset()
	code = run([]string{"eval", "--content", "../content", "--date", "2030-01-01"}, strings.NewReader(`{"answers":{}}`), &out, &errb)
	if code != 0 || !strings.HasPrefix(out.String(), `{"date":"2030-01-01"`) {
		t.Errorf("exit %d, %.100s", code, out.String())
	}
}

// TestEvalIgnoresPages: eval compiles the rules only, so a broken link on a
// measure page (which check and build refuse) does not make it fail.
func TestEvalIgnoresPages(t *testing.T) {
	content := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, "pipeline/testdata/mini/content", content)
	page := filepath.Join(content, "measures", "a1.md")
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, append(b, "\n[断链](/measures/no-such-page/)\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"check", "--content", content}, strings.NewReader(""), &out, &errb); code == 0 || !strings.Contains(out.String()+errb.String(), "no-such-page") {
		t.Fatalf("check accepted the broken link: exit %d, %s%s", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	in := `{"date":"2023-11-01","audience":"people","answers":{"first_startup":true}}`
	if code := run([]string{"eval", "--content", content}, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("eval failed on a page's broken link: exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), `{"date":"2023-11-01"`) {
		t.Errorf("eval output: %.200s", out.String())
	}
}
