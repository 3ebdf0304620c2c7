//go:build !js

package calculator

import "time"

// Outside the browser the default reference date is the local calendar day.
// (Under GOOS=js this file is left out so the wasm does not carry the time
// package; calculator/wasm sets Today from the browser's clock instead.)
func init() {
	Today = func() Date {
		t := time.Now()
		return MakeDate(t.Year(), int(t.Month()), t.Day())
	}
}
