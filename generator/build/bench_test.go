package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// synthSite writes a site of n measure pages: Chinese text, a table, a list
// and four headings each, the same shape as the Hugo comparison in NOTES.md.
func synthSite(tb testing.TB, dir string, n int) string {
	content := filepath.Join(dir, "content")
	for _, d := range []string{"measures", "source"} {
		if err := os.MkdirAll(filepath.Join(content, d), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(content, name), []byte(s), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("site.toml", `title = "合成站点"
base_url = "https://example.test"
language = "zh-CN"
[[categories]]
id = "c1"
name = "第一类"
[[categories]]
id = "c2"
name = "第二类"
[[audiences]]
id = "people"
name = "个人"
entry = "我是个人"
`)
	write("departments.toml", "[[departments]]\nid = \"d1\"\nname = \"市甲局\"\n[[departments]]\nid = \"d2\"\nname = \"市乙局\"\n")
	var src strings.Builder
	src.WriteString("合成文件标题\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&src, "%d.第%d项措施。对符合条件的人员给予补贴%d元。(市甲局负责)\n", i, i, i*10)
	}
	write("source/doc.txt", src.String())
	write("document.md", "+++\ntitle = \"合成文件\"\nissuer = \"合成机关\"\nnumber = \"合发〔2024〕1号\"\ndate = 2024-01-01\nsource = \"source/doc.txt\"\n+++\n")
	for i := 1; i <= n; i++ {
		cat := "c1"
		if i%2 == 0 {
			cat = "c2"
		}
		write(fmt.Sprintf("measures/m%05d.md", i), fmt.Sprintf(`+++
id = "m%d"
order = %d
label = "第%d条"
title = "第%d项措施：支持重点群体就业"
summary = "对符合条件的人员给予补贴。"
category = "%s"
lead = ["市甲局"]
partners = ["市乙局"]
audiences = ["people"]
valid_until = 2023-12-31
paragraph = "p%d"
+++
## 这是什么

本措施支持高校毕业生、农民工、退役军人等群体就业创业，按规定给予补贴。政策实施期限截至2023年12月31日。

## 谁可以享受

- 毕业年度或离校2年内未就业高校毕业生
- 登记失业的16—24周岁青年
- 就业困难人员

## 能得到什么

| 项目 | 标准 |
| --- | --- |
| 一次性补贴 | %d元/人 |
| 见习补贴 | 1000元/人/月 |

## 怎么申请

向[负责部门](/departments/d1/)咨询，详见[原文](/document/#p%d)。
`, i, i, i, i, cat, i+1, i*10, i+1))
	}
	return content
}

// BenchmarkBuild10k builds a synthetic site of 10,000 measure pages in memory
// and writes it to disk, reporting pages per second.
// go test ./generator/build -run XXX -bench Build10k -benchtime 3x
func BenchmarkBuild10k(b *testing.B) {
	dir := b.TempDir()
	content := synthSite(b, dir, benchN)
	out := filepath.Join(dir, "public")
	b.ResetTimer()
	pages := 0
	for i := 0; i < b.N; i++ {
		r, err := Build(Options{Content: content, Out: out, Date: testDay, NoWasm: true})
		if err != nil {
			b.Fatal(err)
		}
		pages = 0
		for name := range r.Files {
			if strings.HasSuffix(name, ".html") {
				pages++
			}
		}
	}
	b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// benchN is the synthetic site size; smaller in profiling runs.
var benchN = 10000
