/**
 * Host-side validation: every request is checked here before a service sees it, and every result
 * before it leaves the host. The renderer never imports this (lint forbids it): it trusts nothing
 * it sends, the host checks.
 */
import { fail, ok, type Result } from '../../diagnostics.js';
import { findJsonProblem, formatBytes, quote, type JsonProblem } from '../../network/limits.js';
import { METHODS, describeIssues, protocolError, type HandlerParams } from '../contract.js';
import { METHOD_NAMES, isMethodName, type MethodName } from '../names.js';

/**
 * Walks a parsed payload once before any schema: refuses prototype-pollution keys, excessive depth,
 * more than `maxBytes` of JSON and non-JSON values. Returns a sentence describing the first problem,
 * or undefined. Allocates nothing per element, so a huge payload costs one pass, not its size again.
 */
export function findHostileContent(value: unknown, maxBytes?: number): JsonProblem | undefined {
  return findJsonProblem(value, { root: 'params', strict: true, ...(maxBytes === undefined ? {} : { maxBytes }) });
}

/** The refusal of a request larger than its method's limit, as both transports word it. */
export function tooLargeMessage(method: MethodName, bytes: number | undefined): string {
  const size = bytes === undefined ? 'is larger than that' : `is ${formatBytes(bytes)}`;
  return `The request '${method}' was refused: it may be at most ${formatBytes(METHODS[method].maxBytes)} and this one ${size}. Large data goes by file: import or upload it, then pass its path.`;
}

/** A validated request, ready for its handler. */
export interface ValidRequest<M extends MethodName = MethodName> {
  method: M;
  params: HandlerParams<M>;
}

/**
 * Checks one request against the contract: the method must exist, the payload must be plain JSON
 * without hostile keys, and the params must match the method's schema. Never throws.
 */
export function validateRequest(method: unknown, params: unknown): Result<ValidRequest> {
  if (!isMethodName(method)) {
    return fail(
      protocolError(
        'api.method.unknown',
        `The request method ${quote(method)} is not part of the TRT Studio API; expected one of ${METHOD_NAMES.length} names such as 'project.open'.`,
      ),
    );
  }
  // Electron's IPC hands over objects, not text: the walk's size estimate enforces the method's limit.
  const hostile = findHostileContent(params ?? {}, METHODS[method].maxBytes);
  if (hostile?.bound === 'bytes') return fail(protocolError('api.message.tooLarge', tooLargeMessage(method, undefined)));
  if (hostile) return fail(protocolError('api.params.refused', `The request '${method}' was refused: ${hostile.message}`));
  const parsed = METHODS[method].params.safeParse(params ?? {});
  if (!parsed.success) return fail(protocolError('api.params.invalid', describeIssues(method, parsed.error.issues, params)));
  return ok({ method, params: parsed.data as HandlerParams<MethodName> });
}

/** Checks what a handler returns before it leaves the host, so a service bug surfaces as a Diagnostic, not a broken UI. */
export function validateResult(method: MethodName, value: unknown): Result<unknown> {
  const parsed = METHODS[method].result.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return fail(
    protocolError(
      'api.result.invalid',
      `The host produced an invalid result for '${method}': ${describeIssues(method, parsed.error.issues, value).replace(/^The request '[^']*' was refused: /, '')}`,
    ),
  );
}
