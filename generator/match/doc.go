// Package match runs the calculator's rules over a whole register (政策找企业,
// 免申即享): every row of a CSV or JSON Lines file is one firm or person,
// a mapping file says which column answers which question, and each row is
// evaluated by the same engine as the eval command and the page
// (calculator.EvalWith). The output has one record per input row, in input
// order, with every benefit's status, amount, the deciding questions of a
// 可能符合 and the unmet conditions of a 不符合, the rule-set hash and the
// reference date; a summary counts rows and sums amounts per benefit and
// status.
//
// It streams: a reader goroutine cuts the input into batches, a pool of
// workers (one per core) converts and evaluates them, and the writer puts
// them back in order. A fixed number of batches is in flight at any time,
// so memory does not grow with the number of rows.
//
// Bad input never stops a run and is never skipped silently: a row that
// cannot be read (wrong number of fields, not UTF-8, not a JSON object) or
// a cell that is not a valid answer gets an error naming its line and
// column, in the output and in the summary. A wrong mapping (unknown key,
// column, question, option or unit) fails before any row is evaluated.
package match
