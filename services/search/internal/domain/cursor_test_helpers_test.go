package domain

import "encoding/base64"

// EncodeCursorRaw wraps any JSON as a cursor, to forge ones the service never gave out.
func EncodeCursorRaw(json string) string { return base64.RawURLEncoding.EncodeToString([]byte(json)) }
