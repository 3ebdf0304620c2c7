package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policyguide/calculator"
)

// TestMatchCommand runs the match command end to end on the example
// register, checks its files, exit codes and refusal to overwrite, and
// compares a row with what the eval command prints for the same firm.
func TestMatchCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "结果.csv")
	sumFile := filepath.Join(dir, "summary.json")
	args := []string{"match", "--content", "../content", "--mapping", "match/testdata/mapping.toml",
		"--in", "match/testdata/register.csv", "--out", out, "--bom", "--summary", sumFile}
	var stdout, stderr bytes.Buffer
	if code := run(args, nil, &stdout, &stderr); code != 3 { // the example has bad rows on purpose
		t.Fatalf("exit %d, want 3\n%s", code, stderr.String())
	}
	for _, w := range []string{"匹配完成", "有错误的行 3行", "register.csv:9: 列“上年度缴纳失业保险费（万元）”", "结果已写入"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF行,")) {
		t.Fatalf("no BOM: %q", data[:10])
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 11 {
		t.Fatalf("%d output lines, want header + 10", len(recs))
	}
	sum, err := os.ReadFile(sumFile)
	if err != nil || !bytes.Contains(sum, []byte(`"rows":10,"evaluated":9,"not_read":1,"rows_with_errors":3`)) {
		t.Fatalf("summary %s (%v)", sum, err)
	}

	// Row 2 (虚构乙商贸有限公司) as the eval command sees it.
	in := `{"date":"2023-11-01","audience":"enterprises","answers":{"firm_insured":true,"firm_type":"small_micro","layoffs":0,"staff":25,"premiums":"12000","hires_1yr":3,"hires_insured":2,"m8_both":2,"interns":0}}`
	stdout.Reset()
	if code := run([]string{"eval", "--content", "../content"}, strings.NewReader(in), &stdout, &stderr); code != 0 {
		t.Fatalf("eval exit %d: %s", code, stderr.String())
	}
	ev, err := calculator.ParseJSON(stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	row := recs[2]
	if row[1] != "示例0002" {
		t.Fatalf("row 2 is %v", row[:3])
	}
	col := func(name string) string {
		for i, h := range head {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %q", name)
		return ""
	}
	results, _ := ev.Get("results")
	checked := 0
	for _, r := range results.Items {
		name, _ := r.Get("name")
		status, _ := r.Get("status")
		if got := col(name.Text + "：状态"); got != calculator.StatusLabel(status.Text) {
			t.Errorf("%s: match %s, eval %s", name.Text, got, status.Text)
		}
		amount, _ := r.Get("amount")
		if v, ok := amount.Get("value"); ok && status.Text != calculator.Ineligible {
			for i, h := range head {
				if strings.HasPrefix(h, name.Text+"：金额（") && row[i] != v.Text {
					t.Errorf("%s: match amount %s, eval %s", name.Text, row[i], v.Text)
				}
			}
			checked++
		}
	}
	if checked < 3 {
		t.Fatalf("only %d amounts compared", checked)
	}

	// A second run replaces the file it wrote; a file it did not write is
	// never overwritten.
	if code := run(args, nil, &stdout, &stderr); code != 3 {
		t.Fatalf("second run: exit %d\n%s", code, stderr.String())
	}
	foreign := filepath.Join(dir, "名册.csv")
	os.WriteFile(foreign, []byte("统一社会信用代码,单位名称\n"), 0o644)
	stderr.Reset()
	args[len(args)-4] = foreign
	if code := run(args, nil, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "was not written by match") {
		t.Fatalf("overwrote a foreign file? exit %d: %s", code, stderr.String())
	}
	if b, _ := os.ReadFile(foreign); string(b) != "统一社会信用代码,单位名称\n" {
		t.Fatal("foreign file changed")
	}

	// A wrong mapping fails before any row is read: exit 1, file:line:col.
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("audience = \"enterprises\"\n[[columns]]\ncolumn = \"单位类型\"\nquestion = \"firm_kind\"\n"), 0o644)
	stderr.Reset()
	out2 := filepath.Join(dir, "out2.csv")
	if code := run([]string{"match", "--content", "../content", "--mapping", bad, "--in", "match/testdata/register.csv", "--out", out2}, nil, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "bad.toml:4:1: unknown question \"firm_kind\"") {
		t.Fatalf("bad mapping: exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(out2); err == nil {
		t.Fatal("output written for a bad mapping")
	}
	// Usage errors.
	if code := run([]string{"match", "--in", "x.csv"}, nil, &stdout, &stderr); code != 2 {
		t.Fatalf("missing --mapping: exit %d", code)
	}
}
