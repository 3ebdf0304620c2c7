// Package synth writes synthetic sites of any size for benchmarks: the same
// measure pages (Chinese text, a table, a list, four headings each) as a
// content folder for this generator and as a Hugo site, so the two can be
// compared on equal work.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Body is the Markdown of measure i.
func Body(i int) string {
	return fmt.Sprintf(`## 这是什么

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
`, i*10, i+1)
}

// files writes name → text under root.
func files(root string, fs map[string]string) error {
	for name, text := range fs {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Write writes a content folder of n measure pages at dir/content and
// returns its path.
func Write(dir string, n int) (string, error) {
	content := filepath.Join(dir, "content")
	fs := map[string]string{
		"site.toml": `title = "合成站点"
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
`,
		"departments.toml": "[[departments]]\nid = \"d1\"\nname = \"市甲局\"\n[[departments]]\nid = \"d2\"\nname = \"市乙局\"\n",
		"document.md":      "+++\ntitle = \"合成文件\"\nissuer = \"合成机关\"\nnumber = \"合发〔2024〕1号\"\ndate = 2024-01-01\nsource = \"source/doc.txt\"\n+++\n",
	}
	var src strings.Builder
	src.WriteString("合成文件标题\n")
	// Short paragraphs: the loader refuses a content file over
	// load.MaxFileSize (512 KB); this keeps 10,000 measures near 400 KB.
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&src, "%d.(市甲局牵头,市乙局负责)\n", i)
	}
	fs["source/doc.txt"] = src.String()
	for i := 1; i <= n; i++ {
		cat := "c1"
		if i%2 == 0 {
			cat = "c2"
		}
		fs[fmt.Sprintf("measures/m%05d.md", i)] = fmt.Sprintf(`+++
id = "m%d"
order = %d
label = "第%d条"
title = "第%d项措施：支持重点群体就业"
summary = "对符合条件的人员给予补贴。"
category = "%s"
lead = ["市甲局"]
partners = ["市乙局"]
audiences = ["people"]
paragraph = "p%d"
+++
`, i, i, i, i, cat, i+1) + Body(i)
	}
	return content, files(content, fs)
}

// WriteHugo writes a Hugo site of the same n pages at dir, with layouts of
// the same shape: a frame with a menu, a page per measure with its facts,
// list pages per section and category.
func WriteHugo(dir string, n int) error {
	fs := map[string]string{
		"config.toml": `baseURL = "https://example.test/"
languageCode = "zh-CN"
title = "合成站点"
disableKinds = ["RSS", "taxonomy", "term"]
[markup.goldmark.renderer]
unsafe = false
[markup.goldmark.extensions]
cjk = { enable = true }
`,
		"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Title}} - {{.Site.Title}}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><a href="#main">跳到主要内容</a>
<header><a href="/">{{.Site.Title}}</a><nav><a href="/measures/">全部措施</a> <a href="/departments/">部门</a></nav></header>
<main id="main">{{block "main" .}}{{end}}</main>
<footer>{{.Site.Title}}</footer></body></html>`,
		"layouts/_default/single.html": `{{define "main"}}<article><p>{{.Params.label}} · {{.Params.category}}</p><h1>{{.Title}}</h1>
<p>{{.Params.summary}}</p><dl><dt>牵头部门</dt><dd>{{delimit .Params.lead "、"}}</dd><dt>实施期限</dt><dd>{{.Params.valid_until}}</dd></dl>
{{.TableOfContents}}<div class="prose">{{.Content}}</div>
{{with .PrevInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}}{{with .NextInSection}}<a href="{{.RelPermalink}}">{{.Title}}</a>{{end}}</article>{{end}}`,
		"layouts/_default/list.html": `{{define "main"}}<h1>{{.Title}}</h1><ul>{{range .Pages}}<li><a href="{{.RelPermalink}}">{{.Params.label}} {{.Title}}</a><p>{{.Params.summary}}</p></li>{{end}}</ul>{{end}}`,
		"layouts/index.html":         `{{define "main"}}<h1>{{.Site.Title}}</h1><ul>{{range first 20 (where .Site.RegularPages "Section" "measures")}}<li><a href="{{.RelPermalink}}">{{.Title}}</a></li>{{end}}</ul>{{end}}`,
		"content/measures/_index.md": "+++\ntitle = \"全部措施\"\n+++\n",
	}
	for i := 1; i <= n; i++ {
		cat := "c1"
		if i%2 == 0 {
			cat = "c2"
		}
		fs[fmt.Sprintf("content/measures/m%05d.md", i)] = fmt.Sprintf(`+++
title = "第%d项措施：支持重点群体就业"
label = "第%d条"
summary = "对符合条件的人员给予补贴。"
category = "%s"
lead = ["市甲局"]
valid_until = "2023-12-31"
weight = %d
+++
`, i, i, cat, i) + Body(i)
	}
	return files(dir, fs)
}
