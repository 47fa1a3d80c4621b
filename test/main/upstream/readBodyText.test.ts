import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyText, transportFailureOf } from '../../../main/upstream/client.ts';

const failureOf = (promise: Promise<string>) =>
  promise.then(
    () => undefined,
    (err: unknown) => transportFailureOf(err),
  );

describe('readBodyText', () => {
  it('joins the chunks of a body, a character split between them too', async () => {
    const euro = Buffer.from('€');
    const body = Readable.from([Buffer.from('a'), euro.subarray(0, 1), euro.subarray(1)]);
    await expect(readBodyText(body)).resolves.toBe('a€');
  });

  it('reads a body of one chunk, and an empty one', async () => {
    await expect(readBodyText(Readable.from([Buffer.from('{"ok":true}')]))).resolves.toBe(
      '{"ok":true}',
    );
    await expect(readBodyText(Readable.from([]))).resolves.toBe('');
  });

  it('rejects with what broke the body mid-way', async () => {
    const body = new PassThrough();
    const read = readBodyText(body);
    body.write('par');
    body.destroy(new Error('other side closed'));
    await expect(read).rejects.toThrow('other side closed');
  });

  it('rejects a body that closed before its end as a reset connection', async () => {
    const body = new PassThrough();
    const read = failureOf(readBodyText(body));
    body.write('par');
    body.destroy();
    const failure = await read;
    expect(failure?.kind).toBe('reset');
    expect(failure?.message).toBe(
      'the connection to the provider failed (ERR_STREAM_PREMATURE_CLOSE)',
    );
  });

  it('rejects a body that had already failed or closed when reading began', async () => {
    const errored = new PassThrough();
    errored.on('error', () => undefined);
    errored.destroy(new Error('gone before'));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(readBodyText(errored)).rejects.toThrow('gone before');
    const closed = new PassThrough();
    closed.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await failureOf(readBodyText(closed)))?.message).toBe(
      'the connection to the provider failed (ERR_STREAM_PREMATURE_CLOSE)',
    );
  });

  it('stops at the limit and destroys the body', async () => {
    const body = new PassThrough();
    const read = readBodyText(body, 4);
    body.write('12345');
    await expect(read).rejects.toThrow("the provider's answer exceeded 4 bytes");
    expect(body.destroyed).toBe(true);
  });
});
