package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Claims are the claims of an ID token that matter to trusted publishing.
// They come from [ParseClaims], which does NOT verify the token: use them
// for display and diagnosis only, never for a security decision. The JSON
// field names are the claim names, except expires and issued_at (RFC 3339
// times rather than exp and iat's Unix seconds); they are stable for
// `pyup whoami --json`.
type Claims struct {
	Issuer            string    `json:"iss,omitempty"`
	Subject           string    `json:"sub,omitempty"`
	Audience          []string  `json:"aud,omitempty"`
	Repository        string    `json:"repository,omitempty"`
	RepositoryOwner   string    `json:"repository_owner,omitempty"`
	RepositoryOwnerID string    `json:"repository_owner_id,omitempty"`
	WorkflowRef       string    `json:"workflow_ref,omitempty"`
	JobWorkflowRef    string    `json:"job_workflow_ref,omitempty"`
	Ref               string    `json:"ref,omitempty"`
	Environment       string    `json:"environment,omitempty"`
	EventName         string    `json:"event_name,omitempty"`
	Expires           time.Time `json:"expires,omitzero"`   // exp; zero if absent
	IssuedAt          time.Time `json:"issued_at,omitzero"` // iat; zero if absent
	JTI               string    `json:"jti,omitempty"`
}

// ParseClaims decodes the payload of a compact JWT without verifying its
// signature. The error never contains the token.
func ParseClaims(idToken string) (*Claims, error) {
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("parsing ID token claims: %w: not a JWT (%d dot-separated parts)", ErrMalformedResponse, len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("parsing ID token claims: %w: payload is not base64url", ErrMalformedResponse)
	}
	var raw struct {
		Iss               string          `json:"iss"`
		Sub               string          `json:"sub"`
		Aud               json.RawMessage `json:"aud"`
		Repository        string          `json:"repository"`
		RepositoryOwner   string          `json:"repository_owner"`
		RepositoryOwnerID json.RawMessage `json:"repository_owner_id"`
		WorkflowRef       string          `json:"workflow_ref"`
		JobWorkflowRef    string          `json:"job_workflow_ref"`
		Ref               string          `json:"ref"`
		Environment       string          `json:"environment"`
		EventName         string          `json:"event_name"`
		Exp               *float64        `json:"exp"`
		Iat               *float64        `json:"iat"`
		JTI               string          `json:"jti"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("parsing ID token claims: %w: payload is not a JSON object of claims", ErrMalformedResponse)
	}
	c := &Claims{
		Issuer:            raw.Iss,
		Subject:           raw.Sub,
		Repository:        raw.Repository,
		RepositoryOwner:   raw.RepositoryOwner,
		RepositoryOwnerID: stringish(raw.RepositoryOwnerID),
		WorkflowRef:       raw.WorkflowRef,
		JobWorkflowRef:    raw.JobWorkflowRef,
		Ref:               raw.Ref,
		Environment:       raw.Environment,
		EventName:         raw.EventName,
		Expires:           unixTime(raw.Exp),
		IssuedAt:          unixTime(raw.Iat),
		JTI:               raw.JTI,
	}
	if len(raw.Aud) > 0 {
		var one string
		if json.Unmarshal(raw.Aud, &one) == nil {
			c.Audience = []string{one}
		} else if err := json.Unmarshal(raw.Aud, &c.Audience); err != nil {
			return nil, fmt.Errorf("parsing ID token claims: %w: aud is neither a string nor a list of strings", ErrMalformedResponse)
		}
	}
	return c, nil
}

// stringish renders a JSON string or number claim as a string.
func stringish(m json.RawMessage) string {
	if len(m) == 0 || string(m) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return string(m)
}

func unixTime(f *float64) time.Time {
	if f == nil {
		return time.Time{}
	}
	sec, frac := math.Modf(*f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// Lines renders the claims a trusted publisher is matched against, one
// "name: value" per line, in the order sub, repository, repository_owner,
// repository_owner_id, workflow_ref, job_workflow_ref, ref, environment,
// with MISSING for an absent claim. A nil *Claims renders every claim as
// MISSING.
func (c *Claims) Lines() []string {
	var z Claims
	if c == nil {
		c = &z
	}
	v := func(s string) string {
		if s == "" {
			return "MISSING"
		}
		return s
	}
	return []string{
		"sub: " + v(c.Subject),
		"repository: " + v(c.Repository),
		"repository_owner: " + v(c.RepositoryOwner),
		"repository_owner_id: " + v(c.RepositoryOwnerID),
		"workflow_ref: " + v(c.WorkflowRef),
		"job_workflow_ref: " + v(c.JobWorkflowRef),
		"ref: " + v(c.Ref),
		"environment: " + v(c.Environment),
	}
}

// Warnings returns advice about claims PyPI is known to treat specially:
// a job_workflow_ref that differs from workflow_ref (a reusable workflow,
// which PyPI does not support: the publisher is matched against the called
// workflow's file, so a reusable workflow in another repository cannot
// match), and the pull_request_target event, which PyPI refuses. It returns
// nil for a nil *Claims or when there is nothing to say.
func Warnings(c *Claims) []string {
	if c == nil {
		return nil
	}
	var w []string
	if c.WorkflowRef != "" && c.JobWorkflowRef != "" && c.WorkflowRef != c.JobWorkflowRef {
		w = append(w, fmt.Sprintf("the token comes from a reusable workflow (job_workflow_ref %s, called from workflow_ref %s): PyPI does not support reusable workflows for trusted publishing; the publisher is matched against job_workflow_ref's workflow file", c.JobWorkflowRef, c.WorkflowRef))
	}
	if c.EventName == "pull_request_target" {
		w = append(w, "the workflow was triggered by pull_request_target: PyPI refuses to mint tokens for that event")
	}
	return w
}
