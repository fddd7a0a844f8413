package claude

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// schema is the small part of JSON Schema the tools need: objects of
// strings, integers, numbers and booleans, with enums, ranges and lengths.
// The same value is sent to the model as the tool's input_schema and checks
// what the model sends back, so the two cannot drift apart. (No JSON Schema
// validator is in the module graph; this subset is a page of code.)
type schema struct {
	Type        string
	Description string
	Enum        []any // strings or integers
	Min, Max    *float64
	MaxLength   int
	Properties  map[string]*schema
	Required    []string
	// MinProperties > 0 rejects an object with fewer fields.
	MinProperties int
}

// MarshalJSON renders s as JSON Schema. Objects never allow unknown fields.
func (s *schema) MarshalJSON() ([]byte, error) {
	m := map[string]any{"type": s.Type}
	if s.Description != "" {
		m["description"] = s.Description
	}
	if len(s.Enum) > 0 {
		m["enum"] = s.Enum
	}
	if s.Min != nil {
		m["minimum"] = *s.Min
	}
	if s.Max != nil {
		m["maximum"] = *s.Max
	}
	if s.MaxLength > 0 {
		m["maxLength"] = s.MaxLength
	}
	if s.Type == "object" {
		m["properties"] = orEmpty(s.Properties)
		m["additionalProperties"] = false
		if len(s.Required) > 0 {
			m["required"] = s.Required
		}
		if s.MinProperties > 0 {
			m["minProperties"] = s.MinProperties
		}
	}
	return json.Marshal(m)
}

func orEmpty(p map[string]*schema) map[string]*schema {
	if p == nil {
		return map[string]*schema{}
	}
	return p
}

// validate checks raw JSON against s. The error names the field and what
// was expected, written for the model to correct its call.
func (s *schema) validate(raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage(`{}`)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("the input is not valid JSON: %v", err)
	}
	if dec.More() {
		return fmt.Errorf("the input has trailing data after the JSON object")
	}
	return s.check("input", v)
}

func (s *schema) check(path string, v any) error {
	switch s.Type {
	case "object":
		return s.checkObject(path, v)
	case "string":
		return s.checkString(path, v)
	case "integer", "number":
		return s.checkNumber(path, v)
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s must be true or false", path)
		}
		return nil
	}
	return fmt.Errorf("%s has an unsupported schema type %q", path, s.Type)
}

func (s *schema) checkObject(path string, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s must be a JSON object", path)
	}
	for _, name := range s.Required {
		if _, ok := obj[name]; !ok {
			return fmt.Errorf("%s is missing the required field %q", path, name)
		}
	}
	if len(obj) < s.MinProperties {
		return fmt.Errorf("%s needs at least %d field(s); allowed: %s", path, s.MinProperties, s.fieldList())
	}
	for _, name := range sortedKeys(obj) {
		sub, ok := s.Properties[name]
		if !ok {
			return fmt.Errorf("%s has an unknown field %q; allowed: %s", path, name, s.fieldList())
		}
		if err := sub.check(field(path, name), obj[name]); err != nil {
			return err
		}
	}
	return nil
}

func (s *schema) checkString(path string, v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string", path)
	}
	if s.MaxLength > 0 && utf8.RuneCountInString(str) > s.MaxLength {
		return fmt.Errorf("%s is too long: at most %d characters", path, s.MaxLength)
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, any(str)) {
		return fmt.Errorf("%s is %q, which is not one of %s", path, str, enumList(s.Enum))
	}
	return nil
}

func (s *schema) checkNumber(path string, v any) error {
	n, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("%s must be %s", path, article(s.Type))
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return fmt.Errorf("%s must be a finite number", path)
	}
	if s.Type == "integer" && f != math.Trunc(f) {
		return fmt.Errorf("%s must be a whole number, not %s", path, n)
	}
	if (s.Min != nil && f < *s.Min) || (s.Max != nil && f > *s.Max) {
		return fmt.Errorf("%s is %s, outside the allowed range %s", path, n, s.rangeText())
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(f) }) {
		return fmt.Errorf("%s is %s, which is not one of %s", path, n, enumList(s.Enum))
	}
	return nil
}

func article(typ string) string {
	if typ == "integer" {
		return "an integer"
	}
	return "a " + typ
}

func (s *schema) rangeText() string {
	switch {
	case s.Min != nil && s.Max != nil:
		return fmt.Sprintf("%g to %g", *s.Min, *s.Max)
	case s.Min != nil:
		return fmt.Sprintf("at least %g", *s.Min)
	}
	return fmt.Sprintf("at most %g", *s.Max)
}

func (s *schema) fieldList() string {
	if len(s.Properties) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(s.Properties), ", ")
}

func field(path, name string) string {
	if path == "input" {
		return name
	}
	return path + "." + name
}

func enumList(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Schema constructors keep the tool table readable.

func object(required []string, props map[string]*schema) *schema {
	return &schema{Type: "object", Properties: props, Required: required}
}

func str(desc string, maxLen int) *schema {
	return &schema{Type: "string", Description: desc, MaxLength: maxLen}
}

func oneOf(desc string, values []string) *schema {
	s := &schema{Type: "string", Description: desc}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}

func integer(desc string, lo, hi float64) *schema {
	return &schema{Type: "integer", Description: desc, Min: &lo, Max: &hi}
}

func number(desc string, lo, hi float64) *schema {
	return &schema{Type: "number", Description: desc, Min: &lo, Max: &hi}
}

func boolean(desc string) *schema { return &schema{Type: "boolean", Description: desc} }
