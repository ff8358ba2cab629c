import { accept, reject, typeName, type Parsed } from '../validation';

/** Kafka values are JSON in UTF-8 (SPEC). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The message value as a JSON object, or the reason it is not one. */
export function parseJsonObject(value: Buffer | null): Parsed<Record<string, unknown>> {
  if (value === null || value.length === 0) return reject('empty value');
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return reject('not UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the error, which may be personal data.
    return reject('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject(`not a JSON object: ${typeName(parsed)}`);
  }
  return accept(parsed as Record<string, unknown>);
}
