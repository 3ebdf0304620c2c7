package match

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"policyguide/calculator"
)

// The generated register has the columns of testdata/mapping.toml. Each
// row is valid, on a boundary of the rules, or bad; the generator also
// returns what the engine should receive for it, worked out independently
// of the mapping code (units converted here by integer arithmetic).

var genHeader = []string{"统一社会信用代码", "单位名称", "单位类型", "上年度裁员人数", "上年度参保职工人数",
	"上年度缴纳失业保险费（万元）", "招用毕业生签1年以上合同人数", "招用毕业生已缴三项保险人数", "两项都算的人数",
	"接收见习人数", "见习月数", "见习留用率（%）"}

// genQuestion is the question each column (from index 2) answers.
var genQuestion = []string{"", "", "firm_type", "layoffs", "staff", "premiums", "hires_1yr", "hires_insured", "m8_both", "interns", "intern_months", "retention_rate"}

type genRow struct {
	line     int
	fields   []string // as written (may be malformed when bad)
	raw      string   // the written line(s), for rows that are not plain fields
	unread   bool     // the row cannot be read: no evaluation
	answers  []calculator.Member
	badCells int // cells the engine must report
}

var typeLabels = [][2]string{ // cell text → option value
	{"大型企业", "large"}, {"中型企业", "medium"}, {"小型企业", "small_micro"}, {"微型企业", "small_micro"},
	{"小微企业", "small_micro"}, {"个体工商户", "individual_business"}, {"事业单位", "other"},
	{"社会团体", "social_org"}, {"会计师事务所", "accounting_firm"}, {"小型企业或微型企业", "small_micro"},
}

// premiumText writes yuan as 万元 text exactly ("36.5", "0.0001").
func premiumText(yuan int64) string {
	s := strconv.FormatInt(yuan/10000, 10)
	if f := yuan % 10000; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	}
	return s
}

func genOne(r *rand.Rand, i int) genRow {
	row := genRow{fields: make([]string, len(genHeader))}
	row.fields[0] = "示例" + strconv.Itoa(100000+i)
	row.fields[1] = "虚构" + strconv.Itoa(i) + "号有限公司"
	ans := map[string]calculator.Value{"firm_insured": calculator.Bol(true)}
	num := func(col int, n int64) {
		row.fields[col] = strconv.FormatInt(n, 10)
		ans[genQuestion[col]] = calculator.Value{Kind: calculator.Number, Text: strconv.FormatInt(n, 10)}
	}
	t := typeLabels[r.IntN(len(typeLabels))]
	row.fields[2] = t[0]
	ans["firm_type"] = calculator.Str(t[1])
	staff := int64(1 + r.IntN(3000))
	num(4, staff)
	num(3, int64(r.IntN(int(staff/10)+2)))
	yuan := int64(r.IntN(2000000))
	row.fields[5] = premiumText(yuan)
	ans["premiums"] = calculator.Value{Kind: calculator.Number, Text: strconv.FormatInt(yuan, 10)}
	a, b := int64(r.IntN(5)), int64(r.IntN(5))
	num(6, a)
	num(7, b)
	num(8, int64(r.IntN(int(min(a, b))+1)))
	interns := int64(r.IntN(4))
	num(9, interns)
	num(10, int64(r.IntN(13)))
	num(11, int64(r.IntN(101)))

	switch k := r.IntN(10); {
	case k < 2: // boundaries of the rules
		switch r.IntN(6) {
		case 0: // layoff rate exactly 5.5%
			num(4, 200)
			num(3, 11)
		case 1: // 30 staff, exactly 20%
			num(4, 30)
			num(3, 6)
		case 2: // retention on a bracket edge
			e := []string{"50", "60", "70", "49.99", "69.99", "0", "100"}[r.IntN(7)]
			row.fields[11] = e
			ans["retention_rate"] = calculator.Value{Kind: calculator.Number, Text: e}
		case 3: // smallest premium, 1 yuan
			row.fields[5] = "0.0001"
			ans["premiums"] = calculator.Value{Kind: calculator.Number, Text: "1"}
		case 4: // empty cells: 不确定
			for _, c := range []int{3, 5, 9} {
				row.fields[c] = ""
				delete(ans, genQuestion[c])
			}
		case 5: // both counts equal the overlap
			num(6, 2)
			num(7, 2)
			num(8, 2)
		}
	case k == 2: // bad rows and cells
		switch r.IntN(7) {
		case 0: // a separator in the wrong place ("1,200" is a number people type)
			row.fields[5] = `"1,20"`
			ans["premiums"] = calculator.Str("1,20")
			row.badCells = 1
		case 1: // unknown label
			row.fields[2] = "巨型企业"
			ans["firm_type"] = calculator.Str("巨型企业")
			row.badCells = 1
		case 2: // negative and fractional persons
			row.fields[3] = "-1"
			ans["layoffs"] = calculator.Str("-1")
			row.fields[9] = "2.5"
			ans["interns"] = calculator.Str("2.5")
			row.badCells = 2
		case 3: // too few fields
			row.fields = row.fields[:7]
			row.unread = true
		case 4: // not UTF-8 (GBK bytes)
			row.fields[1] = "\xd0\xe9\xb9\xb9" // 虚构 in GBK
			row.unread = true
		case 5: // bare quote
			row.raw = row.fields[0] + `,虚"构,` + strings.Join(row.fields[2:], ",")
			row.unread = true
		case 6: // out of range
			row.fields[11] = "120"
			ans["retention_rate"] = calculator.Str("120")
			row.badCells = 1
		}
	}
	for _, m := range genQuestionsOrder {
		if v, ok := ans[m]; ok {
			row.answers = append(row.answers, calculator.Member{Key: m, Value: v})
		}
	}
	return row
}

var genQuestionsOrder = []string{"firm_insured", "firm_type", "layoffs", "staff", "premiums", "hires_1yr", "hires_insured", "m8_both", "interns", "intern_months", "retention_rate"}

// writeRegister writes n generated rows as CSV and calls each (if not nil)
// with every row.
func writeRegister(w io.Writer, n int, seed uint64, each func(genRow)) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	r := rand.New(rand.NewPCG(seed, 7))
	bw.WriteString(strings.Join(genHeader, ",") + "\n")
	for i := range n {
		row := genOne(r, i)
		row.line = i + 2
		if row.raw != "" {
			bw.WriteString(row.raw)
		} else {
			for j, f := range row.fields {
				if j > 0 {
					bw.WriteByte(',')
				}
				if strings.ContainsAny(f, ",\"") {
					f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
				}
				bw.WriteString(f)
			}
		}
		bw.WriteByte('\n')
		if each != nil {
			each(row)
		}
	}
	return bw.Flush()
}

// TestWriteRegister is a tool, not a check: with POLICYGUIDE_MATCH_REGISTER
// set it writes a generated register there (POLICYGUIDE_MATCH_ROWS rows,
// default 1,000,000) for a timed run of the match command.
func TestWriteRegister(t *testing.T) {
	path := os.Getenv("POLICYGUIDE_MATCH_REGISTER")
	if path == "" {
		t.Skip("set POLICYGUIDE_MATCH_REGISTER=file to write a generated register")
	}
	n := 1000000
	if s := os.Getenv("POLICYGUIDE_MATCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRegister(f, n, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
