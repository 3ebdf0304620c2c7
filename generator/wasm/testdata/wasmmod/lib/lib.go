// Package lib is a dependency of the fixture, to test cache invalidation.
package lib

// Greeting is the fixture's output.
func Greeting() string { return "你好 v1" }
