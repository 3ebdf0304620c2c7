//go:build js && wasm

// Command wasm exposes the calculator engine to the browser. The page sets
// globalThis.policyguideRules to the text of /data/rules.json before
// go.run; this program decodes it and registers one function,
// globalThis.policyguideEvaluate(inputJSON) → outputJSON, then marks
// <html data-wasm="ready"> (or data-wasm="error" with data-wasm-error).
//
// Kept tiny on purpose: no fmt, encoding/json or time (see the size test).
package main

import (
	"syscall/js"
	"unsafe"

	"policyguide/calculator"
)

func main() {
	g := js.Global()
	// The reference date defaults to the browser's local calendar day.
	calculator.Today = func() calculator.Date {
		d := g.Get("Date").New()
		return calculator.MakeDate(d.Call("getFullYear").Int(), d.Call("getMonth").Int()+1, d.Call("getDate").Int())
	}
	rules := g.Get("policyguideRules")
	if rules.Type() != js.TypeString {
		fail("policyguideRules 未设置：页面应在运行 wasm 之前把 /data/rules.json 的文本放入 globalThis.policyguideRules")
		return
	}
	p, err := calculator.DecodeProgram([]byte(rules.String()))
	if err != nil {
		fail(err.Error())
		return
	}
	var buf []byte // reused: the page evaluates on every change of an answer
	g.Set("policyguideEvaluate", js.FuncOf(func(this js.Value, args []js.Value) any {
		var out any
		buf, out = evaluate(p, args, buf[:0])
		return out
	}))
	mark("ready", "")
	select {} // keep the function alive
}

// evaluate never lets a panic kill the Go program: the page would be left
// with a dead function. A panic is a bug; it is reported as an error.
func evaluate(p *calculator.Program, args []js.Value, buf []byte) (_ []byte, out any) {
	defer func() {
		if r := recover(); r != nil {
			out = `{"errors":[{"field":"input","message":"计算器内部错误，请刷新页面后重试"}],"results":[],"ask":[]}`
		}
	}()
	if len(args) != 1 || args[0].Type() != js.TypeString {
		return buf, `{"errors":[{"field":"input","message":"policyguideEvaluate 需要一个 JSON 字符串参数"}],"results":[],"ask":[]}`
	}
	buf = calculator.AppendEvaluate(buf, p, []byte(args[0].String()))
	// js.ValueOf copies the bytes into a JS string at once, so the buffer
	// can be viewed as a string without copying it first.
	return buf, js.ValueOf(unsafe.String(unsafe.SliceData(buf), len(buf)))
}

func fail(msg string) {
	js.Global().Get("console").Call("error", "policyguide: "+msg)
	mark("error", msg)
}

// mark sets data-wasm (and data-wasm-error) on <html>, when there is a document.
func mark(state, msg string) {
	doc := js.Global().Get("document")
	if doc.Type() != js.TypeObject {
		return
	}
	ds := doc.Get("documentElement").Get("dataset")
	ds.Set("wasm", state)
	if msg != "" {
		ds.Set("wasmError", msg)
	}
}
