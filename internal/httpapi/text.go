package httpapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// checkStrings applies shoot.CheckText to every string a decoded body
// holds — struct fields by their JSON names, map keys and values, list
// items, and the strings inside raw JSON fields — so every text field of
// every endpoint is held to one rule, named by its path ("options.pose").
func checkStrings(v any) error {
	return walkStrings(reflect.ValueOf(v), "")
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

func walkStrings(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkStrings(v.Elem(), path)
	case reflect.String:
		return shoot.CheckText(fieldName(path), v.String())
	case reflect.Struct:
		return walkStruct(v, path)
	case reflect.Map:
		return walkMap(v, path)
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessage {
			return walkRaw(v.Bytes(), path)
		}
		for i := range v.Len() {
			if err := walkStrings(v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

func walkStruct(v reflect.Value, path string) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if err := walkStrings(v.Field(i), join(path, name)); err != nil {
			return err
		}
	}
	return nil
}

func walkMap(v reflect.Value, path string) error {
	iter := v.MapRange()
	for iter.Next() {
		if k := iter.Key(); k.Kind() == reflect.String {
			if err := shoot.CheckText(fieldName(path)+" key", k.String()); err != nil {
				return err
			}
		}
		if err := walkStrings(iter.Value(), join(path, iter.Key().String())); err != nil {
			return err
		}
	}
	return nil
}

func walkRaw(raw []byte, path string) error {
	var val any
	if len(raw) == 0 || json.Unmarshal(raw, &val) != nil {
		return nil // not JSON: the field's own decoder refuses it
	}
	return walkStrings(reflect.ValueOf(&val), path)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func fieldName(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}
