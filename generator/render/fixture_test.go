package render

import (
	"html/template"
	"time"

	"policyguide/generator/site"
)

// fixture is a small fictional site (示例市, not the real content) that
// exercises every page kind: 2 categories, 3 measures (one expired, one
// running, one without an end date), 2 departments, 1 audience, a free page
// and the calculator shell.
func fixture() *site.Site {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	s := &site.Site{
		Title:       "示例市稳岗就业政策指南",
		Description: "用通俗的话讲清楚示例市稳岗就业若干措施：谁能享受、能得到什么、找哪个部门。",
		BaseURL:     "https://example.org/shili-jobs",
		Language:    "zh-CN",
		Publisher:   "示例市人民政府办公室",
		Footer:      "本指南为示例内容，用于测试网站生成器。",
		BuildDate:   day(2026, 3, 1),
		Updated:     day(2025, 6, 30),
		Menus: []site.MenuItem{
			{Name: "首页", URL: "/"}, {Name: "全部措施", URL: "/measures/"},
			{Name: "政策原文", URL: "/document/"}, {Name: "计算器", URL: "/calculator/"},
			{Name: "关于", URL: "/about/"},
		},
	}
	employers := &site.Category{ID: "employers", Number: "（一）", Name: "支持企业稳岗"}
	youth := &site.Category{ID: "youth", Number: "（二）", Name: "支持青年就业"}
	s.Categories = []*site.Category{employers, youth}
	firms := &site.Audience{ID: "enterprises", Name: "企业和单位", Entry: "我是企业或单位", Intro: "吸纳就业、稳定岗位可以享受的补贴和服务。"}
	s.Audiences = []*site.Audience{firms}
	hrss := &site.Department{ID: "hrss", Name: "市人社局"}
	finance := &site.Department{ID: "finance", Name: "市财政局"}
	s.Departments = []*site.Department{hrss, finance}

	doc := &site.Document{
		Title:    "示例市人民政府关于印发示例市稳岗就业若干措施的通知",
		Issuer:   "示例市人民政府",
		Number:   "示政发〔2025〕7号",
		Date:     day(2025, 6, 30),
		Validity: "文件未注明有效期，部分措施规定了实施期限",
		Intro:    template.HTML("<p>以下为文件全文，每段可单独链接。</p>\n"),
	}
	para := func(n string, level int, text string) *site.Paragraph {
		p := &site.Paragraph{Anchor: n, Level: level, Text: text}
		doc.Paragraphs = append(doc.Paragraphs, p)
		return p
	}
	para("p1", 1, doc.Title)
	para("p2", 0, "各区人民政府，市政府各部门：")
	para("p3", 0, "现将《示例市稳岗就业若干措施》印发给你们，请认真贯彻执行。")
	para("p4", 2, "一、支持企业稳岗")
	p5 := para("p5", 0, "1.一次性吸纳就业补贴。企业吸纳登记失业人员就业并签订1年以上劳动合同的，按每人1000元给予补贴。政策实施期限截至2025年12月31日。（市人社局、市财政局按职责分工负责）")
	p6 := para("p6", 0, "2.稳岗培训补贴。企业组织职工参加岗位技能培训的，按规定给予培训补贴。政策实施期限截至2026年12月31日。（市人社局牵头负责）")
	para("p7", 2, "二、支持青年就业")
	para("p8", 3, "（一）见习岗位。")
	p9 := para("p9", 0, "3.就业见习。鼓励企业开发见习岗位，吸纳离校未就业高校毕业生参加就业见习。（市人社局牵头，市财政局按职责分工负责）")
	s.Document = doc

	m1 := &site.Measure{
		ID: "m1", Order: 1, Label: "第1条", Title: "一次性吸纳就业补贴",
		Summary:  "企业吸纳登记失业人员就业并签订1年以上劳动合同的，按每人1000元领取补贴。",
		Category: employers, Lead: []*site.Department{hrss}, Partners: []*site.Department{finance},
		Duty: "按职责分工负责", Audiences: []*site.Audience{firms},
		ValidUntil: day(2025, 12, 31), Funds: []string{"就业补助资金"}, Paragraph: p5,
		Benefits: []string{"m1-absorb"}, File: "content/measures/m1.md",
		Body: template.HTML(`<h2 id="这是什么">这是什么</h2>
<p>企业每吸纳一名登记失业人员并签订1年以上劳动合同，可领取一次性补贴。</p>
<h2 id="能得到什么">能得到什么</h2>
<table>
<thead>
<tr>
<th>对象</th>
<th class="align-right">标准</th>
</tr>
</thead>
<tbody>
<tr>
<td>登记失业人员</td>
<td class="align-right">每人1000元</td>
</tr>
</tbody>
</table>
<p><strong>示例（仅为说明）</strong>：吸纳3人，可领取3000元。</p>
<h2 id="原文">原文</h2>
<blockquote>
<p>企业吸纳登记失业人员就业并签订1年以上劳动合同的，按每人1000元给予补贴。</p>
</blockquote>
<p>详见<a href="/document/#p5">文件原文</a>，另见<a href="/measures/m2/">稳岗培训补贴</a>。</p>
`),
		TOC: []site.Heading{{Level: 2, Text: "这是什么", ID: "这是什么"}, {Level: 2, Text: "能得到什么", ID: "能得到什么"}, {Level: 2, Text: "原文", ID: "原文"}},
	}
	m2 := &site.Measure{
		ID: "m2", Order: 2, Label: "第2条", Title: "稳岗培训补贴",
		Summary:  "企业组织职工参加岗位技能培训的，按规定领取培训补贴。",
		Category: employers, Lead: []*site.Department{hrss}, Duty: "牵头负责",
		Audiences: []*site.Audience{firms}, ValidUntil: day(2026, 12, 31), Paragraph: p6,
		File: "content/measures/m2.md",
		Body: template.HTML("<h2 id=\"这是什么\">这是什么</h2>\n<p>企业组织职工培训的补贴。</p>\n"),
		TOC:  []site.Heading{{Level: 2, Text: "这是什么", ID: "这是什么"}},
	}
	m3 := &site.Measure{
		ID: "m3", Order: 3, Label: "第3条", Title: "就业见习",
		Summary: "企业开发见习岗位，吸纳离校未就业高校毕业生参加见习。",
		// The document says no 牵头 here: departments as listed, without rank.
		// Only one sentence states an end date: a part of the measure.
		Category: youth, Partners: []*site.Department{hrss, finance},
		Duty: "按职责分工负责", Audiences: []*site.Audience{firms},
		Parts:     []site.ValidPart{{Name: "剩余期限见习补贴", Until: day(2025, 12, 31), Cite: "政策实施期限截至2025年12月31日", Anchor: "p9"}},
		Paragraph: p9, File: "content/measures/m3.md",
		Body: template.HTML("<p>见习岗位由企业开发。</p>\n"),
	}
	s.Measures = []*site.Measure{m1, m2, m3}
	p5.Measure, p6.Measure, p9.Measure = m1, m2, m3
	employers.Measures = []*site.Measure{m1, m2}
	youth.Measures = []*site.Measure{m3}
	firms.Measures = []*site.Measure{m1, m2, m3}
	hrss.Lead = []*site.Measure{m1, m2}
	hrss.Partner = []*site.Measure{m3}
	finance.Partner = []*site.Measure{m1, m3}

	s.Pages = []*site.Page{{
		ID: "about", Title: "关于本站", File: "content/pages/about.md",
		Body: template.HTML(`<h2 id="本站是什么">本站是什么</h2>
<p>本站把政策文件整理成通俗易懂的指南。</p>
<h2 id="信息来源">信息来源</h2>
<p>所有内容均来自<a href="/document/">政策原文</a>。</p>
<h2 id="隐私">隐私</h2>
<p>本站不使用任何第三方服务。</p>
`),
		TOC: []site.Heading{{Level: 2, Text: "本站是什么", ID: "本站是什么"}, {Level: 2, Text: "信息来源", ID: "信息来源"}, {Level: 2, Text: "隐私", ID: "隐私"}},
	}}
	s.Calculator = &site.Calculator{
		Title: "政策计算器", Intro: "回答几个问题，估算可以享受哪些补贴、大约多少。",
		WasmURL: "/assets/calculator-0123456789ab.wasm", WasmExecURL: "/assets/wasm_exec-0123456789ab.js",
		RulesURL: "/data/rules.json",
		Questions: []site.Question{
			{ID: "hired", Label: "贵单位今年吸纳了几名登记失业人员？", Help: "只计算签订1年以上劳动合同的人员。", Audience: []string{"enterprises"}},
			{ID: "contract", Label: "是否签订了1年以上劳动合同？", Audience: []string{"enterprises"}},
		},
	}
	return s
}

// fixtureAssets are hashed-looking asset URLs as the bundler returns them.
var fixtureAssets = site.Assets{
	"main.css":       "/assets/main-1a2b3c4d.css",
	"main.js":        "/assets/main-5e6f7a8b.js",
	"calculator.css": "/assets/calculator-9c0d1e2f.css",
	"calculator.js":  "/assets/calculator-3a4b5c6d.js",
}
