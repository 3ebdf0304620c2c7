// Command wasmfixture is a tiny stand-in for calculator/wasm in tests.
package main

import (
	"syscall/js"

	"wasmfixture/lib"
)

func main() {
	js.Global().Set("fixtureGreeting", lib.Greeting())
}
