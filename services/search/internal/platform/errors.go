package platform

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// AppError is an error a client may see: the body is always {"error": {"code", "message"}}
// with the same codes and statuses as the TypeScript services.
type AppError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter int
}

func (e *AppError) Error() string { return e.Code + ": " + e.Message }

func BadRequest(message string) *AppError {
	return &AppError{http.StatusBadRequest, "VALIDATION_FAILED", message, 0}
}
func Unauthorized(message string) *AppError {
	return &AppError{http.StatusUnauthorized, "UNAUTHORIZED", message, 0}
}
func NotFound(what string) *AppError {
	return &AppError{http.StatusNotFound, "NOT_FOUND", what + " not found", 0}
}
func MethodNotAllowed() *AppError {
	return &AppError{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "method not allowed on this route", 0}
}

// Unavailable is a dependency that does not answer now: 503 with Retry-After.
func Unavailable(message string) *AppError {
	return &AppError{http.StatusServiceUnavailable, "UNAVAILABLE", message, 2}
}

// WriteJSON answers with a JSON body.
func WriteJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("content-type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// WriteError answers with our error model; anything not an AppError is a 500 whose detail
// stays in the logs.
func WriteError(w http.ResponseWriter, err error) {
	var app *AppError
	if !errors.As(err, &app) {
		app = &AppError{http.StatusInternalServerError, "INTERNAL", "internal error", 0}
	}
	if app.RetryAfter > 0 {
		w.Header().Set("retry-after", strconv.Itoa(app.RetryAfter))
	}
	WriteJSON(w, app.Status, map[string]any{"error": map[string]string{"code": app.Code, "message": app.Message}})
}
