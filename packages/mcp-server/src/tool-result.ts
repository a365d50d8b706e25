// What a tool hands back to the model: JSON as text, an image as image content, and Platen's errors
// as tool errors (isError) carrying its code and message, so the model can correct its call rather
// than the host seeing a protocol failure.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PlatenApiError } from '@platen/client';

export const jsonText = (value: unknown) => ({ type: 'text' as const, text: JSON.stringify(value, null, 2) });

export function toolError(code: string, message: string, details?: Record<string, unknown>): CallToolResult {
  const detail = details && Object.keys(details).length > 0 ? `\n${JSON.stringify(details)}` : '';
  return { isError: true, content: [{ type: 'text', text: `${code}: ${message}${detail}` }] };
}

/** Runs a tool body; a PlatenApiError (or any other failure) becomes a tool error. */
export async function asToolResult(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PlatenApiError) return toolError(error.code, error.message, error.details);
    return toolError('CLIENT_ERROR', error instanceof Error ? error.message : String(error));
  }
}
