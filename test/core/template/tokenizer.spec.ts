import assert from 'node:assert/strict';
import { tokenize } from '../../../src/template/tokenizer';
import { TemplateConfigError } from '../../../src/template/errors';

describe('template tokenizer', () => {
  it('splits text and placeholders, trimming spaces inside the braces', () => {
    assert.deepEqual(tokenize('Hi {{ printer.name }}!', 'body'), [
      'Hi ',
      { kind: 'placeholder', source: 'printer.name', root: 'event', path: ['printer', 'name'], fallback: undefined },
      '!',
    ]);
  });

  it('roots msg.* paths at the msg and $names at node-supplied values', () => {
    const [msg] = tokenize('{{msg.topic}}', 'body');
    const [special] = tokenize('{{$token}}', 'body');
    assert.equal(typeof msg !== 'string' && msg.root, 'msg');
    assert.deepEqual(typeof msg !== 'string' && msg.path, ['topic']);
    assert.equal(typeof special !== 'string' && special.root, 'special');
  });

  it('keeps list indexes as path segments', () => {
    const [p] = tokenize('{{raw.hms.0.code}}', 'body');
    assert.deepEqual(typeof p !== 'string' && p.path, ['raw', 'hms', '0', 'code']);
  });

  it('parses defaults: JSON literals keep their type, other text stays text', () => {
    const cases: [string, unknown][] = [
      ['{{a|42}}', 42],
      ['{{a|-1.5}}', -1.5],
      ['{{a|true}}', true],
      ['{{a|"quoted"}}', 'quoted'],
      ['{{a|unknown file}}', 'unknown file'],
      ['{{a|}}', ''],
    ];
    for (const [text, expected] of cases) {
      const [p] = tokenize(text, 'body');
      assert.deepEqual(typeof p !== 'string' && p.fallback, { value: expected }, text);
    }
  });

  it('reads \\{{ as a literal "{{" that is not a placeholder', () => {
    assert.deepEqual(tokenize('a \\{{job.file}} b', 'body'), ['a {{job.file}} b']);
  });

  it('leaves single braces, @ and e-mail addresses alone', () => {
    assert.deepEqual(tokenize('{a} @topic me@example.com }}', 'body'), ['{a} @topic me@example.com }}']);
  });

  const refused: [string, RegExp][] = [
    ['{{job.file', /never closed/],
    ['{{ }}', /empty placeholder/],
    ['{{a..b}}', /empty segment/],
    ['{{__proto__.x}}', /refused/],
    ['{{job.constructor}}', /refused/],
    ['{{a.prototype}}', /refused/],
    ['{{$secret}}', /unknown placeholder/],
    ['{{msg}}', /name a msg property/],
    ['{{a {{b}}', /never closed/],
  ];
  for (const [text, pattern] of refused) {
    it(`refuses ${JSON.stringify(text)} with a message naming the field`, () => {
      assert.throws(() => tokenize(text, 'body'), (err: unknown) => err instanceof TemplateConfigError && err.message.startsWith('body: ') && pattern.test(err.message));
    });
  }
});
