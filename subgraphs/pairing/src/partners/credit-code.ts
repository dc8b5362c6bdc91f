/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, Z, S, V):
 * 1 registering authority (5 civil affairs, 9 market regulation…), 2 kind of organisation,
 * 3–8 the administrative division of registration, 9–17 the organisation code, 18 a check character.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Why `code` is not a valid unified social credit code, or undefined when it is. `authority` is the
 * expected first character ('5' civil affairs for social organisations, '9' market regulation for enterprises).
 */
export function creditCodeProblem(code: string, authority?: { char: string; name: string }): string | undefined {
  if (code.length !== 18) return `a unified social credit code has 18 characters; "${code}" has ${code.length}`;
  if (!SHAPE.test(code)) {
    return `"${code}" is not a unified social credit code: use capitals and digits only (never I, O, Z, S or V), and digits in places 3 to 8 (the division of registration)`;
  }
  const expected = creditCodeCheck(code.slice(0, 17));
  if (code[17] !== expected)
    return `"${code}" fails its check character: the 18th character should be ${expected} for the first 17 given — check for a typing error`;
  if (authority && code[0] !== authority.char) {
    return `"${code}" was not issued by ${authority.name}: the code of ${authority.name.replace(/^the /, '')} registrations begins with ${authority.char}`;
  }
  return undefined;
}

/** A valid code made from its parts (demo data; tests): authority, kind, 6-digit division and a 9-character body. */
export function makeCreditCode(authority: string, kind: string, division: string, body: string): string {
  const first17 = `${authority}${kind}${division}${body}`;
  if (first17.length !== 17) throw new Error(`credit code parts make ${first17.length} characters, not 17`);
  return first17 + creditCodeCheck(first17);
}
