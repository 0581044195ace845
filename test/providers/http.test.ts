import { describe, expect, it } from 'vitest';
import { displayUrl, httpError, parseRetryAfter, redact, upstreamMessage } from '../../main/providers/http.js';

describe('http helpers', () => {
  it('parses Retry-After as seconds, HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '7' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('reads OpenAI, Anthropic, Ollama, Gemini and HTML error bodies', () => {
    expect(upstreamMessage('{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}')).toEqual({ message: 'bad key', code: 'invalid_api_key', param: undefined });
    expect(upstreamMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toMatchObject({ message: 'Overloaded', code: 'overloaded_error' });
    expect(upstreamMessage('{"error":"model not found"}')).toEqual({ message: 'model not found' });
    expect(upstreamMessage('[{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}]').message).toBe('API key not valid');
    expect(upstreamMessage('<html><title>502 Bad Gateway</title></html>').message).toBe('an HTML page ("502 Bad Gateway")');
    expect(upstreamMessage('').message).toBe('(empty body)');
  });

  it('maps statuses to kinds', () => {
    const who = { provider: 'p', endpoint: 'http://x' };
    expect(httpError(who, 429, '').kind).toBe('rate_limited');
    expect(httpError(who, 401, '').kind).toBe('auth');
    expect(httpError(who, 403, '').kind).toBe('permission');
    expect(httpError(who, 400, '').kind).toBe('invalid_request');
    expect(httpError(who, 422, '').kind).toBe('invalid_request');
    expect(httpError(who, 502, '')).toMatchObject({ kind: 'upstream_http', status: 502, upstreamStatus: 502, provider: 'p' });
  });

  it('never shows credentials or queries, and redacts keys', () => {
    expect(displayUrl('https://user:pw@api.example.com/v1/?key=abc')).toBe('https://api.example.com/v1');
    expect(redact('key sk-abcdef123456 and mysecretvalue', ['mysecretvalue'])).toBe('key [redacted] and [redacted]');
    expect(redact('bad AIzaSyA1234567890abcdefghijklmn, sk-ant-api03-xyz123, gsk_abcdef1234')).toBe('bad [redacted], [redacted], [redacted]');
    expect(redact('Missing key_values and task-123')).toBe('Missing key_values and task-123');
  });
});
