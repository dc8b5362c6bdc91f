import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';

/** Log lines an operator reads: errors as objects with message and code, whatever was thrown or answered. */
describe('logged errors', () => {
  function lines(log: (logger: ReturnType<typeof createLogger>) => void): Record<string, any>[] {
    const out: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        out.push(String(chunk));
        done();
      },
    });
    log(createLogger('test', sink, 'info'));
    return out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  }

  it('a subgraph’s error answer (a plain object) is logged with its message and code, never [object Object]', () => {
    const [line] = lines((l) =>
      l.error({ err: { message: 'Internal server error', path: ['grid', 'cases'], extensions: { code: 'INTERNAL_SERVER_ERROR' } } }, 'subgraph error'),
    );
    expect(line.err).toEqual({ type: 'Object', message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR', path: 'grid.cases' });
    expect(JSON.stringify(line)).not.toContain('[object Object]');
  });

  it('an Error keeps its code and first line, without the values PostgreSQL quotes', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "411602-secret"\nDETAIL: more'), { code: '22P02' });
    const [line] = lines((l) => l.error({ err: error }, 'failed'));
    expect(line.err).toMatchObject({ type: 'Error', message: 'invalid input syntax for type uuid: "[redacted]"', code: '22P02' });
  });
});
