package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"policyguide/generator/load"
)

const newUsage = `Usage:
  go run ./generator new document --id ID [--content DIR]
  go run ./generator new measure --document ID --id ID [--rules] [--content DIR]

new writes a complete skeleton: every field, with 【请填写】 where staff must
write the document's own words and a worked example marked 示例. check fails
until every 【请填写】 is replaced. An existing file is never overwritten.
`

// Fill is the marker of a value staff must still write; check reports it.
const Fill = "【请填写"

var newIDRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func runNew(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "document" && args[0] != "measure") {
		fmt.Fprint(stderr, newUsage)
		return 2
	}
	kind := args[0]
	fl := flag.NewFlagSet("new "+kind, flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "content `folder`")
	id := fl.String("id", "", "id of the new "+kind+" (lower-case ASCII, used in its URL)")
	doc := fl.String("document", "", "measure: id of the document it belongs to (a folder under documents/)")
	withRules := fl.Bool("rules", false, "measure: also write a calculator rules skeleton rules/<id>.toml")
	fl.Usage = func() { fmt.Fprint(stderr, newUsage); fl.PrintDefaults() }
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if !newIDRe.MatchString(*id) {
		fmt.Fprintf(stderr, "--id %q: use short lower-case ASCII (a-z, 0-9, -)\n", *id)
		return 2
	}
	c, _ := load.Load(*content) // best effort: lists of ids for the comments
	var files map[string]string
	switch kind {
	case "document":
		files = documentSkeleton(*id)
	case "measure":
		if *doc == "" {
			fmt.Fprintln(stderr, "--document is required: the id of the document the measure belongs to")
			return 2
		}
		if st, err := os.Stat(filepath.Join(*content, "documents", *doc)); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "no document %q: expected a folder %s\n", *doc, filepath.Join(*content, "documents", *doc))
			return 1
		}
		files = measureSkeleton(c, *id, *doc, *withRules)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
		if _, err := os.Stat(filepath.Join(*content, n)); err == nil {
			fmt.Fprintf(stderr, "%s exists already: nothing written\n", filepath.ToSlash(filepath.Join(*content, n)))
			return 1
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(*content, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, err = f.WriteString(files[n])
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(p))
	}
	fmt.Fprintf(stdout, "replace every %s…】, then run: go run ./generator check --content %s\n", Fill, *content)
	return 0
}

func documentSkeleton(id string) map[string]string {
	md := `+++
# 新文件的信息。只写文件本身写明的内容；文件没写的项删掉整行，页面会显示“文件未写明”。
title = "` + Fill + `：文件标题，照原文】"
number = "` + Fill + `：文号，如 示政发〔2025〕1号】"      # 文号
issuer = "` + Fill + `：发文机关，照原文】"                  # 发文机关
date = 2025-01-01                                          # 成文日期（` + Fill + `：改为文件落款日期】）
published = 2025-01-02                                     # 发布日期（` + Fill + `：改为发布日期；文件或发布网页没写明就删掉这一行】）
validity = "` + Fill + `：有效性，照原文；没写明就删掉这一行】"  # 有效性
topic = "` + Fill + `：主题分类，照原文；没写明就删掉这一行】"    # 主题分类
source = "source.txt"                                      # 同一文件夹里的原文，每段一行
# drop_from = "附件下载"                                   # 原文末尾不属于文件的网页残留从这一行起丢掉

# 与以前文件的关系（本文件延续、调整或废止以前的文件），每条都要引用本文件原文。
# 示例（仅为说明，用时去掉行首的 #）：
# [[relations]]
# type = "amends"                 # continues 延续 | amends 调整 | replaces 废止
# document = "earlier-id"         # 以前文件的文件夹名
# measures = ["m8"]               # 涉及的措施；不写表示整份文件
# from = 2025-01-01               # 起始日期（文件写明时才写）
# until = 2025-12-31              # 只用于 continues：延续到哪天（文件写明时才写）
# cite = "本文件原文中说明这一关系的原话"

# 文件写明的日期（申报时间等），会列入政策日历。示例（仅为说明）：
# [[dates]]
# date = 2025-03-01
# end = 2025-03-31
# title = "一次性吸纳就业补贴集中申报"
# cite = "本文件原文中写明这个日期的原话"
+++
` + Fill + `：用一两句话说明本文件是什么；不需要可以删掉这一段】
`
	src := Fill + `：把文件全文粘贴在这里，每段一行】
`
	return map[string]string{
		filepath.Join("documents", id, "document.md"): md,
		filepath.Join("documents", id, "source.txt"):  src,
	}
}

func measureSkeleton(c *load.Content, id, doc string, withRules bool) map[string]string {
	order := 1
	var cats, auds, deps []string
	if c != nil {
		for _, m := range c.Measures {
			if m.Order >= order {
				order = m.Order + 1
			}
		}
		for _, x := range c.Site.Categories {
			cats = append(cats, x.ID)
		}
		for _, x := range c.Site.Audiences {
			auds = append(auds, x.ID)
		}
		for _, x := range c.Departments.Departments {
			deps = append(deps, x.Name)
		}
	}
	list := func(xs []string) string {
		if len(xs) == 0 {
			return "（先在 site.toml / departments.toml 里添加）"
		}
		return strings.Join(xs, "、")
	}
	md := fmt.Sprintf(`+++
id = %q
document = %q                 # 所属文件（documents/ 下的文件夹名）
order = %d                    # 在文件中的顺序（不能与其他措施重复）
label = "%s：如 第1条】"
title = "%s：措施标题，照原文】"
summary = "%s：一句通俗的话，说明谁能得到什么】"
category = "%s：类别id，可选：%s】"
# 部门照原文写法，且必须是本段原文点名的部门（可选：%s）。
# 只有原文写“A牵头”时才填 lead（A 是“牵头”前面的部门），其他部门写在 partners；
# 原文只写“A、B等按职责分工负责”时 lead = []，全部按原文顺序写在 partners
# （页面显示为“负责部门（按文件所列）”，不分主次）。原文没写部门时两项都留空 []。
lead = []
partners = ["%s：负责部门，照原文写法和顺序】"]
duty = "%s：原文关于责任分工的原话，如 按职责分工负责；原文没写就删掉这一行】"
audiences = ["%s：对象id，可选：%s】"]
# 截止日期不写在这里：日期只写一次，写在 rules/%s.toml 里，并引用写明日期的原话
# （用 new measure --rules 生成；整条措施用 [validity]，只管一句话的用 valid_until + valid_cite）。
valid_note = "%s：关于期限的通俗说明，如“文件未写明截止日期”；不需要就删掉这一行】"
funds = []                     # 原文写明的资金来源
paragraph = "%s：原文段落锚点，如 p13（文件页面每段的 ¶ 链接）】"
+++
## 这是什么

%s：用简单的话说明这项措施】

## 谁可以享受

%s：列出原文写明的条件】

## 能得到什么

%s：金额、标准，与计算规则一致；金额写成 {{param 参数id}}，不要手打数字】

## 示例（仅为说明）

%s：一个虚构的例子，如“某小微企业吸纳2名登记失业人员……”】

## 找谁办理

%s：原文写明的部门】
`, id, doc, order, Fill, Fill, Fill, Fill, list(cats), list(deps), Fill, Fill, Fill, list(auds), id, Fill, Fill, Fill, Fill, Fill, Fill, Fill)
	files := map[string]string{filepath.Join("measures", id+".md"): md}
	if withRules {
		files[filepath.Join("rules", id+".toml")] = fmt.Sprintf(`# 计算规则和期限。键的完整说明见 calculator/compile/doc.go；每个 cite 都必须是原文的原话。
# 不涉及金额的措施也可以只写期限（[validity] 或 [[parts]]），删掉 params、benefits、examples。
measure = %q

# 期限：文件写明截止日期时才写，且只写一次。三种写法选一种，不适用的删掉：
# 1. 原文明确说这个期限覆盖整条措施（如“本条政策实施期限截至…”）。示例（仅为说明，用时去掉行首的 #）：
# [validity]
# until = 2025-12-31
# cite = "本条政策实施期限截至2025年12月31日"   # 必须写明这个日期，且在本措施的段落中
# covers = "measure"
# 2. 期限只管一句话里的补贴：写在该 [[benefits]] 中的 valid_until + valid_cite（见下面）。
# 3. 期限只管一句不计算金额的话。示例（仅为说明）：
# [[parts]]
# name = "专场招聘活动"
# cite = "专场招聘活动"                          # 这句话的原话
# valid_until = 2025-02-28
# valid_cite = "专场招聘活动开展至2025年2月28日"  # 与 cite 在同一句（以“。”分句）中
# 以后的文件延续或废止本措施时，不改这里：写在那份文件 document.md 的 [[relations]] 中。

[[params]]
id = "amount"
label = "%s：标准的名称】"
unit = "元/人"
values = [
  # 每个值有生效日期和引文；以后的文件调整金额时加一行，并写 doc = "新文件id"。
  { from = 2025-01-01, value = "1000", cite = "%s：原文写明这个金额的原话】" },
]

[[benefits]]
id = "%s"
name = "%s：补贴名称】"
audience = ["%s：对象id】"]
kind = "grant"                 # grant 补贴 | loan 贷款 | service 服务
unit = "元"
departments = ["%s：负责部门】"]
per_person = "amount"
persons = "%s：人数问题的id】"
# fund = "原文写明的资金来源"
# valid_until = 2025-12-31     # 期限只管这一句话时（写法2）
# valid_cite = "原文写明这个日期的原话，与金额的原话在同一句中"
# claim = "apply"              # apply：争取、申报（最多“可申报”）；open：原文只说“符合条件的”（最多“可能符合”）
# claim_note = "为什么"
# notes = [ { text = "说明", cite = "原话" } ]

[[benefits.criteria]]
label = "%s：条件，用通俗的话】"
expr = "%s：条件表达式，如 firm_insured】"
cite = "%s：原文写明这个条件的原话】"
# open = true                  # 原文的名单以“等”结尾时

[[examples]]
name = "示例：%s】"
date = 2025-06-01
answers = { } # %s：填写问题的回答，如 { insured = true, hires = 1 }】
expect = [ { benefit = "%s", status = "eligible", amount = "1000" } ]
`, id, Fill, Fill, id, Fill, Fill, Fill, Fill, Fill, Fill, Fill, Fill, Fill, id)
	}
	return files
}
