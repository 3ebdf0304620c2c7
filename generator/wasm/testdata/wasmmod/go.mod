module wasmfixture

go 1.26
