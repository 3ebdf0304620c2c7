package markdown

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"policyguide/calculator/diag"
	"policyguide/generator/site"
)

func convert(t *testing.T, src string) (Result, diag.List) {
	t.Helper()
	return New().Convert([]byte(src), "content/measures/m01.md", 10)
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"谁可以享受":                 "谁可以享受",
		"谁可以享受？":                "谁可以享受",
		"  怎么 申请  ":             "怎么-申请",
		"Step 1: Apply_now":     "step-1-apply-now",
		"（一）支持市场主体":             "一支持市场主体",
		"第1条 — 稳岗返还":            "第1条-稳岗返还",
		"a -- b":                "a-b",
		"！？。":                   "",
		"ÉCOLE":                 "école",
		"full\u3000width space": "full-width-space",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeadingsAndTOC(t *testing.T) {
	src := "# 标题\n\n## 谁可以享受\n\n## 谁可以享受\n\n### 谁可以享受？\n\n" +
		"## 见[第8条](/measures/m8/)的*规定*\n\n#### 细节\n\n## 自定义 {#custom}\n\n## Custom\n\n## 手写 {#谁可以享受-2}\n\n## \\*\\*转义\n"
	r, errs := convert(t, src)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	wantIDs := []string{"标题", "谁可以享受", "谁可以享受-1", "谁可以享受-3", "见第8条的规定", "细节", "custom", "custom-1", "谁可以享受-2", "转义"}
	if !reflect.DeepEqual(r.IDs, wantIDs) {
		t.Errorf("IDs = %q\nwant %q", r.IDs, wantIDs)
	}
	wantTOC := []site.Heading{
		{Level: 2, Text: "谁可以享受", ID: "谁可以享受"},
		{Level: 2, Text: "谁可以享受", ID: "谁可以享受-1"},
		{Level: 3, Text: "谁可以享受？", ID: "谁可以享受-3"},
		{Level: 2, Text: "见第8条的规定", ID: "见第8条的规定"},
		{Level: 2, Text: "自定义", ID: "custom"},
		{Level: 2, Text: "Custom", ID: "custom-1"},
		{Level: 2, Text: "手写", ID: "谁可以享受-2"},
		{Level: 2, Text: "**转义", ID: "转义"},
	}
	if !reflect.DeepEqual(r.TOC, wantTOC) {
		t.Errorf("TOC = %+v\nwant %+v", r.TOC, wantTOC)
	}
	for _, h := range wantTOC {
		if !strings.Contains(string(r.HTML), `id="`+h.ID+`"`) {
			t.Errorf("HTML lacks id %q:\n%s", h.ID, r.HTML)
		}
	}
}

func TestDuplicateExplicitID(t *testing.T) {
	_, errs := convert(t, "## A {#x}\n\n## B {#x}\n")
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `duplicate heading id "x"`) || errs[0].Pos.Line != 12 {
		t.Fatalf("errs = %v", errs)
	}
}

func TestLinksAndPositions(t *testing.T) {
	src := "说明见[第8条](/measures/m8/)。\n" + // line 10
		"\n" +
		"- 列表 ![图](/images/a.png)\n" + // line 12
		"> 引用 <https://example.org/x>\n" + // line 13
		"\n" +
		"| 甲 | 乙 |\n|---|---|\n| 一 | [原文](/document/#p13) |\n" + // line 17
		"\n[参考][r]\n\n[r]: /departments/hrss/\n" // line 19
	r, errs := convert(t, src)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	f := "content/measures/m01.md"
	want := []Link{
		{Dest: "/measures/m8/", Pos: diag.Pos{File: f, Line: 10, Col: 4}},
		{Dest: "/images/a.png", Pos: diag.Pos{File: f, Line: 12, Col: 6}, Image: true},
		{Dest: "https://example.org/x", Pos: diag.Pos{File: f, Line: 13, Col: 6}},
		{Dest: "/document/#p13", Pos: diag.Pos{File: f, Line: 17, Col: 7}},
		{Dest: "/departments/hrss/", Pos: diag.Pos{File: f, Line: 19, Col: 1}},
	}
	if !reflect.DeepEqual(r.Links, want) {
		t.Errorf("Links =\n%+v\nwant\n%+v", r.Links, want)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col: substring"
	}{
		{"html block", "正文\n\n<div class=\"x\">\n内容\n</div>\n",
			[]string{`12:1: raw HTML is not allowed: <div class="x">; write Markdown instead`}},
		{"inline html", "甲<span>乙</span>",
			[]string{"10:2: raw HTML is not allowed: <span>", "10:9: raw HTML is not allowed: </span>"}},
		{"script", "<script>alert(1)</script>\n", []string{"10:1: raw HTML is not allowed: <script>"}},
		{"stray bold", "前文**「强调」**后文\n", []string{`10:3: "**" shows literally`}},
		{"stray in heading", "## 标题**「强调」**后文\n", []string{`10:6: "**" shows literally`}},
		{"stray underscore", "甲\n前文__强调__后文\n", []string{`11:3: "__" shows literally`}},
		{"empty link", "见[这里]()和![图](<>)", []string{"10:2: empty link destination", "10:9: empty image destination"}},
		{"attribute", "## 标题 {.red style=\"color:red\"}\n", []string{`10:1: heading attribute "class"`, `10:1: heading attribute "style"`}},
		{"unclosed comment", "甲\n\n<!-- 备注\n乙\n", []string{"12:1: HTML comment is not closed"}},
		{"comment then html", "<!-- a --> <b>x</b>\n", []string{"10:1: raw HTML is not allowed: <!-- a -->"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := convert(t, tt.src)
			var got []string
			for _, e := range errs.Sort() {
				if e.Pos.File != "content/measures/m01.md" {
					t.Errorf("file = %q", e.Pos.File)
				}
				got = append(got, fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors:\n%s\nwant %d", strings.Join(got, "\n"), len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("error %d = %q, want prefix %q", i, got[i], w)
				}
			}
		})
	}
}

func TestNoFalseAlarms(t *testing.T) {
	src := "姓名：______\n\nsnake__case、`a**b`、\\*\\*、**粗体** 和 __粗体__。\n\n" +
		"```\n<div>**</div>\n```\n\n    <p>缩进代码</p>\n\n<!-- 编辑备注：下次核对 -->\n\n前文 **「强调」** 后文 <!-- 行内备注 -->\n"
	r, errs := convert(t, src)
	if len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	if strings.Contains(string(r.HTML), "备注") || strings.Contains(string(r.HTML), "raw HTML omitted") {
		t.Errorf("comments not dropped:\n%s", r.HTML)
	}
	if !strings.Contains(string(r.HTML), "<strong>「强调」</strong>") {
		t.Errorf("spaced bold not rendered:\n%s", r.HTML)
	}
}

func TestCJKAndSafety(t *testing.T) {
	src := "第一行，\n第二行！\nEnglish\nwords\n\n[点我](javascript:alert(1))\n\n| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n~~删除~~\n"
	r, errs := convert(t, src)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	h := string(r.HTML)
	for _, want := range []string{"第一行，第二行！", "English\nwords", `<th class="align-left">`, `<td class="align-center">`, `<td class="align-right">`, "<del>删除</del>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	for _, bad := range []string{"javascript:", "style="} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains %q:\n%s", bad, h)
		}
	}
}

// TestConcurrent runs one *Markdown from several goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	m := New()
	src := []byte("## 谁可以享受\n\n见[第8条](/measures/m8/)。\n\n## 谁可以享受\n\n前文**「强调」**后文\n")
	want, wantErrs := m.Convert(src, "a.md", 1)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				got, errs := m.Convert(src, "a.md", 1)
				if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(errs, wantErrs) {
					t.Error("concurrent Convert differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestInvalidUTF8(t *testing.T) {
	r, errs := convert(t, "甲\n\x87\n0 \xe8\xb0 乙")
	if len(errs) != 1 || errs[0].Msg != "the file is not valid UTF-8: save it as UTF-8" || errs[0].Pos.Line != 11 || errs[0].Pos.Col != 1 {
		t.Fatalf("errs = %v", errs)
	}
	if !strings.Contains(string(r.HTML), "0 ?? 乙") {
		t.Errorf("HTML = %s", r.HTML)
	}
}
