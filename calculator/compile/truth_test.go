package compile

import (
	"strings"
	"testing"

	"policyguide/calculator"
)

// Tests for issue 6 ("truth as a build invariant") against the real
// content: each would have failed on the content before the fix.

func realProgram(t *testing.T) *calculator.Program {
	t.Helper()
	p, errs := Compile(loadContent(t))
	if len(errs) > 0 {
		t.Fatalf("content does not compile:\n%v", errs)
	}
	return p
}

func evalAt(t *testing.T, p *calculator.Program, date, answers string) map[string]calculator.BenefitResult {
	t.Helper()
	in, errs := calculator.DecodeInput([]byte(`{"date":"` + date + `","answers":` + answers + `}`))
	if len(errs) > 0 {
		t.Fatalf("input: %v", errs)
	}
	res := calculator.Eval(p, in)
	out := map[string]calculator.BenefitResult{}
	for _, r := range res.Results {
		out[r.Benefit] = r
	}
	return out
}

func benefit(t *testing.T, p *calculator.Program, id string) *calculator.Benefit {
	t.Helper()
	for _, b := range p.Benefits {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("no benefit %s", id)
	return nil
}

// Item 1: in 第22条 the end date closes only the 吸纳就业补贴 sentence.
func TestValidityBelongsToItsSentence(t *testing.T) {
	p := realProgram(t)
	if b := benefit(t, p, "m22-absorb"); b.ValidUntil != calculator.MakeDate(2023, 12, 31) || b.ValidScope != calculator.ScopeSentence {
		t.Errorf("m22-absorb: valid_until %v scope %q, want 2023-12-31 in its sentence", b.ValidUntil, b.ValidScope)
	}
	for _, id := range []string{"m22-jobseek", "m22-public-job", "m12-stipend", "m16-individual-loan", "m16-firm-loan"} {
		if b := benefit(t, p, id); b.ValidUntil != 0 {
			t.Errorf("%s has valid_until %v, but no end date is stated in its sentence", id, b.ValidUntil)
		}
	}
	r := evalAt(t, p, "2024-03-01", `{"ind_graduate":true,"ind_hardship_graduate":true,"firm_type":"small_micro","hires_long_unemployed":1}`)
	if r["m22-jobseek"].Status == calculator.Expired {
		t.Errorf("m22-jobseek shown expired in 2024: %+v", r["m22-jobseek"].Expiry)
	}
	if r["m22-absorb"].Status != calculator.Expired {
		t.Errorf("m22-absorb: status %s, want expired", r["m22-absorb"].Status)
	}
	// Parts that are not calculated carry their own date.
	parts := map[string]*calculator.Part{}
	for _, x := range p.Parts {
		parts[x.Measure] = x
	}
	for _, m := range []string{"m12", "m16"} {
		if parts[m] == nil || parts[m].ValidUntil != calculator.MakeDate(2023, 12, 31) {
			t.Errorf("%s: no dated part for the sentence that states 政策实施期限", m)
		}
	}
	// Whole-measure dates are said explicitly, with a cite that states the date.
	for _, id := range []string{"m1-return", "m8-absorb", "m8-expand", "m18-skill-upgrade"} {
		b := benefit(t, p, id)
		if b.ValidScope != calculator.ScopeMeasure || !strings.Contains(Normalize(b.ValidCite), "2023年12月31日") {
			t.Errorf("%s: scope %q cite %q", id, b.ValidScope, b.ValidCite)
		}
	}
}

// The check itself: a valid_until in another sentence than the amount is
// rejected, and so is a cite that does not state the date.
func TestValidUntilChecks(t *testing.T) {
	src := loadContent(t)
	for i, f := range src.Rules {
		if strings.HasSuffix(f.Name, "m22.toml") {
			s := strings.Replace(string(f.Src), `amount = "m22_jobseek_grant"`, `amount = "m22_jobseek_grant"`+"\nvalid_until = 2023-12-31\nvalid_cite = \"政策实施期限截至2023年12月31日\"", 1)
			src.Rules[i].Src = []byte(s)
		}
	}
	_, errs := Compile(src)
	if !strings.Contains(errs.Error(), "m22.toml") || !strings.Contains(errs.Error(), "不在同一句") {
		t.Errorf("valid_until on the jobseek grant (another sentence) not rejected: %v", errs)
	}

	bad := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_until = 2023-12-31\nvalid_cite = \"参保企业\"", 1)
	if errs := strings.Join(compileRule(t, bad), "\n"); !strings.Contains(errs, "r.toml:12:") || !strings.Contains(errs, "没有写明日期 2023年12月31日") {
		t.Errorf("cite without the date not rejected at its key:\n%s", errs)
	}
	noCite := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_until = 2023-12-31", 1)
	if errs := strings.Join(compileRule(t, noCite), "\n"); !strings.Contains(errs, "valid_until 需要 valid_cite") {
		t.Errorf("valid_until without cite not rejected:\n%s", errs)
	}
}

// Item 2: no start date is invented; before the document's date the
// calculator says it cannot judge, never 未生效.
func TestNoInventedStartDates(t *testing.T) {
	p := realProgram(t)
	for _, b := range p.Benefits {
		if b.ValidFrom != 0 {
			t.Errorf("%s has valid_from %v: the document names no start date", b.ID, b.ValidFrom)
		}
	}
	r := evalAt(t, p, "2023-10-01", `{"ind_startup":true,"ind_county_free_premises":true,"firm_type":"small_micro"}`)
	for id, x := range r {
		if x.Status != calculator.Undetermined || x.StatusLabel == "未生效" {
			t.Errorf("%s on 2023-10-01: %s %q", id, x.Status, x.StatusLabel)
		}
		if !strings.Contains(x.Expiry, "2023年10月27日") || !strings.Contains(x.Expiry, "无法判断") {
			t.Errorf("%s: expiry text %q should name the document date and say it cannot judge", id, x.Expiry)
		}
	}
	bad := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_from = 2023-10-27", 1)
	if errs := strings.Join(compileRule(t, bad), "\n"); !strings.Contains(errs, "valid_from 需要 valid_from_cite") {
		t.Errorf("valid_from without a cite not rejected:\n%s", errs)
	}
}

// Item 5: status words never overstate.
func TestStatusWordsDoNotOverstate(t *testing.T) {
	p := realProgram(t)
	all := `{"ind_graduate":true,"ind_migrant":false,"ind_veteran":false,"ind_hardship":false,"ind_startup":true,"ind_rural_return":true,"ind_startup_special":true,` +
		`"ind_partnership":false,"firm_type":"small_micro","firm_startup_park":true,"firm_excellent_incubator":true,"ind_hardship_graduate":true,` +
		`"ind_subsidised_training":true,"ind_first_assessment":true,"ind_cert_level":"junior"}`
	r := evalAt(t, p, "2023-11-01", all)
	if s := r["m14-provincial"]; s.Status != calculator.CanApply || s.StatusLabel != "可申报" || s.StatusReason == "" {
		t.Errorf("provincial fund (competitive 申报): %s %q reason %q", s.Status, s.StatusLabel, s.StatusReason)
	}
	for _, id := range []string{"m15-park-support", "m15-incubator-award"} {
		if s := r[id]; s.Amount.Text != "金额文件未写明" || s.Amount.Form != calculator.FormUnstated {
			t.Errorf("%s: amount %q (%s), want 金额文件未写明", id, s.Amount.Text, s.Amount.Form)
		}
	}
	for _, id := range []string{"m16-individual-loan", "m16-firm-loan", "m22-jobseek"} {
		if s := r[id]; s.Status == calculator.Eligible || !strings.Contains(s.StatusLabel, "可能符合") || s.StatusReason == "" {
			t.Errorf("%s (符合条件的, conditions not listed): %s %q reason %q", id, s.Status, s.StatusLabel, s.StatusReason)
		}
	}
	// Outside the named groups of an open list ("…等"): 可能符合（以认定为准）, not 不符合.
	r = evalAt(t, p, "2023-11-01", `{"ind_graduate":false,"ind_migrant":false,"ind_veteran":false,"ind_hardship":false,"ind_startup":true,"ind_rural_return":true,"ind_startup_special":true}`)
	for _, id := range []string{"m14-startup", "m14-provincial"} {
		if s := r[id]; s.Status != calculator.Possible || s.StatusLabel != "可能符合（以认定为准）" || !strings.Contains(s.StatusReason, "等") {
			t.Errorf("%s outside the listed groups: %s %q %q", id, s.Status, s.StatusLabel, s.StatusReason)
		}
	}
	// A closed condition answered "no" is still 不符合.
	r = evalAt(t, p, "2023-11-01", `{"ind_graduate":true,"ind_startup":false,"ind_rural_return":true,"ind_startup_special":true}`)
	if s := r["m14-startup"]; s.Status != calculator.Ineligible {
		t.Errorf("not started a business: %s", s.Status)
	}
}

// Item 9: the same hire is not counted twice, and 0 months is not 符合 0元.
func TestNoDoubleCountingNoZero(t *testing.T) {
	p := realProgram(t)
	r := evalAt(t, p, "2023-11-01", `{"firm_type":"small_micro","hires_1yr":1,"hires_insured":0,"m8_both":0,"hires_long_unemployed":1}`)
	found := false
	for _, x := range r["m22-absorb"].Exclusions {
		found = found || x.With == "m8-absorb"
	}
	if !found {
		t.Errorf("m22-absorb does not warn against counting a 第8条 hire again: %+v", r["m22-absorb"].Exclusions)
	}
	r = evalAt(t, p, "2023-11-01", `{"interns":3,"intern_months":0,"retention_rate":"60"}`)
	if s := r["m12-stipend"]; s.Status != calculator.Ineligible {
		t.Errorf("intern_months = 0: %s %q", s.Status, s.Amount.Text)
	}
}

// Item 10: a criterion's cite supports that criterion.
func TestCitesSupportCriteria(t *testing.T) {
	p := realProgram(t)
	for _, b := range p.Benefits {
		for _, c := range b.Criteria {
			if strings.Contains(c.Label, "失业保险") && !strings.Contains(c.Cite, "失业保险") {
				t.Errorf("%s: criterion %q cited with %q, which does not mention 失业保险", b.ID, c.Label, c.Cite)
			}
		}
	}
}
