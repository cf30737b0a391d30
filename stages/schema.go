package stages

// Type is the type of a parameter value as YAML would type it.
type Type string

// Parameter types.
const (
	String Type = "string"
	Int    Type = "int"
	Float  Type = "float" // any number; ints are accepted
	Bool   Type = "bool"
	List   Type = "list"
	Map    Type = "map"
	Any    Type = "any"
)

// Param describes one parameter of a stage kind.
type Param struct {
	// Name is the key under `with:`.
	Name string
	// Type is the value's type.
	Type Type
	// Required parameters must be given.
	Required bool
	// Default is used when the parameter is absent (nil: no default).
	Default any
	// Enum, when set, lists the allowed string values.
	Enum []string
	// Doc is a short description.
	Doc string
	// Fields describes the keys of a Map parameter. Nil means any keys are allowed.
	Fields []Param
	// Elem describes the elements of a List parameter, or the values of a Map
	// parameter without Fields. Nil means any value.
	Elem *Param
	// Min, when set, is the smallest value an Int or Float parameter takes
	// (excluded when MinExclusive).
	Min *float64
	// MinExclusive makes Min a strict bound: the value must be above it.
	MinExclusive bool
	// Max, when set, is the largest value an Int or Float parameter takes
	// (excluded when MaxExclusive).
	Max *float64
	// MaxExclusive makes Max a strict bound: the value must be below it.
	MaxExclusive bool
	// DefaultBy, when set, is a default that depends on a sibling parameter;
	// it applies when the parameter is absent and Default is nil.
	DefaultBy *Conditional
}

// Conditional is a default chosen by the value of a sibling parameter of the
// same map: Values[v] is the default when the sibling On has the value v.
// A sibling that is absent, or a value Values does not name, gives no default.
type Conditional struct {
	// On is the name of the sibling parameter the default depends on.
	On string
	// Values maps the sibling's value (as a string) to the default.
	Values map[string]any
}

// Num returns a pointer to x, for Param.Min and Param.Max.
func Num(x float64) *float64 { return &x }

// Schema describes what a kind accepts.
type Schema struct {
	// Params are the accepted `with:` keys.
	Params []Param
	// Inputs lists the accepted input port names; nil means any name.
	Inputs []string
	// RequiredInputs must be wired.
	RequiredInputs []string
	// Outputs says which output ports the kind writes (`data`, then
	// `rejected` with on_error: skip), for `pipeline stages`; the ports
	// themselves come from each stage's Plan.
	Outputs string
	// OpenParams passes `with:` keys the schema does not name to the stage
	// as they are (a script's own parameters); a key one letter from a
	// named parameter is still an error.
	OpenParams bool
}

// Lookup returns the parameter named name, or nil.
func (s Schema) Lookup(name string) *Param {
	for i := range s.Params {
		if s.Params[i].Name == name {
			return &s.Params[i]
		}
	}
	return nil
}
