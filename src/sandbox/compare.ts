import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (client secrets, cookie tokens) in constant time. Hashing first gives equal
 * lengths, so neither the content nor the length leaks through timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
