package dataset

import "github.com/brief-desk/brief/internal/tomlval"

// A dataset's cells and column types are typed TOML values (package
// tomlval), shared with the filter values of blocks.
type (
	Value = tomlval.Value
	Type  = tomlval.Type
)

// The cell types. Integers and floats are both Number.
const (
	Empty  = tomlval.Empty
	Number = tomlval.Number
	String = tomlval.String
	Bool   = tomlval.Bool
	Date   = tomlval.Date
)
