import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { visit, type DocumentNode } from 'graphql';
import { refusedInput } from './errors';

/*
 * Text PostgreSQL cannot store never reaches it: a NUL character (PostgreSQL refuses it in text,
 * "invalid byte sequence for encoding UTF8: 0x00", SQLSTATE 22021) or half of a UTF-16 surrogate pair
 * (not a character at all; it would be stored as U+FFFD). Such a string anywhere in an operation's
 * variables or in its string literals is refused up front, naming where it is, for every field alike.
 */

/** A NUL, or a surrogate that is not part of a pair. */
// eslint-disable-next-line no-control-regex -- finding a NUL is the point: PostgreSQL refuses it in text
export const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function what(text: string): string {
  return text.includes('\u0000') ? 'a NUL character (\\u0000)' : 'an unpaired UTF-16 surrogate (not a character)';
}

/** The path (`$input.name`, `$list[2]`) and text of the first bad string in variables, keys included; iterative, so any nesting is safe. */
export function findBadText(value: unknown, path: string): { path: string; text: string } | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v)) return { path: at, text: v };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v && typeof v === 'object') {
      for (const key of Object.keys(v).reverse()) {
        if (BAD_TEXT.test(key)) return { path: `${at} (a key)`, text: key };
        stack.push([(v as Record<string, unknown>)[key], `${at}.${key}`]);
      }
    }
  }
  return undefined;
}

/** The first string literal of the document holding bad text, with the argument it is given to. */
/** findBadLiteral's answer per parsed document (Apollo Server hands the same document to every request of the same text). */
const literalVerdicts = new WeakMap<DocumentNode, { argument?: string; text: string } | null>();

function findBadLiteral(document: DocumentNode): { argument?: string; text: string } | undefined {
  let verdict = literalVerdicts.get(document);
  if (verdict === undefined) {
    verdict = walkLiterals(document) ?? null;
    literalVerdicts.set(document, verdict);
  }
  return verdict ?? undefined;
}

function walkLiterals(document: DocumentNode): { argument?: string; text: string } | undefined {
  let found: { argument?: string; text: string } | undefined;
  const argumentNames: string[] = [];
  visit(document, {
    Argument: {
      enter: (node) => void argumentNames.push(node.name.value),
      leave: () => void argumentNames.pop(),
    },
    StringValue(node) {
      if (!found && BAD_TEXT.test(node.value)) found = { argument: argumentNames.at(-1), text: node.value };
    },
  });
  return found;
}

/** Refuses, before anything runs, an operation whose variables or literals carry text PostgreSQL cannot store. */
export function textInputPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          for (const [name, value] of Object.entries(request.variables ?? {})) {
            if (BAD_TEXT.test(name)) throw refusedInput(`A variable name contains ${what(name)}: send variables under the names the operation declares.`);
            const bad = findBadText(value, `$${name}`);
            if (bad)
              throw refusedInput(
                `Variable ${bad.path} contains ${what(bad.text)}, which is not accepted in text: remove it and send the operation again.`,
                name,
              );
          }
          const inExtensions = findBadText(request.extensions, 'extensions');
          if (inExtensions)
            throw refusedInput(`The request's ${inExtensions.path} contains ${what(inExtensions.text)}, which is not accepted in text: remove it.`);
          const literal = findBadLiteral(document);
          if (literal) {
            const where = literal.argument ? `The value of argument "${literal.argument}"` : 'A string in the operation';
            throw refusedInput(
              `${where} contains ${what(literal.text)}, which is not accepted in text: remove it and send the operation again.`,
              literal.argument,
            );
          }
        },
      };
    },
  };
}
