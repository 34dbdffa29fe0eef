/**
 * Constant-time comparison of an offered value with the expected one: the loop always runs over the
 * whole expected string and has no early exit, so its time depends only on the expected length
 * (public: a digest's length). A JS loop rather than crypto.timingSafeEqual, because that needs two
 * Buffers per comparison, which cost more than the HMAC of a 1 KiB body.
 */
export function safeEqual(offered: string, expected: string): boolean {
  let diff = offered.length ^ expected.length;
  for (let i = 0; i < expected.length; i += 1) {
    // charCodeAt past the end of a shorter `offered` is NaN, which counts as 0; the length already differs.
    diff |= offered.charCodeAt(i) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}
