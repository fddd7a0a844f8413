package shoot

import "slices"

// oneOf reports whether v is one of values: the check behind each enum
// type's Valid.
func oneOf[T ~string](v T, values ...string) bool { return slices.Contains(values, string(v)) }
